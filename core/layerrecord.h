#pragma once
#include "core/frequencytuple.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace dvfo {

struct LatencyStats {
    double medianMs = 0;
    double p10Ms = 0;
    double p90Ms = 0;
    int n = 0;
};

// One profiled unit at one frequency tuple: what the agent streams and the store keeps.
struct LayerRecord {
    FrequencyTuple tuple;
    int layerIndex = 0;
    std::string layerName;
    std::string kind;
    LatencyStats latency;
    std::map<std::string, double> powerMw;  // mean rail power while the unit ran
    std::map<std::string, double> energyMj; // per rail: mean power x median latency
    double totalEnergyMj = 0;               // input rail, or the sum of rails without one
    bool emulated = false;

    nlohmann::json toJson() const;
    static LayerRecord fromJson(const nlohmann::json& j); // throws std::runtime_error
};

} // namespace dvfo
