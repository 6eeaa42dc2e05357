#include "widgets/boardspanel.h"

#include "core/board/boardspec.h"
#include "remote/ssh/sshsession.h"
#include "widgets/boarddialog.h"
#include "widgets/boardlistmodel.h"
#include "widgets/boardsessionpool.h"
#include "widgets/boardmonitorview.h"
#include "widgets/boardspecview.h"

#include <QHBoxLayout>
#include <QApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTime>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace dvfo {

namespace {
HostKeyDecision askHostKey(QWidget* parent, const HostKeyInfo& k) {
    QMessageBox box(parent);
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(QObject::tr("Unknown host key"));
    box.setText(QObject::tr("The authenticity of host <b>%1</b> can't be established.")
                    .arg(QString::fromStdString(k.host).toHtmlEscaped()));
    box.setInformativeText(
        QObject::tr("%1 key fingerprint is\n%2\n\nTrust it only if it matches the board's key "
                    "(ssh-keygen -lf /etc/ssh/ssh_host_%3_key.pub on the board).")
            .arg(QString::fromStdString(k.keyType), QString::fromStdString(k.fingerprint),
                 QString::fromStdString(k.keyType).remove("ssh-")));
    auto* save = box.addButton(QObject::tr("Trust and remember"), QMessageBox::AcceptRole);
    auto* once = box.addButton(QObject::tr("Trust once"), QMessageBox::YesRole);
    box.addButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() == save)
        return HostKeyDecision::AcceptAndSave;
    if (box.clickedButton() == once)
        return HostKeyDecision::AcceptOnce;
    return HostKeyDecision::Reject;
}
} // namespace

BoardsPanel::BoardsPanel(QWidget* parent, const QString& registryPath, BoardSessionPool* pool)
    : QWidget(parent),
      registry_(registryPath.isEmpty() ? BoardRegistry::defaultPath() : registryPath.toStdString()),
      model_(new BoardListModel(this)), table_(new QTableView), specView_(new BoardSpecView),
      monitorView_(new BoardMonitorView), status_(new QLabel), log_(new QPlainTextEdit),
      detailTabs_(new QTabWidget) {
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);

    add_ = new QPushButton(tr("&Add…"));
    edit_ = new QPushButton(tr("&Edit…"));
    remove_ = new QPushButton(tr("&Remove"));
    connect_ = new QPushButton(tr("&Connect"));
    disconnect_ = new QPushButton(tr("&Disconnect"));
    auto* buttons = new QHBoxLayout;
    for (auto* b : {add_, edit_, remove_})
        buttons->addWidget(b);
    buttons->addStretch();
    buttons->addWidget(connect_);
    buttons->addWidget(disconnect_);

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(table_);
    leftLayout->addLayout(buttons);
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(500);
    log_->setPlaceholderText(tr("Connection log"));
    leftLayout->addWidget(log_, 0);
    log_->setMaximumHeight(140);

    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(status_);
    detailTabs_->addTab(specView_, tr("&Tables and rails"));
    detailTabs_->addTab(monitorView_, tr("&Monitor"));
    rightLayout->addWidget(detailTabs_);

    auto* split = new QSplitter;
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({480, 720});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(add_, &QPushButton::clicked, this, [this] {
        BoardDialog d(this);
        if (d.exec() == QDialog::Accepted)
            addBoard(d.entry());
    });
    connect(edit_, &QPushButton::clicked, this, &BoardsPanel::editSelected);
    connect(remove_, &QPushButton::clicked, this, &BoardsPanel::removeSelected);
    connect(connect_, &QPushButton::clicked, this, &BoardsPanel::connectSelected);
    connect(disconnect_, &QPushButton::clicked, this, &BoardsPanel::disconnectSelected);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateButtons();
        showSelected();
    });
    connect(table_, &QTableView::doubleClicked, this, &BoardsPanel::connectSelected);

    hostKeyAsker_ = [this](const HostKeyInfo& k) { return askHostKey(this, k); };
    if (!pool) {
        ownPool_ = std::make_unique<BoardSessionPool>(registryPath);
        pool = ownPool_.get();
    }
    pool_ = pool;
    // The questions of every session, whichever panel made it; setHostKeyAsker() replaces them.
    pool_->setHostKeyAsker([this](const HostKeyInfo& k) { return hostKeyAsker_(k); });
    pool_->setSecretAsker([this](const QString& prompt) -> std::optional<std::string> {
        bool ok = false;
        const QString v =
            QInputDialog::getText(this, tr("SSH"), prompt, QLineEdit::Password, QString(), &ok);
        if (!ok)
            return std::nullopt;
        return v.toStdString();
    });
    connect(pool_, &BoardSessionPool::sessionCreated, this, &BoardsPanel::showStates);
    // Notices of the board list (a migrated boards.json) go to this panel's log, from any thread.
    QPointer<BoardsPanel> self(this);
    BoardRegistry::setNoticeHandler([self](const std::string& notice) {
        const QString text = QString::fromStdString(notice);
        QMetaObject::invokeMethod(
            qApp,
            [self, text] {
                if (self)
                    self->log(text);
            },
            Qt::QueuedConnection);
    });
    reload();
    selectBoard(QStringLiteral("emulated:xavier-nx"));
}

BoardsPanel::~BoardsPanel() {
    BoardRegistry::setNoticeHandler({});
    if (pool_ && !ownPool_) { // the questions would outlive this panel
        pool_->setHostKeyAsker({});
        pool_->setSecretAsker({});
    }
}

BoardSession* BoardsPanel::session(const QString& board) const {
    return pool_ ? pool_->session(board) : nullptr;
}

void BoardsPanel::reload() {
    const QString current = selectedBoard();
    model_->setBoards(registry_.boards());
    if (!current.isEmpty())
        selectBoard(current);
    updateButtons();
}

