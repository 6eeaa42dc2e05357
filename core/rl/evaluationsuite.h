#pragma once
// `dvfo evaluate --suite`: a policy against the baselines and the oracle over families of links a
// board meets in a day (constant grid, steps, walks with walking RTT, WAN, LAN, MEC, outages, and
// any csv traces), so a policy that is good on its training link and poor elsewhere shows it.
#include "core/rl/dvfoenvironment.h"
#include "core/rl/policyevaluator.h"
#include "core/rl/policyguard.h"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dvfo {

struct SuiteFamily {
    std::string name;
    std::vector<std::string> traces; // --trace specs, each evaluated on every seed
};

struct SuiteFamilyResult {
    std::string family;
    // Per policy, means over the family's traces and seeds (gapToOraclePct against the family's
    // oracle cost).
    std::vector<PolicyEvaluation> policies;
    std::string bestBaseline; // the deployable baseline with the lowest cost
    double bestBaselineCost = 0;

    // The policy's gap to the oracle in %, NaN when it was not evaluated.
    double gapOf(const std::string& policy) const;
    // The other deployable policies (not the oracles) with a lower cost than `policy`.
    std::vector<std::string> beating(const std::string& policy) const;
};

struct SuiteSettings {
    std::vector<uint64_t> seeds = {1001, 1002};
    int64_t steps = 300;
    // Checked between traces: true stops the run (it returns the families finished so far).
    std::function<bool()> cancelled;
    // With a trained policy: also "<policy> + guard", the policy behind this guard with the
    // model-based optimiser as fallback (GuardedPolicy), as the edge runtime deploys it.
    std::optional<PolicyGuard> guard;
    // Also the greedy oracle (GreedyOraclePolicy), to show how far a per-step argmin is from the
    // bound; never counted as a baseline.
    bool greedyOracle = false;
};

class EvaluationSuite {
public:
    // Constant grid (0.5..500 Mbit/s x 2..100 ms), step changes, random walks with a walking RTT,
    // WAN, LAN, MEC and outages.
    static std::vector<SuiteFamily> builtinFamilies();

    // `makeEnvironment(trace)` builds the environment for one trace (same profile and settings);
    // `trained` (may be null) is evaluated next to the baselines (edge-only, cloud-only, ondemand,
    // performance, offload-only, DVFS-only, the model-based optimiser) and the oracle.
    static std::vector<SuiteFamilyResult>
    run(const std::vector<SuiteFamily>& families,
        const std::function<std::unique_ptr<DvfoEnvironment>(const std::string&)>& makeEnvironment,
        RlPolicy* trained, const SuiteSettings& settings);

    // The same, each trace's environment like `base` (profile, split, costs, settings) with the
    // trace replaced; `extraTraces` (e.g. csv:FILE) become families of their own.
    static std::vector<SuiteFamilyResult> runLike(const DvfoEnvironment& base, RlPolicy* trained,
                                                  const SuiteSettings& settings,
                                                  const std::vector<std::string>& extraTraces = {});

    // Index of the family where `policy` is furthest from the oracle, -1 when none has it.
    static int worstFamily(const std::vector<SuiteFamilyResult>& results,
                           const std::string& policy);

    static nlohmann::json toJson(const std::vector<SuiteFamilyResult>& results);
};

} // namespace dvfo
