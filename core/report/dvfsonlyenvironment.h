#pragma once
// The DVFO environment with the offload share pinned to 0: the action space of a DVFS-only DRL
// controller (zTT, Kim et al. 2021: a DQN that scales CPU/GPU clocks, here with the EMC too, and
// never offloads). Three branches (CPU, GPU, EMC level); every step runs share 0. Trained with the
// same DqnAgent as DVFO, so the difference to DVFO is the action space alone.
#include "core/rl/dvfoenvironment.h"
#include "core/rl/rlenvironment.h"

namespace dvfo {

class DvfsOnlyEnvironment : public RlEnvironment {
public:
    explicit DvfsOnlyEnvironment(DvfoEnvironment& env) : env_(env) {}
    std::vector<int> branchSizes() const override;
    int observationSize() const override { return env_.observationSize(); }
    std::vector<float> reset(uint64_t seed) override { return env_.reset(seed); }
    // Throws std::invalid_argument for an action that is not three levels.
    RlStep step(const FactoredAction& action, double actionDelayFraction = 0.0) override;

    // The full environment's action for a three-branch one (share 0).
    static FactoredAction withShareZero(const FactoredAction& levels);

private:
    DvfoEnvironment& env_;
};

// A policy over the three-branch space, acting in the full environment (share 0 appended).
class ShareZeroPolicy : public RlPolicy {
public:
    ShareZeroPolicy(RlPolicy& inner, std::string name) : inner_(inner), name_(std::move(name)) {}
    std::string name() const override { return name_; }
    void reset() override { inner_.reset(); }
    FactoredAction decide(const std::vector<float>& observation) override {
        return DvfsOnlyEnvironment::withShareZero(inner_.decide(observation));
    }

private:
    RlPolicy& inner_;
    std::string name_;
};

} // namespace dvfo
