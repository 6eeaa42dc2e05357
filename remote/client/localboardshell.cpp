#include "remote/client/localboardshell.h"

#include "core/common/sha256.h"
#include "remote/client/localprocesstransport.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace dvfo {

namespace {

// As much output as SshExec keeps by default: enough for any answer a deploy step parses.
constexpr std::size_t kMaxCapture = std::size_t(16) << 20;

std::string homeDirectory() {
    if (const char* home = std::getenv("HOME"); home && *home)
        return home;
    if (const passwd* pw = getpwuid(getuid()))
        return pw->pw_dir;
    throw std::runtime_error("cannot tell the home directory: HOME is not set");
}

// Reads what is available on `fd` into `into`; closes it and sets it to -1 at EOF.
void drain(int& fd, std::string& into) {
    char buf[65536];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
        into.append(buf,
                    std::min(std::size_t(n), kMaxCapture - std::min(kMaxCapture, into.size())));
    } else if (n == 0 || errno != EINTR) {
        ::close(fd);
        fd = -1;
    }
}

// Reads both pipes until they close or the deadline passes; returns false on the deadline.
bool collect(int& out, int& err, ShellResult& result,
             std::chrono::steady_clock::time_point deadline) {
    while (out >= 0 || err >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0)
            return false;
        pollfd p[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
        const int r = ::poll(p, 2, int(std::min<long long>(left, 1000)));
        if (r < 0 && errno != EINTR)
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        if (r <= 0)
            continue;
        if (out >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(out, result.stdoutText);
        if (err >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(err, result.stderrText);
    }
    return true;
}

} // namespace

ShellResult LocalBoardShell::run(const std::string& command, std::chrono::milliseconds timeout) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Own process group, so a timeout kills everything the command started (a runtime it
        // starts detaches itself with setsid and is not touched). Only async-signal-safe calls
        // here: the studio forks from a worker thread.
        ::setpgid(0, 0);
        ::dup2(devnull, 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        // Descriptors other threads opened without O_CLOEXEC must not outlive the command in a
        // detached runtime it starts.
        ::close_range(3, ~0U, 0);
        ::execv(argv[0], const_cast<char* const*>(argv));
        ::_exit(127);
    }
    const int forkErrno = errno;
    ::close(out[1]);
    ::close(err[1]);
    if (devnull >= 0)
        ::close(devnull);
    if (pid < 0) {
        ::close(out[0]);
        ::close(err[0]);
        throw std::runtime_error(std::string("cannot start /bin/sh: ") + std::strerror(forkErrno));
    }
    ::setpgid(pid, pid); // also here: the group must exist before a timeout can signal it

    ShellResult result;
    int outFd = out[0], errFd = err[0];
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!collect(outFd, errFd, result, deadline)) {
        result.timedOut = true;
        ::kill(-pid, SIGTERM);
        if (!collect(outFd, errFd, result,
                     std::chrono::steady_clock::now() + std::chrono::seconds(2)))
            ::kill(-pid, SIGKILL);
    }
    for (int fd : {outFd, errFd})
        if (fd >= 0)
            ::close(fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

void LocalBoardShell::upload(const std::string& localPath, const std::string& boardPath,
                             const FileUploadOptions& options) {
    const fs::path target = absolutePath(boardPath);
    fs::create_directories(target.parent_path());
    const fs::path written = options.atomic ? fs::path(target.string() + ".dvfo-part") : target;
    fs::copy_file(localPath, written, fs::copy_options::overwrite_existing);
    fs::permissions(written, fs::perms(options.mode), fs::perm_options::replace);
    if (options.verifySha256 && Sha256::hexOfFile(written) != Sha256::hexOfFile(localPath)) {
        fs::remove(written);
        throw std::runtime_error("copying " + localPath + " to " + target.string() +
                                 ": the copy's sha256 differs from the original's");
    }
    if (options.atomic)
        fs::rename(written, target);
}

void LocalBoardShell::makeDirectories(const std::string& boardPath) {
    fs::create_directories(absolutePath(boardPath));
}

std::optional<std::string> LocalBoardShell::readLink(const std::string& boardPath) {
    const fs::path link = absolutePath(boardPath);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(link, ec)))
        return std::nullopt;
    return fs::read_symlink(link).string();
}

std::string LocalBoardShell::absolutePath(const std::string& boardPath) {
    if (!boardPath.empty() && boardPath.front() == '/')
        return boardPath;
    if (boardPath == "~")
        return homeDirectory();
    return homeDirectory() + "/" +
           (boardPath.rfind("~/", 0) == 0 ? boardPath.substr(2) : boardPath);
}

std::unique_ptr<LineTransport> LocalBoardShell::startCommand(const std::string& command) {
    return std::make_unique<LocalProcessTransport>(
        std::vector<std::string>{"/bin/sh", "-c", "exec " + command}, "this machine");
}

} // namespace dvfo
