#include "widgets/fleetviewmodel.h"

namespace dvfo {

QString FleetViewModel::deploymentText(DeploymentKind kind, DeploymentStatus status,
                                       const std::string& version, const std::string& startedAt) {
    return QString::fromStdString(
        (kind == DeploymentKind::Rollback ? "rollback " : "") + std::string(toString(status)) +
        (version.empty() ? "" : " " + version) + (startedAt.empty() ? "" : ", " + startedAt));
}

bool FleetViewModel::shouldLookUpDeployment(const QString& board, const std::string& runningBefore,
                                            const std::string& running,
                                            const QString& shownDeployState, qint64 nowMs) {
    if (deploying_ || running.empty() || shownDeployState.contains(QString::fromStdString(running)))
        return false;
    if (running == runningBefore && nowMs < nextHistoryLookupMs_.value(board))
        return false;
    nextHistoryLookupMs_.insert(board, nowMs + kHistoryLookupIntervalMs);
    return true;
}

QString FleetViewModel::decisionBoard(const QString& selected,
                                      const QStringList& boardsWithTelemetry) {
    if (!selected.isEmpty())
        return selected;
    return boardsWithTelemetry.isEmpty() ? QString() : boardsWithTelemetry.front();
}

QString FleetViewModel::decisionAxisLabel(const QString& board) {
    return board.isEmpty() ? tr("time") : tr("time — decisions of %1").arg(board);
}

double FleetViewModel::clockAxisUpper(bool hasClocks, double highestMhz) {
    return hasClocks && highestMhz > 0 ? highestMhz * 1.15 : 1.0;
}

} // namespace dvfo
