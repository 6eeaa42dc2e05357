#include "core/rl/baselinepolicies.h"

#include <algorithm>
#include <cmath>

namespace dvfo {

int OndemandGovernorPolicy::ondemandLevel(const std::vector<int64_t>& table, double load,
                                          double upThreshold) {
    if (table.empty())
        return 0;
    const int top = int(table.size()) - 1;
    if (load > upThreshold)
        return top;
    const double target =
        double(table.front()) + std::clamp(load, 0.0, 1.0) * double(table.back() - table.front());
    const auto it = std::lower_bound(table.begin(), table.end(), int64_t(std::ceil(target)));
    return it == table.end() ? top : int(it - table.begin());
}

double OndemandGovernorPolicy::load() const {
    return std::min(1.0, env_.lastCost().edgeBusyMs / env_.config().controlPeriodMs);
}

FactoredAction OndemandGovernorPolicy::decide(const std::vector<float>&) {
    if (env_.stepIndex() == 0)
        return env_.previousAction(); // nothing measured yet: keep the start clocks
    const BoardSpec& b = env_.profile().board();
    const double l = load();
    return {ondemandLevel(b.cpu.frequenciesKhz, l, upThreshold_),
            ondemandLevel(b.gpu.frequenciesKhz, l, upThreshold_),
            ondemandLevel(b.emc.frequenciesKhz, l, upThreshold_), 0};
}

FactoredAction PerformanceGovernorPolicy::decide(const std::vector<float>& observation) {
    FactoredAction a = env_.maxClocks(0);
    if (env_.stepIndex() > 0)
        a[2] = ondemandLevel(env_.profile().board().emc.frequenciesKhz, load(), upThreshold_);
    (void)observation;
    return a;
}

FactoredAction OffloadOnlyPolicy::decide(const std::vector<float>&) {
    const FactoredAction max = env_.maxClocks(0);
    ActionRestriction r;
    r.cpuLevel = max[0], r.gpuLevel = max[1], r.emcLevel = max[2];
    return env_.bestAction(env_.measuredLink(), env_.previousAction(), delay_, r);
}

FactoredAction DvfsOnlyPolicy::decide(const std::vector<float>&) {
    ActionRestriction r;
    r.shareIndex = 0;
    return env_.bestAction(env_.measuredLink(), env_.previousAction(), delay_, r);
}

FactoredAction ModelBasedPolicy::decide(const std::vector<float>&) {
    return env_.bestAction(env_.measuredLink(), env_.previousAction(), delay_);
}

bool OraclePolicy::planFits() const {
    const int64_t step = env_.stepIndex(), offset = step - plan_.firstStep;
    if (plan_.actions.empty() || offset < 0 || offset >= int64_t(plan_.actions.size()))
        return false;
    const FactoredAction& expected =
        offset == 0 ? planStartPrevious_ : plan_.actions[size_t(offset - 1)];
    if (env_.previousAction() != expected)
        return false;
    const std::vector<LinkSample>& links = env_.episodeLinks();
    return links.size() == planLinks_.size() &&
           std::equal(links.begin(), links.end(), planLinks_.begin(),
                      [](const LinkSample& a, const LinkSample& b) {
                          return a.bandwidthMbps == b.bandwidthMbps && a.rttMs == b.rttMs;
                      });
}

FactoredAction OraclePolicy::decide(const std::vector<float>&) {
    if (!planFits()) {
        plan_ = planner_.plan();
        planStartPrevious_ = env_.previousAction();
        planLinks_ = env_.episodeLinks();
    }
    return plan_.actions.at(size_t(env_.stepIndex() - plan_.firstStep));
}

FactoredAction GreedyOraclePolicy::decide(const std::vector<float>&) {
    return env_.bestAction(env_.currentLink(), env_.previousAction(), delay_);
}

} // namespace dvfo
