#include "core/report/reportrunner.h"

#include "core/dqn/agentgreedypolicy.h"
#include "core/rl/baselinepolicies.h"
#include "core/dnn/dnnmodel.h"
#include "core/dqn/dqnagent.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/workflow/policytrainer.h"
#include "core/workspace/profilestore.h"
#include "core/report/dvfsonlyenvironment.h"
#include "core/report/layersplitbaseline.h"
#include "core/report/millisecondgovernor.h"
#include "core/report/restrictedoptimiserpolicy.h"
#include "core/rl/trainedpolicy.h"
#include "core/workspace/trainingrunstore.h"
#include "core/common/utctime.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>

namespace dvfo {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kDvfoName = "DVFO (DQN)";
constexpr const char* kDrlName = "DVFS-only DRL (zTT-style)";
constexpr const char* kDrlRunKind = "dvfs-only-drl";
// Work units of the progress bar besides training steps (one unit each).
constexpr double kProfileUnits = 3000, kEvaluationUnits = 1500;

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

ReportRunner::Trained ReportRunner::trainDvfo(int64_t session, double eta,
                                              const std::string& what) {
    const DvfoTrainingSettings env = environmentSettings(plan_, eta);
    const json wantedEnv = json::parse(env.toJson());
    const json overrides = agentOverrides(plan_.trainSteps);
    Trained t;
    for (const TrainingRun& run : TrainingRunStore(workspace_).runs()) {
        if (run.sessionId != session || run.status != TrainingStatus::Completed ||
            !fs::exists(fs::path(run.policyDir) / "policy.pt"))
            continue;
        const json config = json::parse(run.configJson, nullptr, false);
        if (!config.is_object() || config.contains("report") || !config.contains("environment") ||
            config["environment"] != wantedEnv ||
            config.value("training", json::object()).value("steps", int64_t(0)) !=
                plan_.trainSteps ||
            config.value("agent", json::object()).value("epsilonDecaySteps", int64_t(-1)) !=
                overrides["epsilonDecaySteps"].get<int64_t>())
            continue;
        t = {run.id, run.policyDir, true, 0};
    }
    if (t.reused) {
        log("  reused training run " + std::to_string(t.runId) + " (" + what + ")");
        advance(double(plan_.trainSteps), what);
        return t;
    }
    PolicyTrainerSettings s;
    s.workspacePath = workspace_;
    s.sessionId = session;
    s.environment = env;
    s.steps = plan_.trainSteps;
    s.agentOverrides = overrides.dump();
    s.evaluate = false; // the report evaluates every policy itself
    const auto start = Clock::now();
    PolicyTrainer trainer(s);
    int64_t last = 0;
    const PolicyTrainer::Outcome outcome = trainer.run(nullptr, [&](const TrainingPoint& p) {
        advance(double(p.step - last), what);
        last = p.step;
    });
    advance(double(plan_.trainSteps - last), what);
    t = {trainer.runId(), trainer.policyDir(), false, secondsSince(start)};
    log("  trained run " + std::to_string(t.runId) + " (" + what + ", " +
        std::to_string(outcome.summary.steps) + " steps) in " +
        std::to_string(int(std::lround(t.seconds))) + " s");
    return t;
}

ReportRunner::Trained ReportRunner::trainDvfsOnlyDrl(int64_t session, const std::string& what) {
    const DvfoTrainingSettings envSettings = environmentSettings(plan_, plan_.eta);
    const json config = {{"report", kDrlRunKind},
                         {"environment", json::parse(envSettings.toJson())},
                         {"training", {{"steps", plan_.drlTrainSteps}, {"seed", 1}}},
                         {"agent", agentOverrides(plan_.drlTrainSteps)}};
    TrainingRunStore runs(workspace_);
    Trained t;
    for (const TrainingRun& run : runs.runs())
        if (run.sessionId == session && run.status == TrainingStatus::Completed &&
            json::parse(run.configJson, nullptr, false) == config &&
            fs::exists(fs::path(run.policyDir) / "policy.pt"))
            t = {run.id, run.policyDir, true, 0};
    if (t.reused) {
        log("  reused training run " + std::to_string(t.runId) + " (" + what + ")");
        advance(double(plan_.drlTrainSteps), what);
        return t;
    }
    const auto start = Clock::now();
    ProfileStore profiles(workspace_);
    std::unique_ptr<DvfoEnvironment> env = envSettings.makeEnvironment(profiles, session);
    DvfoEnvironment validationEnv = *env;
    DvfsOnlyEnvironment restricted(*env);
    json agentJson = json::parse(DvfoTrainingSettings::defaultAgentConfig(false).toJson());
    agentJson.update(agentOverrides(plan_.drlTrainSteps));
    DqnAgent agent(restricted.observationSize(), restricted.branchSizes(),
                   DqnConfig::fromJson(agentJson.dump()));

    TrainingRun run;
    run.name = std::string(kDrlName) + ": " + env->profile().model() + " on " +
               env->profile().board().name;
    run.sessionId = session;
    run.board = env->profile().board().id;
    run.model = env->profile().model();
    run.configJson = config.dump();
    t.runId = runs.createRun(run);
    t.policyDir =
        (fs::absolute(workspace_).parent_path() / "policies" / ("run-" + std::to_string(t.runId)))
            .string();
    runs.setDirectories(t.runId, "", t.policyDir);
    try {
        // As PolicyTrainer does for DVFO: export the greedy snapshot with the lowest validation
        // cost, so both learned policies are picked the same way.
        const json sidecar = {{"name", kDrlName}, {"board", run.board}, {"model", run.model},
                              {"eta", plan_.eta}, {"session", session}, {"trainingRun", t.runId}};
        double best = std::numeric_limits<double>::infinity();
        int64_t lastValidation = 0, last = 0;
        auto validate = [&] {
            AgentGreedyPolicy greedy(agent, 0.0);
            ShareZeroPolicy policy(greedy, kDrlName);
            EvaluationSettings es;
            es.seeds = {2001, 2002};
            const double cost = PolicyEvaluator(validationEnv, es).runOne(policy).meanCost;
            if (cost < best) {
                best = cost;
                agent.exportPolicy(t.policyDir, sidecar.dump());
            }
        };
        TrainingOptions topt;
        topt.episodes = 0;
        topt.maxSteps = plan_.drlTrainSteps;
        topt.environmentSeed = 1000003ull;
        topt.maxDelayFraction = 0;
        topt.controlPeriodMs = envSettings.controlPeriodMs;
        agent.train(restricted, topt, [&](const TrainingPoint& p) {
            if (agent.steps() >= agent.config().warmupSteps &&
                agent.steps() - lastValidation >= 1000) {
                validate();
                lastValidation = agent.steps();
            }
            advance(double(p.step - last), what);
            last = p.step;
        });
        validate();
        advance(double(plan_.drlTrainSteps - last), what);
        t.seconds = secondsSince(start);
        runs.setResult(t.runId, json{{"steps", agent.steps()},
                                     {"validationCost", best},
                                     {"wallSeconds", t.seconds},
                                     {"policyDir", t.policyDir}}
                                    .dump());
        runs.setStatus(t.runId, TrainingStatus::Completed);
    } catch (const std::exception& e) {
        runs.setResult(t.runId, json{{"error", e.what()}}.dump());
        runs.setStatus(t.runId, TrainingStatus::Failed);
        throw;
    }
    log("  trained run " + std::to_string(t.runId) + " (" + what + ", " +
        std::to_string(plan_.drlTrainSteps) + " steps) in " +
        std::to_string(int(std::lround(t.seconds))) + " s");
    return t;
}

void ReportRunner::evaluateCell(ReportCell& cell, ReportResults& out) {
    const auto start = Clock::now();
    ProfileStore profiles(workspace_);
    const std::unique_ptr<DvfoEnvironment> base =
        environmentSettings(plan_, plan_.eta).makeEnvironment(profiles, cell.sessionId);
    const std::vector<LayerInfo> layers = DnnModel::create(cell.model, 1)->layers();
    std::unique_ptr<TrainedPolicy> dvfo = TrainedPolicy::load(mainPolicyDir_);
    std::unique_ptr<TrainedPolicy> drl = TrainedPolicy::load(drlPolicyDir_);
    RenamedPolicy dvfoNamed(*dvfo, kDvfoName);
    ShareZeroPolicy drlPolicy(*drl, kDrlName);
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
        for (const PolicyEvaluation& r : meanByPolicy(perTrace))
            out.rows.push_back({"main", cell.board, cell.model, family.name, std::nan(""), r});
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
    ShareZeroPolicy drlPolicy(*drl, kDrlName);

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
            environmentSettings(plan_, eta).makeEnvironment(profiles, cell.sessionId);
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
        environmentSettings(plan_, plan_.eta).makeEnvironment(profiles, cell.sessionId);
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
    done_ = 0;
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
