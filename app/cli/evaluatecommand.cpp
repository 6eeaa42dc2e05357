#include "app/cli/evaluatecommand.h"

#include "app/cli/energyoptions.h"
#include "app/cli/tableprinter.h"
#include "core/rl/baselinepolicies.h"
#include "core/rl/dvfoenvironment.h"
#include "core/rl/evaluationsuite.h"
#include "core/rl/policyguard.h"
#include "core/rl/policyevaluator.h"
#include "core/workspace/profilestore.h"
#include "core/rl/trainedpolicy.h"
#include "core/workspace/profiletablefromstore.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>

namespace dvfo::cli {

namespace {

struct EvaluateOptions {
    std::string db;
    int64_t session = 0;
    double eta = 0.5;
    double sloMs = 0;
    double sloPenalty = 1.0;
    std::string trace = "randomwalk:min=2,max=100,step=5,rtt=20";
    int64_t steps = 1000;
    std::vector<uint64_t> seeds = {1, 2, 3};
    double periodMs = 50;
    double delay = 0;
    std::string split;
    double cloudSpeedup = 20;
    double nanojoulePerByte = -1;
    double radioMw = 0;
    double waitMw = 0;
    std::string energy = "above-idle";
    double idleMw = -1;
    std::string switchCost = "on";
    std::string attentionReport;
    std::string policyDir;
    std::string json;
    bool suite = false;
    bool greedyOracle = false;
    std::vector<std::string> suiteTraces;
};

std::string describeSwitching(const ClockSwitchTimes& s) {
    if (!s.any())
        return "free (--switch-cost off)";
    return "CPU " + TablePrinter::num(s.cpuMs, 2) + " ms, GPU " + TablePrinter::num(s.gpuMs, 2) +
           " ms, EMC " + TablePrinter::num(s.emcMs, 2) + " ms per change (" + s.source + ")";
}

std::string orDash(double v, int decimals, bool known) {
    return known ? TablePrinter::num(v, decimals) : "-";
}

int runSuite(const EvaluateOptions& o, const DvfoEnvironment& base, const ProfileTable& profile,
             const OffloadModel& offload, RlPolicy* trained, std::optional<PolicyGuard> guard) {
    std::vector<SuiteFamily> families = EvaluationSuite::builtinFamilies();
    for (const std::string& t : o.suiteTraces) {
        LinkTrace::parse(t, o.periodMs); // a bad item is named before anything runs
        families.push_back({t.rfind("csv:", 0) == 0 ? t.substr(t.find_last_of('/') + 1) : t, {t}});
    }
    SuiteSettings settings;
    settings.seeds = o.seeds;
    settings.steps = o.steps;
    settings.guard = guard;
    settings.greedyOracle = o.greedyOracle;
    auto make = [&](const std::string& trace) {
        DvfoEnvironmentConfig c = base.config();
        c.trace = LinkTrace::parse(trace, o.periodMs);
        return std::make_unique<DvfoEnvironment>(profile, offload, c);
    };
    std::cout << "Suite: " << profile.model() << " on " << profile.board().name << ", eta "
              << TablePrinter::num(o.eta, 2) << ", " << o.steps << " steps x " << o.seeds.size()
              << " seed(s) per trace, energy " << base.describeEnergy()
              << "\nClock switches: " << describeSwitching(base.config().switching) << "\n\n";
    const auto start = std::chrono::steady_clock::now();
    const std::vector<SuiteFamilyResult> results =
        EvaluationSuite::run(families, make, trained, settings);
    const std::string mine = trained ? trained->name() : "model-based optimiser";
    // A policy with training ranges is also shown behind the runtime guard, as a board runs it.
    const bool guarded = trained && guard;
    std::vector<std::string> header = {"family", "traces", mine + " gap %"};
    if (guarded)
        header.push_back("with guard gap %");
    for (const char* h : {"model-based gap %", "best baseline", "its gap %", "beaten by"})
        header.push_back(h);
    if (o.greedyOracle)
        header.push_back("greedy oracle gap %");
    TablePrinter table(header);
    double worstGap = -1;
    std::string worst;
    for (size_t i = 0; i < results.size(); ++i) {
        const SuiteFamilyResult& r = results[i];
        auto gapOf = [&](const std::string& name) {
            for (const PolicyEvaluation& p : r.policies)
                if (p.policy == name)
                    return p.gapToOraclePct;
            return std::nan("");
        };
        const double gap = gapOf(mine);
        std::string beaten;
        for (const PolicyEvaluation& p : r.policies)
            if (p.policy != mine && p.policy != "oracle" && p.policy != "greedy oracle" &&
                p.policy != mine + " + guard" && p.gapToOraclePct < gap - 1e-9)
                beaten += (beaten.empty() ? "" : ", ") + p.policy;
        if (gap > worstGap)
            worstGap = gap, worst = r.family;
        std::vector<std::string> row = {r.family, std::to_string(families[i].traces.size()),
                                        TablePrinter::num(gap, 2)};
        if (guarded)
            row.push_back(TablePrinter::num(gapOf(mine + " + guard"), 2));
        for (const std::string& cell :
             {TablePrinter::num(gapOf("model-based optimiser"), 2), r.bestBaseline,
              TablePrinter::num(gapOf(r.bestBaseline), 2), beaten.empty() ? "-" : beaten})
            row.push_back(cell);
        if (o.greedyOracle)
            row.push_back(TablePrinter::num(gapOf("greedy oracle"), 2));
        table.addRow(row);
    }
    table.print(std::cout);
    std::cout << "\nWorst family for " << mine << ": " << worst << " ("
              << TablePrinter::num(worstGap, 2)
              << " % above the oracle). Gap = (cost - oracle cost) / oracle cost, means over each "
                 "family's traces and seeds.\n";
    std::cerr
        << "Evaluated " << families.size() << " families in "
        << TablePrinter::num(
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1)
        << " s\n";
    if (!o.json.empty()) {
        std::ofstream out(o.json);
        out << nlohmann::json{{"suite", EvaluationSuite::toJson(results)}}.dump(2) << "\n";
        if (!out)
            throw std::runtime_error("cannot write " + o.json);
    }
    return 0;
}

int runEvaluate(const EvaluateOptions& o) {
    try {
        if (o.seeds.empty())
            throw std::invalid_argument("--seeds needs at least one seed");
        ProfileStore store(o.db.empty() ? ProfileStore::defaultPath() : o.db);
        ProfileTable profile = profileTableFromStore(store, o.session);
        OffloadParams params;
        params.splitLayer = o.split;
        params.cloudSpeedup = o.cloudSpeedup;
        params.nanojoulePerByte = o.nanojoulePerByte;
        params.radioActiveMw = o.radioMw;
        params.waitPowerMw = o.waitMw;
        OffloadModel offload = OffloadModel::forZooModel(profile.model(), params);
        if (!o.attentionReport.empty())
            offload.applyAttentionReportFile(o.attentionReport);

        DvfoEnvironmentConfig config;
        config.eta = o.eta;
        config.sloMs = o.sloMs;
        config.sloPenalty = o.sloPenalty;
        config.episodeSteps = o.steps;
        config.controlPeriodMs = o.periodMs;
        config.energy = parseEnergyAccounting(o.energy);
        config.idlePowerMw = o.idleMw;
        config.trace = LinkTrace::parse(o.trace, o.periodMs);
        if (o.switchCost == "on") // what the agent measured for the session, else the board's model
            config.switching = ClockSwitchTimes::forSession(store.session(o.session).conditionsJson,
                                                            profile.board());
        const ProfileTable suiteProfile = profile; // the suite builds one environment per trace
        const OffloadModel suiteOffload = offload;
        DvfoEnvironment env(std::move(profile), std::move(offload), config);
        std::cerr << "Edge tail per share: " << env.edgeTailSource() << "\n";

        std::unique_ptr<TrainedPolicy> trained;
        if (!o.policyDir.empty()) {
            trained = TrainedPolicy::load(o.policyDir);
            if (trained->branchSizes() != env.branchSizes() ||
                trained->observationSize() != env.observationSize())
                throw std::runtime_error(
                    "policy " + o.policyDir +
                    " was trained for another action space or "
                    "observation (branches/observation size differ from this session's board)");
            // A sidecar that carries the observation layout must match the environment's
            // normalisation.
            const nlohmann::json sidecar =
                nlohmann::json::parse(trained->sidecarJson(), nullptr, false);
            if (sidecar.is_object() && sidecar.contains("observation") &&
                sidecar["observation"].is_object() &&
                sidecar["observation"].contains("bandwidth_scale_mbps") &&
                ObservationLayout::fromJson(sidecar["observation"]).toJson() !=
                    env.observationLayout().toJson())
                throw std::runtime_error(
                    "policy " + o.policyDir +
                    " normalises its observation differently: " + sidecar["observation"].dump() +
                    " vs " + env.observationLayout().toJson().dump());
            trained->setSelectionDelay(o.delay);
            // Evaluating under other conditions than training is legitimate (robustness), but
            // easy to do by accident: say so.
            if (sidecar.is_object()) {
                auto differs = [&](const char* key, const std::string& here) {
                    if (sidecar.contains(key) && sidecar[key].is_string() &&
                        sidecar[key].get<std::string>() != here)
                        std::cerr << "note: the policy was trained with " << key << " "
                                  << sidecar[key].get<std::string>() << ", evaluated with " << here
                                  << "\n";
                };
                differs("energy", o.energy);
                if (!o.suite)
                    differs("trace", o.trace);
                if (sidecar.contains("eta") && sidecar["eta"].is_number() &&
                    std::abs(sidecar["eta"].get<double>() - o.eta) > 1e-9)
                    std::cerr << "note: the policy was trained with eta "
                              << sidecar["eta"].get<double>() << ", evaluated with eta " << o.eta
                              << "\n";
            }
        }

        if (o.suite) {
            std::optional<PolicyGuard> guard;
            if (trained) {
                const nlohmann::json sidecar =
                    nlohmann::json::parse(trained->sidecarJson(), nullptr, false);
                if (sidecar.is_object() && sidecar.contains("trainingRanges"))
                    guard = PolicyGuard::fromSidecar(sidecar);
            }
            return runSuite(o, env, suiteProfile, suiteOffload, trained.get(), guard);
        }

        const ProfileTable& p = env.profile();
        std::cout << "Session " << o.session << ": " << p.model() << " on " << p.board().name
                  << ", " << p.measuredTuples().size() << " measured of " << p.tupleCount()
                  << " tuples (others interpolated)\n"
                  << "Split after " << env.offload().splitLayer() << " ("
                  << env.offload().featureShape().channels << "x"
                  << env.offload().featureShape().height << "x"
                  << env.offload().featureShape().width << ", "
                  << TablePrinter::num(env.offload().shares().back().wireBytes, 0)
                  << " B at share 1), cloud " << TablePrinter::num(params.cloudSpeedup, 1)
                  << "x the board at max, " << TablePrinter::num(env.nanojoulePerByte(), 0)
                  << " nJ/B\n"
                  << "Trace: " << config.trace.describe() << "; " << o.steps << " steps x "
                  << o.seeds.size() << " seed(s), period " << TablePrinter::num(o.periodMs, 1)
                  << " ms, delay " << TablePrinter::num(o.delay, 2) << ", energy "
                  << env.describeEnergy() << "\n"
                  << "Clock switches: " << describeSwitching(config.switching) << "\n"
                  << "Cost = eta*E/E_ref + (1-eta)*L/L_ref"
                  << (o.sloMs > 0 ? " + penalty*[L > SLO]" : "") << ", eta "
                  << TablePrinter::num(o.eta, 2) << ", E_ref "
                  << TablePrinter::num(env.referenceEnergyMj(), 2) << " mJ, L_ref "
                  << TablePrinter::num(env.referenceLatencyMs(), 2)
                  << " ms (edge-only at max clocks)"
                  << (o.sloMs > 0 ? ", SLO " + TablePrinter::num(o.sloMs, 1) + " ms, penalty " +
                                        TablePrinter::num(o.sloPenalty, 2)
                                  : std::string())
                  << "\n\n";

        EdgeOnlyMaxPolicy edgeOnly(env);
        CloudOnlyPolicy cloudOnly(env);
        PerformanceGovernorPolicy performance(env);
        OndemandGovernorPolicy ondemand(env);
        OffloadOnlyPolicy offloadOnly(env, o.delay);
        DvfsOnlyPolicy dvfsOnly(env, o.delay);
        ModelBasedPolicy modelBased(env, o.delay);
        OraclePolicy oracle(env, o.delay);
        GreedyOraclePolicy greedyOracle(env, o.delay);
        std::vector<RlPolicy*> policies = {&oracle,   &edgeOnly,    &cloudOnly, &performance,
                                           &ondemand, &offloadOnly, &dvfsOnly,  &modelBased};
        if (o.greedyOracle)
            policies.insert(policies.begin() + 1, &greedyOracle);
        if (trained)
            policies.insert(policies.begin() + 1, trained.get());
        EvaluationSettings settings;
        settings.seeds = o.seeds;
        settings.actionDelayFraction = o.delay;
        const auto start = std::chrono::steady_clock::now();
        const std::vector<PolicyEvaluation> rows =
            PolicyEvaluator(env, settings).run(policies, oracle.name());
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        const bool accuracy = env.offload().hasAccuracy();
        std::vector<std::string> header = {"policy",   "energy mJ",      "latency ms",
                                           "EDP mJ*s", "SLO viol",       "SLO viol %",
                                           "cost",     "gap to oracle %"};
        if (accuracy)
            header.push_back("accuracy %");
        TablePrinter table(header);
        for (const PolicyEvaluation& r : rows) {
            std::vector<std::string> row = {
                r.policy,
                TablePrinter::num(r.meanEnergyMj, 2),
                TablePrinter::num(r.meanLatencyMs, 2),
                TablePrinter::num(r.meanEdpMjS, 4),
                std::to_string(r.sloViolations),
                TablePrinter::num(r.sloViolationPct, 1),
                TablePrinter::num(r.meanCost, 4),
                orDash(r.gapToOraclePct, 2, !std::isnan(r.gapToOraclePct))};
            if (accuracy)
                row.push_back(orDash(100 * r.meanAccuracy, 2, r.meanAccuracy >= 0));
            table.addRow(row);
        }
        table.print(std::cout);
        std::cout << "\nPer inference means over all steps; EDP = mean of energy x latency; gap = "
                     "(cost - oracle "
                     "cost) / oracle cost.\n";
        std::cout.flush();
        std::cerr << "Evaluated " << rows.size() << " policies in " << TablePrinter::num(seconds, 2)
                  << " s\n";

        if (!o.json.empty()) {
            const nlohmann::json j = {{"session", o.session},
                                      {"model", p.model()},
                                      {"board", p.board().id},
                                      {"split_layer", env.offload().splitLayer()},
                                      {"trace", o.trace},
                                      {"steps", o.steps},
                                      {"seeds", o.seeds},
                                      {"control_period_ms", o.periodMs},
                                      {"energy", energyAccountingName(env.energyAccounting())},
                                      {"idle_power_mw", env.idlePowerMw()},
                                      {"switch_times", config.switching.toJson()},
                                      {"action_delay_fraction", o.delay},
                                      {"eta", o.eta},
                                      {"slo_ms", o.sloMs},
                                      {"slo_penalty", o.sloPenalty},
                                      {"reference_energy_mj", env.referenceEnergyMj()},
                                      {"reference_latency_ms", env.referenceLatencyMs()},
                                      {"observation", env.observationLayout().toJson()},
                                      {"policies", PolicyEvaluator::toJson(rows)}};
            std::ofstream out(o.json);
            out << j.dump(2) << "\n";
            if (!out)
                throw std::runtime_error("cannot write " + o.json);
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dvfo: evaluate failed: " << e.what() << "\n";
        return 2;
    }
}

} // namespace

void addEvaluateCommand(CLI::App& app) {
    auto o = std::make_shared<EvaluateOptions>();
    auto* cmd = app.add_subcommand(
        "evaluate", "Compare a trained DVFO policy, the baselines and the oracle (the least-cost "
                    "action sequence in hindsight) on a stored profile session over a link trace");
    cmd->add_option("--db", o->db, "Workspace database (default ~/.local/share/dvfo/workspace.db)");
    cmd->add_option("--session", o->session, "Profile session id (dvfo sessions list)")->required();
    cmd->add_option("--eta", o->eta, "Weight of energy against latency in the cost, 0..1")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--slo-ms", o->sloMs, "Latency SLO in ms (0 = none)")->capture_default_str();
    cmd->add_option("--slo-penalty", o->sloPenalty, "Cost added per SLO violation")
        ->capture_default_str();
    cmd->add_option(
           "--trace", o->trace,
           "Link trace: constant:BW,RTT | step:BW,RTT;BW,RTT@STEP;... | "
           "randomwalk:seed=N,min=..,max=..,step=..,rtt=.. | csv:FILE (t_s,bandwidth_mbps,rtt_ms)")
        ->capture_default_str();
    cmd->add_option("--steps", o->steps, "Steps (inferences) per episode")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--seeds", o->seeds, "Episode seeds, comma-separated (one episode per seed)")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--period-ms", o->periodMs, "Control period in ms")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--delay", o->delay,
                    "Action delay fraction of the period (thinking while moving), 0..<1")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.999));
    cmd->add_option("--split", o->split,
                    "Split layer (default per model: resnet18 layer2.1, mobilenet_v2 features.6)");
    cmd->add_option("--cloud-speedup", o->cloudSpeedup,
                    "Cloud speed as a multiple of the board at max clocks")
        ->capture_default_str();
    cmd->add_option("--nj-per-byte", o->nanojoulePerByte,
                    "Transfer energy per byte, nJ (default: board spec)");
    cmd->add_option("--radio-mw", o->radioMw, "Extra radio power while sending, mW")
        ->capture_default_str();
    cmd->add_option("--wait-mw", o->waitMw, "Board power while waiting for the cloud, mW")
        ->capture_default_str();
    addEnergyOptions(cmd, o->energy, o->idleMw);
    cmd->add_option("--switch-cost", o->switchCost,
                    "Charge clock changes (on: the switch times the agent measured for the "
                    "session, else the board's model) or not (off)")
        ->capture_default_str()
        ->check(CLI::IsMember({"on", "off"}));
    cmd->add_option("--attention-report", o->attentionReport,
                    "dvfo attention evaluate --json report: accuracy and measured bytes per share");
    cmd->add_option("--policy", o->policyDir, "Exported trained policy directory (dvfo train)");
    cmd->add_option("--json", o->json, "Also write the results as JSON");
    cmd->add_flag("--suite", o->suite,
                  "Evaluate over the built-in link families (constant grid, steps, walks with "
                  "walking RTT, WAN, LAN, MEC, outages) instead of --trace: gap per family, the "
                  "worst family, where a baseline beats the policy");
    cmd->add_flag("--greedy-oracle", o->greedyOracle,
                  "Also evaluate the greedy oracle: per step the least cost for the step's link "
                  "sample, which switching costs keep from being a bound");
    cmd->add_option("--suite-trace", o->suiteTraces,
                    "With --suite: a further family of one trace (e.g. csv:FILE); repeatable");
    cmd->callback([o] {
        const int rc = runEvaluate(*o);
        if (rc != 0)
            throw CLI::RuntimeError(rc);
    });
}

} // namespace dvfo::cli
