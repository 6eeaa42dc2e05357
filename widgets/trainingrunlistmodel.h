#pragma once
#include "core/workspace/trainingrunstore.h"

#include <QAbstractTableModel>
#include <vector>

namespace dvfo {

// The workspace's training runs as a table, oldest first (what the Training view lists and
// reopens). Filled by the owner from TrainingRunStore::runs(), so it never touches the database.
class TrainingRunListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, Session, Board, Model, Status, Points, Started, ColumnCount };

    explicit TrainingRunListModel(QObject* parent = nullptr);

    void setRuns(std::vector<TrainingRun> runs);
    const std::vector<TrainingRun>& runs() const { return runs_; }
    const TrainingRun& run(int row) const { return runs_[size_t(row)]; }
    int rowOf(int64_t id) const; // -1 when absent

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<TrainingRun> runs_;
};

} // namespace dvfo
