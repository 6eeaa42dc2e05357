#pragma once
// The runtime guard of a trained policy: decides, per step, whether the policy may decide or the
// board falls back to the model-based optimiser, because the link is down or the observation left
// the ranges the policy was trained on. One small class so that the decision is tested without a
// board or a network. Plain C++.
#include "core/rl/observationranges.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dvfo {

struct GuardVerdict {
    bool engaged = false;
    // Why, for telemetry: "link-down" or "out-of-range:<feature>" (e.g. out-of-range:bandwidth).
    std::string reason;
};

class PolicyGuard {
public:
    // Guards on link-down only.
    PolicyGuard() = default;
    explicit PolicyGuard(ObservationRanges ranges);
    // From a policy sidecar: its "trainingRanges" when it has them (policies trained before the
    // guard existed do not: then link-down only). Throws std::runtime_error for malformed ranges.
    static PolicyGuard fromSidecar(const nlohmann::json& sidecar);

    // Observations outside the ranges must persist for this many decisions before the guard
    // takes over: a single bandwidth estimate from a small probe on a busy host can be off by
    // orders of magnitude (seen: 0.34 and 2905 Mbit/s on a 50 Mbit/s link), a link that really
    // left the ranges stays out. A down link engages the guard at once.
    static constexpr int kOutOfRangeSteps = 3;

    // One decision: linkDown = the board knows the link is down (a request failed and none
    // succeeded since). Stateful (the out-of-range streak): one guard per decision sequence.
    GuardVerdict check(const std::vector<float>& observation, bool linkDown);
    void reset() { outOfRangeStreak_ = 0; }

    bool checksRanges() const { return ranges_.has_value(); }
    const std::optional<ObservationRanges>& ranges() const { return ranges_; }
    // One line for logs and the runtime's status, saying what is guarded.
    std::string describe() const;

private:
    std::optional<ObservationRanges> ranges_;
    int outOfRangeStreak_ = 0;
};

} // namespace dvfo
