#include "core/report/layersplitbaseline.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dvfo {

LayerSplitBaseline::LayerSplitBaseline(const DvfoEnvironment& env, std::vector<LayerInfo> layers)
    : env_(env), layers_(std::move(layers)) {
    const ProfileTable& p = env.profile();
    if (int(layers_.size()) != p.layerCount())
        throw std::invalid_argument("layer split: the model has " + std::to_string(layers_.size()) +
                                    " units, the profile " + std::to_string(p.layerCount()));
    for (int i = 0; i < p.layerCount(); ++i)
        if (layers_[size_t(i)].name != p.layerNames()[size_t(i)])
            throw std::invalid_argument("layer split: unit " + std::to_string(i) + " is '" +
                                        layers_[size_t(i)].name + "' in the model but '" +
                                        p.layerNames()[size_t(i)] + "' in the profile");
    const FactoredAction max = env.maxClocks(0);
    const FrequencyTuple top = p.tupleAtLevels(max[0], max[1], max[2]);
    const double idleMw = env.idlePowerMw();
    for (int i = 0; i < p.layerCount(); ++i) {
        const LayerCost c = p.layer(top, i);
        layerL_.push_back(c.latencyMs);
        // Per layer, as the environment counts head and tail energy.
        layerE_.push_back(env.energyAccounting() == EnergyAccounting::AboveIdle
                              ? std::max(0.0, c.energyMj - idleMw * c.latencyMs * 1e-3)
                              : c.energyMj);
    }
    const double speedup = env.offload().params().cloudSpeedup;
    tailCloudMs_.assign(layerL_.size() + 1, 0.0);
    for (int cut = int(layerL_.size()) - 1; cut >= 0; --cut)
        tailCloudMs_[size_t(cut)] = tailCloudMs_[size_t(cut) + 1] + layerL_[size_t(cut)] / speedup;
    histogram_.assign(layerL_.size() + 1, 0);
}

double LayerSplitBaseline::wireBytes(int cut) const {
    if (cut <= 0)
        return double(layers_.front().inputBytes) / 4.0; // 8-bit pixels
    if (cut >= int(layers_.size()))
        return 0;
    return double(layers_[size_t(cut) - 1].outputBytes); // float32 tensor
}

LayerSplitBaseline::Cost LayerSplitBaseline::cost(int cut, const LinkSample& link) const {
    Cost c;
    const int n = int(layerL_.size());
    for (int i = 0; i < cut && i < n; ++i)
        c.latencyMs += layerL_[size_t(i)], c.energyMj += layerE_[size_t(i)];
    const double busy = c.latencyMs;
    if (cut < n) {
        if (link.bandwidthMbps <= 0) { // the request fails: the board runs the tail afterwards
            for (int i = cut; i < n; ++i)
                c.latencyMs += layerL_[size_t(i)], c.energyMj += layerE_[size_t(i)];
        } else {
            const double bytes = wireBytes(cut);
            const double airMs = bytes * 8.0 / (link.bandwidthMbps * 1000.0);
            c.latencyMs += link.rttMs + airMs + tailCloudMs_[size_t(cut)];
            c.energyMj += bytes * env_.nanojoulePerByte() * 1e-6;
        }
    }
    if (env_.energyAccounting() == EnergyAccounting::Period) // idling for the rest of the period
        c.energyMj += idleFloor(busy);
    return c;
}

double LayerSplitBaseline::idleFloor(double busyMs) const {
    return env_.idlePowerMw() * std::max(0.0, env_.config().controlPeriodMs - busyMs) * 1e-3;
}

int LayerSplitBaseline::bestCut(const LinkSample& measured) const {
    const int n = int(layerL_.size());
    if (measured.bandwidthMbps <= 0)
        return n; // known to be down: nothing goes out
    int best = n;
    double bestCost = std::numeric_limits<double>::infinity();
    for (int cut = 0; cut <= n; ++cut) {
        const Cost c = cost(cut, measured);
        const double v = costOf(c);
        if (v < bestCost - 1e-12)
            bestCost = v, best = cut;
    }
    return best;
}

double LayerSplitBaseline::costOf(const Cost& c) const {
    const DvfoEnvironmentConfig& cfg = env_.config();
    double v = cfg.eta * c.energyMj / env_.referenceEnergyMj() +
               (1 - cfg.eta) * c.latencyMs / env_.referenceLatencyMs();
    if (cfg.sloMs > 0 && c.latencyMs > cfg.sloMs)
        v += cfg.sloPenalty;
    return v;
}

PolicyEvaluation LayerSplitBaseline::evaluate(DvfoEnvironment& env,
                                              const std::vector<uint64_t>& seeds,
                                              double oracleCost) const {
    PolicyEvaluation r;
    r.policy = kName;
    histogram_.assign(layerL_.size() + 1, 0);
    const FactoredAction edgeOnly = env.maxClocks(0);
    double energy = 0, latency = 0, edp = 0, cost = 0;
    for (uint64_t seed : seeds) {
        env.reset(seed);
        while (!env.done()) {
            // The environment only supplies the link: what was measured, and the step's sample.
            // It is stepped with edge-only, whose probe measures the link as an idle board does.
            const int cut = bestCut(env.measuredLink());
            const Cost c = this->cost(cut, env.currentLink());
            ++histogram_[size_t(cut)];
            energy += c.energyMj, latency += c.latencyMs;
            edp += c.energyMj * c.latencyMs * 1e-3;
            cost += costOf(c);
            const DvfoEnvironmentConfig& cfg = env.config();
            if (cfg.sloMs > 0 && c.latencyMs > cfg.sloMs)
                ++r.sloViolations;
            ++r.steps;
            env.step(edgeOnly);
        }
    }
    if (r.steps > 0) {
        const double n = double(r.steps);
        r.meanEnergyMj = energy / n, r.meanLatencyMs = latency / n, r.meanEdpMjS = edp / n;
        r.meanCost = cost / n;
        r.sloViolationPct = 100.0 * double(r.sloViolations) / n;
    }
    r.gapToOraclePct = oracleCost > 0 ? (r.meanCost - oracleCost) / oracleCost * 100 : std::nan("");
    return r;
}

} // namespace dvfo
