#pragma once
// Replays what a pipelined (thinking-while-moving) policy sees in a sequential evaluation: the
// decision for step t is made while step t - 1 runs, from the observation step t - 1 started
// from (the first two decisions of an episode both see the reset observation), exactly as
// DqnAgent::train does with TrainingOptions::pipelined.
#include "core/rl/rlenvironment.h"

#include <utility>

namespace dvfo {

class LaggedPolicy : public RlPolicy {
public:
    explicit LaggedPolicy(RlPolicy& inner) : inner_(inner) {}
    std::string name() const override { return inner_.name(); }
    void reset() override {
        inner_.reset();
        started_ = false;
    }
    FactoredAction decide(const std::vector<float>& observation) override {
        if (!started_) {
            last_ = observation;
            started_ = true;
        }
        FactoredAction action = inner_.decide(last_);
        last_ = observation;
        return action;
    }

private:
    RlPolicy& inner_;
    std::vector<float> last_;
    bool started_ = false;
};

} // namespace dvfo
