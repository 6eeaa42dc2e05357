#pragma once
// The Linux governors simulated at millisecond granularity, not once per control period: a frame
// arrives every period and runs its layers at whatever clocks are in force; every sampling
// interval (1 ms by default) the governor sets each domain's clock from the busy fraction of the
// last interval (ondemand: load > 0.8 -> max, else the lowest table frequency >= fmin + load
// (fmax - fmin); performance: CPU and GPU at max, the EMC by that rule). So an inference that
// starts after an idle stretch starts at low clocks and the governor ramps up while it runs -
// the lag a real governor has. A frame that is not done when the next arrives delays it (the
// latency counts the wait). No offloading.
//
// Layers run at the speed of the tuple in force: a layer of latency L(t) at tuple t progresses
// dt / L(t) per dt and draws its profiled energy at E(t) / L(t) (above idle: max(0, E - P_idle L)
// / L, the environment's accounting). Simulated in steps of dt = sampling / 20.
#include "core/rl/dvfoenvironment.h"
#include "core/rl/policyevaluator.h"

#include <string>

namespace dvfo {

class MillisecondGovernor {
public:
    enum class Kind { Ondemand, Performance };
    MillisecondGovernor(const DvfoEnvironment& env, Kind kind, double samplingMs = 1.0,
                        double upThreshold = 0.8);
    std::string name() const;

    // Frames over `env`'s episodes (one per seed, env.episodeLength() frames each; the link does
    // not matter without offloading); gapToOraclePct against oracleCost (NaN when <= 0). Each
    // episode starts at max clocks, as the environment's.
    PolicyEvaluation evaluate(DvfoEnvironment& env, const std::vector<uint64_t>& seeds,
                              double oracleCost) const;
    // Mean CPU level in force while busy in the last evaluate(), as a fraction of the table.
    double meanBusyCpuLevel() const { return meanBusyCpuLevel_; }

private:
    const DvfoEnvironment& env_;
    Kind kind_;
    double samplingMs_, upThreshold_;
    mutable double meanBusyCpuLevel_ = 0;
};

} // namespace dvfo
