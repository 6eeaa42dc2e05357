#include "core/report/reportrunner.h"

#include "core/rl/baselinepolicies.h"
#include "core/dnn/dnnmodel.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/workflow/policytrainer.h"
#include "core/workspace/profilestore.h"
#include "core/report/layersplitbaseline.h"
#include "core/report/millisecondgovernor.h"
#include "core/report/restrictedoptimiserpolicy.h"
#include "core/rl/pinnedsharepolicy.h"
#include "core/rl/trainedpolicy.h"
#include "core/workspace/trainingrunstore.h"
#include "core/common/utctime.h"
#include "core/workflow/environmentfromstore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>

namespace dvfo {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kDvfoName = "DVFO (DQN)";
constexpr const char* kDrlName = "DVFS-only DRL (zTT-style)";
// Work units of the progress bar besides training steps (one unit each).
constexpr double kProfileUnits = 3000, kEvaluationUnits = 1500, kRankingUnits = 3000;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A policy under another name in the tables.
class RenamedPolicy : public RlPolicy {
public:
    RenamedPolicy(RlPolicy& inner, std::string name) : inner_(inner), name_(std::move(name)) {}
    std::string name() const override { return name_; }
    void reset() override { inner_.reset(); }
    FactoredAction decide(const std::vector<float>& o) override { return inner_.decide(o); }

private:
    RlPolicy& inner_;
    std::string name_;
};

// Short runs explore for the first half of their steps (the default decays over 15k of 30k).
json agentOverrides(int64_t steps) {
    return {{"epsilonDecaySteps", std::max<int64_t>(500, steps / 2)},
            {"warmupSteps", std::min<int64_t>(1000, std::max<int64_t>(100, steps / 10))}};
}

DvfoTrainingSettings environmentSettings(const ReportPlan& plan, double eta) {
    DvfoTrainingSettings s;
    s.eta = eta;
    s.trace = plan.trainTrace;
    return s;
}

// Means of the same policy's rows (in the order of the first list).
std::vector<PolicyEvaluation> meanByPolicy(const std::vector<std::vector<PolicyEvaluation>>& sets) {
    std::vector<PolicyEvaluation> out;
    std::map<std::string, int> count;
    for (const auto& set : sets)
        for (const PolicyEvaluation& r : set) {
            auto it = std::find_if(out.begin(), out.end(),
                                   [&](const PolicyEvaluation& o) { return o.policy == r.policy; });
            if (it == out.end()) {
                out.push_back(r);
                count[r.policy] = 1;
                continue;
            }
            ++count[r.policy];
            it->steps += r.steps;
            it->meanEnergyMj += r.meanEnergyMj;
            it->meanLatencyMs += r.meanLatencyMs;
            it->meanEdpMjS += r.meanEdpMjS;
            it->sloViolations += r.sloViolations;
            it->sloViolationPct += r.sloViolationPct;
            it->meanCost += r.meanCost;
            it->gapToOraclePct += r.gapToOraclePct;
            it->meanAccuracy += r.meanAccuracy;
        }
    for (PolicyEvaluation& r : out) {
        const double n = count[r.policy];
        r.meanEnergyMj /= n, r.meanLatencyMs /= n, r.meanEdpMjS /= n, r.sloViolationPct /= n;
        r.meanCost /= n, r.gapToOraclePct /= n, r.meanAccuracy /= n;
    }
    return out;
}

double oracleCostOf(const std::vector<PolicyEvaluation>& rows) {
    for (const PolicyEvaluation& r : rows)
        if (r.policy == "oracle")
            return r.meanCost;
    return 0;
}

// One environment per trace, like `base` but with the trace and the episode length replaced.
std::unique_ptr<DvfoEnvironment> environmentFor(const DvfoEnvironment& base,
                                                const std::string& trace, int64_t steps) {
    DvfoEnvironmentConfig c = base.config();
    c.trace = LinkTrace::parse(trace, c.controlPeriodMs);
    c.episodeSteps = steps;
    return std::make_unique<DvfoEnvironment>(base.profile(), base.offload(), c);
}

// The learned policies first (null ones left out), then the baselines `owned` holds, in order.
std::vector<RlPolicy*> learnedThenOwned(std::initializer_list<RlPolicy*> learned,
                                        const std::vector<std::unique_ptr<RlPolicy>>& owned) {
    std::vector<RlPolicy*> p;
    for (RlPolicy* l : learned)
        if (l)
            p.push_back(l);
    for (const auto& o : owned)
        p.push_back(o.get());
    return p;
}

// Every policy, the layer split included, over one trace. `extra` are policies that need the
// trace's environment (they are built by the callback).
using PolicySetFactory = std::function<std::vector<RlPolicy*>(
    DvfoEnvironment&, std::vector<std::unique_ptr<RlPolicy>>&)>;

std::vector<PolicyEvaluation> evaluateTrace(DvfoEnvironment& env,
                                            const std::vector<uint64_t>& seeds,
                                            const PolicySetFactory& factory,
                                            const std::vector<LayerInfo>* layers) {
    std::vector<std::unique_ptr<RlPolicy>> owned;
    const std::vector<RlPolicy*> policies = factory(env, owned);
    EvaluationSettings es;
    es.seeds = seeds;
    std::vector<PolicyEvaluation> rows = PolicyEvaluator(env, es).run(policies, "oracle");
    if (layers) { // the baselines that are not per-step policies
        LayerSplitBaseline split(env, *layers);
        rows.push_back(split.evaluate(env, seeds, oracleCostOf(rows)));
        for (auto kind :
             {MillisecondGovernor::Kind::Ondemand, MillisecondGovernor::Kind::Performance})
            rows.push_back(MillisecondGovernor(env, kind).evaluate(env, seeds, oracleCostOf(rows)));
    }
    return rows;
}

} // namespace

