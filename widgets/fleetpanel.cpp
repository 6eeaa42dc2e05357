#include "widgets/fleetpanel.h"

#include "core/board/boardspec.h"
#include "core/workspace/bundlestore.h"
#include "core/workspace/profilestore.h"
#include "remote/client/boardconnector.h"
#include "remote/client/bundledeployer.h"
#include "remote/client/deploymenthistory.h"
#include "remote/client/fleetdeployer.h"
#include "widgets/boardsession.h"
#include "widgets/boardsessionpool.h"
#include "widgets/fleetmodel.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

namespace dvfo {

namespace {

const QString kStatusTag = QStringLiteral("fleet-status");
const QString kTelemetryTag = QStringLiteral("fleet-telemetry");
constexpr int kTelemetryBatch = 2000;
const QString kDeployJob = QStringLiteral("deploy"); // a deployment or a rollback, one at a time

QColor boardColor(int i) {
    static const QColor colors[] = {
        QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
        QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127)};
    return colors[i % 8];
}

QCustomPlot* makeTimePlot(const QString& yLabel) {
    auto* plot = new QCustomPlot;
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setLabel(QObject::tr("time"));
    plot->yAxis->setLabel(yLabel);
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(plot->font().family(), 8));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot->setMinimumHeight(150);
    plot->setNoAntialiasingOnDrag(true);
    return plot;
}

// Points with a NaN value are left out: QCPGraph draws a gap for them, but they also break the
// value-range autoscale.
void setSeries(QCPGraph* g, const QVector<double>& t, const QVector<double>& v) {
    QVector<double> x, y;
    x.reserve(t.size());
    y.reserve(t.size());
    for (int i = 0; i < t.size() && i < v.size(); ++i) {
        if (!std::isnan(v[i])) {
            x.push_back(t[i]);
            y.push_back(v[i]);
        }
    }
    g->setData(x, y, true); // telemetry arrives in time order
}

