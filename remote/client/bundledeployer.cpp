#include "remote/client/bundledeployer.h"
#include "core/common/utctime.h"

#include "remote/client/checkboardstep.h"
#include "remote/client/healthcheckstep.h"
#include "remote/client/lockboardstep.h"
#include "remote/client/restartruntimestep.h"
#include "remote/client/rollbackstep.h"
#include "remote/client/switchcurrentstep.h"
#include "remote/client/uploadbundlestep.h"
#include "remote/client/verifychecksumstep.h"
#include "remote/edge/runtimelayout.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <random>

namespace dvfo {

namespace {

// Runs one step, timing it and recording the outcome; returns the error text ("" = ok).
std::string runStep(DeployStep& step, DeployContext& c, DeployResult& result) {
    c.report(step.name(), "started");
    const auto t0 = std::chrono::steady_clock::now();
    std::string error;
    try {
        step.run(c);
    } catch (const std::exception& e) {
        error = e.what();
    }
    DeployStepReport r;
    r.step = step.name();
    r.ok = error.empty();
    r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    r.message = error.empty() ? "ok" : error;
    result.steps.push_back(r);
    c.report(step.name(), error.empty() ? "done" : "failed: " + error);
    return error;
}

// The runtime root on the board, absolute: the option, else the board's default root (which for an
// emulated agent is its own, see RuntimeLayout).
std::string runtimeRootOn(BoardShell& shell, const BoardEntry& board,
                          const DeployOptions& options) {
    return shell.absolutePath(options.runtimeRoot.empty()
                                  ? RuntimeLayout::defaultRootInHome(board.emulate)
                                  : options.runtimeRoot);
}
} // namespace

nlohmann::json DeployResult::stepsJson() const {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : steps)
        j.push_back({{"step", s.step}, {"ok", s.ok}, {"ms", s.ms}, {"message", s.message}});
    return j;
}

BundleDeployer::BundleDeployer(BoardEntry board, ConnectOptions connect, DeployOptions options)
    : board_(std::move(board)), connect_(std::move(connect)), options_(std::move(options)) {}

const std::vector<std::string> BundleDeployer::kKillPoints = {
    "lock",           "upload",  "verify", "switch:previous", "switch:pending",
    "switch:current", "restart", "health", "confirm"};

namespace {
// "20261205T120000Z-1a2b3c": unique per deploy, sorts by time.
std::string newDeployId() {
    std::random_device rd;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%06x", unsigned(rd()) & 0xffffffu);
    return utcNowCompact() + suffix;
}

// Removes what no link needs from bundles/ (and staging/): `current`, `previous` and `keep` stay.
void prune(DeployContext& c, const std::string& keep) {
    std::string patterns;
    for (const std::string& dir : {c.linkTarget("current"), c.linkTarget("previous"), keep})
        if (!dir.empty())
            patterns += (patterns.empty() ? "" : "|") + BoardShell::quote(dir);
    if (patterns.empty())
        return;
    try {
        c.run("rm -rf " + BoardShell::quote(c.root + "/staging") + "; cd " +
                  BoardShell::quote(c.root + "/bundles") + " && for d in *; do case \"$d\" in " +
                  patterns + ") ;; *) rm -rf -- \"$d\" ;; esac; done; sync -- .",
              "removing old bundles");
    } catch (const std::exception&) {
        // Disk space only: the next deploy tries again.
    }
}

// Keeps the history row: opened before the first step, completed however the deploy ends.
class HistoryRow {
public:
    HistoryRow(const DeployOptions& o, const DeployResult& opening) : options_(o) {
        if (options_.historyStarted)
            try {
                row_ = options_.historyStarted(opening);
            } catch (const std::exception&) {
                row_ = -1; // history is a record, never a reason to refuse a deploy
            }
    }
    void finish(const DeployResult& result) {
        if (options_.historyFinished && row_ >= 0)
            try {
                options_.historyFinished(row_, result);
            } catch (const std::exception&) {
            }
    }

private:
    const DeployOptions& options_;
    int64_t row_ = -1;
};
} // namespace

DeployResult BundleDeployer::deploy(const std::string& localBundleDir) {
    DeployResult result;
    result.board = board_.name;
    result.startedAt = utcNowIso();
    try {
        result.version = BundleManifest::load(localBundleDir).bundleVersion;
    } catch (const std::exception&) {
        // The check step reports what is wrong with the bundle.
    }
    HistoryRow history(options_, result);
    result = deploySteps(localBundleDir, std::move(result));
    history.finish(result);
    return result;
}

