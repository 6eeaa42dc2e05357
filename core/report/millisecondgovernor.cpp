#include "core/report/millisecondgovernor.h"

#include "core/rl/baselinepolicies.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dvfo {

MillisecondGovernor::MillisecondGovernor(const DvfoEnvironment& env, Kind kind, double samplingMs,
                                         double upThreshold)
    : env_(env), kind_(kind), samplingMs_(samplingMs), upThreshold_(upThreshold) {
    if (!(samplingMs > 0) || samplingMs > env.config().controlPeriodMs)
        throw std::invalid_argument("governor sampling interval must be in (0, control period]");
}

std::string MillisecondGovernor::name() const {
    const std::string ms = samplingMs_ == std::floor(samplingMs_) ? std::to_string(int(samplingMs_))
                                                                  : std::to_string(samplingMs_);
    return std::string(kind_ == Kind::Ondemand ? "ondemand" : "performance") + " governor (" + ms +
           " ms sampling)";
}

PolicyEvaluation MillisecondGovernor::evaluate(DvfoEnvironment& env,
                                               const std::vector<uint64_t>& seeds,
                                               double oracleCost) const {
    const ProfileTable& p = env.profile();
    const BoardSpec& b = p.board();
    const DvfoEnvironmentConfig& cfg = env.config();
    const int layers = p.layerCount();
    const double period = cfg.controlPeriodMs;
    const double dt = samplingMs_ / 20;
    const bool aboveIdle = env.energyAccounting() != EnergyAccounting::Inference;
    const double idleMw = env.idlePowerMw();
    PolicyEvaluation r;
    r.policy = name();
    double energySum = 0, latencySum = 0, edpSum = 0, costSum = 0, levelSum = 0, busyTicks = 0;
    for (uint64_t seed : seeds) {
        env.reset(seed);
        const int64_t frames = env.episodeLength();
        FactoredAction clocks = env.maxClocks(0);
        int64_t arrived = 0, finished = 0;
        int layer = 0;
        double progress = 0; // of the running layer
        double frameEnergy = 0;
        double busyInWindow = 0, windowStart = 0;
        // Each frame arrives at k * period; the simulation ends when the last one is done.
        for (double t = 0; finished < frames; t += dt) {
            while (arrived < frames && double(arrived) * period <= t + 1e-9)
                ++arrived;
            const bool busy = finished < arrived;
            if (busy) {
                const LayerCost c =
                    p.rangeAt(p.tupleIndex(clocks[0], clocks[1], clocks[2]), layer, layer + 1);
                const double e = aboveIdle ? std::max(0.0, c.energyMj - idleMw * c.latencyMs * 1e-3)
                                           : c.energyMj;
                const double step = c.latencyMs > 0 ? dt / c.latencyMs : 1.0;
                const double used = std::min(step, 1.0 - progress);
                frameEnergy += e * used;
                progress += used;
                busyInWindow += dt * used / step;
                levelSum += double(clocks[0]) / std::max(1, p.cpuLevels() - 1), busyTicks += 1;
                if (progress >= 1.0 - 1e-12) {
                    progress = 0;
                    if (++layer == layers) {
                        const double latency = t + dt * used / step - double(finished) * period;
                        double energy = frameEnergy;
                        if (env.energyAccounting() == EnergyAccounting::Period)
                            energy += idleMw * std::max(0.0, period - latency) * 1e-3;
                        double cost = cfg.eta * energy / env.referenceEnergyMj() +
                                      (1 - cfg.eta) * latency / env.referenceLatencyMs();
                        if (cfg.sloMs > 0 && latency > cfg.sloMs)
                            cost += cfg.sloPenalty, ++r.sloViolations;
                        energySum += energy, latencySum += latency;
                        edpSum += energy * latency * 1e-3, costSum += cost;
                        ++r.steps;
                        layer = 0, frameEnergy = 0, ++finished;
                    }
                }
            }
            if (t + dt - windowStart >= samplingMs_ - 1e-9) { // the governor's sample
                const double load = std::min(1.0, busyInWindow / samplingMs_);
                const int emc =
                    OndemandGovernorPolicy::ondemandLevel(b.emc.frequenciesKhz, load, upThreshold_);
                if (kind_ == Kind::Performance) {
                    clocks = env.maxClocks(0);
                } else {
                    clocks[0] = OndemandGovernorPolicy::ondemandLevel(b.cpu.frequenciesKhz, load,
                                                                      upThreshold_);
                    clocks[1] = OndemandGovernorPolicy::ondemandLevel(b.gpu.frequenciesKhz, load,
                                                                      upThreshold_);
                }
                clocks[2] = emc;
                busyInWindow = 0, windowStart = t + dt;
            }
        }
    }
    if (r.steps > 0) {
        const double n = double(r.steps);
        r.meanEnergyMj = energySum / n, r.meanLatencyMs = latencySum / n;
        r.meanEdpMjS = edpSum / n, r.meanCost = costSum / n;
        r.sloViolationPct = 100.0 * double(r.sloViolations) / n;
    }
    meanBusyCpuLevel_ = busyTicks > 0 ? levelSum / busyTicks : 0;
    r.gapToOraclePct = oracleCost > 0 ? (r.meanCost - oracleCost) / oracleCost * 100 : std::nan("");
    return r;
}

} // namespace dvfo
