#include "remote/protocol/protocol.h"

namespace dvfo::protocol {

using nlohmann::json;

namespace {
// Lines carry strings from the other side and from the board (file contents, error texts) that
// need not be UTF-8: invalid bytes become U+FFFD instead of an exception in the middle of a reply.
std::string dumpLine(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json parseObject(const std::string& line) {
    json j;
    try {
        j = json::parse(line);
    } catch (const json::exception&) { // parse_error, or out_of_range for a number like 1e999
        std::string shown = line.size() > 80 ? line.substr(0, 80) + "..." : line;
        throw ProtocolError(code::kMalformed, "not a JSON line: '" + shown + "'");
    }
    if (!j.is_object())
        throw ProtocolError(code::kMalformed, "a protocol line must be a JSON object");
    return j;
}

void checkVersion(const json& j, int64_t id) {
    if (!j.contains("v") || !j["v"].is_number_integer())
        throw ProtocolError(code::kMalformed, "missing protocol version field \"v\"", id);
    const int v = j["v"].get<int>();
    if (v != kVersion)
        throw ProtocolError(code::kUnsupportedVersion,
                            "protocol version " + std::to_string(v) +
                                " is not supported (this side speaks " + std::to_string(kVersion) +
                                ")",
                            id);
}
} // namespace

int64_t integerParam(const json& params, const char* name, int64_t fallback, int64_t min,
                     int64_t max, int64_t id) {
    if (!params.is_object())
        return fallback;
    const auto it = params.find(name);
    if (it == params.end())
        return fallback;
    const std::string range = "\"" + std::string(name) + "\" must be an integer in " +
                              std::to_string(min) + ".." + std::to_string(max);
    if (it->is_number_unsigned()) {
        // JSON reads 0 and every positive integer as unsigned: the lower bound applies here too.
        const uint64_t u = it->get<uint64_t>();
        if (u > uint64_t(max) || (min > 0 && u < uint64_t(min)))
            throw ProtocolError(code::kBadParams, range, id);
        return int64_t(it->get<uint64_t>());
    }
    if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max)
        throw ProtocolError(code::kBadParams, range, id);
    return it->get<int64_t>();
}

Request parseRequest(const std::string& line) {
    json j = parseObject(line);
    Request r;
    if (j.contains("id")) {
        if (!j["id"].is_number_integer())
            throw ProtocolError(code::kMalformed, "\"id\" must be an integer");
        r.id = j["id"].get<int64_t>();
    }
    checkVersion(j, r.id);
    if (!j.contains("op") || !j["op"].is_string())
        throw ProtocolError(code::kMalformed, "missing \"op\"", r.id);
    r.op = j["op"].get<std::string>();
    if (j.contains("params")) {
        if (!j["params"].is_object())
            throw ProtocolError(code::kMalformed, "\"params\" must be an object", r.id);
        r.params = j["params"];
    }
    return r;
}

Message parseMessage(const std::string& line) try {
    json j = parseObject(line);
    // Not value("id", 0): a float id such as 7e23 would be converted, which is undefined.
    if (j.contains("id") && !j["id"].is_number_integer())
        throw ProtocolError(code::kMalformed, "\"id\" must be an integer");
    const int64_t id = j.contains("id") ? j["id"].get<int64_t>() : 0;
    checkVersion(j, id);
    Message m;
    m.id = id;
    if (j.contains("event")) {
        m.kind = Message::Kind::Event;
        m.event = j["event"].is_string() ? j["event"].get<std::string>() : "";
        m.body = j.value("data", json::object());
        return m;
    }
    if (!j.contains("ok") || !j["ok"].is_boolean())
        throw ProtocolError(code::kMalformed, "agent line is neither an event nor an answer");
    if (j["ok"].get<bool>()) {
        m.kind = Message::Kind::Result;
        m.body = j.value("result", json::object());
    } else {
        m.kind = Message::Kind::Error;
        const json e = j.value("error", json::object());
        m.errorCode = e.value("code", std::string(code::kInternal));
        m.errorMessage = e.value("message", std::string("(no message)"));
        m.body = e;
    }
    return m;
} catch (const json::exception& e) {
    // A field of the wrong type ("id": "7", "error": 5): as malformed as a line that is not JSON.
    throw ProtocolError(code::kMalformed, std::string("malformed agent line: ") + e.what());
}

std::string requestLine(const Request& r) {
    return dumpLine(json{{"v", kVersion}, {"id", r.id}, {"op", r.op}, {"params", r.params}});
}

std::string resultLine(int64_t id, const json& result) {
    return dumpLine(json{{"v", kVersion}, {"id", id}, {"ok", true}, {"result", result}});
}

std::string errorLine(int64_t id, const std::string& c, const std::string& message) {
    return dumpLine(json{{"v", kVersion},
                         {"id", id},
                         {"ok", false},
                         {"error", {{"code", c}, {"message", message}}}});
}

std::string eventLine(int64_t id, const std::string& event, const json& data) {
    json j{{"v", kVersion}, {"event", event}, {"data", data}};
    if (id != 0)
        j["id"] = id;
    return dumpLine(j);
}

} // namespace dvfo::protocol
