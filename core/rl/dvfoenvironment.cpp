#include "core/rl/dvfoenvironment.h"

#include "core/emulation/emulationmodel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dvfo {

std::string energyAccountingName(EnergyAccounting a) {
    switch (a) {
    case EnergyAccounting::AboveIdle:
        return "above-idle";
    case EnergyAccounting::Inference:
        return "inference";
    case EnergyAccounting::Period:
        return "period";
    }
    return "above-idle";
}

EnergyAccounting parseEnergyAccounting(const std::string& name) {
    for (EnergyAccounting a :
         {EnergyAccounting::AboveIdle, EnergyAccounting::Inference, EnergyAccounting::Period})
        if (energyAccountingName(a) == name)
            return a;
    throw std::invalid_argument("unknown energy accounting '" + name +
                                "': use above-idle, inference or period");
}

DvfoEnvironment::DvfoEnvironment(ProfileTable profile, OffloadModel offload,
                                 DvfoEnvironmentConfig config)
    : profile_(std::move(profile)), offload_(std::move(offload)), config_(std::move(config)) {
    if (!(config_.eta >= 0 && config_.eta <= 1))
        throw std::invalid_argument("eta must be in [0, 1], got " + std::to_string(config_.eta));
    if (!(config_.sloPenalty >= 0))
        throw std::invalid_argument("the SLO penalty must be >= 0");
    if (config_.episodeSteps < 1)
        throw std::invalid_argument("an episode needs at least 1 step");
    if (!(config_.controlPeriodMs > 0))
        throw std::invalid_argument("the control period must be > 0 ms");
    if (std::isnan(config_.idlePowerMw))
        throw std::invalid_argument("the idle power must be a number of mW");
    if (offload_.model() != profile_.model())
        throw std::invalid_argument("the offload model is for " + offload_.model() +
                                    " but the profile is of " + profile_.model());
    if (offload_.splitIndex() + 1 >= profile_.layerCount())
        throw std::invalid_argument("split layer index " + std::to_string(offload_.splitIndex()) +
                                    " leaves no tail in the profile's " +
                                    std::to_string(profile_.layerCount()) + " layers");
    if (profile_.layerNames()[size_t(offload_.splitIndex())] != offload_.splitLayer())
        throw std::invalid_argument("the profile's layer " + std::to_string(offload_.splitIndex()) +
                                    " is '" + profile_.layerNames()[size_t(offload_.splitIndex())] +
                                    "', not the split layer '" + offload_.splitLayer() + "'");
    nanojoulePerByte_ = offload_.params().nanojoulePerByte > 0
                            ? offload_.params().nanojoulePerByte
                            : profile_.board().emulation.radioNanojoulePerByte;
    idlePowerMw_ = config_.idlePowerMw >= 0 ? config_.idlePowerMw : profile_.board().idlePowerMw();
    config_.observation.cpuLevels = profile_.cpuLevels();
    config_.observation.gpuLevels = profile_.gpuLevels();
    config_.observation.emcLevels = profile_.emcLevels();
    config_.observation.shares = OffloadModel::kShares;

    const int split = offload_.splitIndex() + 1, layers = profile_.layerCount();
    const size_t n = size_t(profile_.tupleCount()), shares = size_t(OffloadModel::kShares);
    headL_.resize(n), headE_.resize(n), tailL_.resize(n), tailE_.resize(n);
    edgeTailL_.assign(n * shares, 0.0), edgeTailE_.assign(n * shares, 0.0);
    const EmulationModel roofline(profile_.board());
    const LayerInfo& firstUnit = offload_.firstTailUnit();
    // Measured per share when the profile's share sweep split where this offload model does;
    // otherwise the roofline ratio below (docs/cost-model.md), and edgeTailSource() says why.
    const bool measured =
        profile_.hasShareMeasurements() && profile_.shareSplitLayer() == offload_.splitLayer();
    if (measured)
        edgeTailSource_ = "measured per share (the profile's share sweep)";
    else if (profile_.hasShareMeasurements())
        edgeTailSource_ = "roofline ratio: the profile's share sweep split after '" +
                          profile_.shareSplitLayer() + "', the offload model after '" +
                          offload_.splitLayer() + "'";
    else
        edgeTailSource_ = "roofline ratio: " + profile_.shareMeasurementsMissing();
    wireBytes_.resize(shares);
    for (size_t k = 0; k < shares; ++k)
        wireBytes_[k] =
            measured ? profile_.measuredWireBytes(int(k)) : offload_.share(int(k)).wireBytes;
    const int gpu = profile_.gpuLevels(), emc = profile_.emcLevels();
    // mW * ms = uJ; clamped because a measured layer can dip below the nominal floor.
    auto aboveIdle = [&](double energyMj, double latencyMs) {
        return config_.energy == EnergyAccounting::AboveIdle
                   ? std::max(0.0, energyMj - idlePowerMw_ * latencyMs * 1e-3)
                   : energyMj;
    };
    for (size_t i = 0; i < n; ++i) {
        const LayerCost head = profile_.rangeAt(int(i), 0, split),
                        tail = profile_.rangeAt(int(i), split, layers),
                        first = profile_.rangeAt(int(i), split, split + 1);
        headL_[i] = head.latencyMs, headE_[i] = aboveIdle(head.energyMj, head.latencyMs);
        tailL_[i] = tail.latencyMs, tailE_[i] = aboveIdle(tail.energyMj, tail.latencyMs);
        // The edge tail on the kept maps: the measured tail with its first unit's measured cost
        // scaled by what cutting that unit to the kept maps saves on this board's roofline at
        // this tuple (docs/cost-model.md). The roofline gives the ratio, the profile the cost.
        const FrequencyTuple t =
            profile_.tupleAtLevels(int(i) / (gpu * emc), (int(i) / emc) % gpu, int(i) % emc);
        const double wholeS = roofline.unitTiming(firstUnit, t).totalS;
        const double wholeMj = roofline.unitEnergyMj(firstUnit, t);
        for (size_t k = 0; k + 1 < shares; ++k) {
            double latencyRatio = 1.0 - offload_.firstTailUnitSaving(int(k));
            double energyRatio = latencyRatio;
            if (k > 0 && wholeS > 0 && wholeMj > 0 && std::isfinite(wholeS)) {
                const LayerInfo kept = offload_.firstTailUnitOnKept(int(k));
                latencyRatio = roofline.unitTiming(kept, t).totalS / wholeS;
                energyRatio = roofline.unitEnergyMj(kept, t) / wholeMj;
            }
            double l = tail.latencyMs - first.latencyMs * (1.0 - latencyRatio);
            double e = tail.energyMj - first.energyMj * (1.0 - energyRatio);
            if (measured && k > 0) { // the first unit as measured on the kept maps
                const LayerCost kept = profile_.keptFirstUnitAt(int(i), int(k));
                l = tail.latencyMs - first.latencyMs + kept.latencyMs;
                e = tail.energyMj - first.energyMj + kept.energyMj;
            }
            edgeTailL_[i * shares + k] = l;
            edgeTailE_[i * shares + k] = aboveIdle(e, l);
        }
    }
    // The board waiting for a clock change: idle at the new tuple on the emulation model.
    switchPowerMw_.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const FrequencyTuple t =
            profile_.tupleAtLevels(int(i) / (gpu * emc), (int(i) / emc) % gpu, int(i) % emc);
        double p = roofline.totalPowerMw(roofline.idlePowerMw(t));
        if (!std::isfinite(p)) // a board without emulation constants: no power to charge
            p = config_.energy == EnergyAccounting::Inference ? 0.0 : idlePowerMw_;
        switchPowerMw_[i] = config_.energy == EnergyAccounting::AboveIdle
                                ? std::max(0.0, p - idlePowerMw_)
                            : config_.energy == EnergyAccounting::Period ? p - idlePowerMw_
                                                                         : p;
    }
    const int maxTuple = tupleOf(maxClocks());
    tailLatencyAtMaxMs_ = tailL_[size_t(maxTuple)];
    const Raw reference = rawFromTerms({0, 0, 0, false}, maxTuple, 0);
    refLatencyMs_ = reference.latencyMs;
    refEnergyMj_ = reference.energyMj;
    if (!(refLatencyMs_ > 0) || !(refEnergyMj_ > 0))
        throw std::invalid_argument(
            config_.energy == EnergyAccounting::AboveIdle && refLatencyMs_ > 0
                ? "at max clocks the profile draws no more than the idle power (" +
                      std::to_string(int64_t(std::lround(idlePowerMw_))) +
                      " mW): nothing to normalise by; give a lower --idle-mw"
                : std::string(
                      "the profile gives zero latency or energy at max clocks: cannot normalise"));
    cloudMs_ = tailLatencyAtMaxMs_ / offload_.params().cloudSpeedup;
    estimator_ = LinkEstimator(config_.controlPeriodMs);
    observer_ = ObservationBuilder(config_.observation, modelConstants());
    previous_ = maxClocks();
}

