#pragma once
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace dvfo {

// The longest line a studio accepts from an agent (a telemetry answer of 10,000 records is
// about 7 MiB): a longer one is a broken or hostile agent, and the session ends with an error.
constexpr size_t kMaxAgentLineBytes = size_t(64) << 20;

// The link failed (process died, connection dropped, timeout). The message says which and how.
class TransportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A bidirectional line channel to an agent: a local pipe to `dvfo-edge serve` or an SSH channel.
class LineTransport {
public:
    virtual ~LineTransport() = default;
    virtual void writeLine(const std::string& line) = 0; // throws TransportError
    // Next line without the newline; std::nullopt on timeout. Throws TransportError when the
    // other side is gone (with what it printed on stderr, when known).
    virtual std::optional<std::string> readLine(int timeoutMs) = 0;
    virtual void close() = 0;
    virtual std::string describe() const = 0; // "emulated xavier-nx (local)", "nx@10.0.0.5:22", ...
};

} // namespace dvfo
