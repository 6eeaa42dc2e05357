#include "widgets/trainingrunlistmodel.h"

#include <QBrush>
#include <QColor>

namespace dvfo {

TrainingRunListModel::TrainingRunListModel(QObject* parent) : QAbstractTableModel(parent) {}

void TrainingRunListModel::setRuns(std::vector<TrainingRun> runs) {
    beginResetModel();
    runs_ = std::move(runs);
    endResetModel();
}

int TrainingRunListModel::rowOf(int64_t id) const {
    for (size_t i = 0; i < runs_.size(); ++i)
        if (runs_[i].id == id)
            return int(i);
    return -1;
}

int TrainingRunListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(runs_.size());
}

int TrainingRunListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrainingRunListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(runs_.size()))
        return {};
    const TrainingRun& r = runs_[size_t(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Id:
            return qlonglong(r.id);
        case Name:
            return QString::fromStdString(r.name);
        case Session:
            return r.sessionId ? QVariant(qlonglong(r.sessionId)) : QVariant(tr("deleted"));
        case Board:
            return QString::fromStdString(r.board);
        case Model:
            return QString::fromStdString(r.model);
        case Status:
            return QString::fromStdString(toString(r.status));
        case Points:
            return qlonglong(r.pointCount);
        case Started:
            return QString::fromStdString(r.startedAt).left(19).replace('T', ' ');
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Status) {
        switch (r.status) {
        case TrainingStatus::Failed:
            return QBrush(QColor(180, 30, 30));
        case TrainingStatus::Cancelled:
            return QBrush(QColor(170, 110, 0));
        case TrainingStatus::Running:
            return QBrush(QColor(20, 90, 180));
        case TrainingStatus::Completed:
            return QBrush(QColor(30, 120, 50));
        }
    }
    if (role == Qt::ToolTipRole && r.status == TrainingStatus::Failed)
        return QString::fromStdString(r.resultJson);
    if (role == Qt::TextAlignmentRole &&
        (index.column() == Id || index.column() == Session || index.column() == Points))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant TrainingRunListModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {QT_TR_NOOP("Run"),     QT_TR_NOOP("Name"),
                                  QT_TR_NOOP("Session"), QT_TR_NOOP("Board"),
                                  QT_TR_NOOP("Model"),   QT_TR_NOOP("Status"),
                                  QT_TR_NOOP("Points"),  QT_TR_NOOP("Started (UTC)")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace dvfo
