#pragma once
// The least-cost action sequence for the rest of an episode whose link trace is known in
// hindsight: what the oracle plays. A per-step argmin is no bound once clock switching is charged
// (a switch may pay off only over several steps, and leaving a tuple that is cheap now can be
// dear later); the cost of an episode is a sum of c_t(a_{t-1}, a_t), so its exact minimum is a
// shortest path over (step, action), found here by dynamic programming (Viterbi).
#include "core/rl/dvfoenvironment.h"

#include <cstdint>
#include <vector>

namespace dvfo {

struct HindsightPlan {
    int64_t firstStep = 0;               // the environment's step the plan starts at
    std::vector<FactoredAction> actions; // executed actions for firstStep, firstStep + 1, ...
    double totalCost = 0;                // the sum of the planned steps' costs
};

// Why the plan is a lower bound: it sees every link sample of the episode before the first step,
// which no deployable policy does, and it searches every sequence of executed actions (the
// runtime's rule "no offload while the link is known down" depends on the trace alone, so the
// plan obeys it exactly). Costs are DvfoEnvironment's: the step's link sample, the switching
// charge between consecutive tuples, the delay blend with the previous executed action, the SLO
// penalty.
//
// Structure that keeps it fast: the switching charge depends only on the two tuples and on which
// domains changed (8 patterns), and is non-decreasing as more domains change. So the best
// predecessor of tuple T that changes the domains in a pattern P (or fewer) is the minimum over
// the tuples that agree with T outside P, one array pass per pattern: a step costs
// O(8 tuples + tuples x shares) instead of O((tuples x shares)^2). With both a delay and an SLO
// the penalty couples the previous action's latency with the new one's; then each pattern's
// predecessors are kept sorted by latency with prefix minima (O(log n) per query). A tuple where
// the charge is not monotone (a negative switching power with period accounting) is searched
// exhaustively.
class HindsightPlanner {
public:
    HindsightPlanner(const DvfoEnvironment& env, double actionDelayFraction = 0);

    // From the environment's current step to the end of its episode, starting after its
    // previous action. Throws std::logic_error before reset().
    HindsightPlan plan() const;

private:
    const DvfoEnvironment& env_;
    double delay_;
};

} // namespace dvfo
