#pragma once
// `dvfo evaluate --suite`: a policy against the baselines and the oracle over families of links a
// board meets in a day (constant grid, steps, walks with walking RTT, WAN, LAN, MEC, outages, and
// any csv traces), so a policy that is good on its training link and poor elsewhere shows it.
#include "core/dvfoenvironment.h"
#include "core/policyevaluator.h"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
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
};

struct SuiteSettings {
    std::vector<uint64_t> seeds = {1001, 1002};
    int64_t steps = 300;
};

class EvaluationSuite {
public:
    // Constant grid (0.5..500 Mbit/s x 2..100 ms), step changes, random walks with a walking RTT,
    // WAN, LAN, MEC and outages.
    static std::vector<SuiteFamily> builtinFamilies();

    // `makeEnvironment(trace)` builds the environment for one trace (same profile and settings);
    // `trained` (may be null) is evaluated next to the baselines (edge-only, cloud-only, ondemand,
    // performance, offload-only, DVFS-only, the model-based optimiser) and the oracle.
    static std::vector<SuiteFamilyResult> run(
        const std::vector<SuiteFamily>& families,
        const std::function<std::unique_ptr<DvfoEnvironment>(const std::string&)>& makeEnvironment,
        RlPolicy* trained, const SuiteSettings& settings);

    static nlohmann::json toJson(const std::vector<SuiteFamilyResult>& results);
};

} // namespace dvfo
