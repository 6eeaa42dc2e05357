#pragma once
#include <QAbstractTableModel>
#include <QStringList>
#include <QVector>

#include <nlohmann/json.hpp>

#include <map>

namespace dvfo {

// Telemetry of one board's runtime, as plot-ready columns (one entry per inference).
struct TelemetrySeries {
    QVector<double> t;         // seconds since the epoch (the runtime's clock)
    QVector<double> latencyMs; // end-to-end inference latency
    QVector<double> energyMj;  // energy of that inference at the board's input rail
    QVector<double> share;     // offload share used
    QVector<double> gpuMhz;    // GPU clock chosen by the policy
    QVector<double> bandwidthMbps;
    // The environment's cost of what the inference executed, under the link the board measured,
    // and what it realised, in the same terms (NaN when the policy carries no cost model).
    QVector<double> predictedCost;
    QVector<double> realisedCost;
    QVector<double> guarded; // 1 where the runtime guard decided instead of the policy, else 0
    int64_t lastSeq = 0;     // poll with telemetry {since: lastSeq}
};

// The fleet as the studio sees it: per board the agent connection, the runtime's last status
// (runtime-status) and its telemetry (telemetry {since}), tested without widgets. Rows follow
// setBoards(); telemetry is bounded per board so a long-running view keeps constant memory.
class FleetModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Board,
        Connection,
        Runtime,
        Bundle,
        Decision,
        Inferences,
        LatencyMs,
        EnergyMj,
        Cost, // predicted / realised, means over the recent window
        Fallbacks,
        Guard, // decisions the trained policy's runtime guard took over, and the last reason
        Accuracy,
        Deploy,
        ColumnCount
    };
    static constexpr int kMaxPointsPerBoard = 20000;
    static constexpr int kRecentWindow = 50; // the table's means are over the last inferences

    explicit FleetModel(QObject* parent = nullptr);

    void setBoards(const QStringList& boards);
    const QStringList& boards() const { return boards_; }
    int rowOf(const QString& board) const { return boards_.indexOf(board); }

    void setConnection(const QString& board, const QString& text);
    void setDeployState(const QString& board, const QString& text);
    // The result of runtime-status:
    // {"running":bool,"state":..,"bundleVersion":..,"decision":{..},..}.
    void applyStatus(const QString& board, const nlohmann::json& status);
    // The result of telemetry: {"records":[...],"lastSeq":N}. Records already seen are skipped,
    // so overlapping polls are harmless. Returns the number of new records.
    int applyTelemetry(const QString& board, const nlohmann::json& result);

    const TelemetrySeries& series(const QString& board) const;
    int64_t lastSeq(const QString& board) const { return series(board).lastSeq; }
    const nlohmann::json& status(const QString& board) const;
    // Means over the last kRecentWindow inferences (NaN when there are none).
    double recentMean(const QString& board, const QVector<double> TelemetrySeries::*column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    void telemetryAppended(const QString& board, int newRecords);

private:
    struct BoardState {
        QString connection = QStringLiteral("not connected");
        QString deploy;
        nlohmann::json status = nlohmann::json::object();
        TelemetrySeries series;
        double lastAccuracy = -1;
        int64_t fallbacks = 0;
        int64_t guardActivations = 0; // the runtime's own count in its newest record
        QString lastGuard;            // why the guard last took over ("link-down", ...)
    };
    void rowChanged(const QString& board);
    BoardState& state(const QString& board) { return states_[board]; }

    QStringList boards_;
    std::map<QString, BoardState> states_;
};

} // namespace dvfo
