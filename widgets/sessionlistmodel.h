#pragma once
#include "core/profile/sessioninfo.h"

#include <QAbstractTableModel>
#include <vector>

namespace dvfo {

class ProfileStore;

// The workspace's profiling sessions as a table, oldest first. The name is editable (renames the
// session in the store); removeSession() deletes it with its measurements.
class SessionListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, Board, Model, Emulated, Status, Tuples, Records, Started, ColumnCount };

    explicit SessionListModel(ProfileStore* store, QObject* parent = nullptr);

    void reload(); // re-reads the store (after a sweep stored a tuple, or another process wrote)
    const SessionInfo& session(int row) const { return sessions_[size_t(row)]; }
    int rowOf(int64_t id) const; // -1 when absent
    // Deletes the session at row from the store. Returns false (and sets lastError) on failure.
    bool removeSession(int row);
    const QString& lastError() const { return lastError_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

signals:
    void errorOccurred(const QString& message);

private:
    ProfileStore* store_;
    std::vector<SessionInfo> sessions_;
    QString lastError_;
};

} // namespace dvfo
