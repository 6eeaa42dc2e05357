#pragma once
#include "remote/edge/runtimelayout.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

// `dvfo-edge runtime start|stop|restart|status`: the runtime as a detached process, for boards
// without systemd and for tests. The pid file is RuntimePidFile (flock'ed, on a tmpfs, checked
// against /proc/PID/exe before any signal). When the systemd unit is active for this root,
// start/stop/restart go through systemctl instead (SystemdRuntimeUnit).
class RuntimeService {
public:
    explicit RuntimeService(RuntimeLayout layout) : layout_(std::move(layout)) {}

    // Starts `runArgv` (the full command line of `dvfo-edge ... run ...`) detached: own session,
    // output to runtime.log; returns its pid once it holds the pid file. Throws
    // std::runtime_error when one is running (also under systemd).
    int start(const std::vector<std::string>& runArgv);
    // SIGTERM, then SIGKILL after `graceMs`, only to a verified dvfo-edge runtime of this root.
    // Returns true when one was running. Throws when the pid file is held by another process.
    bool stop(int graceMs = 10000);
    // stop() + start(), or `systemctl restart` under the unit. Returns whether one was running.
    bool restart(const std::vector<std::string>& runArgv);
    int runningPid() const; // 0 when none

    // Waits up to waitMs for a healthy runtime: answering on its socket, state "running", policy
    // loaded, the pid of the pid file, and (when given) bundle `expectVersion`. Returns
    // {"healthy":bool,"reason":"...","status":{...}}; stops waiting early when the runtime failed.
    nlohmann::json health(int waitMs, const std::string& expectVersion) const;

private:
    std::string logTail() const;
    RuntimeLayout layout_;
};

} // namespace dvfo
