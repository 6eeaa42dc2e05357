#include "core/board/clockswitchtimes.h"

#include <cmath>
#include <stdexcept>

namespace dvfo {

namespace {
double nonNegative(const nlohmann::json& j, const char* key, const std::string& where) {
    if (!j.is_object() || !j.contains(key) || !j.at(key).is_number())
        throw std::invalid_argument(where + key + " must be a number of ms");
    const double v = j.at(key).get<double>();
    if (!std::isfinite(v) || v < 0)
        throw std::invalid_argument(where + key + " must be >= 0 ms, got " + std::to_string(v));
    return v;
}
} // namespace

double ClockSwitchTimes::switchMs(bool cpuChanged, bool gpuChanged, bool emcChanged) const {
    return (cpuChanged ? cpuMs : 0.0) + (gpuChanged ? gpuMs : 0.0) + (emcChanged ? emcMs : 0.0);
}

double ClockSwitchTimes::switchMs(const FrequencyTuple& from, const FrequencyTuple& to) const {
    return switchMs(from.cpuKhz != to.cpuKhz, from.gpuKhz != to.gpuKhz, from.emcKhz != to.emcKhz);
}

nlohmann::json ClockSwitchTimes::toJson() const {
    return {{"cpuMs", cpuMs}, {"gpuMs", gpuMs}, {"emcMs", emcMs}, {"source", source}};
}

ClockSwitchTimes ClockSwitchTimes::fromJson(const nlohmann::json& j) {
    ClockSwitchTimes t;
    t.cpuMs = nonNegative(j, "cpuMs", "switch times: ");
    t.gpuMs = nonNegative(j, "gpuMs", "switch times: ");
    t.emcMs = nonNegative(j, "emcMs", "switch times: ");
    if (j.contains("source") && j.at("source").is_string())
        t.source = j.at("source").get<std::string>();
    return t;
}

ClockSwitchTimes ClockSwitchTimes::boardModel(const BoardSpec& board) {
    ClockSwitchTimes t;
    t.cpuMs = board.emulation.cpu.switchMs;
    t.gpuMs = board.emulation.gpu.switchMs;
    t.emcMs = board.emulation.emc.switchMs;
    t.source = "model";
    return t;
}

ClockSwitchTimes ClockSwitchTimes::fromAgentReply(const nlohmann::json& reply) {
    if (!reply.is_object())
        throw std::invalid_argument("measure-switch reply: not a JSON object");
    if (reply.contains("model")) {
        ClockSwitchTimes t = fromJson(reply.at("model"));
        t.source = "model";
        return t;
    }
    ClockSwitchTimes t;
    for (const char* domain : {"cpu", "gpu", "emc"}) {
        if (!reply.contains(domain))
            throw std::invalid_argument(std::string("measure-switch reply: no '") + domain + "'");
        const double ms = nonNegative(reply.at(domain), "medianMs",
                                      std::string("measure-switch reply: ") + domain + ".");
        (domain[0] == 'c' ? t.cpuMs : domain[0] == 'g' ? t.gpuMs : t.emcMs) = ms;
    }
    t.source = "measured";
    return t;
}

ClockSwitchTimes ClockSwitchTimes::forSession(const std::string& conditionsJson,
                                              const BoardSpec& board) {
    const nlohmann::json c =
        nlohmann::json::parse(conditionsJson.empty() ? "{}" : conditionsJson, nullptr, false);
    if (c.is_object() && c.contains("switchTimes")) {
        try {
            return fromAgentReply(c.at("switchTimes"));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("the session's stored switch times: ") +
                                        e.what());
        }
    }
    return boardModel(board);
}

} // namespace dvfo
