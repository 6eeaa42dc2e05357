#include "core/rl/hindsightplanner.h"

#include "core/link/linkestimator.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <utility>
#include <stdexcept>

namespace dvfo {

namespace {

constexpr int kShares = OffloadModel::kShares;
constexpr int kPatterns = 8; // which domains change: bit 0 CPU, bit 1 GPU, bit 2 EMC
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Best {
    double value = kInf;
    int32_t action = -1;
};

} // namespace

HindsightPlanner::HindsightPlanner(const DvfoEnvironment& env, double actionDelayFraction)
    : env_(env), delay_(actionDelayFraction) {
    if (!(delay_ >= 0 && delay_ < 1))
        throw std::invalid_argument("the action delay fraction must be in [0, 1), got " +
                                    std::to_string(delay_));
}

HindsightPlan HindsightPlanner::plan() const {
    if (!env_.started())
        throw std::logic_error("HindsightPlanner: reset() the environment first");
    HindsightPlan out;
    out.firstStep = env_.stepIndex();
    const std::vector<LinkSample>& links = env_.episodeLinks();
    const int64_t steps = int64_t(links.size()) - out.firstStep;
    if (steps <= 0)
        return out;

    const ProfileTable& profile = env_.profile();
    const int C = profile.cpuLevels(), G = profile.gpuLevels(), M = profile.emcLevels();
    const int tuples = C * G * M, actions = tuples * kShares;
    const DvfoEnvironmentConfig& config = env_.config();
    const double d = delay_, eta = config.eta;
    const double we = eta / env_.referenceEnergyMj(), wl = (1 - eta) / env_.referenceLatencyMs();
    const double slo = config.sloMs, penalty = config.sloPenalty;
    const bool coupled = slo > 0 && d > 0; // the penalty depends on both actions' latencies

    const size_t tupleCount = static_cast<size_t>(tuples),
                 actionCount = static_cast<size_t>(actions);
    std::vector<int> cpuOf(tupleCount), gpuOf(tupleCount), emcOf(tupleCount);
    for (int t = 0; t < tuples; ++t)
        cpuOf[size_t(t)] = t / (G * M), gpuOf[size_t(t)] = (t / M) % G, emcOf[size_t(t)] = t % M;
    auto patternOf = [&](int from, int to) {
        return (cpuOf[size_t(from)] != cpuOf[size_t(to)] ? 1 : 0) |
               (gpuOf[size_t(from)] != gpuOf[size_t(to)] ? 2 : 0) |
               (emcOf[size_t(from)] != emcOf[size_t(to)] ? 4 : 0);
    };

    // Patterns a board can realise (a domain with one level never changes).
    std::vector<int> patterns;
    for (int p = 0; p < kPatterns; ++p)
        if (!((p & 1) && C < 2) && !((p & 2) && G < 2) && !((p & 4) && M < 2))
            patterns.push_back(p);
    // Switching per (tuple switched to, pattern): its ms and its weighted cost, from the
    // environment's own charge.
    std::vector<double> switchMs(kPatterns, 0.0);
    std::vector<double> switchCost(size_t(tuples) * kPatterns, kInf);
    for (int t = 0; t < tuples; ++t)
        for (int p : patterns) {
            const FactoredAction to = {cpuOf[size_t(t)], gpuOf[size_t(t)], emcOf[size_t(t)], 0};
            FactoredAction from = to;
            if (p & 1)
                from[0] = (from[0] + 1) % C;
            if (p & 2)
                from[1] = (from[1] + 1) % G;
            if (p & 4)
                from[2] = (from[2] + 1) % M;
            const LayerCost sw = env_.switchCharge(from, to);
            switchMs[size_t(p)] = sw.latencyMs;
            switchCost[size_t(t) * kPatterns + size_t(p)] = we * sw.energyMj + wl * sw.latencyMs;
        }
    double maxSwitchMs = 0;
    for (int p : patterns)
        maxSwitchMs = std::max(maxSwitchMs, switchMs[size_t(p)]);
    // The pattern relaxation (charge pattern P for any predecessor that changes a subset of P)
    // is exact only where the charge grows with the pattern.
    std::vector<char> searchAll(tupleCount, 0);
    for (int t = 0; t < tuples; ++t)
        for (int p : patterns)
            for (int q : patterns)
                if ((q & p) == q && (switchCost[size_t(t) * kPatterns + size_t(q)] >
                                         switchCost[size_t(t) * kPatterns + size_t(p)] ||
                                     switchMs[size_t(q)] > switchMs[size_t(p)]))
                    searchAll[size_t(t)] = 1;
    // The tuples that agree with t outside pattern p share a group.
    std::vector<int> groupOf(kPatterns * tupleCount);
    for (int p : patterns)
        for (int t = 0; t < tuples; ++t)
            groupOf[size_t(p) * size_t(tuples) + size_t(t)] =
                ((p & 1 ? 0 : cpuOf[size_t(t)]) * G + (p & 2 ? 0 : gpuOf[size_t(t)])) * M +
                (p & 4 ? 0 : emcOf[size_t(t)]);

    // Offloading is allowed at a step unless the link was measured down on the sample before:
    // the trace decides it, not the actions (the estimator probes every step).
    std::vector<char> offloadAllowed(static_cast<size_t>(steps));
    {
        LinkEstimator estimator(config.controlPeriodMs);
        for (int64_t i = 0; i < steps; ++i) {
            if (i == 0) {
                offloadAllowed[0] = env_.offloadAllowed();
            } else {
                estimator.observe(estimator.simulate(links[size_t(out.firstStep + i - 1)], 0));
                offloadAllowed[size_t(i)] = estimator.allowsOffload();
            }
        }
    }

    std::vector<double> value(actionCount, kInf), next(actionCount);
    std::vector<double> energy, latency, carried(actionCount);
    const FactoredAction start = env_.previousAction();
    value[size_t(profile.tupleIndex(start[0], start[1], start[2]) * kShares + start[3])] = 0;
    std::vector<int32_t> back(static_cast<size_t>(steps) * actionCount, -1);
    std::vector<Best> perTuple(tupleCount), groupBest(kPatterns * tupleCount);
    // Coupled case: per pattern, the finite predecessors ordered by (group, latency part), with
    // prefix minima of their carried cost inside each group.
    std::vector<int32_t> byLatency;
    std::vector<std::pair<double, int32_t>> keyed;
    std::vector<std::vector<int32_t>> sorted(kPatterns), groupStart(kPatterns);
    std::vector<std::vector<Best>> prefix(kPatterns);

    for (int64_t i = 0; i < steps; ++i) {
        env_.actionCosts(links[size_t(out.firstStep + i)], energy, latency);
        const int shares = offloadAllowed[size_t(i)] ? kShares : 1;
        // What a predecessor carries into this step: its value plus its part of the blend.
        for (int a = 0; a < actions; ++a)
            carried[size_t(a)] =
                value[size_t(a)] == kInf || d == 0
                    ? value[size_t(a)]
                    : value[size_t(a)] + d * (we * energy[size_t(a)] + wl * latency[size_t(a)]);

        if (!coupled) {
            for (int t = 0; t < tuples; ++t) {
                Best b;
                for (int k = 0; k < kShares; ++k) {
                    const int a = t * kShares + k;
                    if (carried[size_t(a)] < b.value)
                        b = {carried[size_t(a)], a};
                }
                perTuple[size_t(t)] = b;
            }
            for (int p : patterns) {
                Best* g = &groupBest[size_t(p) * size_t(tuples)];
                std::fill(g, g + tuples, Best{});
                for (int t = 0; t < tuples; ++t) {
                    Best& slot = g[groupOf[size_t(p) * size_t(tuples) + size_t(t)]];
                    if (perTuple[size_t(t)].value < slot.value)
                        slot = perTuple[size_t(t)];
                }
            }
        } else {
            keyed.clear();
            for (int a = 0; a < actions; ++a)
                if (carried[size_t(a)] < kInf)
                    keyed.push_back({latency[size_t(a)], a});
            std::sort(keyed.begin(), keyed.end());
            byLatency.resize(keyed.size());
            for (size_t j = 0; j < keyed.size(); ++j)
                byLatency[j] = keyed[j].second;
            for (int p : patterns) { // a stable counting sort by group keeps the latency order
                std::vector<int32_t>& start = groupStart[size_t(p)];
                start.assign(size_t(tuples) + 1, 0);
                const int* group = &groupOf[size_t(p) * size_t(tuples)];
                for (int32_t a : byLatency)
                    ++start[size_t(group[a / kShares]) + 1];
                std::partial_sum(start.begin(), start.end(), start.begin());
                std::vector<int32_t> fill(start.begin(), start.end() - 1);
                std::vector<int32_t>& list = sorted[size_t(p)];
                list.resize(byLatency.size());
                for (int32_t a : byLatency)
                    list[size_t(fill[size_t(group[a / kShares])]++)] = a;
                std::vector<Best>& pre = prefix[size_t(p)];
                pre.resize(list.size());
                for (int g = 0; g < tuples; ++g) {
                    Best running;
                    for (int32_t j = start[size_t(g)]; j < start[size_t(g) + 1]; ++j) {
                        const int32_t a = list[size_t(j)];
                        if (carried[size_t(a)] < running.value)
                            running = {carried[size_t(a)], a};
                        pre[size_t(j)] = running;
                    }
                }
            }
        }

        int32_t* backHere = &back[size_t(i) * size_t(actions)];
        std::fill(next.begin(), next.end(), kInf);
        for (int t = 0; t < tuples; ++t) {
            // Without the coupling, the best predecessor per pattern is the same for every share.
            Best viaPattern[kPatterns], anyPattern;
            if (!coupled && !searchAll[size_t(t)])
                for (int p : patterns) {
                    const Best& from =
                        groupBest[size_t(p) * tupleCount +
                                  size_t(groupOf[size_t(p) * tupleCount + size_t(t)])];
                    if (from.action < 0)
                        continue;
                    viaPattern[p] = {from.value + switchCost[size_t(t) * kPatterns + size_t(p)],
                                     from.action};
                    if (viaPattern[p].value < anyPattern.value)
                        anyPattern = viaPattern[p];
                }
            for (int k = 0; k < shares; ++k) {
                const int a = t * kShares + k;
                const double own = (1 - d) * (we * energy[size_t(a)] + wl * latency[size_t(a)]);
                const double ownLatency = (1 - d) * latency[size_t(a)];
                Best best;
                if (searchAll[size_t(t)]) {
                    for (int q = 0; q < actions; ++q) {
                        if (carried[size_t(q)] == kInf)
                            continue;
                        const int p = patternOf(q / kShares, t);
                        const double l =
                            (d * latency[size_t(q)] + ownLatency) + switchMs[size_t(p)];
                        const double c = carried[size_t(q)] +
                                         switchCost[size_t(t) * kPatterns + size_t(p)] +
                                         (slo > 0 && l > slo ? penalty : 0.0);
                        if (c < best.value)
                            best = {c, q};
                    }
                } else if (!coupled) {
                    // The penalty is the same for every pattern unless the switch decides it.
                    if (!(slo > 0) || !(ownLatency + maxSwitchMs > slo)) {
                        best = anyPattern;
                    } else if (ownLatency > slo) {
                        best = {anyPattern.value + penalty, anyPattern.action};
                    } else {
                        for (int p : patterns) {
                            if (viaPattern[p].action < 0)
                                continue;
                            const double c =
                                viaPattern[p].value +
                                (ownLatency + switchMs[size_t(p)] > slo ? penalty : 0.0);
                            if (c < best.value)
                                best = {c, viaPattern[p].action};
                        }
                    }
                } else {
                    for (int p : patterns) {
                        const int g = groupOf[size_t(p) * tupleCount + size_t(t)];
                        const std::vector<int32_t>& list = sorted[size_t(p)];
                        const std::vector<Best>& pre = prefix[size_t(p)];
                        const int32_t lo = groupStart[size_t(p)][size_t(g)],
                                      hi = groupStart[size_t(p)][size_t(g) + 1];
                        if (lo == hi)
                            continue;
                        auto over = [&](int32_t j) { // this step misses the SLO after list[j]
                            return (d * latency[size_t(list[size_t(j)])] + ownLatency) +
                                       switchMs[size_t(p)] >
                                   slo;
                        };
                        Best from = pre[size_t(hi - 1)];
                        if (over(lo)) {
                            from.value += penalty;
                        } else if (over(hi - 1)) {
                            // The predecessors that keep this step within the SLO: a prefix.
                            int32_t first = lo, count = hi - lo;
                            while (count > 0) {
                                const int32_t half = count / 2, mid = first + half;
                                if (!over(mid))
                                    first = mid + 1, count -= half + 1;
                                else
                                    count = half;
                            }
                            from.value += penalty;
                            if (pre[size_t(first - 1)].value <= from.value)
                                from = pre[size_t(first - 1)];
                        }
                        from.value += switchCost[size_t(t) * kPatterns + size_t(p)];
                        if (from.value < best.value)
                            best = from;
                    }
                }
                if (best.action >= 0) {
                    next[size_t(a)] = best.value + own;
                    backHere[a] = best.action;
                }
            }
        }
        value.swap(next);
    }

    int32_t a = int32_t(std::min_element(value.begin(), value.end()) - value.begin());
    out.totalCost = value[size_t(a)];
    out.actions.resize(size_t(steps));
    for (int64_t i = steps - 1; i >= 0; --i) {
        const int t = a / kShares;
        out.actions[size_t(i)] = {cpuOf[size_t(t)], gpuOf[size_t(t)], emcOf[size_t(t)],
                                  a % kShares};
        a = back[size_t(i) * size_t(actions) + size_t(a)];
    }
    return out;
}

} // namespace dvfo
