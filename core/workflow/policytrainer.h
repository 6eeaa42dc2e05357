#pragma once
// One DVFO training run from start to stored result, shared by `dvfo train` and the studio's
// Training view: builds the environment from a stored profile session and the agent (or resumes
// both from a run's checkpoint), records the run and its points in the workspace database, trains
// with a cancel flag, checkpoints, exports the policy with its sidecar and evaluates it against
// the baselines and the oracle. With DvfoTrainingSettings::pinnedShareIndex set, the agent learns
// the clock branches only (PinnedShareEnvironment) and every evaluation appends the pinned share.
// Plain C++ header: no Qt, no torch.
#include "core/dqn/dqnagent.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/rl/policyevaluator.h"
#include "core/workspace/trainingrunstore.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dvfo {

class TrainedPolicy;

struct PolicyTrainerSettings {
    static constexpr int64_t kDefaultSteps = 30000;

    std::string workspacePath; // the workspace database
    int64_t sessionId = 0;     // new run: the profile session (ignored when resuming)
    int64_t resumeRunId = 0;   // > 0: continue this run from its checkpoint
    std::string name;          // empty: "<model> on <board>"
    DvfoTrainingSettings environment;
    int64_t steps =
        0; // new run: total steps (0 and episodes 0: kDefaultSteps); resume: this many more
    int64_t episodes = 0; // new run: total episodes (0: no limit); resume: this many more
    uint64_t seed = 1;
    bool concurrent = false;
    bool pipelined = false; // implies concurrent
    double maxDelay = 0.3;  // concurrent: selection delay drawn from [0, maxDelay) of the period
    int threads = 1;
    // New run: DqnConfig keys (JSON object) over DvfoTrainingSettings::defaultAgentConfig, for
    // tuning without a rebuild, e.g. {"gamma":0.2,"hiddenSizes":[256,256]}.
    std::string agentOverrides;
    std::string outDir; // empty: <workspace dir>/policies/run-<id>
    std::vector<uint64_t> evalSeeds = {1001, 1002, 1003};
    // The exported policy is the greedy snapshot with the lowest mean cost on these trace seeds
    // (checked every validateEverySteps after the replay warm-up, and at the end), not simply the
    // last one: a DQN's greedy policy keeps wandering by a few percent between updates. Distinct
    // from evalSeeds, so the final comparison stays on unseen traces. validateEverySteps 0: export
    // the final network.
    std::vector<uint64_t> validationSeeds = {2001, 2002};
    int64_t validateEverySteps = 1000;
    bool evaluate = true;      // compare with the baselines after training
    double flushSeconds = 1.0; // points reach the database in batches this far apart
    double checkpointSeconds = 20.0;
};

// One bandwidth of a policy map: what the policy chooses there (fixed RTT, no trend, the clocks in
// force at max and nothing offloaded, as at the start of an episode).
struct PolicyMapPoint {
    double bandwidthMbps = 0;
    FactoredAction action;
    int64_t cpuKhz = 0, gpuKhz = 0, emcKhz = 0;
    double share = 0;
    std::vector<float> observation; // what the policy was given
};

struct PolicyMapSettings {
    double minMbps = 1;
    double maxMbps = 200;
    int points = 40; // spread logarithmically (bandwidth matters most where it is scarce)
    double rttMs = 20;
};

class PolicyTrainer {
public:
    // Validates the settings, opens the workspace, builds the environment and the agent and
    // creates (or resumes, setting it running again) the run. Throws std::invalid_argument /
    // std::runtime_error / store and environment errors with a message for the user; a run that
    // was already created is marked failed with the error before the exception leaves.
    explicit PolicyTrainer(PolicyTrainerSettings settings);
    ~PolicyTrainer();
    PolicyTrainer(const PolicyTrainer&) = delete;
    PolicyTrainer& operator=(const PolicyTrainer&) = delete;

