#pragma once
// The greedy policy of a DqnAgent that is still training, as an RlPolicy: what PolicyTrainer
// validates to pick the snapshot it exports. Mirrors TrainedPolicy (previous action at level 0
// after reset(), a fixed selection delay for concurrent agents), so a snapshot validates the way
// its export will be evaluated.
#include "core/dqn/dqnagent.h"
#include "core/rl/rlenvironment.h"

namespace dvfo {

class AgentGreedyPolicy : public RlPolicy {
public:
    AgentGreedyPolicy(DqnAgent& agent, double selectionDelay)
        : agent_(agent), delay_(selectionDelay), previous_(agent.branchSizes().size(), 0) {}
    std::string name() const override { return "dvfo-dqn (training)"; }
    void reset() override { previous_.assign(agent_.branchSizes().size(), 0); }
    FactoredAction decide(const std::vector<float>& observation) override {
        previous_ = agent_.act(agent_.networkInput(observation, previous_, delay_), false);
        return previous_;
    }

private:
    DqnAgent& agent_;
    double delay_;
    FactoredAction previous_;
};

} // namespace dvfo
