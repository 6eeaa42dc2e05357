#include "remote/edge/runtimecontrolserver.h"

#include "core/common/linebuffer.h"
#include "remote/edge/unixsocket.h"

#include <chrono>
#include <cstdio>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dvfo {

namespace {
std::string overlongLineAnswer(size_t maxLine) {
    return nlohmann::json{
               {"ok", false},
               {"error", "request line longer than " + std::to_string(maxLine) + " bytes"}}
               .dump() +
           "\n";
}
} // namespace

RuntimeControlServer::RuntimeControlServer(std::string socketPath, Handler handler)
    : socketPath_(std::move(socketPath)), handler_(std::move(handler)) {}

RuntimeControlServer::~RuntimeControlServer() {
    stop();
}

void RuntimeControlServer::start() {
    listenFd_ = listenOnPrivateUnixSocket(socketPath_, 8, "runtime socket");
    stop_ = false;
    thread_ = std::thread([this] { loop(); });
}

void RuntimeControlServer::stop() {
    stop_ = true;
    if (thread_.joinable())
        thread_.join();
    if (listenFd_ >= 0) {
        ::close(listenFd_);
        ::unlink(socketPath_.c_str());
        listenFd_ = -1;
    }
}

std::string RuntimeControlServer::answerLine(const std::string& line, const Handler& handler) {
    nlohmann::json answer;
    try {
        const auto request = nlohmann::json::parse(line);
        answer = {{"ok", true}, {"result", handler(request)}};
    } catch (const std::exception& e) {
        answer = {{"ok", false}, {"error", e.what()}};
    } catch (...) {
        answer = {{"ok", false}, {"error", "internal error"}};
    }
    // Error texts quote the request and results carry telemetry strings: neither need be UTF-8.
    return answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void RuntimeControlServer::loop() {
    while (!stop_) {
        pollfd p{listenFd_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        if (unixPeerAllowed(fd))
            serveClient(fd);
        else
            std::fprintf(stderr,
                         "dvfo-edge run: runtime socket: refused a client of another user\n");
        ::close(fd);
    }
}

void RuntimeControlServer::serveClient(int fd) {
    // Clients send one request and wait: a silent client is dropped after 2 s so others get in.
    LineBuffer lines(kMaxRequestLine);
    char chunk[4096];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!stop_ && std::chrono::steady_clock::now() < deadline) {
        std::string line;
        for (LineBuffer::Status status;
             (status = lines.next(line)) != LineBuffer::Status::NeedMore;) {
            const std::string out = status == LineBuffer::Status::Line
                                        ? answerLine(line, handler_)
                                        : overlongLineAnswer(kMaxRequestLine);
            if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0 ||
                status == LineBuffer::Status::Overlong)
                return;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return;
        lines.append(chunk, size_t(n));
    }
}

} // namespace dvfo
