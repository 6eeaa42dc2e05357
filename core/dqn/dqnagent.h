#pragma once
// DVFO's learning agent: a branching dueling double DQN (Tavakoli et al. 2018) over the factored
// action space of an RlEnvironment, with optional thinking-while-moving (concurrent) control
// (Xiao et al. 2020). Torch lives in dqnagent.cpp only; this header is plain C++. Networks,
// targets, exploration and the continuous-time discounting: docs/algorithms.md#dqn-agent.
#include "core/dqn/replaybuffer.h"
#include "core/rl/dqnconfig.h"
#include "core/rl/rlenvironment.h"
#include "core/workspace/trainingpoint.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dvfo {

// How the selection delay (fraction of a control period) of concurrent control is modelled.
enum class DelayModel {
    Sampled, // uniform in [minDelayFraction, maxDelayFraction] per step, from the agent's seeded
             // RNG
    Measured // the measured wall time of the agent's own selections / controlPeriodMs (EWMA)
};

struct TrainingOptions {
    int64_t episodes = 100;       // episodes to run in this call (0: no limit)
    int64_t maxSteps = 0;         // environment steps in this call (0: no limit)
    int64_t maxEpisodeLength = 0; // cut episodes longer than this (0: the environment decides)
    uint64_t environmentSeed =
        1; // episode k of the agent (counted over resumes) is reset(seed + k)
    DelayModel delayModel = DelayModel::Sampled;
    double minDelayFraction = 0.0;
    double maxDelayFraction = 0.3;
    double controlPeriodMs = 100.0;
    // Real concurrency (needs config.concurrent): environment steps run on a worker std::thread;
    // meanwhile the agent selects the next action from the latest observation it has (the one
    // the running step started from) and the action in flight, and takes its gradient step.
    // The observation the network sees is therefore one step old; the exported sidecar says so.
    bool pipelined = false;
    const std::atomic<bool>* cancel = nullptr; // checked between steps
};

struct TrainingSummary {
    int64_t episodes = 0; // finished in this call
    int64_t steps = 0;
    double wallSeconds = 0;
    double meanSelectionMs = 0; // one forward pass + exploration, mean over the call
    bool cancelled = false;
    double lastEpisodeReward = 0;
};

class DqnAgent {
public:
    // Throws std::invalid_argument for an empty branch list, a branch with < 2 choices, a
    // non-positive observation size or a bad config.
    DqnAgent(int observationSize, std::vector<int> branchSizes, DqnConfig config = {});
    ~DqnAgent();
    DqnAgent(DqnAgent&&) noexcept;
    DqnAgent& operator=(DqnAgent&&) noexcept;
    DqnAgent(const DqnAgent&) = delete;
    DqnAgent& operator=(const DqnAgent&) = delete;

    const DqnConfig& config() const;
    int observationSize() const;
    const std::vector<int>& branchSizes() const;
    int inputSize() const; // observationSize, + branches + 1 in concurrent mode

    int64_t steps() const;    // environment steps observed (over resumes)
    int64_t episodes() const; // finished training episodes (over resumes)
    int64_t gradientSteps() const;
    double epsilon() const;      // current exploration rate
    double learningRate() const; // the optimizer's, as the schedule last set it
    bool trainedPipelined() const;

    // The network input for an observation (checks its size): the observation itself, or in
    // concurrent mode observation ++ normalised previous action ++ delay fraction.
    std::vector<float> networkInput(const std::vector<float>& observation,
                                    const FactoredAction& previous, double delayFraction) const;
    // Greedy (or epsilon-greedy when explore) action for a network input of inputSize() floats.
    FactoredAction act(const std::vector<float>& input, bool explore);
    // Q-values per branch for a network input.
    std::vector<std::vector<float>> qValues(const std::vector<float>& input) const;

    void observe(Transition t);
    // One gradient step on a replay batch. Returns the loss, or NaN (and does nothing) while the
    // buffer holds fewer than max(warmupSteps, batchSize) transitions.
    double trainStep();

    // Runs episodes on env (whose sizes must match) until options' limits or cancel; calls
    // onEpisode after every finished episode. Resumable: counters, RNGs and the buffer carry on.
    TrainingSummary train(RlEnvironment& env, const TrainingOptions& options,
                          const std::function<void(const TrainingPoint&)>& onEpisode = {});

    // Checkpoint directory: agent.json, network.pt (online + target), optimizer.pt, replay.bin.
    void saveCheckpoint(const std::string& dir) const;
    // Restores a checkpoint of an agent with the same sizes and network shape (throws otherwise,
    // leaving this agent unchanged).
    void loadCheckpoint(const std::string& dir);
    static std::unique_ptr<DqnAgent> fromCheckpoint(const std::string& dir);

    // Writes dir/policy.pt (TorchScript: forward(x) -> Long[branches] greedy action, q_values(x)
    // -> Float[sum of branch sizes]) and dir/policy.json: the caller's sidecar object (board,
    // model, tables, observation layout, eta, ...) plus format, version, branchSizes,
    // networkInputSize, concurrent, pipelined, trainedAt, policySha256. Reloads the module and
    // checks it against the agent before returning the sidecar text.
    std::string exportPolicy(const std::string& dir, const std::string& sidecarJson = "{}") const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace dvfo