std::string bundleVersionOf(const nlohmann::json& status) {
    const auto it = status.find("bundleVersion");
    return it != status.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

FleetPanel::FleetPanel(QWidget* parent, const QString& registryPath, const QString& workspacePath)
    : QWidget(parent), registryPath_(registryPath), workspacePath_(workspacePath),
      model_(new FleetModel(this)), table_(new QTableView),
      latencyPlot_(makeTimePlot(tr("latency (ms)"))),
      energyPlot_(makeTimePlot(tr("energy per inference (mJ)"))),
      decisionPlot_(makeTimePlot(tr("offload share"))), root_(new QLineEdit),
      poll_(new QCheckBox(tr("Live"))), connect_(new QPushButton(tr("&Connect"))),
      deploy_(new QPushButton(tr("&Deploy bundle…"))), rollback_(new QPushButton(tr("&Roll back"))),
      export_(new QPushButton(tr("Export PNG…"))), status_(new QLabel), log_(new QPlainTextEdit),
      timer_(new QTimer(this)) {
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    // Columns follow their contents (a handful of rows): versions and decisions are never cut.
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->setAlternatingRowColors(true);
    root_->setPlaceholderText(tr("runtime root on the boards (default ~/.local/share/dvfo-edge, "
                                 "emulated boards ~/.local/share/dvfo-edge/emulated-<id>)"));
    poll_->setChecked(true);
    poll_->setToolTip(tr("Poll the connected boards' runtimes every second"));
    deploy_->setToolTip(
        tr("Upload a bundle of the workspace to the selected boards (SSH or emulated), verify, "
           "switch, restart, health-check; rolls back by itself when a step fails"));
    rollback_->setToolTip(tr("Switch the selected boards back to their previous bundle"));
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    log_->setMaximumHeight(110);

    auto* share = decisionPlot_->graph() ? decisionPlot_->graph() : decisionPlot_->addGraph();
    share->setName(tr("offload share"));
    share->setPen(QPen(QColor(44, 160, 44), 1.5));
    share->setLineStyle(QCPGraph::lsStepLeft);
    decisionPlot_->yAxis->setRange(-0.05, 1.05);
    decisionPlot_->yAxis2->setVisible(true);
    decisionPlot_->yAxis2->setLabel(tr("GPU clock (MHz)"));
    auto* gpu = decisionPlot_->addGraph(decisionPlot_->xAxis, decisionPlot_->yAxis2);
    gpu->setName(tr("GPU clock"));
    gpu->setPen(QPen(QColor(214, 39, 40), 1.5));
    gpu->setLineStyle(QCPGraph::lsStepLeft);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(connect_);
    buttons->addWidget(poll_);
    buttons->addWidget(new QLabel(tr("Runtime root:")));
    buttons->addWidget(root_, 1);
    buttons->addWidget(deploy_);
    buttons->addWidget(rollback_);
    buttons->addWidget(export_);

    auto* plots = new QSplitter(Qt::Vertical);
    plots->addWidget(latencyPlot_);
    plots->addWidget(energyPlot_);
    plots->addWidget(decisionPlot_);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(table_);
    split->addWidget(plots);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 4);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    layout->addWidget(log_);
    layout->addWidget(status_);

    connect(connect_, &QPushButton::clicked, this, [this] {
        for (const QString& b : targetBoards())
            connectBoard(b);
    });
    connect(deploy_, &QPushButton::clicked, this, &FleetPanel::chooseAndDeploy);
    connect(rollback_, &QPushButton::clicked, this, [this] { rollback(targetBoards()); });
    connect(export_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Export plots"), QStringLiteral("fleet.png"), tr("PNG (*.png);;PDF (*.pdf)"));
        if (file.isEmpty())
            return;
        const bool pdf = file.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive);
        const QString base = file.left(file.lastIndexOf('.'));
        int i = 0;
        for (QCustomPlot* p : {latencyPlot_, energyPlot_, decisionPlot_}) {
            const QString name =
                base + (i++ ? QStringLiteral("-%1").arg(i) : QString()) + (pdf ? ".pdf" : ".png");
            pdf ? p->savePdf(name) : p->savePng(name);
        }
        status_->setText(tr("Saved %1").arg(file));
    });
    connect(poll_, &QCheckBox::toggled, this,
            [this](bool on) { on ? timer_->start() : timer_->stop(); });
    connect(timer_, &QTimer::timeout, this, &FleetPanel::pollNow);
    connect(model_, &FleetModel::telemetryAppended, this, [this] { refreshPlots(); });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { refreshPlots(); });
    timer_->setInterval(1000);
    timer_->start();
    reloadBoards();
}

FleetPanel::~FleetPanel() {
    // Sessions die after this object's members (as children, or in another panel): stop their
    // signals reaching a half-destroyed panel, then close our own sessions while members live.
    for (BoardSession* s : std::as_const(watched_))
        disconnect(s, nullptr, this, nullptr);
    watched_.clear();
    ownPool_.reset();
}

void FleetPanel::setSessionPool(BoardSessionPool* pool) {
    pool_ = pool;
    // Sessions any panel opens are watched at once: a connection made in the Boards tab polls.
    connect(pool_, &BoardSessionPool::sessionCreated, this,
            [this](const QString&, BoardSession* s) { watch(s); });
    for (const QString& board : pool_->boards())
        watch(pool_->session(board));
}

BoardSessionPool* FleetPanel::sessions() {
    if (!pool_) { // on its own (tests): its own sessions
        ownPool_ = std::make_unique<BoardSessionPool>(registryPath_);
        setSessionPool(ownPool_.get());
    }
    return pool_;
}

void FleetPanel::setRuntimeRoot(const QString& root) {
    root_->setText(root);
}

void FleetPanel::reloadBoards() {
    QStringList boards;
    for (const std::string& id : BoardSpec::builtinIds())
        boards << QStringLiteral("emulated:") + QString::fromStdString(id);
    try {
        BoardRegistry registry(registryFile());
        for (const BoardEntry& e : registry.boards())
            boards << QString::fromStdString(e.name);
    } catch (const std::exception& e) {
        status_->setText(tr("Board list unreadable: %1").arg(QString::fromStdString(e.what())));
    }
    model_->setBoards(boards);
    showLastDeployments(boards);
}

