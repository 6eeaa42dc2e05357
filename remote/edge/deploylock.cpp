#include "remote/edge/deploylock.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <ostream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace dvfo {

int DeployLock::holdWhileInputOpen(const RuntimeLayout& layout, int waitMs, std::ostream& out,
                                   std::ostream& err) {
    std::error_code ec;
    std::filesystem::create_directories(layout.root, ec);
    const std::string path = layout.deployLockPath();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        err << "dvfo-edge: cannot open " << path << ": " << std::strerror(errno) << "\n";
        return 1;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(waitMs);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            char who[256] = {};
            const ssize_t n = ::pread(fd, who, sizeof who - 1, 0);
            std::string holder = n > 0 ? std::string(who, size_t(n)) : "unknown";
            while (!holder.empty() && holder.back() == '\n')
                holder.pop_back();
            err << "dvfo-edge: another deploy to this board is in progress (" << holder
                << "); try again when it has finished\n";
            ::close(fd);
            return 1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // Who holds it, for the message another deploy gets; the lock itself is the flock.
    const std::string who = "pid " + std::to_string(::getpid()) + " since " +
                            std::to_string(long(std::time(nullptr))) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, who.data(), who.size(), 0) < 0) {
    }
    out << "locked" << std::endl;
    char buf[256];
    while (true) {
        const ssize_t n = ::read(0, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    ::close(fd);
    return 0;
}

} // namespace dvfo
