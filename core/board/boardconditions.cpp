#include "core/board/boardconditions.h"
#include "core/common/jsoninteger.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace dvfo {

namespace {

std::string textField(const nlohmann::json& j, const char* key, const char* where) {
    if (!j.contains(key) || j[key].is_null())
        return {};
    if (!j[key].is_string())
        throw std::runtime_error(std::string(where) + ": \"" + key + "\" must be text");
    return j[key].get<std::string>();
}

std::string celsius(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf,
                  "%.1f \xC2\xB0"
                  "C",
                  v);
    return buf;
}

} // namespace

double maxTemperatureC(const std::vector<ThermalZoneReading>& zones) {
    double hottest = std::numeric_limits<double>::quiet_NaN();
    for (const auto& z : zones)
        if (std::isnan(hottest) || z.tempC > hottest)
            hottest = z.tempC;
    return hottest;
}

nlohmann::json thermalZonesToJson(const std::vector<ThermalZoneReading>& zones) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& z : zones)
        out.push_back({{"type", z.type}, {"tempC", z.tempC}});
    return out;
}

std::vector<ThermalZoneReading> thermalZonesFromJson(const nlohmann::json& j) {
    if (j.is_null())
        return {};
    if (!j.is_array())
        throw std::runtime_error("thermal zones must be an array of {\"type\", \"tempC\"}");
    std::vector<ThermalZoneReading> out;
    for (const auto& z : j) {
        if (!z.is_object() || !z.contains("type") || !z["type"].is_string() ||
            !z.contains("tempC") || !z["tempC"].is_number())
            throw std::runtime_error(
                "thermal zone entry must be {\"type\": text, \"tempC\": number}");
        out.push_back({z["type"].get<std::string>(), z["tempC"].get<double>()});
    }
    return out;
}

nlohmann::json BoardConditions::toJson() const {
    nlohmann::json j{{"boardModel", boardModel},
                     {"l4tRelease", l4tRelease},
                     {"thermalZones", thermalZonesToJson(thermalZones)},
                     {"note", note}};
    if (nvpmodelId >= 0 || !nvpmodelName.empty())
        j["nvpmodel"] = {{"id", nvpmodelId}, {"name", nvpmodelName}, {"source", nvpmodelSource}};
    else
        j["nvpmodel"] = nullptr;
    const double hottest = maxTemperatureC(thermalZones);
    j["maxTempC"] = std::isnan(hottest) ? nlohmann::json() : nlohmann::json(hottest);
    return j;
}

BoardConditions BoardConditions::fromJson(const nlohmann::json& j) {
    const char* where = "board conditions";
    if (!j.is_object())
        throw std::runtime_error(std::string(where) + " must be a JSON object");
    BoardConditions c;
    c.boardModel = textField(j, "boardModel", where);
    c.l4tRelease = textField(j, "l4tRelease", where);
    c.note = textField(j, "note", where);
    if (j.contains("nvpmodel") && j["nvpmodel"].is_object()) {
        const auto& m = j["nvpmodel"];
        if (m.contains("id") && !m["id"].is_number_integer())
            throw std::runtime_error(std::string(where) + ": nvpmodel \"id\" must be an integer");
        c.nvpmodelId = jsonIntegerOr<int>(m, "id", -1);
        c.nvpmodelName = textField(m, "name", where);
        c.nvpmodelSource = textField(m, "source", where);
    }
    if (j.contains("thermalZones"))
        c.thermalZones = thermalZonesFromJson(j["thermalZones"]);
    return c;
}

std::string BoardConditions::summary() const {
    std::string s = l4tRelease.empty() ? "L4T unknown" : l4tRelease;
    if (nvpmodelId >= 0 || !nvpmodelName.empty())
        s += ", nvpmodel " + (nvpmodelName.empty() ? std::string("?") : nvpmodelName) +
             (nvpmodelId >= 0 ? " (id " + std::to_string(nvpmodelId) + ")" : std::string());
    const double hottest = maxTemperatureC(thermalZones);
    if (!std::isnan(hottest))
        s += ", " + celsius(hottest) + " max over " + std::to_string(thermalZones.size()) +
             (thermalZones.size() == 1 ? " zone" : " zones");
    else
        s += ", no thermal zones";
    return s;
}

nlohmann::json BoardConditions::sessionJsonFromProbe(const nlohmann::json& probe) {
    nlohmann::json c =
        probe.is_object() && probe.contains("conditions") && probe["conditions"].is_object()
            ? probe["conditions"]
            : nlohmann::json::object();
    if (probe.is_object() && probe.contains("spec") && probe["spec"].is_object()) {
        const auto& spec = probe["spec"];
        if (spec.contains("id") && spec["id"].is_string())
            c["boardId"] = spec["id"];
        if (spec.contains("name") && spec["name"].is_string())
            c["boardName"] = spec["name"];
    }
    if (probe.is_object() && probe.contains("executionDevice") &&
        probe["executionDevice"].is_string())
        c["executionDevice"] = probe["executionDevice"];
    return c;
}

} // namespace dvfo
