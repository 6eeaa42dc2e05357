#include "remote/edge/runtimecontrolserver.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace dvfo {

RuntimeControlServer::RuntimeControlServer(std::string socketPath, Handler handler)
    : socketPath_(std::move(socketPath)), handler_(std::move(handler)) {}

RuntimeControlServer::~RuntimeControlServer() { stop(); }

void RuntimeControlServer::start() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socketPath_.size() >= sizeof addr.sun_path)
        throw std::runtime_error("runtime socket path too long (max " + std::to_string(sizeof addr.sun_path - 1) +
                                 "): " + socketPath_);
    std::strncpy(addr.sun_path, socketPath_.c_str(), sizeof addr.sun_path - 1);
    ::unlink(socketPath_.c_str()); // a socket left by a killed runtime
    listenFd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listenFd_ < 0 || ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listenFd_, 8) != 0) {
        const std::string err = std::strerror(errno);
        if (listenFd_ >= 0)
            ::close(listenFd_);
        listenFd_ = -1;
        throw std::runtime_error("cannot listen on " + socketPath_ + ": " + err);
    }
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

void RuntimeControlServer::loop() {
    while (!stop_) {
        pollfd p{listenFd_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        serveClient(fd);
        ::close(fd);
    }
}

void RuntimeControlServer::serveClient(int fd) {
    // Clients send one request and wait: a silent client is dropped after 2 s so others get in.
    std::string buf;
    char chunk[4096];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!stop_ && std::chrono::steady_clock::now() < deadline) {
        size_t nl;
        while ((nl = buf.find('\n')) != std::string::npos) {
            const std::string line = buf.substr(0, nl);
            buf.erase(0, nl + 1);
            nlohmann::json answer;
            try {
                const auto req = nlohmann::json::parse(line);
                answer = {{"ok", true}, {"result", handler_(req)}};
            } catch (const std::exception& e) {
                answer = {{"ok", false}, {"error", e.what()}};
            }
            const std::string out = answer.dump() + "\n";
            if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0)
                return;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return;
        buf.append(chunk, size_t(n));
    }
}

} // namespace dvfo