ReportRunner::ReportRunner(ReportPlan plan, std::string workspacePath, ReportHooks hooks)
    : plan_(std::move(plan)), workspace_(std::move(workspacePath)), hooks_(std::move(hooks)) {}

void ReportRunner::advance(double units, const std::string& what) {
    done_ = std::min(total_, done_ + units);
    if (hooks_.progress)
        hooks_.progress(done_, total_, what);
}

void ReportRunner::log(const std::string& line) const {
    if (hooks_.log)
        hooks_.log(line);
}

int64_t ReportRunner::findSession(const std::string& workspacePath, const std::string& board,
                                  const std::string& model, const std::string& plan) {
    const std::vector<SessionInfo> sessions = ProfileStore(workspacePath).sessions();
    for (auto it = sessions.rbegin(); it != sessions.rend(); ++it) {
        if (it->boardId != board || it->model != model || !it->emulated ||
            it->status != SessionStatus::Completed)
            continue;
        const json settings = json::parse(it->settingsJson, nullptr, false);
        if (settings.is_object() && settings.value("plan", std::string()) == plan)
            return it->id;
    }
    return 0;
}

ReportRunner::Trained ReportRunner::train(int64_t session, const DvfoTrainingSettings& env,
                                          int64_t steps, const std::string& name,
                                          const std::string& what, bool concurrent) {
    const json wantedEnv = json::parse(env.toJson());
    const json overrides = agentOverrides(steps);
    Trained t;
    for (const TrainingRun& run : TrainingRunStore(workspace_).runs()) {
        if (run.sessionId != session || run.status != TrainingStatus::Completed ||
            !fs::exists(fs::path(run.policyDir) / "policy.pt"))
            continue;
        const json config = json::parse(run.configJson, nullptr, false);
        if (!config.is_object() || config.contains("report") || !config.contains("environment") ||
            config["environment"] != wantedEnv ||
            config.value("training", json::object()).value("steps", int64_t(0)) != steps ||
            config.value("training", json::object()).value("concurrent", false) != concurrent ||
            config.value("agent", json::object()).value("epsilonDecaySteps", int64_t(-1)) !=
                overrides["epsilonDecaySteps"].get<int64_t>())
            continue;
        t = {run.id, run.policyDir, true, secondsBetweenIso(run.startedAt, run.endedAt)};
    }
    if (t.reused) {
        log("  reused training run " + std::to_string(t.runId) + " (" + what + ")");
        advance(double(steps), what);
        return t;
    }
    PolicyTrainerSettings s;
    s.workspacePath = workspace_;
    s.sessionId = session;
    s.name = name;
    s.environment = env;
    s.steps = steps;
    s.concurrent = concurrent;
    s.agentOverrides = overrides.dump();
    s.evaluate = false; // the report evaluates every policy itself
    const auto start = Clock::now();
    PolicyTrainer trainer(s);
    int64_t last = 0;
    const PolicyTrainer::Outcome outcome = trainer.run(nullptr, [&](const TrainingPoint& p) {
        advance(double(p.step - last), what);
        last = p.step;
    });
    advance(double(steps - last), what);
    t = {trainer.runId(), trainer.policyDir(), false, secondsSince(start)};
    log("  trained run " + std::to_string(t.runId) + " (" + what + ", " +
        std::to_string(outcome.summary.steps) + " steps) in " +
        std::to_string(int(std::lround(t.seconds))) + " s");
    return t;
}

