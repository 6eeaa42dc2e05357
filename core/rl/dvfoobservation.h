#pragma once
// DVFO's observation vector, built by one ObservationBuilder in the environment (training,
// evaluation) and in the edge runtime on the board, from the same inputs: the link as measured up
// to the previous step (LinkEstimator), the operating point in force and the model constants the
// policy sidecar carries. Plain C++, no torch, no Qt.
#include "core/link/linktrace.h"
#include "core/rl/rlenvironment.h"

#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

// What one inference's remaining work looks like; fixed per (model, split layer, board profile).
// The sidecar of every policy carries them ("modelConstants"); a policy without them cannot
// build its observation and is refused.
struct ModelConstants {
    double tailFlopsFraction = 0; // FLOPs after the split layer / all FLOPs
    double fullOffloadBytes = 0;  // bytes on the wire at share 1
    double edgeMaxLatencyMs = 0;  // whole model on the edge at max clocks

    nlohmann::json toJson() const;
    // Throws std::runtime_error naming the missing or invalid key.
    static ModelConstants fromJson(const nlohmann::json& j);
    bool operator==(const ModelConstants& o) const {
        return tailFlopsFraction == o.tailFlopsFraction && fullOffloadBytes == o.fullOffloadBytes &&
               edgeMaxLatencyMs == o.edgeMaxLatencyMs;
    }
};

// What the observer knows at a decision point.
struct ObservationInputs {
    double bandwidthMbps = 0;      // measured uplink bandwidth, 0 = link down
    double rttMs = 0;              // measured round-trip time
    double bandwidthTrendMbps = 0; // bandwidth now minus k steps ago (0 until k steps exist)
    double rttTrendMs = 0;         // RTT now minus k steps ago
    int cpuLevel = 0, gpuLevel = 0, emcLevel = 0; // clocks in force (the previous action's)
    int shareIndex = 0;                           // previous offload share index (0..10)
    ModelConstants model;
};

// Order, scales and clipping of the observation; goes into the policy's JSON sidecar so that the
// board normalises exactly as training did. Version 2 (v1 showed the policy the link of the step
// it was deciding for, which no board can know). With lg(x) = log2(1 + x), element i (all
// clipped to [-clip, clip]):
//   0  lg(bandwidthMbps) / lg(bandwidthScaleMbps)       0 when the link is down
//   1  lg(rttMs) / lg(rttScaleMs)
//   2  element 0 now minus element 0 k steps ago
//   3  element 1 now minus element 1 k steps ago
//   4  cpuLevel / (cpuLevels - 1)          (0 for a one-level table)
//   5  gpuLevel / (gpuLevels - 1)
//   6  emcLevel / (emcLevels - 1)
//   7  shareIndex / (shares - 1)
//   8  tailFlopsFraction
//   9  full-offload transfer estimate / edgeMaxLatencyMs, where the estimate is
//      rttMs + fullOffloadBytes * 8 / (bandwidthMbps * 1000) ms (clip when the link is down,
//      0 when edgeMaxLatencyMs <= 0)
//  10  1 when the link is up, 0 when down
// Logarithmic scales keep 0.2 Mbit/s and 1 Gbit/s, 1 ms and 300 ms apart without clipping.
struct ObservationLayout {
    static constexpr int kVersion = 2;
    static constexpr int kSize = 11;
    int cpuLevels = 1, gpuLevels = 1, emcLevels = 1, shares = 11;
    double bandwidthScaleMbps = 1000;
    double rttScaleMs = 300;
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

// Builds the observation step by step from link estimates and the action in force, keeping the
// history the trends need. One instance per episode (environment) or per runtime.
class ObservationBuilder {
public:
    ObservationBuilder() = default;
    ObservationBuilder(ObservationLayout layout, ModelConstants model);

    void reset() { history_.clear(); }
    // Call once per step, with the estimate after that step's measurements and the action now in
    // force (4 branches: cpu, gpu, emc, share index).
    std::vector<float> observe(const LinkSample& estimate, const FactoredAction& inForce);
    ObservationInputs inputs(const LinkSample& estimate, const FactoredAction& inForce) const;

    const ObservationLayout& layout() const { return layout_; }
    const ModelConstants& model() const { return model_; }

private:
    ObservationLayout layout_;
    ModelConstants model_;
    std::deque<LinkSample> history_; // the last trendSteps + 1 estimates, newest last
};

} // namespace dvfo
