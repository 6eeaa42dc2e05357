#pragma once
#include <string>

namespace dvfo {

// Where the edge runtime keeps things under its root directory (the same on every board):
//   bundles/<version>/          deployed bundles (the previous one is kept for rollback)
//   staging/<version>/          uploads in progress
//   current -> bundles/<version>   switched atomically (symlink to a temp name + rename)
//   previous -> bundles/<version>  what `current` pointed to before the last switch
//   runtime/{status.json, runtime.sock, runtime.pid, runtime.log, telemetry.jsonl, telemetry.1.jsonl}
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

    std::string currentDir() const { return root + "/current"; }
    std::string runtimeDir() const { return root + "/runtime"; }
    std::string statusPath() const { return runtimeDir() + "/status.json"; }
    std::string socketPath() const { return runtimeDir() + "/runtime.sock"; }
    std::string pidPath() const { return runtimeDir() + "/runtime.pid"; }
    std::string logPath() const { return runtimeDir() + "/runtime.log"; }
    std::string telemetryPath() const { return runtimeDir() + "/telemetry.jsonl"; }
    std::string rotatedTelemetryPath() const { return runtimeDir() + "/telemetry.1.jsonl"; }
};

} // namespace dvfo
