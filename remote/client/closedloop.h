#pragma once
// `dvfo loop`: the closed loop on an emulated board. For the trained policy and each baseline, the
// real edge runtime (dvfo-edge run, stepped, its cloud traffic on an emulated link trace) runs N
// inferences against a local dvfo-cloud (emulating a cloud GPU), and the environment predicts the
// same episode (same profile, settings, trace realisation). Both are reduced the same way, so the
// table says how far what the runtime realises is from what the policy was trained on.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

struct ClosedLoopOptions {
    std::string db; // workspace database (empty: the default)
    int64_t session = 0;
    std::string policyDir; // a trained policy (dvfo train --out); empty: baselines only
    std::string trace = "randomwalk:min=5,max=400,step=20,rtt=2";
    double eta = 0.7;
    int64_t inferences = 300;
    uint64_t seed = 1; // the trace realisation
    // Names to run (see ClosedLoop::policyNames()); empty: all (the trained one when given).
    std::vector<std::string> policies;
    std::string workDir; // bundles, runtime roots and logs; empty: a fresh temporary directory
    bool keepWorkDir = false;
    std::function<void(const std::string&)> progress; // one line per phase
};

struct LoopMeans {
    double energyMj = 0; // per inference, the environment's energy accounting
    double latencyMs = 0;
    double cost = 0;
};

struct ClosedLoopRow {
    std::string policy;
    LoopMeans predicted, realised;
    int64_t inferences = 0;
    int64_t offloads = 0;   // inferences whose request reached the cloud
    int64_t fallbacks = 0;  // requests that failed (outage, cloud error) and fell back
    int64_t guarded = 0;    // decisions a trained policy's guard took over (PolicyGuard)
    int64_t probeBytes = 0; // link-probe payload the runtime sent
    double wallSeconds = 0; // the runtime's run
    double costErrorPct() const;
};

class ClosedLoop {
public:
    static std::vector<std::string> policyNames(); // dvfo-dqn, edge-only, cloud-only, ...
    // Throws std::runtime_error naming what failed (session, policy, a process and its log).
    static std::vector<ClosedLoopRow> run(const ClosedLoopOptions& options);
    // {"policies":[{"policy":NAME,"predicted":{...},"realised":{...},...}]}
    static nlohmann::json toJson(const std::vector<ClosedLoopRow>& rows);
};

} // namespace dvfo
