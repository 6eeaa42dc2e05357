#include "app/cli/traincommand.h"

#include "app/cli/progressbar.h"
#include "app/cli/energyoptions.h"
#include "app/cli/tableprinter.h"
#include "core/workflow/policytrainer.h"
#include "core/workspace/profilestore.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace dvfo::cli {

namespace {

constexpr int64_t kDefaultSteps = PolicyTrainerSettings::kDefaultSteps;

std::atomic<bool> gCancel{false};
void onInterrupt(int) {
    gCancel = true;
}

std::vector<uint64_t> parseSeeds(const std::string& text) {
    std::vector<uint64_t> seeds;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        try {
            size_t used = 0;
            seeds.push_back(std::stoull(item, &used));
            if (used != item.size())
                throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw std::invalid_argument("--eval-seeds: '" + item + "' is not a seed");
        }
    }
    if (seeds.empty())
        throw std::invalid_argument("--eval-seeds needs at least one seed");
    return seeds;
}

// --trace with the csv traces of --add-traces DIR in 20 % of the episodes.
std::string traceWithUserTraces(const std::string& trace, const std::string& dir) {
    if (dir.empty())
        return trace;
    if (trace.rfind("mix:", 0) == 0)
        throw std::invalid_argument("--add-traces with a mix: --trace: add dir:" + dir +
                                    "@WEIGHT to the mixture instead");
    return "mix:" + trace + "@0.8;dir:" + dir + "@0.2";
}

std::string fmt(double v, int decimals) {
    return std::isnan(v) ? "-" : TablePrinter::num(v, decimals);
}

} // namespace

int runTrain(const TrainOptions& opts) {
    gCancel = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const TrainOptions& o = opts;
    try {
        PolicyTrainerSettings s;
        s.workspacePath = o.db.empty() ? ProfileStore::defaultPath() : o.db;
        s.sessionId = o.session;
        s.resumeRunId = o.resume;
        s.name = o.name;
        s.environment.eta = o.eta;
        s.environment.sloMs = o.sloMs;
        s.environment.sloPenalty = o.sloPenalty;
        s.environment.trace = traceWithUserTraces(o.trace, o.addTraces);
        s.environment.episodeSteps = o.episodeSteps;
        s.environment.controlPeriodMs = o.periodMs;
        s.environment.splitLayer = o.split;
        s.environment.energy = o.energy;
        s.environment.idlePowerMw = o.idleMw;
        s.environment.switchCost = o.switchCost;
        // Absolute: the run keeps the path, and a resume may start elsewhere.
        if (!o.attentionReport.empty())
            s.environment.attentionReport =
                std::filesystem::absolute(o.attentionReport).lexically_normal().string();
        s.steps = o.steps;
        s.episodes = o.episodes;
        s.seed = o.seed;
        s.concurrent = o.concurrent;
        s.pipelined = o.pipelined;
        s.maxDelay = o.maxDelay;
        s.threads = o.threads;
        s.agentOverrides = o.agent;
        s.outDir = o.out;
        s.evalSeeds = parseSeeds(o.evalSeeds);
        s.evaluate = !o.noEvaluate;
        PolicyTrainer trainer(s); // a resumed run brings its own environment and training settings
        const PolicyTrainerSettings& t = trainer.settings();
        DvfoEnvironment& env = trainer.environment();
        const ProfileTable& table = env.profile();
        DqnAgent& agent = trainer.agent();

        std::cout << "Training run " << trainer.runId()
                  << (trainer.resumed() ? " (resumed at step " + std::to_string(agent.steps()) + ")"
                                        : "")
                  << ": " << table.model() << " on " << table.board().name << " (session "
                  << trainer.sessionId() << "), "
                  << "branches " << env.branchSizes()[0] << "x" << env.branchSizes()[1] << "x"
                  << env.branchSizes()[2] << "x" << env.branchSizes()[3] << ", eta "
                  << TablePrinter::num(t.environment.eta, 2) << ", energy " << env.describeEnergy()
                  << ", trace " << t.environment.trace << ", "
                  << (t.pipelined    ? "pipelined concurrent"
                      : t.concurrent ? "concurrent"
                                     : "sequential")
                  << " control, " << qHeadsName(agent.config().heads) << " Q heads\n"
                  << "Edge tail per share: " << env.edgeTailSource() << "\n";

        const bool bySteps = trainer.targetSteps() > agent.steps();
        const size_t total =
            bySteps ? size_t(trainer.targetSteps()) : size_t(trainer.targetEpisodes());
        ProgressBar bar(total, "training");
        const PolicyTrainer::Outcome outcome = trainer.run(
            &gCancel,
            [&](const TrainingPoint& p) {
                bar.update(bySteps ? size_t(p.step) : size_t(p.episode + 1),
                           "ep " + std::to_string(p.episode + 1) + " reward " + fmt(p.reward, 2) +
                               " loss " + fmt(p.loss, 4) + " eps " + fmt(p.epsilon, 2));
            },
            [&](const PolicyTrainer::Outcome& trained) {
                bar.finish();
                std::cout << "Trained " << trained.summary.steps << " steps ("
                          << trained.summary.episodes << " episodes) in "
                          << TablePrinter::num(trained.summary.wallSeconds, 1) << " s, "
                          << TablePrinter::num(trained.summary.meanSelectionMs, 3)
                          << " ms per selection, last episode reward " << fmt(trained.lastReward, 2)
                          << ", loss " << fmt(trained.lastLoss, 4)
                          << "\nPolicy: " << trainer.policyDir()
                          << " (policy.pt + policy.json), checkpoint: " << trainer.checkpointDir()
                          << "\n";
                if (!std::isnan(trained.validationCost))
                    std::cout << (trained.exportedStep > 0
                                      ? "Exported the greedy snapshot of step " +
                                            std::to_string(trained.exportedStep)
                                      : std::string("Kept the policy exported before the resume"))
                              << ": lowest mean cost on the validation traces ("
                              << TablePrinter::num(trained.validationCost, 4) << ")\n";
            });
        if (outcome.cancelled) {
            std::cerr << "\ndvfo: training interrupted at step " << agent.steps()
                      << "; checkpoint saved, continue with dvfo train --resume " << trainer.runId()
                      << "\n";
            return 130;
        }
        if (!outcome.evaluation.empty()) {
            std::cout << "\nEvaluation on " << t.evalSeeds.size() << " unseen trace seed(s), delay "
                      << TablePrinter::num(trainer.evaluationDelay(), 2) << ":\n";
            TablePrinter table(
                {"policy", "energy mJ", "latency ms", "SLO viol %", "cost", "gap to oracle %"});
            for (const PolicyEvaluation& r : outcome.evaluation)
                table.addRow({r.policy, TablePrinter::num(r.meanEnergyMj, 2),
                              TablePrinter::num(r.meanLatencyMs, 2),
                              TablePrinter::num(r.sloViolationPct, 1),
                              TablePrinter::num(r.meanCost, 4), fmt(r.gapToOraclePct, 2)});
            table.print(std::cout);
        }
        // Where this stands against the paper's baselines over link families (issue 17).
        std::cout << "\nAgainst the paper's baselines: dvfo report --quick --boards "
                  << table.board().id << " --models " << table.model() << " --db "
                  << s.workspacePath << " --out report\n";
        return 0;
    } catch (const std::exception& e) {
        // PolicyTrainer has already marked a created run failed with this message.
        std::cerr << "\ndvfo: train failed: " << e.what() << "\n";
        return 2;
    }
}

