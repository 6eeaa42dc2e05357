#pragma once
// An action restriction: the DVFO environment with the offload share pinned to one index, the
// share branch taken out of the action space. With index 0 it is the action space of a DVFS-only
// DRL controller (zTT, Kim et al. 2021: a DQN that scales the clocks and never offloads), trained
// with the same DqnAgent as DVFO so that the action space is the only difference.
#include "core/rl/rlenvironment.h"

namespace dvfo {

class PinnedShareEnvironment : public RlEnvironment {
public:
    // `inner`'s last branch is the share. Throws std::invalid_argument for an index outside it.
    PinnedShareEnvironment(RlEnvironment& inner, int shareIndex);
    std::vector<int> branchSizes() const override;
    int observationSize() const override { return inner_.observationSize(); }
    std::vector<float> reset(uint64_t seed) override { return inner_.reset(seed); }
    // Throws std::invalid_argument for an action that does not have one level per clock branch.
    RlStep step(const FactoredAction& action, double actionDelayFraction = 0.0) override;

    // The full action: `levels` (one per clock branch) with the share index appended.
    static FactoredAction withShare(const FactoredAction& levels, int clockBranches,
                                    int shareIndex);

private:
    RlEnvironment& inner_;
    int shareIndex_;
};

} // namespace dvfo
