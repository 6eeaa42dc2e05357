#pragma once
// The model-based optimiser with part of DVFO's action space taken away, for the ablations:
// without EMC scaling (EMC at max), without GPU scaling (GPU at max), without offloading
// (share 0). Per step the argmin of the profiled cost model over what is left, for the link as
// measured up to the previous step: what each knob is worth when the rest is chosen optimally.
#include "core/rl/dvfoenvironment.h"
#include "core/rl/rlenvironment.h"

#include <string>

namespace dvfo {

class RestrictedOptimiserPolicy : public RlPolicy {
public:
    enum class Without { Nothing, EmcScaling, GpuScaling, CpuScaling, Offloading };
    RestrictedOptimiserPolicy(const DvfoEnvironment& env, Without without);
    std::string name() const override;
    FactoredAction decide(const std::vector<float>& observation) override;
    static std::string label(Without without); // "without EMC scaling", ...

private:
    const DvfoEnvironment& env_;
    Without without_;
    ActionRestriction restriction_;
};

} // namespace dvfo
