#pragma once
#include <string>

namespace dvfo {

// The systemd unit of the runtime (packaging/dvfo-edge.service). When it is active and runs the
// same root, the runtime is started, stopped and restarted through systemctl: a runtime started
// next to it would be a second one on the same board, and one stopped behind systemd's back
// would come back or leave the unit failed.
class SystemdRuntimeUnit {
public:
    // $DVFO_EDGE_UNIT or "dvfo-edge.service".
    SystemdRuntimeUnit();

    // True when systemd runs this machine, the unit is active (or activating) and its main
    // process is `dvfo-edge run` with this runtime root.
    bool managesRoot(const std::string& root) const;
    // `systemctl <verb> <unit>`; throws std::runtime_error when it fails.
    void control(const std::string& verb) const;
    const std::string& unit() const { return unit_; }

    // The --root of a `dvfo-edge run` command line (NUL-separated, as /proc/PID/cmdline), made
    // absolute against `cwd`; empty when there is none.
    static std::string rootOfCommandLine(const std::string& cmdline, const std::string& cwd);

private:
    std::string unit_;
};

} // namespace dvfo
