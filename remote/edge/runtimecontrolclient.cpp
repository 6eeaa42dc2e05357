#include "remote/edge/runtimecontrolclient.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace dvfo {

RuntimeControlClient::RuntimeControlClient(std::string socketPath, int timeoutMs)
    : socketPath_(std::move(socketPath)), timeoutMs_(timeoutMs) {}

nlohmann::json RuntimeControlClient::request(const nlohmann::json& req) const {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socketPath_.size() >= sizeof addr.sun_path)
        throw RuntimeUnavailable("runtime socket path too long: " + socketPath_);
    std::strncpy(addr.sun_path, socketPath_.c_str(), sizeof addr.sun_path - 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw RuntimeUnavailable(std::string("socket: ") + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw RuntimeUnavailable("the runtime is not listening on " + socketPath_ + " (" +
                                 std::strerror(errno) + ")");
    const std::string line =
        req.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != ssize_t(line.size()))
        throw RuntimeUnavailable("cannot write to " + socketPath_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs_);
    std::string buf;
    char chunk[4096];
    while (buf.find('\n') == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw RuntimeUnavailable("the runtime did not answer on " + socketPath_ + " within " +
                                     std::to_string(timeoutMs_) + " ms");
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, int(left.count())) <= 0)
            continue;
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            throw RuntimeUnavailable("the runtime closed " + socketPath_ + " without answering");
        buf.append(chunk, size_t(n));
        if (buf.size() > kMaxAnswerBytes && buf.find('\n') == std::string::npos)
            throw std::runtime_error("the runtime's answer on " + socketPath_ + " exceeds " +
                                     std::to_string(kMaxAnswerBytes) + " bytes");
    }
    const auto answer = nlohmann::json::parse(buf.substr(0, buf.find('\n')), nullptr, false);
    if (answer.is_discarded() || !answer.is_object())
        throw std::runtime_error("malformed answer from the runtime: " + buf.substr(0, 200));
    const auto ok = answer.find("ok");
    if (ok == answer.end() || !ok->is_boolean() || !ok->get<bool>()) {
        const auto error = answer.find("error");
        throw std::runtime_error("runtime: " + (error != answer.end() && error->is_string()
                                                    ? error->get<std::string>()
                                                    : std::string("unknown error")));
    }
    const auto result = answer.find("result");
    return result != answer.end() ? *result : nlohmann::json::object();
}

} // namespace dvfo
