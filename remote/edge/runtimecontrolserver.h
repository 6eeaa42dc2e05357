#pragma once
#include <atomic>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace dvfo {

// The runtime's side of its unix socket: answers one JSON request per line with `handler`
// (on the server's own thread), so health checks and the agent can ask a running runtime.
// The socket is mode 0600 and only peers of the same uid (or root) are served.
class RuntimeControlServer {
public:
    // Returns the result object or throws std::exception (answered as {"ok":false,"error":what}).
    using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;

    // Longest request line; a longer one is answered with an error and the client is dropped.
    static constexpr size_t kMaxRequestLine = 64 * 1024;

    RuntimeControlServer(std::string socketPath, Handler handler);
    ~RuntimeControlServer(); // stops and removes the socket

    // Binds (replacing a stale socket file) and starts serving. Throws std::runtime_error.
    void start();
    void stop();

    // The answer line (with its '\n') to one request line: never throws, whatever the line holds
    // and whatever `handler` throws.
    static std::string answerLine(const std::string& line, const Handler& handler);

private:
    void loop();
    void serveClient(int fd);

    std::string socketPath_;
    Handler handler_;
    int listenFd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace dvfo
