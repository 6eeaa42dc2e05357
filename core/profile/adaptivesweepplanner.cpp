#include "core/profile/adaptivesweepplanner.h"

#include "core/profile/sweepplanner.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>
#include <tuple>

namespace dvfo {

namespace {
const char* kSyntax =
    "expected adaptive:NxMxK+B (coarse grid, then at most B extra tuples), e.g. adaptive:3x3x2+12";

size_t parseCount(const std::string& s, const std::string& whole) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("malformed plan '" + whole + "': " + kSyntax);
    return size_t(std::stoul(s));
}

double relativeChange(double a, double b) {
    const double mean = 0.5 * (std::fabs(a) + std::fabs(b));
    return mean > 0 ? std::fabs(a - b) / mean : 0.0;
}

using Index = std::array<size_t, 3>; // cpu, gpu, emc positions in the tables

bool indexOf(const std::vector<int64_t>& table, int64_t khz, size_t& out) {
    const auto it = std::lower_bound(table.begin(), table.end(), khz);
    if (it == table.end() || *it != khz)
        return false;
    out = size_t(it - table.begin());
    return true;
}
} // namespace

AdaptiveSweepPlanner::Options AdaptiveSweepPlanner::parse(const std::string& plan) {
    if (!isAdaptive(plan))
        throw std::invalid_argument("'" + plan + "' is not an adaptive plan: " + kSyntax);
    const std::string body = plan.substr(9);
    const auto plus = body.find('+');
    if (plus == std::string::npos)
        throw std::invalid_argument("malformed plan '" + plan + "': " + kSyntax);
    const std::string grid = body.substr(0, plus);
    const auto x1 = grid.find('x');
    const auto x2 = x1 == std::string::npos ? x1 : grid.find('x', x1 + 1);
    if (x1 == std::string::npos || x2 == std::string::npos)
        throw std::invalid_argument("malformed plan '" + plan + "': " + kSyntax);
    Options o;
    o.cpuLevels = parseCount(grid.substr(0, x1), plan);
    o.gpuLevels = parseCount(grid.substr(x1 + 1, x2 - x1 - 1), plan);
    o.emcLevels = parseCount(grid.substr(x2 + 1), plan);
    o.budget = parseCount(body.substr(plus + 1), plan);
    if (o.cpuLevels == 0 || o.gpuLevels == 0 || o.emcLevels == 0)
        throw std::invalid_argument("malformed plan '" + plan +
                                    "': a grid needs at least one level per clock");
    return o;
}

std::string AdaptiveSweepPlanner::coarsePlan(const Options& o) {
    return "grid:" + std::to_string(o.cpuLevels) + "x" + std::to_string(o.gpuLevels) + "x" +
           std::to_string(o.emcLevels);
}

AdaptiveSweepPlanner::AdaptiveSweepPlanner(BoardSpec spec, Options options)
    : spec_(std::move(spec)), options_(options) {
    coarse(); // validates the levels against the tables now, not after the first stage
}

std::vector<FrequencyTuple> AdaptiveSweepPlanner::coarse() const {
    return SweepPlanner(spec_).plan(coarsePlan(options_));
}

size_t
AdaptiveSweepPlanner::remainingBudget(const std::map<FrequencyTuple, TupleCost>& measured) const {
    const auto base = coarse();
    const std::set<FrequencyTuple> coarseSet(base.begin(), base.end());
    size_t extra = 0;
    for (const auto& [t, cost] : measured)
        if (!coarseSet.count(t))
            ++extra;
    return extra >= options_.budget ? 0 : options_.budget - extra;
}

std::vector<FrequencyTuple>
AdaptiveSweepPlanner::refine(const std::map<FrequencyTuple, TupleCost>& measured) const {
    const size_t budget = remainingBudget(measured);
    if (budget == 0)
        return {};
    const std::array<const std::vector<int64_t>*, 3> tables{
        &spec_.cpu.frequenciesKhz, &spec_.gpu.frequenciesKhz, &spec_.emc.frequenciesKhz};
    std::map<Index, TupleCost> points;
    for (const auto& [t, cost] : measured) {
        Index i;
        if (indexOf(*tables[0], t.cpuKhz, i[0]) && indexOf(*tables[1], t.gpuKhz, i[1]) &&
            indexOf(*tables[2], t.emcKhz, i[2]))
            points[i] = cost;
    }

    struct Edge {
        double score;
        size_t span;
        Index mid;
    };
    std::vector<Edge> edges;
    for (size_t axis = 0; axis < 3; ++axis) {
        // Lines along `axis`: points sharing the other two indices, ordered along the axis.
        std::map<std::pair<size_t, size_t>, std::vector<Index>> lines;
        for (const auto& [i, cost] : points) {
            const size_t a = axis == 0 ? 1 : 0, b = axis == 2 ? 1 : 2;
            lines[{i[a], i[b]}].push_back(i);
        }
        for (auto& [key, line] : lines) {
            std::sort(line.begin(), line.end(),
                      [axis](const Index& x, const Index& y) { return x[axis] < y[axis]; });
            for (size_t k = 1; k < line.size(); ++k) {
                const Index& lo = line[k - 1];
                const Index& hi = line[k];
                const size_t span = hi[axis] - lo[axis];
                if (span < 2)
                    continue; // no table entry left between them
                const TupleCost& p = points.at(lo);
                const TupleCost& q = points.at(hi);
                const double score = std::max(relativeChange(p.latencyMs, q.latencyMs),
                                              relativeChange(p.energyMj, q.energyMj));
                if (score <= options_.threshold)
                    continue;
                Index mid = lo;
                mid[axis] = lo[axis] + span / 2;
                edges.push_back({score, span, mid});
            }
        }
    }
    // Steepest first; wider edges first among equals; then by position, so the order is
    // reproducible.
    std::sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
        return std::tie(y.score, y.span, x.mid) < std::tie(x.score, x.span, y.mid);
    });
    std::vector<FrequencyTuple> out;
    std::set<Index> proposed;
    for (const Edge& e : edges) {
        if (out.size() >= budget)
            break;
        if (points.count(e.mid) || !proposed.insert(e.mid).second)
            continue; // two edges of different axes can share a midpoint
        out.push_back({(*tables[0])[e.mid[0]], (*tables[1])[e.mid[1]], (*tables[2])[e.mid[2]]});
    }
    return out;
}

} // namespace dvfo
