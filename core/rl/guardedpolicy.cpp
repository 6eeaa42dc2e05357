#include "core/rl/guardedpolicy.h"

namespace dvfo {

GuardedPolicy::GuardedPolicy(RlPolicy& policy, PolicyGuard guard, RlPolicy& fallback,
                             int linkUpFeature)
    : policy_(policy), guard_(std::move(guard)), fallback_(fallback),
      linkUpFeature_(linkUpFeature) {}

void GuardedPolicy::reset() {
    policy_.reset();
    fallback_.reset();
    guard_.reset();
}

FactoredAction GuardedPolicy::decide(const std::vector<float>& observation) {
    const bool linkDown = linkUpFeature_ >= 0 && size_t(linkUpFeature_) < observation.size() &&
                          observation[size_t(linkUpFeature_)] < 0.5f;
    ++decisions_;
    // As TrainedRuntimePolicy does on the board: the policy is not asked while guarded.
    if (!guard_.check(observation, linkDown).engaged)
        return policy_.decide(observation);
    ++guarded_;
    return fallback_.decide(observation);
}

} // namespace dvfo
