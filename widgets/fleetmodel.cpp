#include "widgets/fleetmodel.h"
#include "core/common/jsoninteger.h"

#include "core/board/frequencytuple.h"

#include <cmath>
#include <limits>

namespace dvfo {

namespace {

double number(const nlohmann::json& j, const char* key,
              double fallback = std::numeric_limits<double>::quiet_NaN()) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

QString text(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                            : QString();
}

template <typename T> void dropFront(QVector<T>& v, int n) {
    v.remove(0, std::min<int>(n, v.size()));
}

} // namespace

FleetModel::FleetModel(QObject* parent) : QAbstractTableModel(parent) {}

void FleetModel::setBoards(const QStringList& boards) {
    beginResetModel();
    boards_ = boards;
    for (const QString& b : boards_)
        states_[b]; // keeps the state of boards that stay
    endResetModel();
}

void FleetModel::setConnection(const QString& board, const QString& text) {
    state(board).connection = text;
    rowChanged(board);
}

void FleetModel::setDeployState(const QString& board, const QString& text) {
    state(board).deploy = text;
    rowChanged(board);
}

void FleetModel::applyStatus(const QString& board, const nlohmann::json& status) {
    state(board).status = status.is_object() ? status : nlohmann::json::object();
    rowChanged(board);
}

int FleetModel::applyTelemetry(const QString& board, const nlohmann::json& result) {
    BoardState& s = state(board);
    TelemetrySeries& series = s.series;
    int added = 0;
    const auto records = result.find("records");
    if (records != result.end() && records->is_array()) {
        for (const auto& r : *records) {
            const int64_t seq = jsonIntegerOr<int64_t>(r, "seq", 0);
            if (seq <= series.lastSeq)
                continue;
            series.lastSeq = seq;
            series.t.push_back(number(r, "t", 0) / 1000.0);
            series.latencyMs.push_back(number(r, "latencyMs"));
            series.energyMj.push_back(number(r, "energyMj"));
            series.share.push_back(number(r, "share"));
            series.bandwidthMbps.push_back(number(r, "bandwidthMbps"));
            series.predictedCost.push_back(number(r, "predictedCost"));
            series.realisedCost.push_back(number(r, "cost"));
            double gpu = std::numeric_limits<double>::quiet_NaN();
            try {
                if (r.contains("tuple") && r["tuple"].is_string())
                    gpu = FrequencyTuple::parse(r["tuple"].get<std::string>()).gpuKhz / 1000.0;
            } catch (const std::exception&) {
                // A malformed tuple costs that point its GPU value, not the whole poll.
            }
            series.gpuMhz.push_back(gpu);
            if (r.value("fellBack", false))
                ++s.fallbacks;
            const QString guard = text(r, "guard");
            series.guarded.push_back(guard.isEmpty() ? 0 : 1);
            if (!guard.isEmpty())
                s.lastGuard = guard;
            if (r.contains("guardActivations") && r["guardActivations"].is_number())
                s.guardActivations =
                    jsonInteger<int64_t>(r["guardActivations"]); // the newest counts
            if (r.contains("accuracy") && r["accuracy"].is_number())
                s.lastAccuracy = r["accuracy"].get<double>();
            ++added;
        }
    }
    const int excess = series.t.size() - kMaxPointsPerBoard;
    if (excess > 0) {
        dropFront(series.t, excess);
        dropFront(series.latencyMs, excess);
        dropFront(series.energyMj, excess);
        dropFront(series.share, excess);
        dropFront(series.gpuMhz, excess);
        dropFront(series.bandwidthMbps, excess);
        dropFront(series.predictedCost, excess);
        dropFront(series.realisedCost, excess);
        dropFront(series.guarded, excess);
    }
    if (added) {
        rowChanged(board);
        emit telemetryAppended(board, added);
    }
    return added;
}

const TelemetrySeries& FleetModel::series(const QString& board) const {
    static const TelemetrySeries empty;
    const auto it = states_.find(board);
    return it == states_.end() ? empty : it->second.series;
}

const nlohmann::json& FleetModel::status(const QString& board) const {
    static const nlohmann::json empty = nlohmann::json::object();
    const auto it = states_.find(board);
    return it == states_.end() ? empty : it->second.status;
}

double FleetModel::recentMean(const QString& board,
                              const QVector<double> TelemetrySeries::*column) const {
    const QVector<double>& v = series(board).*column;
    double sum = 0;
    int n = 0;
    for (int i = std::max(0, int(v.size()) - kRecentWindow); i < v.size(); ++i) {
        if (!std::isnan(v[i])) {
            sum += v[i];
            ++n;
        }
    }
    return n ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

int FleetModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(boards_.size());
}

int FleetModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FleetModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= boards_.size())
        return {};
    const QString& board = boards_[index.row()];
    const auto it = states_.find(board);
    if (it == states_.end())
        return {};
    const BoardState& s = it->second;
    const nlohmann::json& st = s.status;
    if (role == Qt::TextAlignmentRole && index.column() >= Inferences && index.column() <= Accuracy)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Runtime && st.contains("error"))
        return text(st, "error");
    if (role == Qt::ToolTipRole && index.column() == Guard)
        return tr("Decisions the runtime guard took from the trained policy (link down, or an "
                  "observation outside the ranges it was trained on) and gave to the model-based "
                  "optimiser; last reason: %1")
            .arg(s.lastGuard.isEmpty() ? tr("none") : s.lastGuard);
    if (role != Qt::DisplayRole)
        return {};
    auto fixed = [](double v, int decimals) {
        return std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'f', decimals);
    };
    switch (index.column()) {
    case Board:
        return board;
    case Connection:
        return s.connection;
    case Runtime: {
        if (st.empty())
            return QStringLiteral("–");
        QString state = text(st, "state");
        if (st.contains("running") && st["running"].is_boolean() && !st["running"].get<bool>() &&
            state != "absent")
            state += tr(" (not running)");
        return state;
    }
    case Bundle:
        return st.empty() ? QStringLiteral("–") : text(st, "bundleVersion");
    case Decision: {
        const auto d = st.find("decision");
        if (d == st.end() || !d->is_object())
            return QStringLiteral("–");
        return tr("%1 kHz, share %2").arg(text(*d, "tuple")).arg(number(*d, "share", 0), 0, 'f', 1);
    }
    case Inferences:
        return st.contains("inferences")
                   ? QString::number(jsonIntegerOr<int64_t>(st, "inferences", 0))
                   : QString::number(s.series.t.size());
    case LatencyMs:
        return fixed(recentMean(board, &TelemetrySeries::latencyMs), 2);
    case EnergyMj:
        return fixed(recentMean(board, &TelemetrySeries::energyMj), 2);
    case Cost: {
        const double predicted = recentMean(board, &TelemetrySeries::predictedCost);
        if (std::isnan(predicted))
            return QStringLiteral("–");
        return fixed(predicted, 3) + " / " +
               fixed(recentMean(board, &TelemetrySeries::realisedCost), 3);
    }
    case Fallbacks:
        return QString::number(st.contains("fallbacks") ? jsonIntegerOr<int64_t>(st, "fallbacks", 0)
                                                        : s.fallbacks);
    case Guard: {
        // The runtime's status when it reports one (a restarted runtime counts from 0 again).
        const int64_t count = st.contains("guardActivations") && st["guardActivations"].is_number()
                                  ? jsonInteger<int64_t>(st["guardActivations"])
                                  : s.guardActivations;
        return s.lastGuard.isEmpty() ? QString::number(count)
                                     : tr("%1 (%2)").arg(count).arg(s.lastGuard);
    }
    case Accuracy:
        return s.lastAccuracy < 0 ? QStringLiteral("–")
                                  : QString::number(100.0 * s.lastAccuracy, 'f', 1) + " %";
    case Deploy:
        return s.deploy;
    }
    return {};
}

QVariant FleetModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Board:
        return tr("Board");
    case Connection:
        return tr("Agent");
    case Runtime:
        return tr("Runtime");
    case Bundle:
        return tr("Bundle");
    case Decision:
        return tr("Decision");
    case Inferences:
        return tr("Inferences");
    case LatencyMs:
        return tr("Latency ms");
    case EnergyMj:
        return tr("Energy mJ");
    case Cost:
        return tr("Cost pred / real");
    case Fallbacks:
        return tr("Fallbacks");
    case Guard:
        return tr("Guard");
    case Accuracy:
        return tr("Accuracy");
    case Deploy:
        return tr("Last deployment");
    }
    return {};
}

void FleetModel::rowChanged(const QString& board) {
    const int row = boards_.indexOf(board);
    if (row >= 0)
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace dvfo
