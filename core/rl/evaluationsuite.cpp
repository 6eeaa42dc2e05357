#include "core/rl/evaluationsuite.h"

#include "core/rl/baselinepolicies.h"
#include "core/rl/dvfoobservation.h"
#include "core/rl/guardedpolicy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace dvfo {

std::vector<SuiteFamily> EvaluationSuite::builtinFamilies() {
    SuiteFamily grid{"constant grid", {}};
    for (double bw : {0.5, 5.0, 50.0, 500.0})
        for (double rtt : {2.0, 20.0, 100.0})
            grid.traces.push_back("constant:" + std::to_string(bw) + "," + std::to_string(rtt));
    return {
        grid,
        {"step changes",
         {"step:200,5;5,40@100;50,20@200", "step:20,2;300,2@100;1,100@200",
          "step:2,60;100,10@150"}},
        {"walk, walking RTT",
         {"randomwalk:min=5,max=400,step=20,rtt=20,rttmin=1,rttmax=100,rttstep=5",
          "randomwalk:min=0.2,max=50,step=3,rtt=60,rttmin=10,rttmax=300,rttstep=15"}},
        {"WAN",
         {"randomwalk:min=2,max=100,step=5,rtt=20", "randomwalk:min=1,max=40,step=3,rtt=50"}},
        {"LAN", {"randomwalk:min=100,max=1000,step=50,rtt=1"}},
        {"MEC", {"randomwalk:min=5,max=400,step=20,rtt=2"}},
        {"outages",
         {"step:50,10;0,10@50;50,10@100;0,10@150;50,10@170",
          "step:300,2;0,2@30;300,2@60;0,2@200;300,2@230"}},
    };
}

std::vector<SuiteFamilyResult> EvaluationSuite::run(
    const std::vector<SuiteFamily>& families,
    const std::function<std::unique_ptr<DvfoEnvironment>(const std::string&)>& makeEnvironment,
    RlPolicy* trained, const SuiteSettings& settings) {
    std::vector<SuiteFamilyResult> out;
    for (const SuiteFamily& family : families) {
        std::map<std::string, PolicyEvaluation> sum;
        std::vector<std::string> order;
        for (const std::string& trace : family.traces) {
            if (settings.cancelled && settings.cancelled())
                return out;
            std::unique_ptr<DvfoEnvironment> env = makeEnvironment(trace);
            EdgeOnlyMaxPolicy edgeOnly(*env);
            CloudOnlyPolicy cloudOnly(*env);
            PerformanceGovernorPolicy performance(*env);
            OndemandGovernorPolicy ondemand(*env);
            OffloadOnlyPolicy offloadOnly(*env);
            DvfsOnlyPolicy dvfsOnly(*env);
            ModelBasedPolicy modelBased(*env);
            OraclePolicy oracle(*env);
            GreedyOraclePolicy greedyOracle(*env);
            std::vector<RlPolicy*> policies = {&oracle,   &edgeOnly,    &cloudOnly, &performance,
                                               &ondemand, &offloadOnly, &dvfsOnly,  &modelBased};
            if (settings.greedyOracle)
                policies.insert(policies.begin() + 1, &greedyOracle);
            std::optional<GuardedPolicy> guarded;
            if (trained && settings.guard) {
                const std::vector<std::string> features = ObservationLayout::featureNames();
                const int linkUp =
                    int(std::find(features.begin(), features.end(), "link_up") - features.begin());
                guarded.emplace(*trained, *settings.guard, modelBased, linkUp);
                policies.insert(policies.begin() + 1, &*guarded);
            }
            if (trained)
                policies.insert(policies.begin() + 1, trained);
            EvaluationSettings es;
            es.seeds = settings.seeds;
            for (const PolicyEvaluation& r :
                 PolicyEvaluator(*env, es).run(policies, oracle.name())) {
                if (!sum.count(r.policy))
                    order.push_back(r.policy);
                PolicyEvaluation& s = sum[r.policy];
                s.policy = r.policy;
                s.steps += r.steps;
                s.meanEnergyMj += r.meanEnergyMj;
                s.meanLatencyMs += r.meanLatencyMs;
                s.meanEdpMjS += r.meanEdpMjS;
                s.sloViolations += r.sloViolations;
                s.meanCost += r.meanCost;
            }
        }
        SuiteFamilyResult result;
        result.family = family.name;
        const double n = double(family.traces.size());
        const double oracleCost = sum.at("oracle").meanCost / n;
        double best = std::numeric_limits<double>::infinity();
        for (const std::string& name : order) {
            PolicyEvaluation r = sum.at(name);
            r.meanEnergyMj /= n, r.meanLatencyMs /= n, r.meanEdpMjS /= n, r.meanCost /= n;
            r.sloViolationPct = r.steps > 0 ? 100.0 * double(r.sloViolations) / double(r.steps) : 0;
            r.gapToOraclePct = 100.0 * (r.meanCost - oracleCost) / oracleCost;
            const bool baseline =
                name != "oracle" && name != "greedy oracle" &&
                (!trained || (name != trained->name() && name != trained->name() + " + guard"));
            if (baseline && r.meanCost < best) {
                best = r.meanCost;
                result.bestBaseline = name;
            }
            result.policies.push_back(r);
        }
        result.bestBaselineCost = best;
        out.push_back(std::move(result));
    }
    return out;
}

