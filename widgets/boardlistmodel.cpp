#include "widgets/boardlistmodel.h"

#include "core/board/boardspec.h"

#include <QColor>

namespace dvfo {

BoardListModel::BoardListModel(QObject* parent) : QAbstractTableModel(parent) {
    setBoards({});
}

void BoardListModel::setBoards(const std::vector<BoardEntry>& boards) {
    beginResetModel();
    rows_.clear();
    for (const auto& id : BoardSpec::builtinIds())
        rows_.push_back({QStringLiteral("emulated:") + QString::fromStdString(id), true, {}});
    for (const auto& b : boards)
        rows_.push_back({QString::fromStdString(b.name), false, b});
    endResetModel();
}

int BoardListModel::indexOf(const QString& name) const {
    for (size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].name == name)
            return int(i);
    return -1;
}

void BoardListModel::setState(const QString& name, const QString& state) {
    states_[name] = state;
    const int r = indexOf(name);
    if (r >= 0)
        emit dataChanged(index(r, State), index(r, State));
}

QVariant BoardListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const Row& r = rows_[size_t(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name:
            return r.name;
        case Host:
            if (r.builtin)
                return tr("this machine");
            return QString::fromStdString(r.entry.host) +
                   (r.entry.port ? QStringLiteral(":%1").arg(r.entry.port) : QString());
        case Mode:
            if (r.builtin || !r.entry.emulate.empty())
                return tr("emulated");
            return tr("hardware");
        case State:
            return states_.value(r.name, tr("disconnected"));
        }
    }
    if (role == Qt::ForegroundRole && index.column() == State) {
        const QString s = states_.value(r.name);
        if (s == tr("connected"))
            return QColor(0, 128, 0);
        if (s == tr("failed"))
            return QColor(180, 0, 0);
    }
    if (role == Qt::ToolTipRole && !r.builtin)
        return tr("user %1, agent %2, group %3")
            .arg(QString::fromStdString(r.entry.user), QString::fromStdString(r.entry.agentPath),
                 QString::fromStdString(r.entry.group));
    return {};
}

QVariant BoardListModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Board");
    case Host:
        return tr("Host");
    case Mode:
        return tr("Mode");
    case State:
        return tr("State");
    }
    return {};
}

} // namespace dvfo
