#pragma once
#include "remote/edge/runtimepolicy.h"

#include <nlohmann/json.hpp>

namespace dvfo {

// A policy that always picks the same operating point: the baselines "performance" (highest
// clocks, share 0) or any hand-chosen tuple and share, deployable like a trained policy.
// Sidecar: {"format":"dvfo-fixed-policy","version":1,"tuple":"cpu/gpu/emc" kHz | "max" |
// "min","share":0.5}
class FixedRuntimePolicy : public RuntimePolicy {
public:
    static constexpr const char* kFormat = "dvfo-fixed-policy";
    // Throws std::runtime_error naming the field: unknown tuple for the board, share outside [0,
    // 1].
    FixedRuntimePolicy(const nlohmann::json& sidecar, const BoardSpec& board);

    std::string describe() const override;
    RuntimeDecision initial() const override { return decision_; }
    RuntimeDecision decide(const RuntimeObservation&) override { return decision_; }

private:
    RuntimeDecision decision_;
};

} // namespace dvfo
