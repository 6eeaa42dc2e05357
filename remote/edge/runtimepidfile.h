#pragma once
#include <string>

namespace dvfo {

// The runtime's pid file (RuntimeLayout::pidPath(): on a tmpfs, one per runtime root), held with
// flock() by the runtime for as long as it lives. A pid in it counts only while the lock is held,
// and only for a process whose /proc/PID/exe is dvfo-edge running `run`: a stale pid, or the pid
// of an unrelated process, is never signalled.
class RuntimePidFile {
public:
    explicit RuntimePidFile(std::string path);
    ~RuntimePidFile();
    RuntimePidFile(const RuntimePidFile&) = delete;
    RuntimePidFile& operator=(const RuntimePidFile&) = delete;

    // In the runtime: takes the lock and writes this process's pid; kept until destruction (the
    // kernel drops it when the process dies, however it dies). Throws std::runtime_error naming
    // the holder when another runtime of this root is running.
    void claim();

    // What the file says about a runtime: no holder, a verified dvfo-edge runtime, or a locked
    // file naming some other process (refused).
    struct Holder {
        int pid = 0;           // the verified runtime's pid, 0 when none
        int unverifiedPid = 0; // the lock is held but the pid is not a dvfo-edge runtime
        std::string reason;    // why unverifiedPid was refused, for messages
    };
    Holder holder() const;
    const std::string& path() const { return path_; }

    // /proc/PID/exe is a dvfo-edge binary (also one replaced since it started) and its command
    // line runs `run`. Empty when it is, else why not.
    static std::string notARuntime(int pid);

private:
    std::string path_;
    int fd_ = -1;
};

} // namespace dvfo
