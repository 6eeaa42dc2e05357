#include "core/profile/sweepplanner.h"

#include "core/profile/adaptivesweepplanner.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace dvfo {

std::vector<size_t> SweepPlanner::spreadIndices(size_t size, size_t levels) {
    if (levels == 0 || size == 0)
        throw std::invalid_argument("a grid needs at least one level per clock");
    if (levels > size)
        throw std::invalid_argument("a grid asks for " + std::to_string(levels) +
                                    " levels but the table has only " + std::to_string(size));
    if (levels == 1)
        return {size - 1}; // one level: the highest clock, the board's default operating point
    std::vector<size_t> out;
    for (size_t i = 0; i < levels; ++i)
        out.push_back(size_t(std::lround(double(i) * double(size - 1) / double(levels - 1))));
    return out;
}

static size_t parseLevels(const std::string& s, const std::string& whole) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("malformed grid '" + whole +
                                    "': expected grid:NxMxK, e.g. grid:4x4x3");
    return size_t(std::stoul(s));
}

std::vector<FrequencyTuple> SweepPlanner::plan(const std::string& d) const {
    std::vector<FrequencyTuple> out;
    const auto& c = spec_.cpu.frequenciesKhz;
    const auto& g = spec_.gpu.frequenciesKhz;
    const auto& m = spec_.emc.frequenciesKhz;
    if (d == "all") {
        for (auto cv : c)
            for (auto gv : g)
                for (auto mv : m)
                    out.push_back({cv, gv, mv});
    } else if (d == "max") {
        out.push_back(spec_.maxTuple());
    } else if (d == "min") {
        out.push_back(spec_.minTuple());
    } else if (d.rfind("grid:", 0) == 0) {
        const std::string body = d.substr(5);
        const auto x1 = body.find('x');
        const auto x2 = x1 == std::string::npos ? x1 : body.find('x', x1 + 1);
        if (x1 == std::string::npos || x2 == std::string::npos)
            throw std::invalid_argument("malformed grid '" + d +
                                        "': expected grid:NxMxK, e.g. grid:4x4x3");
        const auto ci = spreadIndices(c.size(), parseLevels(body.substr(0, x1), d));
        const auto gi = spreadIndices(g.size(), parseLevels(body.substr(x1 + 1, x2 - x1 - 1), d));
        const auto mi = spreadIndices(m.size(), parseLevels(body.substr(x2 + 1), d));
        for (auto a : ci)
            for (auto b : gi)
                for (auto e : mi)
                    out.push_back({c[a], g[b], m[e]});
    } else if (AdaptiveSweepPlanner::isAdaptive(d)) {
        // Only the coarse stage: the refinements depend on its measurements
        // (AdaptiveSweepPlanner::refine).
        return plan(AdaptiveSweepPlanner::coarsePlan(AdaptiveSweepPlanner::parse(d)));
    } else if (d.rfind("list:", 0) == 0) {
        std::set<FrequencyTuple> seen;
        std::string rest = d.substr(5);
        size_t pos = 0;
        while (pos <= rest.size()) {
            const auto comma = rest.find(',', pos);
            const std::string item =
                rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            if (!item.empty()) {
                FrequencyTuple t = FrequencyTuple::parse(item);
                spec_.validate(t);
                if (seen.insert(t).second)
                    out.push_back(t);
            }
            if (comma == std::string::npos)
                break;
            pos = comma + 1;
        }
        if (out.empty())
            throw std::invalid_argument("empty tuple list: expected list:cpu/gpu/emc,... in kHz");
    } else {
        throw std::invalid_argument(
            "unknown plan '" + d +
            "': use all, max, min, grid:NxMxK, adaptive:NxMxK+B or list:cpu/gpu/emc,...");
    }
    return out;
}

double SweepPlanner::estimateSeconds(size_t tuples, size_t units, int warmup, int repeat,
                                     double meanUnitSeconds, double switchSeconds) {
    return double(tuples) *
           (switchSeconds + double(units) * double(warmup + repeat) * meanUnitSeconds);
}

} // namespace dvfo
