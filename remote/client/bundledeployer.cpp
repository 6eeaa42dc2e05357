#include "remote/client/bundledeployer.h"

#include "remote/client/checkboardstep.h"
#include "remote/client/healthcheckstep.h"
#include "remote/client/restartruntimestep.h"
#include "remote/client/rollbackstep.h"
#include "remote/client/switchcurrentstep.h"
#include "remote/client/uploadbundlestep.h"
#include "remote/client/verifychecksumstep.h"
#include "remote/edge/runtimelayout.h"

#include <chrono>
#include <ctime>
#include <memory>

namespace dvfo {

namespace {
std::string isoNow() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

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

DeployResult BundleDeployer::deploy(const std::string& localBundleDir) {
    DeployResult result;
    result.board = board_.name;
    result.startedAt = isoNow();
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

        CheckBoardStep check;
        UploadBundleStep upload;
        VerifyChecksumStep verify;
        SwitchCurrentStep switchCurrent;
        RestartRuntimeStep restart;
        HealthCheckStep health;
        for (DeployStep* step : std::initializer_list<DeployStep*>{&check, &upload, &verify, &switchCurrent, &restart, &health}) {
            const std::string error = runStep(*step, c, result);
            result.version = c.manifest.bundleVersion;
            result.previousVersion = c.previousVersion;
            if (error.empty())
                continue;
            result.message = step->name() + ": " + error;
            if (!c.switched) {
                // Nothing on the board changed what runs; drop the partial upload.
                if (step != &check)
                    try {
                        c.run("rm -rf " + BoardShell::quote(c.root + "/staging/" +
                                                            c.manifest.bundleVersion),
                              "cleanup");
                    } catch (const std::exception&) {
                    }
                result.status = "failed";
                return result;
            }
            RollbackStep rollback;
            const std::string rollbackError = runStep(rollback, c, result);
            if (rollbackError.empty()) {
                result.status = "rolled_back";
                result.message += c.previousVersion.empty() || result.previousVersion.empty()
                                      ? "; no previous bundle, runtime stopped"
                                      : "; rolled back to " + result.previousVersion + ", which is running";
            } else {
                result.status = "rollback_failed";
                result.message += "; rollback failed too: " + rollbackError;
            }
            return result;
        }
        result.status = "succeeded";
        result.message = "bundle " + result.version + " running";
    } catch (const std::exception& e) {
        result.status = "failed";
        result.message = e.what();
    }
    return result;
}

DeployResult BundleDeployer::rollback() {
    DeployResult result;
    result.kind = "rollback";
    result.board = board_.name;
    result.startedAt = isoNow();
    try {
        auto shell = openBoardShell(board_, connect_);
        DeployContext c(*shell, board_, options_);
        c.root = runtimeRootOn(*shell, board_, options_);
        const std::string current = c.linkVersion("current");
        c.previousVersion = c.linkVersion("previous");
        result.previousVersion = current;
        if (c.previousVersion.empty() || c.previousVersion == current) {
            result.message = "nothing to roll back to on " + board_.name + ": no previous bundle is kept";
            return result;
        }
        c.manifest.bundleVersion = current;
        RollbackStep rollback;
        const std::string error = runStep(rollback, c, result);
        if (!error.empty()) {
            result.message = "rollback: " + error;
            return result;
        }
        // Swap: the bundle rolled away from becomes `previous`, so a second rollback undoes this one.
        if (!current.empty())
            c.switchLink("previous", current);
        result.version = c.manifest.bundleVersion;
        result.status = "succeeded";
        result.message = "rolled back from " + current + " to " + result.version;
    } catch (const std::exception& e) {
        result.message = e.what();
    }
    return result;
}

} // namespace dvfo
