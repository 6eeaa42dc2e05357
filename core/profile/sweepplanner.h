#pragma once
#include "core/board/boardspec.h"
#include "core/board/frequencytuple.h"

#include <string>
#include <vector>

namespace dvfo {

// Turns a plan description into the ordered list of tuples to measure.
//   "all"            every tuple of the tables (full grid)
//   "grid:NxMxK"     N CPU, M GPU, K EMC levels spread evenly over each table (min and max
//   included) "adaptive:NxMxK+B" the coarse grid NxMxK; AdaptiveSweepPlanner proposes the up to B
//   refinements "list:T1,T2,..." explicit tuples "cpu/gpu/emc" in kHz "max" / "min"    the fastest
//   / slowest tuple
// Anything that is not in the tables is an error; nothing is clamped silently.
class SweepPlanner {
public:
    explicit SweepPlanner(BoardSpec spec) : spec_(std::move(spec)) {}

    std::vector<FrequencyTuple>
    plan(const std::string& description) const; // throws std::invalid_argument

    // N indices spread evenly over a table of `size` entries, first and last included.
    static std::vector<size_t> spreadIndices(size_t size, size_t levels);

    // Rough wall time of a sweep: per tuple a frequency switch, per unit warm-up + repeats.
    static double estimateSeconds(size_t tuples, size_t units, int warmup, int repeat,
                                  double meanUnitSeconds, double switchSeconds = 0.05);

private:
    BoardSpec spec_;
};

} // namespace dvfo
