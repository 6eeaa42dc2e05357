#pragma once
// One share of the split layer's maps at one frequency tuple, as the profiler measures it: the
// first tail unit run on the kept maps only (what the edge tail saves at that share) and the bytes
// a real compression of the offloaded maps puts on the wire. The environment charges these
// instead of its roofline estimate when a profile has them (docs/cost-model.md).
#include "core/profile/layerrecord.h"

#include <nlohmann/json.hpp>

namespace dvfo {

struct ShareRecord {
    // The unit's measurement at the tuple: layerName/kind/layerIndex of the first tail unit,
    // latency, power and energy with the same warm-up and window as LayerRecord. At share index 10
    // (everything offloaded) nothing runs on the edge: latency n = 0 and zero cost.
    LayerRecord unit;
    int shareIndex = 0;     // k: s = k / 10, 1..10
    int channels = 0;       // C of the split layer
    int keptChannels = 0;   // maps the edge keeps: round((1 - s) C)
    double wireBytes = 0;   // CompressedFeatures::wireBytes of the offloaded maps
    std::string splitLayer; // the last unit of the head

    nlohmann::json toJson() const; // the LayerRecord's keys plus share, channels, kept, wire bytes
    static ShareRecord fromJson(const nlohmann::json& j); // throws std::runtime_error
};

} // namespace dvfo
