#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

// The one protocol between the studio and a board agent: versioned JSON lines, the same over an
// SSH channel and over the local pipe to an emulated board. Messages and ops: docs/protocol.md.
namespace dvfo::protocol {

constexpr int kVersion = DVFO_PROTOCOL_VERSION;

// Error codes an agent may answer with.
namespace code {
constexpr const char* kMalformed = "malformed_request";
constexpr const char* kUnsupportedVersion = "unsupported_version";
constexpr const char* kUnknownOp = "unknown_op";
constexpr const char* kBadParams = "bad_params";
constexpr const char* kInvalidTuple = "invalid_tuple";
constexpr const char* kUnknownModel = "unknown_model";
constexpr const char* kHardware = "hardware_error";
constexpr const char* kCancelled = "cancelled";
constexpr const char* kBusy = "busy";
constexpr const char* kInternal = "internal_error";
} // namespace code

// A protocol-level failure: the agent's answer, or a line the client could not understand.
class ProtocolError : public std::runtime_error {
public:
    ProtocolError(std::string code, const std::string& message, int64_t id = 0)
        : std::runtime_error(message), code_(std::move(code)), id_(id) {}
    const std::string& code() const { return code_; }
    int64_t id() const { return id_; }

private:
    std::string code_;
    int64_t id_;
};

struct Request {
    int64_t id = 0;
    std::string op;
    nlohmann::json params = nlohmann::json::object();
};

struct Message {
    enum class Kind { Result, Error, Event };
    Kind kind = Kind::Result;
    int64_t id = 0;
    std::string event;        // for events
    nlohmann::json body;      // result, event data, or error object
    std::string errorCode;    // for errors
    std::string errorMessage; // for errors
};

// Agent side: parses one request line; throws ProtocolError (with the id when readable).
Request parseRequest(const std::string& line);
// Client side: parses one agent line; throws ProtocolError(kMalformed) on anything else.
Message parseMessage(const std::string& line);

// An integer field of untrusted JSON (request params, a socket request): `fallback` when absent,
// else it must be an integer in [min, max]; throws ProtocolError(kBadParams) naming it otherwise.
// (json::value() would convert 1e300 to an integer, which is undefined behaviour.)
int64_t integerParam(const nlohmann::json& params, const char* name, int64_t fallback, int64_t min,
                     int64_t max, int64_t id = 0);

std::string requestLine(const Request& r);
std::string resultLine(int64_t id, const nlohmann::json& result);
std::string errorLine(int64_t id, const std::string& code, const std::string& message);
std::string eventLine(int64_t id, const std::string& event, const nlohmann::json& data);

} // namespace dvfo::protocol