ReportRunner::Trained ReportRunner::trainDvfo(int64_t session, double eta,
                                              const std::string& what) {
    return train(session, environmentSettings(plan_, eta), plan_.trainSteps, "", what);
}

ReportRunner::Trained ReportRunner::trainDvfsOnlyDrl(int64_t session, const std::string& what) {
    DvfoTrainingSettings env = environmentSettings(plan_, plan_.eta);
    env.pinnedShareIndex = 0; // the clocks only, nothing offloaded
    return train(session, env, plan_.drlTrainSteps, what, what);
}

void ReportRunner::evaluateCell(ReportCell& cell, ReportResults& out) {
    const auto start = Clock::now();
    ProfileStore profiles(workspace_);
    DvfoTrainingSettings settings = environmentSettings(plan_, plan_.eta);
    // Accuracy per share is known for the Fashion-MNIST model the ranking ablation trained; it
    // leaves costs and bytes unchanged (no zero-skipping), so the trained policies still fit.
    const bool accuracyKnown = cell.model == ranking_.model && !ranking_.attentionReport.empty();
    if (accuracyKnown)
        settings.attentionReport = ranking_.attentionReport;
    const std::unique_ptr<DvfoEnvironment> base =
        environmentFromStore(settings, profiles, cell.sessionId);
    const std::vector<LayerInfo> layers = DnnModel::create(cell.model, 1)->layers();
    std::unique_ptr<TrainedPolicy> dvfo = TrainedPolicy::load(mainPolicyDir_);
    std::unique_ptr<TrainedPolicy> drl = TrainedPolicy::load(drlPolicyDir_);
    RenamedPolicy dvfoNamed(*dvfo, kDvfoName);
    PinnedSharePolicy drlPolicy(*drl, 0, kDrlName);
    const PolicySetFactory all = [&](DvfoEnvironment& env,
                                     std::vector<std::unique_ptr<RlPolicy>>& owned) {
        owned.push_back(std::make_unique<OraclePolicy>(env));
        owned.push_back(std::make_unique<EdgeOnlyMaxPolicy>(env));
        owned.push_back(std::make_unique<CloudOnlyPolicy>(env));
        owned.push_back(std::make_unique<PerformanceGovernorPolicy>(env));
        owned.push_back(std::make_unique<OndemandGovernorPolicy>(env));
        owned.push_back(std::make_unique<OffloadOnlyPolicy>(env));
        owned.push_back(std::make_unique<DvfsOnlyPolicy>(env));
        owned.push_back(std::make_unique<ModelBasedPolicy>(env));
        return learnedThenOwned({&dvfoNamed, &drlPolicy}, owned);
    };
    std::map<int, int64_t> cuts;
    int64_t cutTotal = 0;
    for (const SuiteFamily& family : plan_.families) {
        std::vector<std::vector<PolicyEvaluation>> perTrace;
        for (const std::string& trace : family.traces) {
            std::unique_ptr<DvfoEnvironment> env = environmentFor(*base, trace, plan_.evalSteps);
            perTrace.push_back(evaluateTrace(*env, plan_.evalSeeds, all, &layers));
            LayerSplitBaseline split(*env, layers); // its choices, for the report's notes
            split.evaluate(*env, plan_.evalSeeds, 0);
            for (size_t c = 0; c < split.cutHistogram().size(); ++c)
                cuts[int(c)] += split.cutHistogram()[c], cutTotal += split.cutHistogram()[c];
        }
        for (PolicyEvaluation& r : meanByPolicy(perTrace)) {
            // The layer split and the 1 ms governors run the whole model unsplit (float32 or on
            // the board): the unsplit model's accuracy, which is share 0's.
            if (accuracyKnown && r.meanAccuracy < 0)
                r.meanAccuracy = base->offload().share(0).accuracy;
            out.rows.push_back({"main", cell.board, cell.model, family.name, std::nan(""), r});
        }
    }
    for (const auto& [cut, n] : cuts)
        if (n > 0)
            cell.layerSplitChoices +=
                (cell.layerSplitChoices.empty() ? "" : ", ") +
                (cut == 0                    ? std::string("input")
                 : cut == int(layers.size()) ? std::string("edge only")
                                             : "after " + layers[size_t(cut) - 1].name) +
                " " + std::to_string(int(std::lround(100.0 * double(n) / double(cutTotal)))) + " %";
    cell.evaluationSeconds = secondsSince(start);
}

