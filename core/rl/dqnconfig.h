#pragma once
// The DQN agent's hyper-parameters: plain data, so that training settings, sidecars and saved runs
// can carry them without linking the agent (DqnAgent, core/dqn/, is studio-only).
#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

// How the Q-network factors the action space (both output sum(n_d) values, never prod(n_d)):
enum class QHeads {
    // BDQ: one dueling advantage head per branch, all from the state. Cheap, but the branches
    // are additive, so the greedy action is only coordinate-wise optimal when the reward couples
    // branches (DVFO's offload share and clocks do: L = head + max(local tail, remote)).
    Independent,
    // Autoregressive (Metz et al. 2017, "sequential DQN"): head d sees the state and the actions
    // already chosen in branches 0..d-1; Q_d(s, a_0..a_d) is trained towards
    // max_a Q_{d+1}(s, a_0..a_d, a), the last head towards the Bellman target. The greedy action
    // is then the joint argmax, found in one pass along the chain.
    Autoregressive,
};
std::string qHeadsName(QHeads h);            // "independent" | "autoregressive"
QHeads parseQHeads(const std::string& name); // throws std::invalid_argument

struct DqnConfig {
    std::vector<int> hiddenSizes{128, 128};
    QHeads heads = QHeads::Independent; // checkpoints without the key were independent
    int headHiddenSize = 64;            // autoregressive: hidden units of each branch head
    double learningRate = 1e-3;
    // > 0: the learning rate falls linearly to this over learningRateDecaySteps gradient steps,
    // then stays: late updates refine the greedy policy instead of shaking it.
    double learningRateEnd = 0;
    int learningRateDecaySteps = 0;
    double gamma = 0.9;
    int batchSize = 64;
    int bufferCapacity = 50000;
    int warmupSteps = 500; // transitions in the buffer before the first gradient step
    double epsilonStart = 1.0;
    double epsilonEnd = 0.05;
    int epsilonDecaySteps = 5000;
    int targetSyncSteps = 250; // gradient steps between hard target-network copies
    int trainEvery = 1;        // environment steps per gradient step
    double gradientClipNorm = 10.0;
    double huberDelta = 1.0;
    uint64_t seed = 1;
    bool concurrent = false; // thinking-while-moving input (previous action + delay)
    int threads = 1;         // torch intra-op threads (process-wide setting)

    std::string toJson() const;
    // Missing keys keep their defaults; wrong types or out-of-range values throw
    // std::invalid_argument.
    static DqnConfig fromJson(const std::string& json);
    void validate() const; // throws std::invalid_argument naming the field
};

} // namespace dvfo
