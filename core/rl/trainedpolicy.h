#pragma once
// A policy exported by DqnAgent::exportPolicy (policy.pt TorchScript + policy.json sidecar),
// loaded for evaluation and deployment. Plain C++ header; torch stays in trainedpolicy.cpp.
#include "core/rl/rlenvironment.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

// Missing or corrupt files, checksum mismatch, wrong observation size.
class PolicyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class TrainedPolicy : public RlPolicy {
public:
    // Reads dir/policy.json and dir/policy.pt, checks format, version and the sha256 of
    // policy.pt and that the module answers with one valid action per branch. Throws PolicyError.
    static std::unique_ptr<TrainedPolicy> load(const std::string& dir);
    ~TrainedPolicy() override;

    std::string name() const override; // the sidecar's "name", else "dqn"
    const std::string& sidecarJson() const;
    const std::vector<int>& branchSizes() const;
    int observationSize() const;
    bool concurrent() const;

    // Concurrent (thinking-while-moving) policies see the previous action they chose (reset():
    // all branches at level 0, as in training) and the selection delay fraction set here.
    void reset() override;
    void setSelectionDelay(double fraction); // clamped to [0, 0.99]
    // One forward pass. Throws PolicyError for an observation of the wrong size.
    FactoredAction decide(const std::vector<float>& observation) override;
    // Q-values of every branch for an observation (does not change the previous action).
    std::vector<std::vector<float>> qValues(const std::vector<float>& observation) const;

private:
    TrainedPolicy();
    int64_t qValuesSize() const; // of the module, on a zero input
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace dvfo