DeployResult BundleDeployer::deploySteps(const std::string& localBundleDir, DeployResult result) {
    std::unique_ptr<BoardShell> shell;
    try {
        shell = openBoardShell(board_, connect_);
    } catch (const std::exception& e) {
        result.message = std::string("cannot connect: ") + e.what();
        result.steps.push_back({"connect", false, 0, result.message});
        if (options_.progress)
            options_.progress(board_.name, "connect", "failed: " + std::string(e.what()));
        return result;
    }
    try {
        DeployContext c(*shell, board_, options_);
        c.root = runtimeRootOn(*shell, board_, options_);
        c.localBundleDir = localBundleDir;
        c.deployId = newDeployId();

        CheckBoardStep check;
        LockBoardStep lock;
        UploadBundleStep upload;
        VerifyChecksumStep verify;
        SwitchCurrentStep switchCurrent;
        RestartRuntimeStep restart(true);
        HealthCheckStep health(true);
        for (DeployStep* step : std::initializer_list<DeployStep*>{
                 &check, &lock, &upload, &verify, &switchCurrent, &restart, &health}) {
            const std::string error = runStep(*step, c, result);
            if (step == &check) {
                result.version = c.manifest.bundleVersion;
                c.bundleDir = c.manifest.bundleVersion + "@" + c.deployId;
            }
            result.previousVersion = c.previousVersion;
            if (error.empty())
                continue;
            result.message = step->name() + ": " + error;
            if (!c.switched) {
                // Nothing on the board changed what runs; drop the partial upload.
                if (c.lock)
                    try {
                        c.run("rm -rf " + BoardShell::quote(c.stagingPath()), "cleanup");
                    } catch (const std::exception&) {
                    }
                result.status = DeploymentStatus::Failed;
                return result;
            }
            RollbackStep rollback;
            const std::string rollbackError = runStep(rollback, c, result);
            if (rollbackError.empty()) {
                result.status = DeploymentStatus::RolledBack;
                result.message +=
                    c.previousDir.empty() || result.previousVersion.empty()
                        ? "; no previous bundle, runtime stopped"
                        : "; rolled back to " + result.previousVersion + ", which is running";
                prune(
                    c,
                    c.previousDir); // the failed bundle stays for inspection until the next deploy
            } else {
                result.status = DeploymentStatus::RollbackFailed;
                result.message += "; rollback failed too: " + rollbackError;
            }
            return result;
        }
        prune(c, c.bundleDir);
        result.status = DeploymentStatus::Succeeded;
        result.message = "bundle " + result.version + " running";
    } catch (const std::exception& e) {
        result.status = DeploymentStatus::Failed;
        result.message = e.what();
    }
    return result;
}

DeployResult BundleDeployer::rollback() {
    DeployResult result;
    result.kind = DeploymentKind::Rollback;
    result.board = board_.name;
    result.startedAt = utcNowIso();
    HistoryRow history(options_, result);
    try {
        auto shell = openBoardShell(board_, connect_);
        DeployContext c(*shell, board_, options_);
        c.root = runtimeRootOn(*shell, board_, options_);
        LockBoardStep lock;
        if (const std::string error = runStep(lock, c, result); !error.empty())
            throw DeployError(error);
        const std::string currentDir = c.linkTarget("current");
        const std::string current = c.linkVersion("current");
        c.previousDir = c.linkTarget("previous");
        c.previousVersion = c.linkVersion("previous");
        result.previousVersion = current;
        if (c.previousDir.empty() || c.previousDir == currentDir) {
            result.message =
                "nothing to roll back to on " + board_.name + ": no previous bundle is kept";
            history.finish(result);
            return result;
        }
        c.manifest.bundleVersion = current;
        c.bundleDir = currentDir;
        RollbackStep rollback;
        const std::string error = runStep(rollback, c, result);
        if (!error.empty()) {
            result.message = "rollback: " + error;
            history.finish(result);
            return result;
        }
        // Swap: the bundle rolled away from becomes `previous`, so a second rollback undoes this
        // one.
        if (!currentDir.empty())
            c.switchLink("previous", currentDir);
        result.version = c.manifest.bundleVersion;
        result.status = DeploymentStatus::Succeeded;
        result.message = "rolled back from " + current + " to " + result.version;
    } catch (const std::exception& e) {
        result.message = e.what();
    }
    history.finish(result);
    return result;
}

} // namespace dvfo
