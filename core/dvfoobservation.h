#pragma once
// DVFO's observation vector, built the same way by the environment (training, evaluation) and by
// the edge runtime on the board from live measurements. Plain C++, no torch, no Qt.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

// What the observer knows at a decision point.
struct ObservationInputs {
    double bandwidthMbps = 0;      // current uplink bandwidth
    double rttMs = 0;              // current round-trip time
    double bandwidthTrendMbps = 0; // bandwidth now minus k steps ago (0 until k steps exist)
    double rttTrendMs = 0;         // RTT now minus k steps ago
    int cpuLevel = 0, gpuLevel = 0, emcLevel = 0; // clocks in force (the previous action's)
    int shareIndex = 0;                           // previous offload share index (0..10)
    // Remaining work of one inference, model constants:
    double tailFlopsFraction = 0; // FLOPs after the split layer / all FLOPs
    double fullOffloadBytes = 0;  // bytes on the wire at share 1
    double edgeMaxLatencyMs = 0;  // whole model on the edge at max clocks
};

// Order, scales and clipping of the observation; goes into the policy's JSON sidecar so that the
// board normalises exactly as training did. Element i (all clipped to [-clip, clip]):
//   0  bandwidthMbps / bandwidthScaleMbps
//   1  rttMs / rttScaleMs
//   2  bandwidthTrendMbps / bandwidthScaleMbps
//   3  rttTrendMs / rttScaleMs
//   4  cpuLevel / (cpuLevels - 1)          (0 for a one-level table)
//   5  gpuLevel / (gpuLevels - 1)
//   6  emcLevel / (emcLevels - 1)
//   7  shareIndex / (shares - 1)
//   8  tailFlopsFraction
//   9  full-offload transfer estimate / edgeMaxLatencyMs, where the estimate is
//      rttMs + fullOffloadBytes * 8 / (bandwidthMbps * 1000) ms (0 when edgeMaxLatencyMs <= 0)
struct ObservationLayout {
    static constexpr int kVersion = 1;
    static constexpr int kSize = 10;
    int cpuLevels = 1, gpuLevels = 1, emcLevels = 1, shares = 11;
    double bandwidthScaleMbps = 100;
    double rttScaleMs = 100;
    int trendSteps = 5; // k of the trends
    double clip = 10;

    int size() const { return kSize; }
    static std::vector<std::string> featureNames();
    nlohmann::json toJson() const;
    // Throws std::runtime_error naming the field for a missing, mistyped or out-of-range value,
    // or for another version.
    static ObservationLayout fromJson(const nlohmann::json& j);
};

std::vector<float> buildObservation(const ObservationInputs& in, const ObservationLayout& layout);

} // namespace dvfo