void addTrainCommand(CLI::App& app) {
    auto o = std::make_shared<TrainOptions>();
    auto* cmd = app.add_subcommand("train", "Train the DVFO policy (factored double DQN, "
                                            "autoregressive heads) on a stored profile session");
    cmd->add_option("--db", o->db, "Workspace database (default ~/.local/share/dvfo/workspace.db)");
    cmd->add_option("--session", o->session, "Profile session id (dvfo sessions list)");
    cmd->add_option("--resume", o->resume, "Continue training run RUN from its checkpoint");
    cmd->add_option("--name", o->name, "Run name (default: model on board)");
    cmd->add_option("--eta", o->eta, "Weight of energy against latency in the cost, 0..1")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--slo-ms", o->sloMs, "Latency SLO in ms (0 = none)")->capture_default_str();
    cmd->add_option("--slo-penalty", o->sloPenalty, "Cost added per SLO violation")
        ->capture_default_str();
    cmd->add_option("--trace", o->trace,
                    "Link trace: field (the built-in field distribution) | constant:BW,RTT | "
                    "step:... | randomwalk:seed=N,min=..,max=..,step=..,rtt=.. | csv:FILE | "
                    "dir:PATH | mix:SPEC@W;SPEC@W;...")
        ->capture_default_str();
    cmd->add_option("--add-traces", o->addTraces,
                    "A folder of csv traces (t_s,bandwidth_mbps,rtt_ms) mixed into --trace with "
                    "20 % of the episodes");
    cmd->add_option("--episode-steps", o->episodeSteps, "Control steps per episode")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--period-ms", o->periodMs, "Control period in ms")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--split", o->split, "Split layer (default per model)");
    addEnergyOptions(cmd, o->energy, o->idleMw);
    cmd->add_option("--switch-cost", o->switchCost,
                    "Charge clock changes (on: the switch times the agent measured for the "
                    "session, else the board's model) or not (off)")
        ->capture_default_str()
        ->check(CLI::IsMember({"on", "off"}));
    cmd->add_option("--attention-report", o->attentionReport,
                    "dvfo attention evaluate --json report: measured bytes on the wire and "
                    "accuracy per offload share");
    cmd->add_option("--episodes", o->episodes, "Training episodes (with --resume: this many more)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--steps", o->steps,
                    "Training steps (default " + std::to_string(kDefaultSteps) +
                        "; with --resume: this many more)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--seed", o->seed, "Seed of the agent and of the training traces")
        ->capture_default_str();
    cmd->add_flag(
        "--concurrent", o->concurrent,
        "Thinking while moving: the next action is selected while the previous one still runs");
    cmd->add_flag(
        "--pipelined", o->pipelined,
        "Concurrent, with the environment stepping on its own thread (implies --concurrent)");
    cmd->add_option("--max-delay", o->maxDelay,
                    "Concurrent: selection delay drawn from [0, this) of the period")
        ->capture_default_str();
    cmd->add_option("--agent", o->agent,
                    "Agent hyperparameters as JSON over the defaults, e.g. "
                    "'{\"gamma\":0.2,\"hiddenSizes\":[256,256]}' (keys of DqnConfig)");
    cmd->add_option("--threads", o->threads, "Torch threads")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cmd->add_option("--out", o->out,
                    "Policy directory (default <workspace dir>/policies/run-<id>)");
    cmd->add_option("--eval-seeds", o->evalSeeds, "Trace seeds of the final evaluation")
        ->capture_default_str();
    cmd->add_flag("--no-evaluate", o->noEvaluate,
                  "Skip the comparison with the oracle and the baselines");
    cmd->callback([o] {
        const int rc = runTrain(*o);
        if (rc != 0)
            throw CLI::RuntimeError(rc);
    });
}

} // namespace dvfo::cli