void FleetPanel::showLastDeployments(const QStringList& boards) {
    try {
        BundleStore store(workspaceFile());
        for (const QString& board : boards) {
            const auto history = store.history(board.toStdString());
            if (!history.empty()) {
                const DeploymentRecord& last = history.front();
                model_->setDeployState(board, FleetViewModel::deploymentText(last.kind, last.status,
                                                                             last.bundleVersion,
                                                                             last.startedAt));
            }
        }
    } catch (const std::exception& e) {
        log(tr("Deployment history unreadable: %1").arg(QString::fromStdString(e.what())));
    }
}

std::string FleetPanel::registryFile() const {
    return registryPath_.isEmpty() ? BoardRegistry::defaultPath() : registryPath_.toStdString();
}

std::string FleetPanel::workspaceFile() const {
    return workspacePath_.isEmpty() ? ProfileStore::defaultPath() : workspacePath_.toStdString();
}

QString FleetPanel::selectedBoard() const {
    const auto rows = table_->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : model_->boards().value(rows.first().row());
}

void FleetPanel::selectBoard(const QString& board) {
    const int row = model_->rowOf(board);
    if (row >= 0)
        table_->selectRow(row);
}

QStringList FleetPanel::targetBoards() const {
    QStringList out;
    for (const QModelIndex& i : table_->selectionModel()->selectedRows())
        out << model_->boards().value(i.row());
    return out;
}

nlohmann::json FleetPanel::rootParams() const {
    nlohmann::json p = nlohmann::json::object();
    if (!root_->text().trimmed().isEmpty())
        p["root"] = root_->text().trimmed().toStdString();
    return p;
}

void FleetPanel::log(const QString& line) {
    log_->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) +
                          line);
}

void FleetPanel::watch(BoardSession* s) {
    if (watched_.contains(s))
        return;
    watched_.insert(s);
    connect(s, &QObject::destroyed, this, [this, s] { watched_.remove(s); });
    connect(s, &BoardSession::finished, this,
            [this, s](const QString& tag, const QString& r) { onFinished(s, tag, r); });
    connect(s, &BoardSession::failed, this,
            [this, s](const QString& tag, const QString& m) { onFailed(s, tag, m); });
    connect(s, &BoardSession::stateChanged, this,
            [this, s](BoardSession::State st, const QString& message) {
                static const char* names[] = {QT_TR_NOOP("not connected"), QT_TR_NOOP("connecting"),
                                              QT_TR_NOOP("connected"), QT_TR_NOOP("busy"),
                                              QT_TR_NOOP("failed")};
                QString text = tr(names[int(st)]);
                if (st == BoardSession::State::Failed && !message.isEmpty()) {
                    text += QStringLiteral(": ") + message;
                    log(s->board() + QStringLiteral("  ") + text);
                }
                model_->setConnection(s->board(), text);
                // Poll at once when a connection comes up; after a request (a poll's own answer
                // included) the timer polls, or answers would trigger polls back to back.
                const auto before = lastState_.value(s->board(), BoardSession::State::Disconnected);
                lastState_.insert(s->board(), st);
                if (st == BoardSession::State::Connected && before != BoardSession::State::Busy &&
                    before != BoardSession::State::Connected)
                    pollNow();
                if (st == BoardSession::State::Failed || st == BoardSession::State::Disconnected)
                    pending_.remove(s->board());
            });
}

void FleetPanel::connectBoard(const QString& board) {
    QString error;
    BoardSession* s = sessions()->ensure(board, &error);
    if (!s) {
        status_->setText(error);
        return;
    }
    watch(s);
    if (s->state() == BoardSession::State::Disconnected ||
        s->state() == BoardSession::State::Failed) {
        log(tr("Connecting %1").arg(board));
        s->connectBoard();
    } else {
        pollNow();
    }
}

void FleetPanel::pollNow() {
    for (const QString& board : model_->boards()) {
        BoardSession* s = pool_ ? pool_->session(board) : nullptr;
        if (!s)
            continue;
        watch(s);
        const auto st = s->state();
        if (st != BoardSession::State::Connected || pending_.contains(board))
            continue; // Busy: a sweep runs on that session; never queue polls behind it
        model_->setConnection(board, tr("connected"));
        pending_.insert(board);
        s->request(kStatusTag, QStringLiteral("runtime-status"), rootParams());
        nlohmann::json p = rootParams();
        p["since"] = model_->lastSeq(board);
        p["limit"] = kTelemetryBatch;
        s->request(kTelemetryTag, QStringLiteral("telemetry"), p);
    }
}

