#pragma once
// The policies DVFO is compared against. All read the environment they act in (levels, the last
// step's load, brute-force searches), which is why they take it by reference; none of them learns.
#include "core/rl/dvfoenvironment.h"
#include "core/rl/hindsightplanner.h"
#include "core/rl/rlenvironment.h"

namespace dvfo {

// Edge only at max clocks (jetson_clocks): the reward's reference point.
class EdgeOnlyMaxPolicy : public RlPolicy {
public:
    explicit EdgeOnlyMaxPolicy(const DvfoEnvironment& env) : env_(env) {}
    std::string name() const override { return "edge-only (max clocks)"; }
    FactoredAction decide(const std::vector<float>&) override { return env_.maxClocks(0); }

private:
    const DvfoEnvironment& env_;
};

// Everything after the split layer in the cloud (share 1); the board runs the head at max clocks.
class CloudOnlyPolicy : public RlPolicy {
public:
    explicit CloudOnlyPolicy(const DvfoEnvironment& env) : env_(env) {}
    std::string name() const override { return "cloud-only"; }
    FactoredAction decide(const std::vector<float>&) override {
        return env_.maxClocks(OffloadModel::kShares - 1);
    }

private:
    const DvfoEnvironment& env_;
};

// Linux ondemand, per clock domain, once per control period: load = the board's busy time in the
// last period / the period (capped at 1); load > upThreshold -> the maximum frequency, else the
// lowest table frequency >= fmin + load * (fmax - fmin) (cpufreq's ondemand rule with
// CPUFREQ_RELATION_L). The first period runs at the clocks the episode starts with (max). No
// offload.
class OndemandGovernorPolicy : public RlPolicy {
public:
    explicit OndemandGovernorPolicy(const DvfoEnvironment& env, double upThreshold = 0.8)
        : env_(env), upThreshold_(upThreshold) {}
    std::string name() const override { return "ondemand governor"; }
    FactoredAction decide(const std::vector<float>& observation) override;
    // The rule for one table, exposed for tests.
    static int ondemandLevel(const std::vector<int64_t>& tableKhz, double load, double upThreshold);

protected:
    double load() const;
    const DvfoEnvironment& env_;
    double upThreshold_;
};

// cpufreq and GPU devfreq "performance" (max CPU and GPU clocks); the EMC is left to its own
// load-driven scaling (Tegra actmon), modelled with the ondemand rule above. No offload.
class PerformanceGovernorPolicy : public OndemandGovernorPolicy {
public:
    explicit PerformanceGovernorPolicy(const DvfoEnvironment& env) : OndemandGovernorPolicy(env) {}
    std::string name() const override { return "performance governor"; }
    FactoredAction decide(const std::vector<float>& observation) override;
};

// The best offload share per step with the clocks fixed at max (no DVFS), for the link as
// measured up to the previous step (what a board knows).
class OffloadOnlyPolicy : public RlPolicy {
public:
    OffloadOnlyPolicy(const DvfoEnvironment& env, double actionDelayFraction = 0)
        : env_(env), delay_(actionDelayFraction) {}
    std::string name() const override { return "offload-only (max clocks)"; }
    FactoredAction decide(const std::vector<float>& observation) override;

private:
    const DvfoEnvironment& env_;
    double delay_;
};

// The best clocks per step with nothing offloaded (share 0), for the measured link.
class DvfsOnlyPolicy : public RlPolicy {
public:
    DvfsOnlyPolicy(const DvfoEnvironment& env, double actionDelayFraction = 0)
        : env_(env), delay_(actionDelayFraction) {}
    std::string name() const override { return "DVFS-only (no offload)"; }
    FactoredAction decide(const std::vector<float>& observation) override;

private:
    const DvfoEnvironment& env_;
    double delay_;
};

// The model-based optimiser: per step, the argmin of the profiled cost model over every action,
// for the link as measured up to the previous step. Deployable like the learned policy; it
// differs from the oracle only in what it knows of the link.
class ModelBasedPolicy : public RlPolicy {
public:
    ModelBasedPolicy(const DvfoEnvironment& env, double actionDelayFraction = 0)
        : env_(env), delay_(actionDelayFraction) {}
    std::string name() const override { return "model-based optimiser"; }
    FactoredAction decide(const std::vector<float>& observation) override;

private:
    const DvfoEnvironment& env_;
    double delay_;
};

// The oracle: the least-cost sequence of actions for the whole episode, planned in hindsight
// (HindsightPlanner) from every link sample of the episode, which no deployable policy knows. It
// is a lower bound on what any policy's episode costs, with clock switching charged and with a
// delay; evaluations measure gaps against it. The plan is made at the first decision of an
// episode and made again whenever the environment is not where the plan expects (another
// episode, or a step it did not choose).
class OraclePolicy : public RlPolicy {
public:
    OraclePolicy(const DvfoEnvironment& env, double actionDelayFraction = 0)
        : env_(env), planner_(env, actionDelayFraction) {}
    std::string name() const override { return "oracle"; }
    void reset() override { plan_ = {}; }
    FactoredAction decide(const std::vector<float>& observation) override;
    // The plan in use (empty before the first decision): its total is the episode's bound.
    const HindsightPlan& plan() const { return plan_; }

private:
    bool planFits() const;
    const DvfoEnvironment& env_;
    HindsightPlanner planner_;
    HindsightPlan plan_;
    FactoredAction planStartPrevious_;
    std::vector<LinkSample> planLinks_;
};

// The one-step greedy oracle (what "oracle" meant before switching was charged): per step, the
// action with the least cost under the current link sample, given the previous action (brute
// force over all actions). Without switching costs and delay it reaches the bound step by step;
// with them it is no bound (a switch that pays off only over several steps is never taken).
class GreedyOraclePolicy : public RlPolicy {
public:
    GreedyOraclePolicy(const DvfoEnvironment& env, double actionDelayFraction = 0)
        : env_(env), delay_(actionDelayFraction) {}
    std::string name() const override { return "greedy oracle"; }
    FactoredAction decide(const std::vector<float>& observation) override;

private:
    const DvfoEnvironment& env_;
    double delay_;
};

} // namespace dvfo
