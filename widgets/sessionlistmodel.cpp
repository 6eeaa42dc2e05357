#include "widgets/sessionlistmodel.h"

#include "core/workspace/profilestore.h"

#include <QDateTime>

namespace dvfo {

SessionListModel::SessionListModel(ProfileStore* store, QObject* parent)
    : QAbstractTableModel(parent), store_(store) {
    reload();
}

void SessionListModel::reload() {
    std::vector<SessionInfo> fresh;
    if (store_) {
        try {
            fresh = store_->sessions();
        } catch (const std::exception& e) {
            lastError_ = QString::fromStdString(e.what());
            emit errorOccurred(lastError_);
            return; // keep what is shown
        }
    }
    beginResetModel();
    sessions_ = std::move(fresh);
    endResetModel();
}

int SessionListModel::rowOf(int64_t id) const {
    for (size_t i = 0; i < sessions_.size(); ++i)
        if (sessions_[i].id == id)
            return int(i);
    return -1;
}

bool SessionListModel::removeSession(int row) {
    if (!store_ || row < 0 || row >= rowCount())
        return false;
    try {
        store_->deleteSession(sessions_[size_t(row)].id);
    } catch (const std::exception& e) {
        lastError_ = QString::fromStdString(e.what());
        emit errorOccurred(lastError_);
        return false;
    }
    beginRemoveRows({}, row, row);
    sessions_.erase(sessions_.begin() + row);
    endRemoveRows();
    return true;
}

int SessionListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(sessions_.size());
}

int SessionListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const SessionInfo& s = sessions_[size_t(index.row())];
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (index.column()) {
        case Id:
            return qlonglong(s.id);
        case Name:
            return QString::fromStdString(s.name);
        case Board:
            return QString::fromStdString(s.boardName.empty() ? s.boardId : s.boardName);
        case Model:
            return QString::fromStdString(s.model);
        case Emulated:
            return s.emulated ? tr("yes") : tr("no");
        case Status:
            return QString::fromLatin1(toString(s.status));
        case Tuples:
            return qlonglong(s.completedTupleCount);
        case Records:
            return qlonglong(s.measurementCount);
        case Started: {
            // Stored in UTC; shown in local time, to the second.
            const QDateTime t =
                QDateTime::fromString(QString::fromStdString(s.startedAt), Qt::ISODateWithMs);
            return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                               : QString::fromStdString(s.startedAt);
        }
        }
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == Id || index.column() == Tuples || index.column() == Records))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Name)
        return tr("Double-click to rename");
    if (role == Qt::ToolTipRole && index.column() == Status && !s.endedAt.empty())
        return tr("ended %1").arg(QString::fromStdString(s.endedAt));
    return {};
}

QVariant SessionListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {
        QT_TR_NOOP("ID"),     QT_TR_NOOP("Name"),     QT_TR_NOOP("Board"),
        QT_TR_NOOP("Model"),  QT_TR_NOOP("Emulated"), QT_TR_NOOP("Status"),
        QT_TR_NOOP("Tuples"), QT_TR_NOOP("Records"),  QT_TR_NOOP("Started")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

Qt::ItemFlags SessionListModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == Name)
        f |= Qt::ItemIsEditable;
    return f;
}

bool SessionListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!store_ || role != Qt::EditRole || !index.isValid() || index.column() != Name)
        return false;
    const QString name = value.toString().trimmed();
    SessionInfo& s = sessions_[size_t(index.row())];
    if (name.toStdString() == s.name)
        return true;
    try {
        store_->renameSession(s.id, name.toStdString());
    } catch (const std::exception& e) {
        lastError_ = QString::fromStdString(e.what());
        emit errorOccurred(lastError_);
        return false;
    }
    s.name = name.toStdString();
    emit dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole});
    return true;
}

} // namespace dvfo
