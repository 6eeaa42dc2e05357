#pragma once
#include "core/boardregistry.h"
#include "core/bundlemanifest.h"
#include "remote/client/boardshell.h"

#include <chrono>
#include <functional>
#include <string>

namespace dvfo {

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
    int healthWaitMs = 20000;       // how long the health check waits for the runtime to be healthy
    std::string input = "synthetic"; // the runtime's input (dvfo-edge run --input)
    std::string cloudUrl;           // overrides the bundle's endpoint on the board; empty = the bundle's
    int periodMs = 100;
    // (board, step, message) for every step start/end; may be called from several threads.
    std::function<void(const std::string& board, const std::string& step, const std::string& message)> progress;
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
    std::string previousVersion; // what `current` pointed to before the switch ("" = nothing)
    bool switched = false;

    DeployContext(BoardShell& s, BoardEntry b, DeployOptions o)
        : shell(s), board(std::move(b)), options(std::move(o)) {}

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
    std::string bundlePath(const std::string& version) const { return root + "/bundles/" + version; }
    // Points <root>/<link> at bundles/<version> atomically (symlink to a temp name, rename over).
    void switchLink(const std::string& link, const std::string& version) const;
    // The bundle version a link points to, "" when the link does not exist.
    std::string linkVersion(const std::string& link) const;
};

// One step of a deployment. run() throws (DeployError, SshError, ...) to fail the deployment.
class DeployStep {
public:
    virtual ~DeployStep() = default;
    virtual std::string name() const = 0;
    virtual void run(DeployContext& context) = 0;
};

} // namespace dvfo
