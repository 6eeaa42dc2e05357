#pragma once
// Experience replay for DqnAgent: a fixed-capacity ring of transitions with seeded uniform
// sampling. Plain C++ (no torch) so that it can be tested and checkpointed on its own.
#include "core/rl/rlenvironment.h"

#include <cstdint>
#include <iosfwd>
#include <random>
#include <vector>

namespace dvfo {

// One step of experience. `input`/`nextInput` are what the Q-network sees (the observation, plus
// the previous action and the selection delay in concurrent mode). The bootstrap term of the
// target is discounted by gamma^discountExponent: 1 for sequential control, the elapsed time in
// control periods between two action switches for thinking-while-moving (see DqnAgent).
struct Transition {
    std::vector<float> input;
    FactoredAction action;
    float reward = 0;
    std::vector<float> nextInput;
    bool done = false;
    float discountExponent = 1;
};

class ReplayBuffer {
public:
    // Throws std::invalid_argument for capacity 0.
    explicit ReplayBuffer(size_t capacity, uint64_t seed = 0);

    size_t capacity() const { return capacity_; }
    size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    // Total transitions ever added (the ring overwrites the oldest once full).
    uint64_t added() const { return added_; }

    void add(Transition t);
    // i-th oldest transition still held, 0 <= i < size().
    const Transition& at(size_t i) const;
    // `count` transitions drawn uniformly with replacement. Throws std::logic_error when empty.
    std::vector<const Transition*> sample(size_t count);

    // Binary snapshot (transitions, ring position and sampler state) for checkpoints.
    void save(std::ostream& out) const;
    // Replaces this buffer's contents. Throws std::runtime_error for a truncated or foreign stream.
    void load(std::istream& in);

private:
    size_t capacity_;
    std::vector<Transition> items_;
    size_t next_ = 0; // slot the next add() writes once the ring is full
    uint64_t added_ = 0;
    std::mt19937_64 rng_;
};

} // namespace dvfo
