#pragma once
// A policy behind the runtime guard, as the edge runtime runs a deployed trained policy
// (TrainedRuntimePolicy): while the link is down or the observation is outside the policy's
// training ranges, the fallback (the model-based optimiser) decides. Lets `dvfo evaluate --suite`
// show what a board realises with the guard next to the bare policy. Plain C++.
#include "core/rl/policyguard.h"
#include "core/rl/rlenvironment.h"

#include <cstdint>

namespace dvfo {

class GuardedPolicy : public RlPolicy {
public:
    // `linkUpFeature`: index of the observation's link-up flag (ObservationLayout "link_up").
    GuardedPolicy(RlPolicy& policy, PolicyGuard guard, RlPolicy& fallback, int linkUpFeature);

    std::string name() const override { return policy_.name() + " + guard"; }
    void reset() override;
    FactoredAction decide(const std::vector<float>& observation) override;

    int64_t decisions() const { return decisions_; }
    int64_t guarded() const { return guarded_; } // decisions the fallback made

private:
    RlPolicy& policy_;
    PolicyGuard guard_;
    RlPolicy& fallback_;
    int linkUpFeature_;
    int64_t decisions_ = 0, guarded_ = 0;
};

} // namespace dvfo
