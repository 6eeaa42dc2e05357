#pragma once
#include "core/rl/dvfoobservation.h"
#include "core/rl/policyguard.h"
#include "core/rl/trainedpolicy.h"
#include "remote/edge/runtimepolicy.h"

#include <deque>
#include <memory>

namespace dvfo {

// The bundle's trained DQN policy (TrainedPolicy, policy.pt + policy.json) on the board: builds the
// observation exactly as training did (buildObservation with the sidecar's layout) from the live
// link measurements and the operating point in force, and maps the chosen levels through the
// sidecar's clock tables and offload shares. Concurrent policies get the measured selection delay.
// Sidecar keys read besides TrainedPolicy's: "tables" {cpuKhz, gpuKhz, emcKhz}, "offloadShares",
// "observation" (ObservationLayout JSON) and "modelConstants" {tailFlopsFraction,
// fullOffloadBytes, edgeMaxLatencyMs}; all required (the observation cannot be built without).
// Guarded (PolicyGuard): while the link is known down, or the observation leaves the sidecar's
// "trainingRanges", the model-based optimiser over the sidecar's cost model decides instead
// (restricted to share 0 while the link is down: the best DVFS-only point); a sidecar without a
// cost model falls back to max clocks, nothing offloaded. Sidecars without training ranges are
// guarded on link-down only (describe() says so).
class TrainedRuntimePolicy : public RuntimePolicy {
public:
    // Throws std::runtime_error (PolicyError included) naming the file and what is wrong, also
    // when the sidecar's tables do not belong to `board`.
    static std::unique_ptr<TrainedRuntimePolicy> load(const std::string& dir,
                                                      const BoardSpec& board);

    std::string describe() const override;
    RuntimeDecision initial() const override;
    RuntimeDecision decide(const RuntimeObservation& observation) override;
    // The observation the last decide() gave the network (for the train/serve parity test).
    const std::vector<float>& lastObservation() const { return lastObservation_; }
    const PolicyGuard& guard() const { return guard_; }

private:
    TrainedRuntimePolicy() = default;
    RuntimeDecision decisionFor(const FactoredAction& action) const;

    std::unique_ptr<TrainedPolicy> policy_;
    ObservationBuilder observer_;
    std::vector<int64_t> cpuKhz_, gpuKhz_, emcKhz_;
    std::vector<double> shares_;
    double controlPeriodMs_ = 0;
    std::vector<float> lastObservation_;
    PolicyGuard guard_;
    std::unique_ptr<RuntimePolicy> fallback_; // null: max clocks, nothing offloaded
};

} // namespace dvfo
