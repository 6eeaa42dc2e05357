#include "core/board/tupleconditions.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace dvfo {

namespace {

bool differs(int64_t pinned, int64_t inForce) {
    return std::llabs(inForce - pinned) > TupleConditions::kTolerance * double(pinned);
}

FrequencyTuple tupleField(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || !j[key].is_string())
        throw std::runtime_error(std::string("tuple conditions: \"") + key +
                                 "\" must be a \"cpu/gpu/emc\" text");
    try {
        return FrequencyTuple::parse(j[key].get<std::string>());
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("tuple conditions: \"") + key + "\": " + e.what());
    }
}

} // namespace

TupleConditions TupleConditions::observe(const FrequencyTuple& pinned,
                                         const FrequencyTuple& inForce,
                                         std::vector<ThermalZoneReading> zones) {
    TupleConditions c;
    c.pinned = pinned;
    c.inForce = inForce;
    c.thermalZones = std::move(zones);
    if (differs(pinned.cpuKhz, inForce.cpuKhz))
        c.throttledDomains.push_back("cpu");
    if (differs(pinned.gpuKhz, inForce.gpuKhz))
        c.throttledDomains.push_back("gpu");
    if (differs(pinned.emcKhz, inForce.emcKhz))
        c.throttledDomains.push_back("emc");
    c.throttled = !c.throttledDomains.empty();
    return c;
}

nlohmann::json TupleConditions::toJson() const {
    const double hottest = maxTempC();
    return {{"tuple", pinned.toString()},
            {"inForce", inForce.toString()},
            {"throttled", throttled},
            {"throttledDomains", throttledDomains},
            {"thermalZones", thermalZonesToJson(thermalZones)},
            {"maxTempC", std::isnan(hottest) ? nlohmann::json() : nlohmann::json(hottest)}};
}

TupleConditions TupleConditions::fromJson(const nlohmann::json& j) {
    if (!j.is_object())
        throw std::runtime_error("tuple conditions must be a JSON object");
    TupleConditions c;
    c.pinned = tupleField(j, "tuple");
    c.inForce = tupleField(j, "inForce");
    if (!j.contains("throttled") || !j["throttled"].is_boolean())
        throw std::runtime_error("tuple conditions: \"throttled\" must be true or false");
    c.throttled = j["throttled"].get<bool>();
    if (j.contains("throttledDomains")) {
        if (!j["throttledDomains"].is_array())
            throw std::runtime_error("tuple conditions: \"throttledDomains\" must be an array");
        for (const auto& d : j["throttledDomains"]) {
            if (!d.is_string())
                throw std::runtime_error("tuple conditions: \"throttledDomains\" holds non-text");
            c.throttledDomains.push_back(d.get<std::string>());
        }
    }
    if (j.contains("thermalZones"))
        c.thermalZones = thermalZonesFromJson(j["thermalZones"]);
    return c;
}

} // namespace dvfo
