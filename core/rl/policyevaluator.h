#pragma once
// Runs policies over the same link-trace realisations and tabulates what they cost.
#include "core/rl/dvfoenvironment.h"
#include "core/rl/rlenvironment.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

struct PolicyEvaluation {
    std::string policy;
    int64_t steps = 0;       // inferences over all seeds
    double meanEnergyMj = 0; // per inference
    double meanLatencyMs = 0;
    double meanEdpMjS = 0; // mean of energy * latency per inference, mJ*s
    int64_t sloViolations = 0;
    double sloViolationPct = 0;
    double meanCost = 0;       // mean of -reward
    double gapToOraclePct = 0; // (meanCost - oracle) / oracle * 100; NaN without an oracle row
    double meanAccuracy = -1;  // mean of the chosen shares' accuracy, -1 = unknown
};

struct EvaluationSettings {
    std::vector<uint64_t> seeds = {1};
    double actionDelayFraction = 0;
};

class PolicyEvaluator {
public:
    PolicyEvaluator(DvfoEnvironment& env, EvaluationSettings settings)
        : env_(env), settings_(std::move(settings)) {}

    // Each policy plays one episode per seed (reset(seed) then policy.reset()), so every policy
    // sees the same link samples. The gap is taken against the policy named oracleName (if
    // present).
    std::vector<PolicyEvaluation> run(const std::vector<RlPolicy*>& policies,
                                      const std::string& oracleName = "oracle");
    PolicyEvaluation runOne(RlPolicy& policy);

    static nlohmann::json toJson(const std::vector<PolicyEvaluation>& rows);

private:
    DvfoEnvironment& env_;
    EvaluationSettings settings_;
};

} // namespace dvfo