ModelConstants DvfoEnvironment::modelConstants() const {
    ModelConstants m;
    m.tailFlopsFraction = offload_.tailFlopsFraction();
    m.fullOffloadBytes = wireBytes_[size_t(OffloadModel::kShares - 1)];
    m.edgeMaxLatencyMs = refLatencyMs_;
    return m;
}

std::string DvfoEnvironment::describeEnergy() const {
    const std::string idle = std::to_string(int64_t(std::lround(idlePowerMw_))) + " mW";
    switch (config_.energy) {
    case EnergyAccounting::AboveIdle:
        return "above idle (" + idle + ")";
    case EnergyAccounting::Inference:
        return "per inference (whole board)";
    case EnergyAccounting::Period:
        return "per " + std::to_string(int64_t(std::lround(config_.controlPeriodMs))) +
               " ms period (idle " + idle + ")";
    }
    return {};
}

std::vector<int> DvfoEnvironment::branchSizes() const {
    return {profile_.cpuLevels(), profile_.gpuLevels(), profile_.emcLevels(),
            OffloadModel::kShares};
}

FactoredAction DvfoEnvironment::maxClocks(int shareIndex) const {
    return {profile_.cpuLevels() - 1, profile_.gpuLevels() - 1, profile_.emcLevels() - 1,
            shareIndex};
}

