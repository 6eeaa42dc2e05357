#include "remote/edge/runtimepidfile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>
#include <vector>

namespace dvfo {

namespace {
int readPid(int fd) {
    char buf[64] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    return n > 0 ? std::atoi(buf) : 0;
}
} // namespace

RuntimePidFile::RuntimePidFile(std::string path) : path_(std::move(path)) {}

RuntimePidFile::~RuntimePidFile() {
    if (fd_ >= 0) {
        // Empty the file before the lock goes: a reader never sees our pid without the lock.
        if (::ftruncate(fd_, 0) != 0) {
        }
        ::close(fd_);
    }
}

void RuntimePidFile::claim() {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::runtime_error("cannot open the pid file " + path_ + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int other = readPid(fd);
        ::close(fd);
        throw std::runtime_error("another runtime of this root is running (pid " +
                                 std::to_string(other) + ", " + path_ + ")");
    }
    const std::string text = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, text.data(), text.size(), 0) != ssize_t(text.size())) {
        const int err = errno;
        ::close(fd);
        throw std::runtime_error("cannot write the pid file " + path_ + ": " + std::strerror(err));
    }
    fd_ = fd;
}

RuntimePidFile::Holder RuntimePidFile::holder() const {
    Holder h;
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return h;
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
        ::close(fd); // nobody holds it: whatever pid it names is stale
        return h;
    }
    const int pid = readPid(fd);
    ::close(fd);
    if (pid <= 0) {
        h.reason = "the locked pid file " + path_ + " names no pid";
        return h;
    }
    h.reason = notARuntime(pid);
    (h.reason.empty() ? h.pid : h.unverifiedPid) = pid;
    return h;
}

std::string RuntimePidFile::notARuntime(int pid) {
    const std::string proc = "/proc/" + std::to_string(pid);
    char buf[4096];
    const ssize_t n = ::readlink((proc + "/exe").c_str(), buf, sizeof buf - 1);
    if (n <= 0)
        return "pid " + std::to_string(pid) + " has no readable /proc/" + std::to_string(pid) +
               "/exe";
    std::string exe(buf, size_t(n));
    const std::string deleted =
        " (deleted)"; // the agent was replaced by an upload since it started
    if (exe.size() > deleted.size() &&
        exe.compare(exe.size() - deleted.size(), deleted.size(), deleted) == 0)
        exe.resize(exe.size() - deleted.size());
    const std::string name = exe.substr(exe.find_last_of('/') + 1);
    if (name.rfind("dvfo-edge", 0) != 0)
        return "pid " + std::to_string(pid) + " is " + exe + ", not dvfo-edge";
    std::ifstream in(proc + "/cmdline", std::ios::binary);
    std::string arg;
    while (std::getline(in, arg, '\0'))
        if (arg == "run")
            return {};
    return "pid " + std::to_string(pid) + " is dvfo-edge but not its runtime (`run`)";
}

} // namespace dvfo
