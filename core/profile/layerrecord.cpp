#include "core/profile/layerrecord.h"
#include "core/common/jsoninteger.h"

#include <stdexcept>

namespace dvfo {

nlohmann::json LayerRecord::toJson() const {
    return {{"tuple", tuple.toString()},
            {"layer", layerIndex},
            {"name", layerName},
            {"kind", kind},
            {"latencyMs",
             {{"median", latency.medianMs},
              {"p10", latency.p10Ms},
              {"p90", latency.p90Ms},
              {"n", latency.n}}},
            {"powerMw", powerMw},
            {"energyMj", energyMj},
            {"totalEnergyMj", totalEnergyMj},
            {"emulated", emulated},
            {"powerSamples", powerSamples},
            {"windowMs", windowMs}};
}

LayerRecord LayerRecord::fromJson(const nlohmann::json& j) {
    try {
        LayerRecord r;
        r.tuple = FrequencyTuple::parse(j.at("tuple").get<std::string>());
        r.layerIndex = jsonIntegerAt<int>(j, "layer");
        r.layerName = j.at("name").get<std::string>();
        r.kind = j.value("kind", "");
        const auto& l = j.at("latencyMs");
        r.latency = {l.at("median").get<double>(), l.at("p10").get<double>(),
                     l.at("p90").get<double>(), jsonIntegerAt<int>(l, "n")};
        r.powerMw = j.value("powerMw", std::map<std::string, double>{});
        r.energyMj = j.value("energyMj", std::map<std::string, double>{});
        r.totalEnergyMj = j.value("totalEnergyMj", 0.0);
        r.emulated = j.value("emulated", false);
        r.powerSamples = jsonIntegerOr<int>(j, "powerSamples", 0);
        r.windowMs = j.value("windowMs", 0.0);
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("malformed layer record: ") + e.what());
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("malformed layer record: ") + e.what());
    }
}

} // namespace dvfo