FactoredAction DvfoEnvironment::minClocks(int shareIndex) const {
    return {0, 0, 0, shareIndex};
}

void DvfoEnvironment::validate(const FactoredAction& action) const {
    static const char* names[] = {"CPU level", "GPU level", "EMC level", "offload share index"};
    const std::vector<int> sizes = branchSizes();
    if (action.size() != sizes.size())
        throw std::invalid_argument("action has " + std::to_string(action.size()) +
                                    " branches, expected " + std::to_string(sizes.size()) +
                                    " (cpu, gpu, emc, share)");
    for (size_t b = 0; b < sizes.size(); ++b)
        if (action[b] < 0 || action[b] >= sizes[b])
            throw std::invalid_argument(std::string(names[b]) + " " + std::to_string(action[b]) +
                                        " is outside [0, " + std::to_string(sizes[b] - 1) + "]");
}

DvfoEnvironment::ShareTerms DvfoEnvironment::shareTerms(const LinkSample& link, int k) const {
    if (k == 0)
        return {0, 0, 0, false};
    if (!(link.bandwidthMbps > 0))
        return {0, 0, 0, true};
    const OffloadParams& p = offload_.params();
    const double bytes = wireBytes_[size_t(k)];
    const double airMs = bytes * 8.0 / (link.bandwidthMbps * 1000.0);
    return {link.rttMs + airMs + cloudMs_,
            bytes * nanojoulePerByte_ * 1e-6 + p.radioActiveMw * airMs * 1e-3, bytes, false};
}

DvfoEnvironment::Raw DvfoEnvironment::rawFromTerms(const ShareTerms& t, int tuple, int k) const {
    const size_t i = size_t(tuple);
    const bool perPeriod = config_.energy == EnergyAccounting::Period;
    const double idleMw = perPeriod ? idlePowerMw_ : 0.0, period = config_.controlPeriodMs;
    const bool all = k == OffloadModel::kShares - 1;
    // The edge tail on the kept maps (see the constructor); none at s = 1.
    const size_t cell = i * size_t(OffloadModel::kShares) + size_t(k);
    const double edgeTailL = all ? 0.0 : edgeTailL_[cell];
    const double edgeTailE = all ? 0.0 : edgeTailE_[cell];
    if (k == 0) {
        const double busy = headL_[i] + tailL_[i];
        return {headE_[i] + tailE_[i] + idleMw * std::max(0.0, period - busy) * 1e-3, busy, busy};
    }
    if (t.down) { // the request fails at once; then the whole tail on the edge
        const double busy = headL_[i] + edgeTailL + tailL_[i];
        return {headE_[i] + edgeTailE + tailE_[i] + idleMw * std::max(0.0, period - busy) * 1e-3,
                busy, busy};
    }
    const OffloadParams& p = offload_.params();
    const double busy = headL_[i] + edgeTailL;
    const double fusion = all ? 0.0 : p.fusionMs;
    const double latency = headL_[i] + std::max(edgeTailL, t.remoteMs) + fusion;
    const double idle = perPeriod ? idleMw * std::max(0.0, period - busy) * 1e-3
                                  : p.waitPowerMw * std::max(0.0, t.remoteMs - edgeTailL) * 1e-3;
    return {headE_[i] + edgeTailE + t.transferMj + idle, latency, busy};
}