void FleetPanel::onFinished(BoardSession* s, const QString& tag, const QString& resultJson) {
    if (tag != kStatusTag && tag != kTelemetryTag)
        return;
    const QString board = s->board();
    nlohmann::json result;
    try {
        result = nlohmann::json::parse(resultJson.toStdString());
    } catch (const std::exception& e) {
        log(tr("%1: unreadable %2 answer: %3").arg(board, tag, QString::fromStdString(e.what())));
        pending_.remove(board);
        return;
    }
    if (tag == kStatusTag) {
        const std::string before = bundleVersionOf(model_->status(board));
        model_->applyStatus(board, result);
        const std::string running = bundleVersionOf(result);
        if (!running.empty() && running != before)
            log(tr("%1 runs bundle %2").arg(board, QString::fromStdString(running)));
        // A bundle deployed from the CLI (or another studio) of this workspace: its history row
        // is opened before the deployment starts and completed when it ends. A bundle deployed
        // from another workspace has none: look again only every few seconds.
        const QString shown =
            model_->data(model_->index(model_->rowOf(board), FleetModel::Deploy)).toString();
        if (view_.shouldLookUpDeployment(board, before, running, shown,
                                         QDateTime::currentMSecsSinceEpoch()))
            showLastDeployments({board});
        return;
    }
    pending_.remove(board);
    const int added = model_->applyTelemetry(board, result);
    // A full batch means the board has more: ask again right away instead of a second later.
    if (added >= kTelemetryBatch)
        QTimer::singleShot(0, this, &FleetPanel::pollNow);
    emit polled(board);
}

void FleetPanel::onFailed(BoardSession* s, const QString& tag, const QString& message) {
    if (tag != kStatusTag && tag != kTelemetryTag)
        return;
    const QString board = s->board();
    if (tag == kTelemetryTag)
        pending_.remove(board);
    model_->applyStatus(board, {{"state", "error"}, {"error", message.toStdString()}});
    status_->setText(tr("%1: %2").arg(board, message));
}

void FleetPanel::refreshPlots() {
    int i = 0;
    for (const QString& board : model_->boards()) {
        const TelemetrySeries& s = model_->series(board);
        const int colorIndex = i++;
        if (s.t.isEmpty() && !latencyGraphs_.contains(board))
            continue;
        auto graphFor = [&](QCustomPlot* plot, QMap<QString, QCPGraph*>& graphs) {
            QCPGraph* g = graphs.value(board);
            if (!g) {
                g = plot->addGraph();
                g->setName(board);
                g->setPen(QPen(boardColor(colorIndex), 1.2));
                g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 3));
                graphs.insert(board, g);
            }
            return g;
        };
        setSeries(graphFor(latencyPlot_, latencyGraphs_), s.t, s.latencyMs);
        setSeries(graphFor(energyPlot_, energyGraphs_), s.t, s.energyMj);
    }
    for (QCustomPlot* p : {latencyPlot_, energyPlot_}) {
        p->rescaleAxes(true);
        p->replot(QCustomPlot::rpQueuedReplot);
    }
    QStringList withTelemetry;
    for (const QString& b : model_->boards())
        if (!model_->series(b).t.isEmpty())
            withTelemetry << b;
    const QString board = FleetViewModel::decisionBoard(selectedBoard(), withTelemetry);
    const TelemetrySeries& s = model_->series(board);
    setSeries(decisionPlot_->graph(0), s.t, s.share);
    setSeries(decisionPlot_->graph(1), s.t, s.gpuMhz);
    decisionPlot_->xAxis->setLabel(FleetViewModel::decisionAxisLabel(board));
    decisionPlot_->graph(0)->rescaleKeyAxis();
    // The clock axis starts at 0: a steady clock is then a line of its own, not the plot's
    // bottom edge under the share (mostly 0 too).
    bool found = false;
    const QCPRange clocks = decisionPlot_->graph(1)->getValueRange(found);
    decisionPlot_->yAxis2->setRange(0, FleetViewModel::clockAxisUpper(found, clocks.upper));
    decisionPlot_->yAxis->setRange(-0.05, 1.05);
    decisionPlot_->replot(QCustomPlot::rpQueuedReplot);
}

