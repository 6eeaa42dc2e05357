#pragma once
#include "core/board/frequencytuple.h"

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
    std::map<std::string, double> powerMw;  // time-weighted mean rail power over the window
    std::map<std::string, double> energyMj; // per rail and run: mean power x mean run time
    double totalEnergyMj = 0;               // input rail, or the sum of rails without one
    bool emulated = false;
    // The measurement behind powerMw: rail readings taken, and the window they were integrated
    // over (the unit's repetitions, at least max(20 ms, 10 rail update intervals)). 0 and 0 in
    // records from before the window existed.
    int powerSamples = 0;
    double windowMs = 0;

    nlohmann::json toJson() const;
    static LayerRecord fromJson(const nlohmann::json& j); // throws std::runtime_error
};

} // namespace dvfo
