#pragma once
// A Neurosurgeon-style baseline (Kang et al. 2017): the board runs at max clocks, and per step
// the whole model is cut at the single layer boundary that costs least for the link as measured
// up to the previous step; everything after the cut runs in the cloud. Unlike DVFO it sends the
// whole float32 tensor of the cut (no channel selection, no int8) and scales no clock.
//
// Bytes on the wire: the cut layer's output as float32 (LayerInfo::outputBytes, batch 1); a cut
// before the first layer sends the raw input as 8-bit pixels (inputBytes / 4). Latency = head at
// max clocks + RTT + air time + the cloud tail (the profiled tail at max clocks / cloudSpeedup,
// as DVFO's cloud). Energy = the head's energy (the environment's accounting: above idle, per
// inference or per period) + bytes x nJ/B. An outage at a step that offloads runs the tail on the
// board afterwards, as the environment charges DVFO.
#include "core/rl/dvfoenvironment.h"
#include "core/dnn/layerinfo.h"
#include "core/rl/policyevaluator.h"

#include <cstdint>
#include <vector>

namespace dvfo {

class LayerSplitBaseline {
public:
    static constexpr const char* kName = "Neurosurgeon layer split (max clocks)";

    // `layers` are the model's profiling units (DnnModel::layers()); they must match the
    // environment's profile by name (throws std::invalid_argument naming the first mismatch).
    LayerSplitBaseline(const DvfoEnvironment& env, std::vector<LayerInfo> layers);

    // cut = number of layers run on the board: 0 (raw input to the cloud) .. layerCount (edge
    // only).
    struct Cost {
        double energyMj = 0, latencyMs = 0;
    };
    Cost cost(int cut, const LinkSample& link) const;
    int bestCut(const LinkSample& measured) const;
    double wireBytes(int cut) const;

    // Episodes on `env` (the same trace realisations as PolicyEvaluator, one per seed), deciding
    // from env.measuredLink() and costed under env.currentLink(); gapToOraclePct against
    // `oracleCost` (NaN when <= 0).
    PolicyEvaluation evaluate(DvfoEnvironment& env, const std::vector<uint64_t>& seeds,
                              double oracleCost) const;
    // How often each cut was chosen in the last evaluate(), by layer count on the board.
    const std::vector<int64_t>& cutHistogram() const { return histogram_; }
    const std::vector<LayerInfo>& layers() const { return layers_; }

private:
    double costOf(const Cost& c) const;    // the environment's cost: eta-weighted, SLO penalty
    double idleFloor(double busyMs) const; // Period accounting: idling for the rest of the period
    const DvfoEnvironment& env_;
    std::vector<LayerInfo> layers_;
    std::vector<double> layerL_, layerE_; // per layer at max clocks, with the env's accounting
    std::vector<double> tailCloudMs_;     // [cut]: the cloud's time for layers [cut, end)
    mutable std::vector<int64_t> histogram_;
};

} // namespace dvfo
