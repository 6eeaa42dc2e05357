#pragma once
#include "core/board/boardregistry.h"
#include "core/workspace/deploymentstatus.h"
#include "remote/client/boardconnector.h"
#include "remote/client/deploycontext.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

struct DeployStepReport {
    std::string step;
    bool ok = false;
    double ms = 0;
    std::string message;
};

// The outcome of deploying (or rolling back) one board.
struct DeployResult {
    std::string board;
    DeploymentKind kind = DeploymentKind::Deploy;
    std::string version;         // what was deployed (or, for a rollback, what is running after it)
    std::string previousVersion; // what ran before
    DeploymentStatus status = DeploymentStatus::Failed; // never Running
    std::string message;
    std::string startedAt;
    std::vector<DeployStepReport> steps;

    bool ok() const { return status == DeploymentStatus::Succeeded; }
    nlohmann::json stepsJson() const;
};

// Deploys a bundle to one board: check -> lock -> upload -> verify -> switch -> restart -> health;
// when a step after the switch fails, rolls back to the previous bundle (switch back, restart,
// health check of the old one). Crash-consistent: each deploy gets its own directory, files and
// directories are fsync'ed before anything points at them, `previous` is set before `current`,
// and the pending marker (PendingDeploy) makes a restart the deploy did not ask for fall back to
// the previous bundle until the new one passed its health check. A registered board is reached over
// SSH, an "emulated:<id>" board (see emulatedBoardEntry) through this machine's shell; the steps
// are the same. Nothing here throws: every failure is in the result.
class BundleDeployer {
public:
    BundleDeployer(BoardEntry board, ConnectOptions connect, DeployOptions options);

    DeployResult deploy(const std::string& localBundleDir);
    // Switches the board back to the bundle `previous` points to (the one before the last deploy).
    DeployResult rollback();

    // DeployOptions::checkpoint's points, in order: after each change a deploy makes on a board.
    static const std::vector<std::string> kKillPoints;

private:
    DeployResult deploySteps(const std::string& localBundleDir, DeployResult opening);

    BoardEntry board_;
    ConnectOptions connect_;
    DeployOptions options_;
};

} // namespace dvfo
