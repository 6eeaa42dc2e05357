#pragma once
#include "remote/edge/runtimepolicy.h"

#include <nlohmann/json.hpp>

namespace dvfo {

// Linux's ondemand rule on the board, per control period, as OndemandGovernorPolicy applies it in
// the environment: load = the last inference's busy time / the period; nothing offloaded.
// Sidecar: {"format":"dvfo-governor-policy","version":1,"governor":"ondemand","upThreshold":0.8}
class GovernorRuntimePolicy : public RuntimePolicy {
public:
    static constexpr const char* kFormat = "dvfo-governor-policy";
    GovernorRuntimePolicy(const nlohmann::json& sidecar, const BoardSpec& board);

    std::string describe() const override { return "ondemand governor"; }
    RuntimeDecision initial() const override;
    RuntimeDecision decide(const RuntimeObservation& observation) override;

private:
    BoardSpec board_;
    double upThreshold_ = 0.8;
    bool first_ = true;
};

} // namespace dvfo