    int64_t runId() const { return runId_; }
    bool resumed() const { return settings_.resumeRunId > 0; }
    const PolicyTrainerSettings& settings() const {
        return settings_;
    } // as completed from a resumed run
    int64_t sessionId() const { return settings_.sessionId; }
    DvfoEnvironment& environment() { return *env_; }
    DqnAgent& agent() { return *agent_; }
    const std::string& policyDir() const { return outDir_; }
    std::string checkpointDir() const;
    // The run's budget: total steps (0: none) and total episodes (0: none), counted over resumes.
    int64_t targetSteps() const { return targetSteps_; }
    int64_t targetEpisodes() const { return targetEpisodes_; }
    double evaluationDelay() const; // concurrent: maxDelay / 2, else 0

    struct Outcome {
        TrainingSummary summary;
        bool cancelled = false;
        std::vector<PolicyEvaluation>
            evaluation;                // empty when cancelled or settings.evaluate is off
        std::string resultJson = "{}"; // what was stored with the run
        double lastReward = 0;
        double lastLoss = 0;      // NaN while no gradient step ran
        int64_t exportedStep = 0; // the exported snapshot's step; 0: kept from before a resume
        double validationCost =
            std::nan(""); // its mean cost on validationSeeds (NaN: not validated)
    };
    // Trains until the budget or *cancel. onEpisode runs on this thread after every episode (the
    // point is already queued for the database). Cancelled: points flushed, checkpoint saved,
    // status cancelled (resumable). Done: policy exported, onTrained called (summary and last
    // reward/loss filled in, before the evaluation), evaluated, result stored, status completed.
    // Errors mark the run failed and are rethrown.
    Outcome run(const std::atomic<bool>* cancel = nullptr,
                const std::function<void(const TrainingPoint&)>& onEpisode = {},
                const std::function<void(const Outcome&)>& onTrained = {});

    // The environment a stored run was trained in (its settings, its session's profile).
    static std::unique_ptr<DvfoEnvironment> environmentOf(const std::string& workspacePath,
                                                          const TrainingRun& run);
    // The trained policy (first row; pipelined runs through LaggedPolicy), the oracle and every
    // baseline over the run's evaluation seeds with its evaluation delay.
    static std::vector<PolicyEvaluation> evaluate(DvfoEnvironment& env, TrainedPolicy& policy,
                                                  const TrainingRun& run);
    // Loads the run's exported policy and evaluates it (throws PolicyError when it has none).
    static std::vector<PolicyEvaluation> evaluateRun(const std::string& workspacePath,
                                                     int64_t runId);
    // A map over what the environment's trace covers: its bandwidth range (seed 1, 10 episodes;
    // widened to at least a factor 4 around a narrow one) at its median RTT.
    static PolicyMapSettings mapSettingsFor(const DvfoEnvironment& env);
    // The greedy action of `policy` per bandwidth (policy.reset() before each decision).
    static std::vector<PolicyMapPoint> policyMap(const DvfoEnvironment& env, RlPolicy& policy,
                                                 const PolicyMapSettings& settings = {});
    // The same observations, answered by a (possibly still training) agent's greedy action.
    static std::vector<PolicyMapPoint> policyMap(const DvfoEnvironment& env, DqnAgent& agent,
                                                 const PolicyMapSettings& settings = {});
    // The observation the map uses at one bandwidth.
    static std::vector<float> mapObservation(const DvfoEnvironment& env, double bandwidthMbps,
                                             double rttMs);
    static std::vector<double> mapBandwidths(const PolicyMapSettings& settings);

private:
    void setUp();
    void fail(const std::string& message) noexcept;

    PolicyTrainerSettings settings_;
    std::unique_ptr<TrainingRunStore> runs_;
    std::unique_ptr<DvfoEnvironment> env_;
    std::unique_ptr<DqnAgent> agent_;
    DqnConfig agentConfig_;
    int64_t runId_ = 0;
    int64_t targetSteps_ = 0, targetEpisodes_ = 0;
    std::string outDir_;
};

} // namespace dvfo
