#include "remote/client/localprocesstransport.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dvfo {

namespace {
bool executable(const std::string& p) {
    return !p.empty() && access(p.c_str(), X_OK) == 0;
}

std::string selfDir() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return {};
    std::string p(buf, size_t(n));
    return p.substr(0, p.rfind('/'));
}
} // namespace

std::string locateEdgeAgent() {
    if (const char* env = getenv("DVFO_EDGE"); env && executable(env))
        return env;
    const std::string dir = selfDir();
    for (const std::string& c :
         {dir + "/dvfo-edge", dir + "/../remote/dvfo-edge", dir + "/../../remote/dvfo-edge"})
        if (executable(c))
            return c;
    if (const char* path = getenv("PATH")) {
        std::string p = path;
        size_t pos = 0;
        while (pos <= p.size()) {
            const size_t colon = p.find(':', pos);
            const std::string c =
                p.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos) +
                "/dvfo-edge";
            if (executable(c))
                return c;
            if (colon == std::string::npos)
                break;
            pos = colon + 1;
        }
    }
    throw TransportError(
        "cannot find the dvfo-edge agent: set DVFO_EDGE or install dvfo-edge next to this program");
}

LocalProcessTransport::LocalProcessTransport(const std::vector<std::string>& argv,
                                             std::string description)
    : description_(std::move(description)) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
        throw TransportError(std::string("cannot create pipes: ") + std::strerror(errno));
    pid_ = fork();
    if (pid_ < 0)
        throw TransportError(std::string("cannot start agent: ") + std::strerror(errno));
    if (pid_ == 0) {
        // Own process group: Ctrl-C in a terminal reaches the studio/CLI, which cancels cleanly.
        setpgid(0, 0);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        dprintf(2, "cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    toChild_ = in[1];
    fromChild_ = out[0];
    errFromChild_ = err[0];
    fcntl(errFromChild_, F_SETFL, O_NONBLOCK);
    std::signal(SIGPIPE, SIG_IGN);
}

LocalProcessTransport::~LocalProcessTransport() {
    close();
}

std::string LocalProcessTransport::stderrTail() {
    char buf[4096];
    ssize_t n;
    while (errFromChild_ >= 0 && (n = ::read(errFromChild_, buf, sizeof buf)) > 0)
        errBuffer_.append(buf, size_t(n));
    std::string tail =
        errBuffer_.size() > 2000 ? errBuffer_.substr(errBuffer_.size() - 2000) : errBuffer_;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r'))
        tail.pop_back();
    return tail;
}

void LocalProcessTransport::writeLine(const std::string& line) {
    if (toChild_ < 0)
        throw TransportError(description_ + ": connection closed");
    std::string data = line + "\n";
    size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::write(toChild_, data.data() + off, data.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            reap(200);
            const std::string tail = stderrTail();
            throw TransportError(description_ + ": agent is gone (" + std::strerror(errno) + ")" +
                                 (tail.empty() ? "" : ": " + tail));
        }
        off += size_t(n);
    }
}

std::optional<std::string> LocalProcessTransport::readLine(int timeoutMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        const auto nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (fromChild_ < 0)
            throw TransportError(description_ + ": connection closed");
        const int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 deadline - std::chrono::steady_clock::now())
                                 .count());
        if (left <= 0)
            return std::nullopt;
        // Drain stderr too: a chatty agent must never block on a full pipe.
        pollfd p[2] = {{fromChild_, POLLIN, 0}, {errFromChild_, POLLIN, 0}};
        const int r = poll(p, errFromChild_ >= 0 ? 2 : 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return std::nullopt;
        if (errFromChild_ >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
            char ebuf[4096];
            const ssize_t en = ::read(errFromChild_, ebuf, sizeof ebuf);
            if (en > 0) {
                errBuffer_.append(ebuf, size_t(en));
                if (errBuffer_.size() > 16384)
                    errBuffer_.erase(0, errBuffer_.size() - 8192);
            } else if (en == 0) {
                ::close(errFromChild_);
                errFromChild_ = -1;
            }
        }
        if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        char buf[65536];
        const ssize_t n = ::read(fromChild_, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            reap(500);
            const std::string tail = stderrTail();
            std::string status;
            if (exitStatus_ >= 0)
                status = WIFSIGNALED(exitStatus_)
                             ? " (killed by signal " + std::to_string(WTERMSIG(exitStatus_)) + ")"
                             : " (exit status " + std::to_string(WEXITSTATUS(exitStatus_)) + ")";
            ::close(fromChild_);
            fromChild_ = -1;
            throw TransportError(description_ + ": agent closed the connection" + status +
                                 (tail.empty() ? "" : ": " + tail));
        }
        buffer_.append(buf, size_t(n));
        // An agent that never ends its line must not grow this buffer without end.
        if (buffer_.size() > kMaxAgentLineBytes && buffer_.find('\n') == std::string::npos)
            throw TransportError(description_ + ": the agent sent a line longer than " +
                                 std::to_string(kMaxAgentLineBytes) + " bytes");
    }
}

void LocalProcessTransport::reap(int graceMs) {
    if (pid_ <= 0 || exitStatus_ >= 0)
        return;
    for (int waited = 0; waited <= graceMs; waited += 10) {
        int st = 0;
        if (waitpid(pid_, &st, WNOHANG) == pid_) {
            exitStatus_ = st;
            return;
        }
        usleep(10000);
    }
}

void LocalProcessTransport::close() {
    if (toChild_ >= 0) {
        ::close(toChild_); // EOF on the agent's stdin: it restores the board and exits
        toChild_ = -1;
    }
    if (pid_ > 0 && exitStatus_ < 0) {
        reap(3000);
        if (exitStatus_ < 0) {
            kill(pid_, SIGTERM);
            reap(2000);
        }
        if (exitStatus_ < 0) {
            kill(pid_, SIGKILL);
            int st = 0;
            waitpid(pid_, &st, 0);
            exitStatus_ = st;
        }
    }
    if (fromChild_ >= 0) {
        ::close(fromChild_);
        fromChild_ = -1;
    }
    if (errFromChild_ >= 0) {
        ::close(errFromChild_);
        errFromChild_ = -1;
    }
}

} // namespace dvfo
