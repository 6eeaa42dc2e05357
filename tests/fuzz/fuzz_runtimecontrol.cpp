// The runtime's control socket (remote/edge/runtimecontrolserver.*): bytes as a client sends
// them, split into chunks (the first byte sets the chunk size), cut into lines by the bounded
// LineBuffer, each answered by answerLine with a handler that reads the request the way
// EdgeRuntime's does. Every answer must be one line of valid JSON with "ok".
#include "core/common/linebuffer.h"
#include "remote/protocol/protocol.h"
#include "remote/edge/runtimecontrolserver.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace dvfo;
using nlohmann::json;

namespace {
json handle(const json& request) {
    const std::string op = request.value("op", "");
    if (op == "status")
        return {{"state", "running"},
                {"echo", request.dump(-1, ' ', false, json::error_handler_t::replace)}};
    if (op == "telemetry")
        return {{"since", protocol::integerParam(request, "since", 0, INT64_MIN, INT64_MAX)},
                {"limit", protocol::integerParam(request, "limit", 1000, 1, 10000)}};
    throw std::runtime_error("unknown op '" + op + "' (known: status, telemetry)");
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    const size_t chunk = size_t(data[0]) + 1;
    LineBuffer lines(256); // small, so that overlong lines are common
    std::string line;
    for (size_t at = 1; at < size; at += chunk) {
        lines.append(reinterpret_cast<const char*>(data + at), std::min(chunk, size - at));
        for (LineBuffer::Status status;
             (status = lines.next(line)) != LineBuffer::Status::NeedMore;) {
            if (status == LineBuffer::Status::Overlong)
                continue;
            if (line.size() > lines.maxLine() || line.find('\n') != std::string::npos)
                std::abort();
            const std::string answer = RuntimeControlServer::answerLine(line, handle);
            if (answer.empty() || answer.back() != '\n' || answer.find('\n') != answer.size() - 1)
                std::abort();
            const json parsed = json::parse(answer); // throws, and so fails, unless valid JSON
            if (!parsed.contains("ok"))
                std::abort();
        }
    }
    return 0;
}
