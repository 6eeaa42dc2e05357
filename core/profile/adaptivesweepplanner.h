#pragma once
#include "core/board/boardspec.h"
#include "core/board/frequencytuple.h"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace dvfo {

// Whole-model cost of one measured tuple: the sums over its layers.
struct TupleCost {
    double latencyMs = 0;
    double energyMj = 0;
};

// Adaptive sweep "adaptive:NxMxK+B": measure the coarse grid NxMxK first, then spend at most B
// extra tuples where the whole-model energy or latency changes most.
//
// Refinement works in table-index space. Two measured tuples are neighbours along an axis when
// they share the other two indices and no measured tuple lies between them on that axis. Each
// neighbour pair at least two indices apart is an edge; its score is the larger relative change
// |a - b| / mean(a, b) of latency and of energy. refine() proposes the midpoints of the
// highest-scoring edges above the threshold. Each round halves the edges it refines, so repeating
// refine() -> measure concentrates the budget where the surface is steep and stops when every
// remaining edge changes less than the threshold (or has no index left between its ends).
//
// The planner is stateless between rounds: everything it needs is in `measured`, so a resumed
// session replans from what the store holds and never proposes a tuple it already has.
class AdaptiveSweepPlanner {
public:
    struct Options {
        size_t cpuLevels = 3, gpuLevels = 3, emcLevels = 2;
        size_t budget = 0;       // extra tuples after the coarse grid
        double threshold = 0.05; // relative change under which an edge is not refined
    };

    static bool isAdaptive(const std::string& plan) { return plan.rfind("adaptive:", 0) == 0; }
    // "adaptive:NxMxK+B"; throws std::invalid_argument with the expected syntax.
    static Options parse(const std::string& plan);
    // The grid plan of the coarse stage, e.g. "grid:3x3x2".
    static std::string coarsePlan(const Options& o);

    AdaptiveSweepPlanner(BoardSpec spec, Options options);
    AdaptiveSweepPlanner(BoardSpec spec, const std::string& plan)
        : AdaptiveSweepPlanner(std::move(spec), parse(plan)) {}

    const Options& options() const { return options_; }
    std::vector<FrequencyTuple> coarse() const;
    // Upper bound of tuples the whole sweep measures (for duration estimates).
    size_t maxTupleCount() const { return coarse().size() + options_.budget; }

    // Extra budget left: measured tuples outside the coarse grid count as spent.
    size_t remainingBudget(const std::map<FrequencyTuple, TupleCost>& measured) const;
    // The next tuples to measure, best first; never a measured tuple, never one outside the tables,
    // no more than the remaining budget. Empty: the sweep is done.
    std::vector<FrequencyTuple> refine(const std::map<FrequencyTuple, TupleCost>& measured) const;

private:
    BoardSpec spec_;
    Options options_;
};

} // namespace dvfo
