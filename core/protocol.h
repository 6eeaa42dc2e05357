#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

// The one protocol between the studio and a board agent: versioned JSON lines, the same over an
// SSH channel and over the local pipe to an emulated board.
//
//   agent greets:
//   {"v":1,"event":"hello","data":{"agent":"dvfo-edge","version":"0.1.0","protocol":1,...}}
//   request:        {"v":1,"id":7,"op":"profile","params":{...}}
//   progress:       {"v":1,"id":7,"event":"layer","data":{...}}
//   final answer:   {"v":1,"id":7,"ok":true,"result":{...}}
//   failure:        {"v":1,"id":7,"ok":false,"error":{"code":"invalid_tuple","message":"..."}}
//
// Ops: hello, probe, set-freq, read-power, governors, restore, profile, cancel, shutdown, and for
// the edge runtime (`dvfo-edge run`, deployed bundles):
//   runtime-status {"root"?}            -> the runtime's status ("state", "bundleVersion",
//   "decision",
//                                          "link", "inferences", ...) plus "running"; when it is
//                                          not running, its last status.json (or state "absent")
//   telemetry {"root"?,"since":N,"limit"?} -> {"records":[{seq, t, action, tuple, share, latencyMs,
//                                          energyMj, cloudUsed, fellBack, accuracy?...}],
//                                          "lastSeq"} records with seq > since, oldest first (poll
//                                          with lastSeq)
// "root" defaults to ~/.local/share/dvfo-edge on the board.
// Live monitor: monitor {"rateHz"?:1..200 (50),"durationS"?:0=until cancelled,"batchMs"?:0..1000
// (50)}
//   streams "samples" events {"samples":[{tMs, clocks{cpuKhz,gpuKhz,emcKhz}, rails[{name,mw}],
//   thermal[{type,tempC}]}]} (core/monitorsample.h) and answers {samples, skipped, elapsedS,
//   achievedHz, rateHz, cancelled} when the duration ends or it is cancelled (answered ok).
// An agent answers a malformed line with an error (id 0 when it could not read one) and goes on.
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
