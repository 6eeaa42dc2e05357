#pragma once
// The seam between DVFO's environment (DvfoEnvironment, built from a stored profile) and the
// learning agents (DqnAgent): a discrete, factored ("branching") action space and a float
// observation vector. Plain C++: the environment side never sees torch.
#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

// One choice per action branch, e.g. {cpu level, gpu level, emc level, offload-share index}.
using FactoredAction = std::vector<int>;

struct RlStep {
    std::vector<float> observation; // the observation after the step
    double reward = 0;
    bool done = false; // end of episode (the trace's end or the episode length)
    // What the step cost, for reports and evaluation tables (not used by the learner).
    double energyMj = 0;
    double latencyMs = 0;
    bool sloViolated = false;
};

class RlEnvironment {
public:
    virtual ~RlEnvironment() = default;
    // Number of choices of every branch; the product is the size of the flat action space.
    virtual std::vector<int> branchSizes() const = 0;
    virtual int observationSize() const = 0;
    // Starts an episode. The seed makes the episode (trace realisation, start state) reproducible.
    virtual std::vector<float> reset(uint64_t seed) = 0;
    // Applies `action` for one control period. actionDelayFraction in [0, 1) is the part of the
    // period during which the previous action is still in force because the new one was still
    // being selected (thinking-while-moving, Xiao et al. 2020); 0 = sequential control.
    virtual RlStep step(const FactoredAction& action, double actionDelayFraction = 0.0) = 0;
};

// Anything that maps an observation to an action: trained policies, baselines, the oracle.
class RlPolicy {
public:
    virtual ~RlPolicy() = default;
    virtual std::string name() const = 0;
    // Called at the start of every episode (policies with memory reset it here).
    virtual void reset() {}
    virtual FactoredAction decide(const std::vector<float>& observation) = 0;
};

} // namespace dvfo
