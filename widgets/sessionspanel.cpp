#include "widgets/sessionspanel.h"

#include "core/workspace/profilestore.h"
#include "widgets/sessionlistmodel.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <fstream>

namespace dvfo {

SessionsPanel::SessionsPanel(ProfileStore* store, QWidget* parent)
    : QWidget(parent), store_(store), model_(new SessionListModel(store, this)),
      table_(new QTableView), open_(new QPushButton(tr("&Open"))),
      compare_(new QPushButton(tr("Co&mpare"))), resume_(new QPushButton(tr("Res&ume"))),
      rename_(new QPushButton(tr("Re&name"))), delete_(new QPushButton(tr("&Delete…"))),
      export_(new QPushButton(tr("E&xport…"))), refresh_(new QPushButton(tr("Re&fresh"))),
      status_(new QLabel) {
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    open_->setToolTip(tr("Show the selected session in the Results tab"));
    compare_->setToolTip(tr("Select two sessions to compare them tuple by tuple"));
    resume_->setToolTip(tr("Measure only the tuples an unfinished session is missing"));
    export_->setToolTip(tr("Write the selected session as CSV or JSON"));
    auto* buttons = new QHBoxLayout;
    for (auto* b : {open_, compare_, resume_, rename_, delete_, export_})
        buttons->addWidget(b);
    buttons->addStretch();
    buttons->addWidget(refresh_);
    status_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table_, 1);
    layout->addLayout(buttons);
    layout->addWidget(status_);

    connect(open_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedSessions();
        if (!ids.isEmpty())
            emit openRequested(ids.front());
    });
    connect(table_, &QTableView::activated, this, [this](const QModelIndex& i) {
        if (i.column() != SessionListModel::Name)
            emit openRequested(model_->session(i.row()).id);
    });
    connect(compare_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedSessions();
        if (ids.size() == 2)
            emit compareRequested(ids[0], ids[1]);
    });
    connect(resume_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedSessions();
        if (ids.size() == 1)
            emit resumeRequested(ids.front());
    });
    connect(rename_, &QPushButton::clicked, this, [this] {
        const QModelIndex cur = table_->currentIndex();
        if (cur.isValid())
            table_->edit(model_->index(cur.row(), SessionListModel::Name));
    });
    connect(delete_, &QPushButton::clicked, this, [this] { deleteSelected(true); });
    connect(export_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedSessions();
        if (ids.size() != 1)
            return;
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Export session"), QStringLiteral("session-%1.csv").arg(ids.front()),
            tr("CSV (*.csv);;JSON (*.json)"));
        if (!file.isEmpty())
            exportSession(ids.front(), file);
    });
    connect(refresh_, &QPushButton::clicked, this, &SessionsPanel::reload);
    connect(model_, &SessionListModel::errorOccurred, this,
            [this](const QString& m) { setStatus(m); });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &SessionsPanel::updateButtons);
    connect(model_, &QAbstractItemModel::modelReset, this, &SessionsPanel::updateButtons);
    updateButtons();
    if (!store_)
        setStatus(tr("The workspace database is not available."));
}

void SessionsPanel::reload() {
    const auto selected = selectedSessions();
    model_->reload();
    for (qint64 id : selected) {
        const int r = model_->rowOf(id);
        if (r >= 0)
            table_->selectionModel()->select(model_->index(r, 0), QItemSelectionModel::Select |
                                                                      QItemSelectionModel::Rows);
    }
    updateButtons();
}

void SessionsPanel::selectSession(int64_t id) {
    const int r = model_->rowOf(id);
    if (r >= 0)
        table_->selectRow(r);
}

QList<qint64> SessionsPanel::selectedSessions() const {
    QList<qint64> ids;
    for (const QModelIndex& i : table_->selectionModel()->selectedRows())
        ids << model_->session(i.row()).id;
    std::sort(ids.begin(), ids.end());
    return ids;
}

void SessionsPanel::deleteSelected(bool confirm) {
    const auto ids = selectedSessions();
    if (ids.isEmpty())
        return;
    QStringList names;
    for (qint64 id : ids)
        names << QStringLiteral("#%1").arg(id);
    if (confirm &&
        QMessageBox::question(this, tr("Delete sessions"),
                              tr("Delete %1 with all their measurements? This cannot be undone.")
                                  .arg(names.join(QStringLiteral(", ")))) != QMessageBox::Yes)
        return;
    for (qint64 id : ids)
        if (!model_->removeSession(model_->rowOf(id)))
            return; // the model reported why
    setStatus(tr("Deleted %1.").arg(names.join(QStringLiteral(", "))));
}

bool SessionsPanel::exportSession(qint64 id, const QString& file) {
    if (!store_)
        return false;
    std::ofstream out(file.toStdString(), std::ios::binary);
    if (!out) {
        setStatus(tr("Cannot write %1").arg(file));
        return false;
    }
    try {
        if (file.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive))
            store_->exportJson(id, out);
        else
            store_->exportCsv(id, out);
    } catch (const std::exception& e) {
        setStatus(QString::fromStdString(e.what()));
        return false;
    }
    setStatus(tr("Session %1 written to %2").arg(id).arg(file));
    return true;
}

QString SessionsPanel::statusText() const {
    return status_->text();
}
void SessionsPanel::setStatus(const QString& text) {
    status_->setText(text);
}

void SessionsPanel::updateButtons() {
    const auto ids = selectedSessions();
    const bool one = ids.size() == 1;
    open_->setEnabled(one);
    compare_->setEnabled(ids.size() == 2);
    rename_->setEnabled(one);
    delete_->setEnabled(!ids.isEmpty());
    export_->setEnabled(one);
    resume_->setEnabled(one && model_->session(model_->rowOf(ids.front())).status !=
                                   SessionStatus::Completed);
}

} // namespace dvfo