LayerCost DvfoEnvironment::edgeTailCharge(const FactoredAction& action) const {
    validate(action);
    if (action[3] == OffloadModel::kShares - 1)
        return {0.0, 0.0};
    const size_t cell = size_t(tupleOf(action)) * size_t(OffloadModel::kShares) + size_t(action[3]);
    LayerCost c;
    c.latencyMs = edgeTailL_[cell];
    c.energyMj = edgeTailE_[cell];
    return c;
}

LayerCost DvfoEnvironment::switchCharge(const FactoredAction& from,
                                        const FactoredAction& to) const {
    validate(from);
    validate(to);
    LayerCost c;
    c.latencyMs = config_.switching.switchMs(from[0] != to[0], from[1] != to[1], from[2] != to[2]);
    if (c.latencyMs > 0)
        c.energyMj = switchPowerMw_[size_t(tupleOf(to))] * c.latencyMs * 1e-3;
    return c;
}

DvfoEnvironment::Raw DvfoEnvironment::raw(const LinkSample& link, int tuple, int k) const {
    return rawFromTerms(shareTerms(link, k), tuple, k);
}

double DvfoEnvironment::costOf(double energyMj, double latencyMs) const {
    const double eta = config_.eta;
    double cost = eta * energyMj / refEnergyMj_ + (1 - eta) * latencyMs / refLatencyMs_;
    if (config_.sloMs > 0 && latencyMs > config_.sloMs)
        cost += config_.sloPenalty;
    return cost;
}

ActionCost DvfoEnvironment::evaluate(const LinkSample& link, const FactoredAction& action) const {
    return evaluate(link, action, action, 0.0);
}

ActionCost DvfoEnvironment::evaluate(const LinkSample& link, const FactoredAction& previous,
                                     const FactoredAction& action, double d) const {
    validate(action);
    validate(previous);
    if (!(d >= 0 && d < 1))
        throw std::invalid_argument("the action delay fraction must be in [0, 1), got " +
                                    std::to_string(d));
    const Raw now = raw(link, tupleOf(action), action[3]);
    const Raw before = d > 0 ? raw(link, tupleOf(previous), previous[3]) : now;
    ActionCost c;
    c.energyMj = d * before.energyMj + (1 - d) * now.energyMj;
    c.latencyMs = d * before.latencyMs + (1 - d) * now.latencyMs;
    c.edgeBusyMs = d * before.edgeBusyMs + (1 - d) * now.edgeBusyMs;
    const LayerCost sw = switchCharge(previous, action);
    c.energyMj += sw.energyMj;
    c.latencyMs += sw.latencyMs;
    c.edgeBusyMs += sw.latencyMs;
    c.cost = costOf(c.energyMj, c.latencyMs);
    c.sloViolated = config_.sloMs > 0 && c.latencyMs > config_.sloMs;
    c.accuracy = offload_.share(action[3]).accuracy;
    return c;
}

FactoredAction DvfoEnvironment::bestAction(const LinkSample& link, const FactoredAction& previous,
                                           double d, const ActionRestriction& r) const {
    validate(previous);
    if (!(d >= 0 && d < 1))
        throw std::invalid_argument("the action delay fraction must be in [0, 1), got " +
                                    std::to_string(d));
    const int C = profile_.cpuLevels(), G = profile_.gpuLevels(), M = profile_.emcLevels();
    auto range = [](int fixed, int n, const char* what) {
        if (fixed >= n)
            throw std::invalid_argument(std::string("restricted ") + what + " " +
                                        std::to_string(fixed) + " is outside the table");
        return fixed >= 0 ? std::pair<int, int>{fixed, fixed + 1} : std::pair<int, int>{0, n};
    };
    const auto [c0, c1] = range(r.cpuLevel, C, "CPU level");
    const auto [g0, g1] = range(r.gpuLevel, G, "GPU level");
    const auto [m0, m1] = range(r.emcLevel, M, "EMC level");
    const auto [k0, k1] = range(r.shareIndex, OffloadModel::kShares, "share index");

    // The previous action's part of the blend is the same for every candidate.
    const Raw before = d > 0 ? raw(link, tupleOf(previous), previous[3]) : Raw{0, 0, 0};
    const double eta = config_.eta, we = eta / refEnergyMj_, wl = (1 - eta) / refLatencyMs_;
    const double slo = config_.sloMs, penalty = config_.sloPenalty;
    ShareTerms terms[OffloadModel::kShares];
    for (int k = k0; k < k1; ++k)
        terms[k] = shareTerms(link, k);
    double best = std::numeric_limits<double>::infinity();
    FactoredAction bestAction = maxClocks();
    const ClockSwitchTimes& sw = config_.switching;
    for (int c = c0; c < c1; ++c)
        for (int g = g0; g < g1; ++g)
            for (int m = m0; m < m1; ++m) {
                const int tuple = profile_.tupleIndex(c, g, m);
                // Leaving the previous tuple costs the same whatever the share.
                const double swMs =
                    sw.switchMs(c != previous[0], g != previous[1], m != previous[2]);
                const double swMj = swMs > 0 ? switchPowerMw_[size_t(tuple)] * swMs * 1e-3 : 0.0;
                for (int k = k0; k < k1; ++k) {
                    const Raw now = rawFromTerms(terms[k], tuple, k);
                    const double e = d * before.energyMj + (1 - d) * now.energyMj + swMj;
                    const double l = d * before.latencyMs + (1 - d) * now.latencyMs + swMs;
                    double cost = we * e + wl * l;
                    if (slo > 0 && l > slo)
                        cost += penalty;
                    if (cost < best) {
                        best = cost;
                        bestAction = {c, g, m, k};
                    }
                }
            }
    return bestAction;
}

