#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace dvfo {

// The runtime did not answer on its socket (not running, stuck, or not yet listening).
class RuntimeUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Asks a running `dvfo-edge run` over its unix socket (<root>/runtime/runtime.sock):
// one JSON request line, one JSON answer line {"ok":true,"result":...} or
// {"ok":false,"error":"..."}.
class RuntimeControlClient {
public:
    // An answer longer than this (10,000 telemetry records fit) is refused rather than buffered.
    static constexpr size_t kMaxAnswerBytes = size_t(64) << 20;

    explicit RuntimeControlClient(std::string socketPath, int timeoutMs = 3000);

    // Throws RuntimeUnavailable (no socket, refused, timeout) or std::runtime_error (error answer).
    nlohmann::json request(const nlohmann::json& request) const;
    nlohmann::json status() const { return request({{"op", "status"}}); }

private:
    std::string socketPath_;
    int timeoutMs_;
};

} // namespace dvfo
