#pragma once
// A policy trained on a PinnedShareEnvironment, acting in the full DVFO action space: its clock
// levels with the pinned share index appended.
#include "core/rl/pinnedshareenvironment.h"

#include <string>
#include <utility>

namespace dvfo {

class PinnedSharePolicy : public RlPolicy {
public:
    // `clockBranches`: the full space's branches without the share (3: CPU, GPU, EMC).
    PinnedSharePolicy(RlPolicy& inner, int shareIndex, std::string name = {}, int clockBranches = 3)
        : inner_(inner), shareIndex_(shareIndex), clockBranches_(clockBranches),
          name_(std::move(name)) {}
    std::string name() const override { return name_.empty() ? inner_.name() : name_; }
    void reset() override { inner_.reset(); }
    FactoredAction decide(const std::vector<float>& observation) override {
        return PinnedShareEnvironment::withShare(inner_.decide(observation), clockBranches_,
                                                 shareIndex_);
    }

private:
    RlPolicy& inner_;
    int shareIndex_;
    int clockBranches_;
    std::string name_;
};

} // namespace dvfo
