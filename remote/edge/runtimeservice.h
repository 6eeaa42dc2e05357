#pragma once
#include "remote/edge/runtimelayout.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

// `dvfo-edge runtime start|stop|restart|status`: the runtime as a detached process with a pid
// file, for boards without systemd and for tests (with systemd, the unit runs `dvfo-edge run`).
class RuntimeService {
public:
    explicit RuntimeService(RuntimeLayout layout) : layout_(std::move(layout)) {}

    // Starts `runArgv` (the full command line of `dvfo-edge ... run ...`) detached: own session,
    // output to runtime.log, pid in runtime.pid. Throws std::runtime_error when one is running.
    int start(const std::vector<std::string>& runArgv);
    // SIGTERM, then SIGKILL after `graceMs`. Returns true when one was running.
    bool stop(int graceMs = 10000);
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
