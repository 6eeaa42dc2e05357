#pragma once
#include "core/board/boardregistry.h"

#include <QAbstractTableModel>
#include <QMap>
#include <vector>

namespace dvfo {

// Built-in emulated boards first, then the user's boards; the last column is the live state.
class BoardListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Host, Mode, State, ColumnCount };
    struct Row {
        QString name;
        bool builtin = false;
        BoardEntry entry;
    };

    explicit BoardListModel(QObject* parent = nullptr);
    void setBoards(const std::vector<BoardEntry>& boards);
    void setState(const QString& name, const QString& state);
    const Row& row(int r) const { return rows_[size_t(r)]; }
    int indexOf(const QString& name) const;

    int rowCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : int(rows_.size());
    }
    int columnCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : ColumnCount;
    }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

private:
    std::vector<Row> rows_;
    QMap<QString, QString> states_;
};

} // namespace dvfo
