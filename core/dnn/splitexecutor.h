#pragma once
// One inference of a split model as the edge runtime executes it, and as DvfoEnvironment costs
// it (docs/cost-model.md): the head; then, at share s > 0, the cloud request and the edge tail
// on the kept maps at the same time; fusion when both are back. A failed request (outage,
// unreachable cloud, bad reply) falls back to the whole tail on the edge. Each phase is measured
// by the board (PhaseMeter): rails on a real board, the emulation model on an emulated one.
// Plain C++: the model and the cloud are interfaces.
#include "core/dnn/cloudendpoint.h"
#include "core/dnn/layerinfo.h"
#include "core/dnn/splitmodel.h"

#include <functional>
#include <string>
#include <vector>

namespace dvfo {

struct PhaseCost {
    double latencyMs = 0;
    double energyMj = 0; // the whole board's energy over the phase
};

class PhaseMeter {
public:
    virtual ~PhaseMeter() = default;
    // Runs `work` (which executes `units`) and returns what the board spent on it.
    virtual PhaseCost measure(const std::vector<LayerInfo>& units,
                              const std::function<void()>& work) = 0;
};

struct SplitStepResult {
    std::vector<float> logits;
    int predicted = -1;
    int keptChannels = 0, offloadedChannels = 0;
    int64_t wireBytes = 0;    // compressed offload (payload + scales + indices)
    int64_t requestBytes = 0; // what the transport sent
    bool cloudUsed = false;
    bool fellBack = false;
    std::string fallbackReason;
    PhaseCost head, edgeTail, fallbackTail;
    double remoteMs = 0;       // the request as the board waits for it: network + cloud compute
    double networkMs = 0;      // round trip minus the server's wall time
    double cloudComputeMs = 0; // as the server reported it
    double fusionMs = 0;
    double latencyMs = 0; // head + max(edge tail, remote) + fusion + fallback tail
    double computeEnergyMj() const {
        return head.energyMj + edgeTail.energyMj + fallbackTail.energyMj;
    }
};

class SplitExecutor {
public:
    // `cloud` may be null (every offload falls back). `fusionMs`: fusion time charged when both
    // sides have maps (the emulated board's model; real boards measure nothing this small).
    SplitExecutor(const SplitModel& model, CloudEndpoint* cloud, PhaseMeter& meter,
                  double fusionMs = 0.05);

    // One sample (inputSize() floats) at offload share `share` in [0, 1].
    SplitStepResult run(const std::vector<float>& image, double share);

private:
    const SplitModel& model_;
    CloudEndpoint* cloud_;
    PhaseMeter& meter_;
    double fusionMs_;
    std::vector<LayerInfo> headUnits_, tailUnits_;
};

} // namespace dvfo
