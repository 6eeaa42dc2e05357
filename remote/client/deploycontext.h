#pragma once
#include "core/board/boardregistry.h"
#include "core/bundle/bundlemanifest.h"
#include "remote/client/boardshell.h"

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

class LineTransport;
struct DeployResult;

// A deploy step failed; what() says which and why, for the user.
class DeployError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// How to deploy, shared by all boards of a fleet.
struct DeployOptions {
    // Runtime root on the boards; empty = each board's default (RuntimeLayout::defaultRootInHome:
    // ~/.local/share/dvfo-edge, or .../emulated-<id> for a board whose agent emulates <id>).
    std::string runtimeRoot;
    int healthWaitMs = 20000; // how long the health check waits for the runtime to be healthy
    std::string input = "synthetic"; // the runtime's input (dvfo-edge run --input)
    std::string cloudUrl; // overrides the bundle's endpoint on the board; empty = the bundle's
    int periodMs = 100;
    // (board, step, message) for every step start/end; may be called from several threads.
    std::function<void(const std::string& board, const std::string& step,
                       const std::string& message)>
        progress;
    // Called at every kill point: after each change a deploy makes on a board (see
    // BundleDeployer::kKillPoints), with the board's deploy lock held. Tests (and the CLI's
    // DVFO_DEPLOY_PAUSE_AT) use it to stop a deploy at a known point.
    std::function<void(const std::string& board, const std::string& point)> checkpoint;
    // Deployment history: `started` before the first step (returns the row's id), `finished`
    // after the last, so a deploy that is killed still leaves its row ("running"). May be called
    // from several threads.
    std::function<int64_t(const DeployResult& opening)> historyStarted;
    std::function<void(int64_t row, const DeployResult& result)> historyFinished;
    int lockWaitMs = 30000; // how long to wait for another deploy to the same board
};

// What the steps of one board's deployment share: the board's shell (SSH or this machine: the
// steps do not know which), the board, and what earlier steps found out (the previous bundle,
// whether `current` was switched).
struct DeployContext {
    BoardShell& shell;
    BoardEntry board;
    DeployOptions options;
    std::string root;           // runtime root on the board, absolute
    std::string localBundleDir; // empty for a rollback
    BundleManifest manifest;
    std::string deployId;        // unique per deploy: <UTC time>-<random>
    std::string bundleDir;       // this deploy's directory in bundles/: <version>@<deployId>
    std::string previousDir;     // what `current` pointed to before the switch ("" = nothing)
    std::string previousVersion; // its version
    bool switched = false;       // `current` may point at bundleDir (a rollback is needed)
    std::unique_ptr<LineTransport> lock; // the board's deploy lock, held while it is open

    DeployContext(BoardShell& s, BoardEntry b, DeployOptions o);
    ~DeployContext();

    void report(const std::string& step, const std::string& message) const {
        if (options.progress)
            options.progress(board.name, step, message);
    }
    // `dvfo-edge [--emulate X] [--sysfs-root Y] <args>` on the board, its path quoted for sh.
    std::string agentCommand(const std::string& args) const;
    // Runs a command on the board; throws DeployError with `what` and the command's stderr on
    // failure.
    std::string run(const std::string& command, const std::string& what,
                    std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;
    std::string bundlePath(const std::string& dir) const { return root + "/bundles/" + dir; }
    std::string stagingPath() const { return root + "/staging/" + bundleDir; }
    // Points <root>/<link> at bundles/<dir> atomically (symlink to a temp name, rename over)
    // and durably (the root directory is fsync'ed).
    void switchLink(const std::string& link, const std::string& dir) const;
    // The directory in bundles/ a link points to, "" when the link does not exist.
    std::string linkTarget(const std::string& link) const;
    // The bundle version a link points to, "" when the link does not exist.
    std::string linkVersion(const std::string& link) const;
    // A shell command that writes <root>/pending (PendingDeploy's marker) atomically and
    // durably. `armed` puts the board's boot id in it: the deploy's own restart may then start
    // the bundle once, in this boot. The restart step runs it in the same command as the
    // restart, so no kill can separate arming and restarting.
    std::string markerCommand(bool armed) const;
    void removeMarker() const;
    // fsync of each path (files and directories), on the board.
    static std::string syncCommand(const std::vector<std::string>& paths);
    // Stops here when options.checkpoint says so (tests, DVFO_DEPLOY_PAUSE_AT).
    void checkpoint(const std::string& point) const;
};

// One step of a deployment. run() throws (DeployError, SshError, ...) to fail the deployment.
class DeployStep {
public:
    virtual ~DeployStep() = default;
    virtual std::string name() const = 0;
    virtual void run(DeployContext& context) = 0;
};

} // namespace dvfo
