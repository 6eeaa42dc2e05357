#include "core/rl/policyevaluator.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace dvfo {

PolicyEvaluation PolicyEvaluator::runOne(RlPolicy& policy) {
    if (settings_.seeds.empty())
        throw std::invalid_argument("evaluation needs at least one seed");
    PolicyEvaluation row;
    row.policy = policy.name();
    double energy = 0, latency = 0, edp = 0, cost = 0, accuracy = 0;
    int64_t accuracySteps = 0;
    for (uint64_t seed : settings_.seeds) {
        std::vector<float> obs = env_.reset(seed);
        policy.reset();
        while (!env_.done()) {
            const RlStep s = env_.step(policy.decide(obs), settings_.actionDelayFraction);
            obs = s.observation;
            energy += s.energyMj;
            latency += s.latencyMs;
            edp += s.energyMj * s.latencyMs * 1e-3;
            cost -= s.reward;
            row.sloViolations += s.sloViolated ? 1 : 0;
            if (env_.lastCost().accuracy >= 0) {
                accuracy += env_.lastCost().accuracy;
                ++accuracySteps;
            }
            ++row.steps;
        }
    }
    const double n = double(row.steps);
    row.meanEnergyMj = energy / n;
    row.meanLatencyMs = latency / n;
    row.meanEdpMjS = edp / n;
    row.meanCost = cost / n;
    row.sloViolationPct = 100.0 * double(row.sloViolations) / n;
    row.meanAccuracy = accuracySteps == row.steps ? accuracy / n : -1;
    row.gapToOraclePct = std::numeric_limits<double>::quiet_NaN();
    return row;
}

std::vector<PolicyEvaluation> PolicyEvaluator::run(const std::vector<RlPolicy*>& policies,
                                                   const std::string& oracleName) {
    std::vector<PolicyEvaluation> rows;
    for (RlPolicy* p : policies)
        rows.push_back(runOne(*p));
    for (const PolicyEvaluation& oracle : rows) {
        if (oracle.policy != oracleName)
            continue;
        for (PolicyEvaluation& r : rows)
            r.gapToOraclePct = oracle.meanCost > 0
                                   ? 100.0 * (r.meanCost - oracle.meanCost) / oracle.meanCost
                                   : 0.0;
        break;
    }
    return rows;
}

nlohmann::json PolicyEvaluator::toJson(const std::vector<PolicyEvaluation>& rows) {
    nlohmann::json out = nlohmann::json::array();
    for (const PolicyEvaluation& r : rows) {
        nlohmann::json j = {{"policy", r.policy},
                            {"steps", r.steps},
                            {"mean_energy_mj", r.meanEnergyMj},
                            {"mean_latency_ms", r.meanLatencyMs},
                            {"mean_edp_mj_s", r.meanEdpMjS},
                            {"slo_violations", r.sloViolations},
                            {"slo_violation_pct", r.sloViolationPct},
                            {"mean_cost", r.meanCost}};
        j["gap_to_oracle_pct"] =
            std::isnan(r.gapToOraclePct) ? nlohmann::json() : nlohmann::json(r.gapToOraclePct);
        j["mean_accuracy"] =
            r.meanAccuracy >= 0 ? nlohmann::json(r.meanAccuracy) : nlohmann::json();
        out.push_back(j);
    }
    return out;
}

} // namespace dvfo