void DvfoEnvironment::actionCosts(const LinkSample& link, std::vector<double>& energyMj,
                                  std::vector<double>& latencyMs) const {
    const size_t tuples = size_t(profile_.tupleCount()), shares = size_t(OffloadModel::kShares);
    energyMj.resize(tuples * shares);
    latencyMs.resize(tuples * shares);
    ShareTerms terms[OffloadModel::kShares];
    for (size_t k = 0; k < shares; ++k)
        terms[k] = shareTerms(link, int(k));
    for (size_t i = 0; i < tuples; ++i)
        for (size_t k = 0; k < shares; ++k) {
            const Raw r = rawFromTerms(terms[k], int(i), int(k));
            energyMj[i * shares + k] = r.energyMj;
            latencyMs[i * shares + k] = r.latencyMs;
        }
}

std::vector<float> DvfoEnvironment::reset(uint64_t seed) {
    links_ = config_.trace.realise(seed, config_.episodeSteps);
    if (links_.empty())
        throw std::runtime_error("the link trace gives no samples for an episode");
    step_ = 0;
    previous_ = maxClocks();
    lastCost_ = {};
    // The board measures the link once when it starts, before its first inference.
    estimator_ = LinkEstimator(config_.controlPeriodMs);
    estimator_.observe(estimator_.simulate(links_.front(), 0));
    observer_.reset();
    return observer_.observe(estimator_.estimate(), previous_);
}

LinkSample DvfoEnvironment::currentLink() const {
    if (links_.empty())
        throw std::logic_error("DvfoEnvironment: reset() first");
    return links_[size_t(std::min<int64_t>(step_, int64_t(links_.size()) - 1))];
}

LinkSample DvfoEnvironment::measuredLink() const {
    if (links_.empty())
        throw std::logic_error("DvfoEnvironment: reset() first");
    return estimator_.estimate();
}

FactoredAction DvfoEnvironment::executed(const FactoredAction& action) const {
    FactoredAction a = action;
    if (a.size() == 4 && !estimator_.allowsOffload())
        a[3] = 0;
    return a;
}

ObservationInputs DvfoEnvironment::observationInputs() const {
    return observer_.inputs(estimator_.estimate(), previous_);
}

RlStep DvfoEnvironment::step(const FactoredAction& action, double d) {
    if (!started())
        throw std::logic_error("DvfoEnvironment: step() before reset()");
    if (done())
        throw std::logic_error("DvfoEnvironment: step() after the episode ended; reset() first");
    validate(action);
    const LinkSample link = links_[size_t(step_)];
    const FactoredAction run = executed(action);
    const ActionCost c = evaluate(link, previous_, run, d);
    const int64_t sent =
        run[3] > 0 && link.bandwidthMbps > 0 ? int64_t(wireBytes_[size_t(run[3])]) : 0;
    estimator_.observe(estimator_.simulate(link, sent));
    previous_ = run;
    lastCost_ = c;
    ++step_;
    RlStep out;
    out.observation = observer_.observe(estimator_.estimate(), previous_);
    out.reward = -c.cost;
    out.done = done();
    out.energyMj = c.energyMj;
    out.latencyMs = c.latencyMs;
    out.sloViolated = c.sloViolated;
    return out;
}

} // namespace dvfo
