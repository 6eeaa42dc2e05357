#pragma once
// What the Fleet view shows beside its table (FleetModel): the deploy column's text for a
// deployment, whether a deployment is running (and so whether Deploy and Roll back are enabled),
// when to look a runtime's bundle up in the deployment history, and which board's decisions the
// decision plot shows and on what clock axis. QtCore only, unit-tested without widgets.
#include "core/workspace/deploymentstatus.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QStringList>

#include <string>

namespace dvfo {

class FleetViewModel {
    // The texts keep the panel's translation context, so its catalogue entries still apply.
    Q_DECLARE_TR_FUNCTIONS(dvfo::FleetPanel)
public:
    static constexpr qint64 kHistoryLookupIntervalMs = 5000;

    // "rollback failed resnet18-dqn-2, 2026-12-07T10:00:00Z": kind, outcome, version, start.
    static QString deploymentText(DeploymentKind kind, DeploymentStatus status,
                                  const std::string& version, const std::string& startedAt);

    // One deployment (or rollback) at a time.
    void setDeploying(bool deploying) { deploying_ = deploying; }
    bool deploying() const { return deploying_; }
    bool canDeploy() const { return !deploying_; } // Deploy and Roll back

    // A runtime reports bundle `running`: look its deployment up in the workspace's history when
    // the deploy column does not show that version yet (deployed from the CLI or another studio)
    // and no deployment of ours is running: at once when the version just changed, else at most
    // every kHistoryLookupIntervalMs (a bundle from another workspace has no history here).
    bool shouldLookUpDeployment(const QString& board, const std::string& runningBefore,
                                const std::string& running, const QString& shownDeployState,
                                qint64 nowMs);

    // The decision plot shows the selected board, else the first board with telemetry.
    static QString decisionBoard(const QString& selected, const QStringList& boardsWithTelemetry);
    static QString decisionAxisLabel(const QString& board);
    // The GPU clock axis starts at 0 (a steady clock is a line of its own, not the plot's edge).
    static double clockAxisUpper(bool hasClocks, double highestMhz);

private:
    bool deploying_ = false;
    QHash<QString, qint64> nextHistoryLookupMs_; // per board: when to look again
};

} // namespace dvfo
