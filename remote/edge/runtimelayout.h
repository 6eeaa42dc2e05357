#pragma once
#include <string>

namespace dvfo {

// Where the edge runtime keeps things under its root directory (the same on every board):
//   bundles/<version>@<deploy id>/  one directory per deploy (a redeploy of the running version
//                                   never touches the directory that runs)
//   staging/<version>@<deploy id>/  uploads in progress
//   current -> bundles/<dir>        switched atomically (symlink to a temp name + rename)
//   previous -> bundles/<dir>       the confirmed bundle to fall back to; set before `current`
//   pending                         `current` has not passed its health check yet (PendingDeploy)
//   deploy.lock                     flock'ed by the deploy in progress (DeployLock)
//   runtime/{status.json, runtime.sock, runtime.log, telemetry.jsonl, telemetry.1.jsonl}
// The pid file is not under the root: it lives in runDirectory(), a tmpfs cleared at boot, so a
// pid from before a reboot can never name an unrelated process.
struct RuntimeLayout {
    std::string root;

    explicit RuntimeLayout(std::string rootDir) : root(std::move(rootDir)) {}
    // "~/.local/share/dvfo-edge", spelled for the board's shell. An agent that emulates board ID
    // keeps its runtime in "~/.local/share/dvfo-edge/emulated-ID": one root per emulated board, so
    // the emulated boards of one machine never share `current` or a running runtime.
    static std::string defaultRootInHome(const std::string& emulatedBoardId = {});
    // defaultRootInHome() with this machine's $HOME.
    static std::string defaultRoot(const std::string& emulatedBoardId = {});
    // "~/x" -> "$HOME/x"; other paths unchanged.
    static std::string expandHome(const std::string& path);
    // Where pid files live: $DVFO_EDGE_RUN_DIR (tests), else /run/dvfo-edge when it can be
    // created, else $XDG_RUNTIME_DIR/dvfo-edge, else /tmp/dvfo-edge-<uid>. Created on demand.
    static std::string runDirectory();
    // The version of a bundle directory name: "v1@20261205T120000Z-1a2b" -> "v1" (a name without
    // "@", from before directories per deploy, is the version itself).
    static std::string versionOfBundleDir(const std::string& dirName);

    std::string currentDir() const { return root + "/current"; }
    std::string runtimeDir() const { return root + "/runtime"; }
    std::string statusPath() const { return runtimeDir() + "/status.json"; }
    std::string socketPath() const { return runtimeDir() + "/runtime.sock"; }
    std::string pendingPath() const { return root + "/pending"; }
    std::string deployLockPath() const { return root + "/deploy.lock"; }
    std::string bundlesDir() const { return root + "/bundles"; }
    // <runDirectory()>/runtime-<hash of the absolute root>.pid: one per root.
    std::string pidPath() const;
    std::string logPath() const { return runtimeDir() + "/runtime.log"; }
    std::string telemetryPath() const { return runtimeDir() + "/telemetry.jsonl"; }
    std::string rotatedTelemetryPath() const { return runtimeDir() + "/telemetry.1.jsonl"; }
};

} // namespace dvfo
