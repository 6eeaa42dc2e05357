#include "core/protocol.h"

namespace dvfo::protocol {

using nlohmann::json;

namespace {
json parseObject(const std::string& line) {
    json j;
    try {
        j = json::parse(line);
    } catch (const json::parse_error&) {
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
                            "protocol version " + std::to_string(v) + " is not supported (this side speaks " +
                                std::to_string(kVersion) + ")",
                            id);
}
} // namespace

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

Message parseMessage(const std::string& line) {
    json j = parseObject(line);
    checkVersion(j, j.value("id", int64_t(0)));
    Message m;
    m.id = j.value("id", int64_t(0));
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
}

std::string requestLine(const Request& r) {
    return json{{"v", kVersion}, {"id", r.id}, {"op", r.op}, {"params", r.params}}.dump();
}

std::string resultLine(int64_t id, const json& result) {
    return json{{"v", kVersion}, {"id", id}, {"ok", true}, {"result", result}}.dump();
}

std::string errorLine(int64_t id, const std::string& c, const std::string& message) {
    return json{{"v", kVersion}, {"id", id}, {"ok", false}, {"error", {{"code", c}, {"message", message}}}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
}

std::string eventLine(int64_t id, const std::string& event, const json& data) {
    json j{{"v", kVersion}, {"event", event}, {"data", data}};
    if (id != 0)
        j["id"] = id;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace dvfo::protocol
