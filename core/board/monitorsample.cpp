#include "core/board/monitorsample.h"

#include <cmath>
#include <stdexcept>

namespace dvfo {

using nlohmann::json;

namespace {
// Agent lines are untrusted: a wrong type is a clear error, not a json exception from deep inside.
double number(const json& j, const char* field) {
    const auto it = j.find(field);
    if (it == j.end() || !it->is_number() || !std::isfinite(it->get<double>()))
        throw std::invalid_argument(std::string("monitor sample: \"") + field +
                                    "\" must be a finite number");
    return it->get<double>();
}

const json& array(const json& j, const char* field) {
    const auto it = j.find(field);
    if (it == j.end() || !it->is_array())
        throw std::invalid_argument(std::string("monitor sample: \"") + field +
                                    "\" must be an array");
    return *it;
}

std::string text(const json& j, const char* field) {
    const auto it = j.find(field);
    if (it == j.end() || !it->is_string())
        throw std::invalid_argument(std::string("monitor sample: \"") + field +
                                    "\" must be a string");
    return it->get<std::string>();
}
} // namespace

json MonitorSample::toJson() const {
    json r = json::array();
    for (const auto& rail : rails)
        r.push_back({{"name", rail.name}, {"mw", std::round(rail.mw * 10) / 10}});
    json t = json::array();
    for (const auto& z : thermal)
        t.push_back({{"type", z.type}, {"tempC", std::round(z.tempC * 100) / 100}});
    return {{"tMs", std::round(tMs * 100) / 100},
            {"clocks", {{"cpuKhz", cpuKhz}, {"gpuKhz", gpuKhz}, {"emcKhz", emcKhz}}},
            {"rails", std::move(r)},
            {"thermal", std::move(t)}};
}

MonitorSample MonitorSample::fromJson(const json& j) {
    if (!j.is_object())
        throw std::invalid_argument("monitor sample: not an object");
    MonitorSample s;
    s.tMs = number(j, "tMs");
    const auto clocks = j.find("clocks");
    if (clocks == j.end() || !clocks->is_object())
        throw std::invalid_argument("monitor sample: \"clocks\" must be an object");
    // A clock is a kHz count: a board that sends 1e57 is broken, not a reason to overflow.
    auto khz = [&](const char* key) {
        const double v = number(*clocks, key);
        if (!(v >= 0 && v < 1e12))
            throw std::invalid_argument(std::string("monitor sample: \"") + key +
                                        "\" must be a clock in kHz, got " + std::to_string(v));
        return int64_t(v);
    };
    s.cpuKhz = khz("cpuKhz");
    s.gpuKhz = khz("gpuKhz");
    s.emcKhz = khz("emcKhz");
    for (const auto& r : array(j, "rails")) {
        if (!r.is_object())
            throw std::invalid_argument("monitor sample: a rail must be an object");
        s.rails.push_back({text(r, "name"), number(r, "mw")});
    }
    // Boards without thermal zones may leave it out.
    if (j.contains("thermal"))
        for (const auto& z : array(j, "thermal")) {
            if (!z.is_object())
                throw std::invalid_argument("monitor sample: a thermal zone must be an object");
            s.thermal.push_back({text(z, "type"), number(z, "tempC")});
        }
    return s;
}

std::vector<MonitorSample> parseMonitorBatch(const json& eventData) {
    if (!eventData.is_object())
        throw std::invalid_argument("monitor batch: not an object");
    std::vector<MonitorSample> out;
    for (const auto& s : array(eventData, "samples"))
        out.push_back(MonitorSample::fromJson(s));
    return out;
}

json monitorBatchJson(const std::vector<MonitorSample>& samples) {
    json a = json::array();
    for (const auto& s : samples)
        a.push_back(s.toJson());
    return {{"samples", std::move(a)}};
}

} // namespace dvfo