void ReportRunner::sensitivity(const ReportCell& cell, ReportResults& out) {
    ProfileStore profiles(workspace_);
    const std::vector<LayerInfo> layers = DnnModel::create(cell.model, 1)->layers();
    std::unique_ptr<TrainedPolicy> dvfo = TrainedPolicy::load(mainPolicyDir_);
    std::unique_ptr<TrainedPolicy> drl = TrainedPolicy::load(drlPolicyDir_);
    RenamedPolicy dvfoNamed(*dvfo, kDvfoName);
    PinnedSharePolicy drlPolicy(*drl, 0, kDrlName);

    // Eta: the energy/latency trade-off, a DQN trained per eta next to the optimiser and oracle.
    for (double eta : plan_.etaSweep) {
        const std::string what = "eta " + std::to_string(eta).substr(0, 3);
        std::unique_ptr<TrainedPolicy> atEta;
        if (plan_.trainEtaSweep)
            atEta = TrainedPolicy::load(
                std::abs(eta - plan_.eta) < 1e-9
                    ? mainPolicyDir_
                    : trainDvfo(cell.sessionId, eta, cell.model + " on " + cell.board + ", " + what)
                          .policyDir);
        const std::unique_ptr<DvfoEnvironment> base =
            environmentFromStore(environmentSettings(plan_, eta), profiles, cell.sessionId);
        std::unique_ptr<RenamedPolicy> named =
            atEta ? std::make_unique<RenamedPolicy>(*atEta, kDvfoName) : nullptr;
        const PolicySetFactory set = [&](DvfoEnvironment& env,
                                         std::vector<std::unique_ptr<RlPolicy>>& owned) {
            owned.push_back(std::make_unique<OraclePolicy>(env));
            owned.push_back(std::make_unique<ModelBasedPolicy>(env));
            owned.push_back(std::make_unique<EdgeOnlyMaxPolicy>(env));
            owned.push_back(std::make_unique<DvfsOnlyPolicy>(env));
            owned.push_back(std::make_unique<OffloadOnlyPolicy>(env));
            return learnedThenOwned({named.get()}, owned);
        };
        std::vector<std::vector<PolicyEvaluation>> perTrace;
        for (const SuiteFamily& family : plan_.families)
            for (const std::string& trace : family.traces) {
                std::unique_ptr<DvfoEnvironment> env =
                    environmentFor(*base, trace, plan_.evalSteps);
                perTrace.push_back(evaluateTrace(*env, plan_.evalSeeds, set, nullptr));
            }
        for (const PolicyEvaluation& r : meanByPolicy(perTrace))
            out.rows.push_back({"eta", cell.board, cell.model, "all families", eta, r});
        advance(kEvaluationUnits / 4, "eta sweep");
    }

    // Bandwidth: constant links at one RTT.
    const std::unique_ptr<DvfoEnvironment> base =
        environmentFromStore(environmentSettings(plan_, plan_.eta), profiles, cell.sessionId);
    const PolicySetFactory bandwidthSet = [&](DvfoEnvironment& env,
                                              std::vector<std::unique_ptr<RlPolicy>>& owned) {
        owned.push_back(std::make_unique<OraclePolicy>(env));
        owned.push_back(std::make_unique<ModelBasedPolicy>(env));
        owned.push_back(std::make_unique<EdgeOnlyMaxPolicy>(env));
        owned.push_back(std::make_unique<CloudOnlyPolicy>(env));
        owned.push_back(std::make_unique<DvfsOnlyPolicy>(env));
        owned.push_back(std::make_unique<OffloadOnlyPolicy>(env));
        return learnedThenOwned({&dvfoNamed, &drlPolicy}, owned);
    };
    for (double bw : plan_.bandwidthSweepMbps) {
        const std::string trace =
            "constant:" + std::to_string(bw) + "," + std::to_string(plan_.bandwidthSweepRttMs);
        std::unique_ptr<DvfoEnvironment> env = environmentFor(*base, trace, plan_.evalSteps);
        for (const PolicyEvaluation& r :
             evaluateTrace(*env, plan_.evalSeeds, bandwidthSet, &layers))
            out.rows.push_back({"bandwidth", cell.board, cell.model, trace, bw, r});
    }
    advance(kEvaluationUnits / 2, "bandwidth sweep");

    // Ablations: the optimiser with a knob taken away, over the families.
    using W = RestrictedOptimiserPolicy::Without;
    const PolicySetFactory ablationSet = [&](DvfoEnvironment& env,
                                             std::vector<std::unique_ptr<RlPolicy>>& owned) {
        owned.push_back(std::make_unique<OraclePolicy>(env));
        for (W w : {W::Nothing, W::EmcScaling, W::GpuScaling, W::CpuScaling, W::Offloading})
            owned.push_back(std::make_unique<RestrictedOptimiserPolicy>(env, w));
        owned.push_back(std::make_unique<OffloadOnlyPolicy>(env));
        return learnedThenOwned({&dvfoNamed, &drlPolicy}, owned);
    };
    std::vector<std::vector<PolicyEvaluation>> perTrace;
    for (const SuiteFamily& family : plan_.families)
        for (const std::string& trace : family.traces) {
            std::unique_ptr<DvfoEnvironment> env = environmentFor(*base, trace, plan_.evalSteps);
            perTrace.push_back(evaluateTrace(*env, plan_.evalSeeds, ablationSet, nullptr));
        }
    for (const PolicyEvaluation& r : meanByPolicy(perTrace))
        out.rows.push_back({"ablation", cell.board, cell.model, "all families", std::nan(""), r});
    advance(kEvaluationUnits / 4, "ablations");
    thinkingWhileMoving(cell, out);
}

