#pragma once
// An RlEnvironment that passes everything through to another and records the range of every
// observation it hands out: what a policy trained on it has seen (ObservationRanges), written into
// the policy sidecar for the runtime guard. Plain C++.
#include "core/rl/observationranges.h"
#include "core/rl/rlenvironment.h"

#include <mutex>

namespace dvfo {

class RangeRecordingEnvironment : public RlEnvironment {
public:
    RangeRecordingEnvironment(RlEnvironment& inner, ObservationRanges ranges)
        : inner_(inner), ranges_(std::move(ranges)) {}

    std::vector<int> branchSizes() const override { return inner_.branchSizes(); }
    int observationSize() const override { return inner_.observationSize(); }
    std::vector<float> reset(uint64_t seed) override;
    RlStep step(const FactoredAction& action, double actionDelayFraction = 0.0) override;

    // A copy: the pipelined trainer steps this environment on its worker thread while the
    // trainer exports snapshots (with the ranges seen so far) on its own.
    ObservationRanges ranges() const;

private:
    RlEnvironment& inner_;
    mutable std::mutex mutex_;
    ObservationRanges ranges_;
};

} // namespace dvfo
