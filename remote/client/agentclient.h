#pragma once
#include "remote/protocol/protocol.h"
#include "remote/client/linetransport.h"

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace dvfo {

// The agent answered with an error object (bad tuple, unknown model, hardware error, ...).
class AgentError : public std::runtime_error {
public:
    AgentError(std::string code, const std::string& message)
        : std::runtime_error(message), code_(std::move(code)) {}
    const std::string& code() const { return code_; }

private:
    std::string code_;
};

// The studio side of the protocol over any LineTransport. Blocking: use it from a worker thread.
// One request at a time; `cancel` may be set from another thread to stop a running request.
class AgentClient {
public:
    using EventHandler = std::function<void(const std::string& event, const nlohmann::json& data)>;

    // Reads the agent's greeting; throws TransportError / AgentError (protocol mismatch).
    explicit AgentClient(std::unique_ptr<LineTransport> transport, int helloTimeoutMs = 30000);
    ~AgentClient();

    const nlohmann::json& hello() const { return hello_; }
    std::string describe() const { return transport_->describe(); }

    // Sends a request and waits for its answer, passing events on. `idleTimeoutMs` bounds the
    // silence between two lines, not the whole call (a long profile streams events).
    nlohmann::json call(const std::string& op,
                        const nlohmann::json& params = nlohmann::json::object(),
                        const EventHandler& onEvent = {}, const std::atomic<bool>* cancel = nullptr,
                        int idleTimeoutMs = 120000);
    void close();

private:
    std::unique_ptr<LineTransport> transport_;
    nlohmann::json hello_;
    int64_t nextId_ = 1;
};

} // namespace dvfo