void ReportRunner::thinkingWhileMoving(const ReportCell& cell, ReportResults& out) {
    // Board pacing: a step lasts one control period on the board. Sequential control first
    // selects (the board keeps its old clocks meanwhile) and then runs the period: period x
    // (1 + d). Thinking-while-moving selects during the period: the period, with the previous
    // action in force for the first d of it (what the environment charges). d is the selection
    // delay the concurrent agent is trained with: uniform in [0, maxDelay), its mean here.
    const PolicyTrainerSettings defaults;
    const double meanDelay = defaults.maxDelay / 2;
    const int64_t steps = plan_.twmSteps > 0 ? plan_.twmSteps : plan_.trainSteps;
    const DvfoTrainingSettings settings = environmentSettings(plan_, plan_.eta);
    for (bool concurrent : {false, true}) {
        const std::string what = std::string("thinking-while-moving ") +
                                 (concurrent ? "on" : "off") + ", " + cell.model + " on " +
                                 cell.board;
        const Trained t = train(cell.sessionId, settings, steps, "", what, concurrent);
        TwmRun r;
        r.concurrent = concurrent;
        r.runId = t.runId;
        r.reused = t.reused;
        TrainingRunStore runs(workspace_);
        const TrainingRun run = runs.run(t.runId);
        const json result = json::parse(run.resultJson, nullptr, false);
        if (result.is_object()) {
            r.steps = result.value("steps", int64_t(0));
            r.hostSeconds = result.value("wallSeconds", 0.0);
            r.meanSelectionMs = result.value("meanSelectionMs", 0.0);
            if (result.contains("validationCost") && result["validationCost"].is_number())
                r.validationCost = result["validationCost"].get<double>();
        }
        r.delayFraction = concurrent ? meanDelay : 0.0;
        const double secondsPerStep =
            settings.controlPeriodMs / 1000.0 * (concurrent ? 1.0 : 1.0 + meanDelay);
        for (const TrainingPoint& p : runs.points(t.runId)) {
            r.curveBoardSeconds.push_back(double(p.step) * secondsPerStep);
            r.curveReward.push_back(p.reward);
        }
        r.boardSeconds = double(r.steps) * secondsPerStep;
        r.evaluation = PolicyTrainer::evaluateRun(workspace_, t.runId).front();
        r.evaluation.policy =
            std::string("DVFO, thinking-while-moving ") + (concurrent ? "on" : "off");
        out.thinkingWhileMoving.push_back(std::move(r));
    }
}

