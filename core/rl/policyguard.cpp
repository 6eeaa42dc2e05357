#include "core/rl/policyguard.h"

namespace dvfo {

PolicyGuard::PolicyGuard(ObservationRanges ranges) {
    if (!ranges.empty())
        ranges_ = std::move(ranges);
}

PolicyGuard PolicyGuard::fromSidecar(const nlohmann::json& sidecar) {
    if (!sidecar.is_object() || !sidecar.contains("trainingRanges"))
        return PolicyGuard();
    return PolicyGuard(ObservationRanges::fromJson(sidecar.at("trainingRanges")));
}

GuardVerdict PolicyGuard::check(const std::vector<float>& observation, bool linkDown) {
    if (linkDown) {
        outOfRangeStreak_ = 0;
        return {true, "link-down"};
    }
    if (ranges_) {
        const int i = ranges_->firstOutOfRange(observation);
        if (i >= 0 && ++outOfRangeStreak_ >= kOutOfRangeSteps)
            return {true, "out-of-range:" + ranges_->featureNames().at(size_t(i))};
        if (i < 0)
            outOfRangeStreak_ = 0;
    }
    return {};
}

std::string PolicyGuard::describe() const {
    if (!ranges_)
        return "guard on link-down only: the policy's sidecar has no training ranges (trained "
               "before the guard existed; train it again to guard its ranges too)";
    return "guard on link-down and on observations outside the training ranges (" +
           std::to_string(ranges_->count()) + " training observations)";
}

} // namespace dvfo