void FleetPanel::chooseAndDeploy() {
    std::vector<StoredBundle> bundles;
    try {
        BundleStore store(workspaceFile());
        bundles = store.bundles();
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot read the workspace: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    if (bundles.empty()) {
        status_->setText(tr("No bundle in the workspace yet: make one with `dvfo bundle create`."));
        return;
    }
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Deploy bundle"));
    auto* bundle = new QComboBox;
    for (auto it = bundles.rbegin(); it != bundles.rend(); ++it)
        bundle->addItem(QStringLiteral("#%1  %2  (%3, %4)")
                            .arg(it->id)
                            .arg(QString::fromStdString(it->version),
                                 QString::fromStdString(it->boardSpecId),
                                 QString::fromStdString(it->model)),
                        qlonglong(it->id));
    auto* target = new QComboBox;
    target->addItem(tr("Selected boards"), QString());
    target->addItem(tr("All SSH boards"), QStringLiteral("*"));
    QSet<QString> groups;
    try {
        BoardRegistry registry(registryFile());
        for (const BoardEntry& e : registry.boards())
            if (!e.group.empty())
                groups.insert(QString::fromStdString(e.group));
    } catch (const std::exception&) {
    }
    for (const QString& g : groups)
        target->addItem(tr("Group %1").arg(g), g);
    auto* parallel = new QSpinBox;
    parallel->setRange(1, 32);
    parallel->setValue(4);
    auto* form = new QFormLayout(&dialog);
    form->addRow(tr("Bundle"), bundle);
    form->addRow(tr("Boards"), target);
    form->addRow(tr("Parallel connections"), parallel);
    auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    box->button(QDialogButtonBox::Ok)->setText(tr("Deploy"));
    form->addRow(box);
    connect(box, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QStringList boards;
    const QString t = target->currentData().toString();
    if (t.isEmpty()) {
        boards = targetBoards();
    } else {
        BoardRegistry registry(registryFile());
        for (const BoardEntry& e : registry.boards())
            if (t == QStringLiteral("*") || QString::fromStdString(e.group) == t)
                boards << QString::fromStdString(e.name);
    }
    deploy(bundle->currentData().toLongLong(), boards, parallel->value());
}

bool FleetPanel::deploy(qint64 bundleId, const QStringList& boards, int parallel) {
    if (!view_.canDeploy()) {
        status_->setText(tr("A deployment is already running."));
        return false;
    }
    std::optional<StoredBundle> bundle;
    try {
        BundleStore store(workspaceFile());
        bundle = store.findBundle(bundleId);
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot deploy: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    if (!bundle) {
        status_->setText(tr("No bundle #%1 in the workspace.").arg(bundleId));
        return false;
    }
    QStringList names;
    const std::vector<BoardEntry> entries = boardEntries(boards, &names);
    if (entries.empty()) {
        status_->setText(tr("Select one or more boards to deploy to."));
        return false;
    }
    DeployOptions options = deployOptions();
    QPointer<FleetPanel> self(this);
    options.progress = [self](const std::string& board, const std::string& step,
                              const std::string& message) {
        const QString b = QString::fromStdString(board),
                      text = QString::fromStdString(step + ": " + message);
        QMetaObject::invokeMethod(
            qApp,
            [self, b, text] {
                if (self) {
                    self->model_->setDeployState(b, text);
                    self->log(b + QStringLiteral("  ") + text);
                }
            },
            Qt::QueuedConnection);
    };
    ConnectOptions connect = ConnectOptions::defaults();
    const std::string dir = bundle->path;
    log(tr("Deploying %1 to %2")
            .arg(QString::fromStdString(bundle->version), names.join(QStringLiteral(", "))));
    runDeployJob(
        names,
        [self, entries, connect, options, parallel, dir, bundleId,
         workspace = workspaceFile()]() mutable {
            attachHistory(self, options, workspace, bundleId);
            return FleetDeployer(entries, connect, options, parallel).deploy(dir);
        },
        bundleId);
    return true;
}

void FleetPanel::rollback(const QStringList& boards) {
    if (!view_.canDeploy())
        return;
    QStringList names;
    const std::vector<BoardEntry> entries = boardEntries(boards, &names);
    if (entries.empty()) {
        status_->setText(tr("Select one or more boards to roll back."));
        return;
    }
    DeployOptions options = deployOptions();
    ConnectOptions connect = ConnectOptions::defaults();
    log(tr("Rolling back %1").arg(names.join(QStringLiteral(", "))));
    QPointer<FleetPanel> self(this);
    runDeployJob(
        names,
        [self, entries, connect, options, workspace = workspaceFile()]() mutable {
            attachHistory(self, options, workspace, 0);
            return FleetDeployer(entries, connect, options, 4).rollback();
        },
        0);
}

std::vector<BoardEntry> FleetPanel::boardEntries(const QStringList& boards, QStringList* names) {
    std::vector<BoardEntry> entries;
    QStringList unknown;
    try {
        const BoardRegistry registry(registryFile());
        for (const QString& b : boards) {
            if (auto e = findBoard(b.toStdString(), registry)) {
                entries.push_back(*e);
                *names << b;
            } else {
                unknown << b;
            }
        }
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot reach the boards: %1").arg(QString::fromStdString(e.what())));
        return {};
    }
    if (!unknown.isEmpty())
        log(tr("Skipped %1: not in the board list").arg(unknown.join(QStringLiteral(", "))));
    return entries;
}

DeployOptions FleetPanel::deployOptions() const {
    DeployOptions options;
    if (!root_->text().trimmed().isEmpty())
        options.runtimeRoot = root_->text().trimmed().toStdString();
    return options;
}

void FleetPanel::runDeployJob(const QStringList& boards,
                              std::function<std::vector<DeployResult>()> job, qint64 bundleId) {
    view_.setDeploying(true);
    deploy_->setEnabled(view_.canDeploy());
    rollback_->setEnabled(view_.canDeploy());
    for (const QString& b : boards)
        model_->setDeployState(b, tr("queued"));
    // FleetDeployer bounds its own connections; closing the panel waits for the deployment
    // (each board ends switched or rolled back, never half-way).
    jobs_.run(
        kDeployJob, [job = std::move(job)](const BackgroundJobs::Context&) { return job(); },
        [this, boards, bundleId](const std::vector<DeployResult>& results) {
            deployDone(boards, results, bundleId);
        },
        [this, boards, bundleId](const QString& message) {
            log(tr("Deployment stopped: %1").arg(message));
            deployDone(boards, {}, bundleId);
        });
}

// On the deployment's worker thread: each board's history row is written before its first step
// and completed after its last, so the history shows a deployment that never finished.
void FleetPanel::attachHistory(QPointer<FleetPanel> self, DeployOptions& options,
                               const std::string& workspace, qint64 bundleId) {
    try {
        DeploymentHistory::attach(std::make_shared<DeploymentHistory>(workspace), options,
                                  bundleId);
    } catch (const std::exception& e) {
        const QString error = QString::fromStdString(e.what());
        QMetaObject::invokeMethod(
            qApp,
            [self, error] {
                if (self)
                    self->log(tr("Deployment history not saved: %1").arg(error));
            },
            Qt::QueuedConnection);
    }
}

void FleetPanel::deployDone(const QStringList& boards, const std::vector<DeployResult>& results,
                            qint64 bundleId) {
    (void)boards;
    (void)bundleId; // the history rows were written by the deployment itself (attachHistory)
    for (const DeployResult& r : results) {
        const QString b = QString::fromStdString(r.board);
        model_->setDeployState(
            b, FleetViewModel::deploymentText(r.kind, r.status, r.version, r.startedAt));
        log(b + QStringLiteral("  ") +
            QString::fromStdString(toString(r.status) + (": " + r.message)));
    }
    const QString summary = QString::fromStdString(FleetDeployer::summary(results));
    status_->setText(summary);
    view_.setDeploying(false);
    deploy_->setEnabled(view_.canDeploy());
    rollback_->setEnabled(view_.canDeploy());
    pollNow();
    emit deploymentFinished(summary);
}

} // namespace dvfo