ReportResults ReportRunner::run() {
    const auto start = Clock::now();
    ReportResults out;
    out.plan = plan_;
    out.startedAt = utcNowIso();
    const double cells = double(plan_.boards.size() * plan_.models.size());
    total_ = cells * (kProfileUnits + double(plan_.trainSteps + plan_.drlTrainSteps) +
                      kEvaluationUnits) +
             kEvaluationUnits +
             (plan_.trainEtaSweep ? double(plan_.etaSweep.size()) * double(plan_.trainSteps) : 0);
    const int64_t twmSteps = plan_.twmSteps > 0 ? plan_.twmSteps : plan_.trainSteps;
    total_ += kRankingUnits + 2.0 * double(twmSteps); // a reused run advances at once
    done_ = 0;
    log("channel ranking ablation (Fashion-MNIST):");
    if (!hooks_.rankingAblation) {
        out.ranking.notRun = "this caller has no Fashion-MNIST evaluation";
    } else {
        try {
            out.ranking = hooks_.rankingAblation(plan_);
        } catch (const std::exception& e) {
            out.ranking = RankingAblationResults();
            out.ranking.notRun = e.what();
        }
    }
    if (!out.ranking.notRun.empty())
        log("  not run: " + out.ranking.notRun);
    ranking_ = out.ranking;
    advance(kRankingUnits, "channel ranking ablation");
    for (const std::string& board : plan_.boards)
        for (const std::string& model : plan_.models) {
            ReportCell cell;
            cell.board = board, cell.model = model;
            const std::string what = model + " on " + board;
            log(what + ":");
            try {
                cell.sessionId = findSession(workspace_, board, model, plan_.profilePlan);
                if (cell.sessionId) {
                    cell.profileReused = true;
                    const SessionInfo stored = ProfileStore(workspace_).session(cell.sessionId);
                    cell.profileSeconds = secondsBetweenIso(stored.startedAt, stored.endedAt);
                    log("  reused profile session " + std::to_string(cell.sessionId));
                } else {
                    if (!hooks_.profile)
                        throw std::runtime_error("no stored profile and no way to profile");
                    const auto t0 = Clock::now();
                    cell.sessionId = hooks_.profile(board, model, plan_.profilePlan);
                    cell.profileSeconds = secondsSince(t0);
                    log("  profiled session " + std::to_string(cell.sessionId) + " (" +
                        plan_.profilePlan + ") in " +
                        std::to_string(int(std::lround(cell.profileSeconds))) + " s");
                }
                advance(kProfileUnits, "profile " + what);
                const Trained dvfo = trainDvfo(cell.sessionId, plan_.eta, "DVFO, " + what);
                cell.trainingRunId = dvfo.runId, cell.trainingReused = dvfo.reused;
                cell.trainingSeconds = dvfo.seconds;
                const Trained drl = trainDvfsOnlyDrl(cell.sessionId, kDrlName + (", " + what));
                cell.drlRunId = drl.runId, cell.drlReused = drl.reused;
                cell.drlSeconds = drl.seconds;
                mainPolicyDir_ = dvfo.policyDir, drlPolicyDir_ = drl.policyDir;
                evaluateCell(cell, out);
                advance(kEvaluationUnits, "evaluate " + what);
                log("  evaluated " + std::to_string(plan_.families.size()) + " link families in " +
                    std::to_string(int(std::lround(cell.evaluationSeconds))) + " s");
                if (board == plan_.sensitivityBoard() && model == plan_.sensitivityModel())
                    sensitivity(cell, out);
            } catch (const std::exception& e) {
                throw std::runtime_error(what + ": " + e.what());
            }
            out.cells.push_back(cell);
        }
    out.wallSeconds = secondsSince(start);
    return out;
}

} // namespace dvfo