QString BoardsPanel::selectedBoard() const {
    const QModelIndex i = table_->currentIndex();
    return i.isValid() ? model_->row(i.row()).name : QString();
}

void BoardsPanel::selectBoard(const QString& board) {
    const int r = model_->indexOf(board);
    if (r >= 0)
        table_->setCurrentIndex(model_->index(r, 0));
}

void BoardsPanel::updateButtons() {
    const QString b = selectedBoard();
    const int r = model_->indexOf(b);
    const bool user = r >= 0 && !model_->row(r).builtin;
    auto* s = session(b);
    const bool live = s && (s->state() == BoardSession::State::Connected ||
                            s->state() == BoardSession::State::Busy ||
                            s->state() == BoardSession::State::Connecting);
    edit_->setEnabled(user);
    remove_->setEnabled(user && !live);
    connect_->setEnabled(r >= 0 && !live);
    disconnect_->setEnabled(live);
}

void BoardsPanel::showSelected() {
    auto* s = session(selectedBoard());
    monitorView_->setSession(s);
    if (s && !s->probeResult().is_null()) {
        specView_->setSpec(BoardSpec::fromJson(s->probeResult().at("spec")),
                           s->probeResult().value("emulated", false));
        status_->setText(tr("Agent dvfo-edge %1 on %2 (%3); clocks now %4 kHz")
                             .arg(QString::fromStdString(s->probeResult().value("version", "?")),
                                  QString::fromStdString(s->probeResult().value("hostname", "?")),
                                  QString::fromStdString(s->probeResult().value("arch", "?")),
                                  QString::fromStdString(s->probeResult().value("current", "?"))));
        auto* power =
            new QTreeWidgetItem(specView_->tree(), {tr("Power now"), QString(), QString()});
        for (const auto& r : s->probeResult()["power"]["rails"])
            new QTreeWidgetItem(power, {QString::fromStdString(r["name"].get<std::string>()),
                                        tr("%1 mW").arg(r["mw"].get<double>(), 0, 'f', 0),
                                        tr("%1 mV, %2 mA")
                                            .arg(r["mv"].get<double>(), 0, 'f', 0)
                                            .arg(r["ma"].get<double>(), 0, 'f', 0)});
        power->setExpanded(true);
    } else {
        specView_->clear();
        status_->setText(s && s->state() == BoardSession::State::Failed
                             ? status_->text()
                             : tr("Connect to see the board's tables and rails."));
    }
}

BoardSession* BoardsPanel::ensureSession(const QString& board) {
    if (!pool_)
        return nullptr;
    QString error;
    BoardSession* s = pool_->ensure(board, &error);
    if (!s)
        log(error);
    return s;
}

void BoardsPanel::showStates(const QString& board, BoardSession* s) {
    connect(s, &BoardSession::status, this,
            [this, board](const QString& m) { log(board + ": " + m); });
    connect(s, &BoardSession::stateChanged, this,
            [this, board](BoardSession::State st, const QString& msg) {
                static const char* names[] = {QT_TR_NOOP("disconnected"), QT_TR_NOOP("connecting"),
                                              QT_TR_NOOP("connected"), QT_TR_NOOP("busy"),
                                              QT_TR_NOOP("failed")};
                model_->setState(board, tr(names[int(st)]));
                log(board + ": " + msg);
                if (board == selectedBoard()) {
                    if (st == BoardSession::State::Failed)
                        status_->setText(tr("<b>Cannot use %1:</b> %2")
                                             .arg(board.toHtmlEscaped(), msg.toHtmlEscaped()));
                    showSelected();
                }
                updateButtons();
                if (st == BoardSession::State::Connected)
                    emit sessionConnected(board);
                if (st == BoardSession::State::Disconnected || st == BoardSession::State::Failed)
                    emit sessionClosed(board);
            });
}

void BoardsPanel::connectSelected() {
    const QString b = selectedBoard();
    if (b.isEmpty())
        return;
    if (BoardSession* s = ensureSession(b))
        s->connectBoard();
    updateButtons();
}

void BoardsPanel::disconnectSelected() {
    if (auto* s = session(selectedBoard()))
        s->disconnectBoard();
}

void BoardsPanel::addBoard(const BoardEntry& entry) {
    try {
        registry_.modify([&](BoardRegistry& r) { r.upsert(entry); });
        log(tr("Saved board %1 in %2")
                .arg(QString::fromStdString(entry.name), QString::fromStdString(registry_.path())));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Board not saved"), QString::fromStdString(e.what()));
        return;
    }
    reload();
    selectBoard(QString::fromStdString(entry.name));
}

void BoardsPanel::editSelected() {
    const int r = model_->indexOf(selectedBoard());
    if (r < 0 || model_->row(r).builtin)
        return;
    const BoardEntry old = model_->row(r).entry;
    BoardDialog d(this, old);
    if (d.exec() != QDialog::Accepted)
        return;
    if (d.entry().name != old.name)
        registry_.modify([&](BoardRegistry& r) { r.remove(old.name); });
    if (pool_)
        pool_->close(QString::fromStdString(old.name)); // the connection used the old settings
    addBoard(d.entry());
}

void BoardsPanel::removeSelected() {
    const QString b = selectedBoard();
    if (QMessageBox::question(this, tr("Remove board"),
                              tr("Remove %1 from the board list?").arg(b)) != QMessageBox::Yes)
        return;
    try {
        registry_.modify([&](BoardRegistry& r) { r.remove(b.toStdString()); });
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Board not removed"), QString::fromStdString(e.what()));
        return;
    }
    if (pool_)
        pool_->close(b);
    reload();
}

void BoardsPanel::log(const QString& line) {
    log_->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss ")) + line);
}

} // namespace dvfo
