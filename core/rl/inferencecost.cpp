#include "core/rl/inferencecost.h"

#include <algorithm>

namespace dvfo {

InferenceCost realisedCost(const nlohmann::json& r, const DvfoEnvironment& env) {
    const double idle = env.idlePowerMw();
    auto part = [&](const char* ms, const char* mj) {
        const double l = r.value(ms, 0.0), e = r.value(mj, 0.0);
        // mW * ms = uJ; clamped per part, as the environment clamps head and tail.
        return env.energyAccounting() == EnergyAccounting::AboveIdle
                   ? std::max(0.0, e - idle * l * 1e-3)
                   : e;
    };
    InferenceCost m;
    m.latencyMs = r.value("latencyMs", 0.0) + r.value("switchMs", 0.0);
    m.energyMj = part("headMs", "headMj") + part("edgeTailMs", "edgeTailMj") +
                 part("fallbackTailMs", "fallbackTailMj") + part("switchMs", "switchMj") +
                 r.value("radioMj", 0.0);
    if (env.energyAccounting() == EnergyAccounting::Period)
        m.energyMj +=
            idle * std::max(0.0, env.config().controlPeriodMs - r.value("busyMs", 0.0)) * 1e-3;
    const double eta = env.config().eta;
    m.cost = eta * m.energyMj / env.referenceEnergyMj() +
             (1 - eta) * m.latencyMs / env.referenceLatencyMs();
    if (env.config().sloMs > 0 && m.latencyMs > env.config().sloMs)
        m.cost += env.config().sloPenalty;
    return m;
}

InferenceCost predictedCost(const DvfoEnvironment& env, const LinkSample& link,
                            const FactoredAction& executed) {
    const ActionCost c = env.evaluate(link, executed);
    return {c.energyMj, c.latencyMs, c.cost};
}

InferenceCost predictedCost(const DvfoEnvironment& env, const LinkSample& link,
                            const FactoredAction& executed, const FactoredAction& previous) {
    const ActionCost c = env.evaluate(link, previous, executed, 0.0);
    return {c.energyMj, c.latencyMs, c.cost};
}

} // namespace dvfo