double SuiteFamilyResult::gapOf(const std::string& policy) const {
    for (const PolicyEvaluation& p : policies)
        if (p.policy == policy)
            return p.gapToOraclePct;
    return std::nan("");
}

std::vector<std::string> SuiteFamilyResult::beating(const std::string& policy) const {
    const double gap = gapOf(policy);
    std::vector<std::string> out;
    for (const PolicyEvaluation& p : policies)
        if (p.policy != policy && p.policy != "oracle" && p.policy != "greedy oracle" &&
            p.policy != policy + " + guard" && p.gapToOraclePct < gap - 1e-9)
            out.push_back(p.policy);
    return out;
}

std::vector<SuiteFamilyResult>
EvaluationSuite::runLike(const DvfoEnvironment& base, RlPolicy* trained,
                         const SuiteSettings& settings,
                         const std::vector<std::string>& extraTraces) {
    const double periodMs = base.config().controlPeriodMs;
    std::vector<SuiteFamily> families = builtinFamilies();
    for (const std::string& t : extraTraces) {
        LinkTrace::parse(t, periodMs); // a bad item is named before anything runs
        families.push_back({t.rfind("csv:", 0) == 0 ? t.substr(t.find_last_of('/') + 1) : t, {t}});
    }
    auto make = [&](const std::string& trace) {
        DvfoEnvironmentConfig c = base.config();
        c.trace = LinkTrace::parse(trace, periodMs);
        c.episodeSteps = settings.steps;
        return std::make_unique<DvfoEnvironment>(base.profile(), base.offload(), c);
    };
    return run(families, make, trained, settings);
}

int EvaluationSuite::worstFamily(const std::vector<SuiteFamilyResult>& results,
                                 const std::string& policy) {
    int worst = -1;
    double worstGap = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < results.size(); ++i) {
        const double gap = results[i].gapOf(policy);
        if (!std::isnan(gap) && gap > worstGap)
            worstGap = gap, worst = int(i);
    }
    return worst;
}

nlohmann::json EvaluationSuite::toJson(const std::vector<SuiteFamilyResult>& results) {
    nlohmann::json j = nlohmann::json::array();
    for (const SuiteFamilyResult& r : results)
        j.push_back({{"family", r.family},
                     {"best_baseline", r.bestBaseline},
                     {"best_baseline_cost", r.bestBaselineCost},
                     {"policies", PolicyEvaluator::toJson(r.policies)}});
    return j;
}

} // namespace dvfo
