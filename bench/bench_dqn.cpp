// dvfo-bench-dqn: the DVFO agent on emulated Xavier NX profiles (ResNet-18, MobileNetV2) under a
// random-walk bandwidth trace: training wall time sequential vs pipelined thinking-while-moving,
// cost gap of the trained policy to the exhaustive oracle and to every baseline, and the decision
// latency of the exported TorchScript policy. Profiles are measured once with `dvfo profile`
// (emulated board, grid:3x3x3) into --db and reused.
#include "core/dqn/dqnagent.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/workflow/policytrainer.h"
#include "core/workspace/profilestore.h"
#include "core/rl/trainedpolicy.h"
#include "core/workflow/environmentfromstore.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>
#include <unistd.h>

using namespace dvfo;
namespace fs = std::filesystem;

namespace {

// Makes every step take at least `ms` of wall time, as a board running one inference per step
// would: what the pipelined mode overlaps with selection and learning.
class PacedEnvironment : public RlEnvironment {
public:
    PacedEnvironment(RlEnvironment& inner, double ms) : inner_(inner), ms_(ms) {}
    std::vector<int> branchSizes() const override { return inner_.branchSizes(); }
    int observationSize() const override { return inner_.observationSize(); }
    std::vector<float> reset(uint64_t seed) override { return inner_.reset(seed); }
    RlStep step(const FactoredAction& a, double delay) override {
        const auto until =
            std::chrono::steady_clock::now() + std::chrono::duration<double, std::milli>(ms_);
        RlStep s = inner_.step(a, delay);
        std::this_thread::sleep_until(until);
        return s;
    }

private:
    RlEnvironment& inner_;
    double ms_;
};

std::string cliPath() {
    if (const char* env = std::getenv("DVFO_CLI"))
        return env;
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return "dvfo";
    buf[n] = 0;
    return (fs::path(buf).parent_path().parent_path() / "app" / "dvfo").string();
}

int64_t findOrProfile(const std::string& db, const std::string& model) {
    const std::string board = "emulated:xavier-nx";
    auto find = [&]() -> int64_t {
        ProfileStore store(db);
        for (const SessionInfo& s : store.sessions())
            if (s.boardName == board && s.model == model && s.status == SessionStatus::Completed)
                return s.id;
        return 0;
    };
    if (int64_t id = find())
        return id;
    const std::string cmd = cliPath() + " profile --board " + board + " --model " + model +
                            " --tuples grid:3x3x3 --db '" + db + "' > /dev/null";
    std::fprintf(stderr, "profiling %s (once): %s\n", model.c_str(), cmd.c_str());
    if (std::system(cmd.c_str()) != 0)
        throw std::runtime_error("profiling failed: " + cmd);
    if (int64_t id = find())
        return id;
    throw std::runtime_error("no completed session for " + model + " after profiling");
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"DVFO agent: training time, oracle gap and decision latency"};
    std::string db = (fs::temp_directory_path() / "dvfo-bench-dqn.db").string();
    std::string out = (fs::temp_directory_path() / "dvfo-bench-dqn").string();
    int64_t steps = PolicyTrainerSettings::kDefaultSteps;
    int64_t pacedSteps = 3000;
    double paceMs = 1.0;
    double maxDelay = 0.3;
    std::vector<std::string> models = {"resnet18", "mobilenet_v2"};
    std::string trace = "randomwalk:min=5,max=400,step=20,rtt=2";
    double eta = 0.7;
    int threads = 1;
    app.add_option("--db", db, "Workspace with (or for) the emulated profiles")
        ->capture_default_str();
    app.add_option("--out", out, "Where the policies are exported")->capture_default_str();
    app.add_option("--steps", steps, "Training steps per run")->capture_default_str();
    app.add_option("--paced-steps", pacedSteps, "Steps of the paced speed-up runs")
        ->capture_default_str();
    app.add_option("--pace-ms", paceMs, "Wall time of one paced environment step")
        ->capture_default_str();
    app.add_option("--max-delay", maxDelay, "Concurrent: selection delay drawn from [0, this)")
        ->capture_default_str();
    app.add_option("--models", models, "Models")->delimiter(',')->capture_default_str();
    app.add_option("--trace", trace, "Link trace")->capture_default_str();
    app.add_option("--eta", eta, "Weight of energy against latency")->capture_default_str();
    app.add_option("--threads", threads, "Torch threads")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // rows appear as they are measured, also into a file

    try {
        const std::vector<uint64_t> evalSeeds = {1001, 1002, 1003};
        std::string policyForLatency;
        std::printf("Emulated Xavier NX, eta %.2f, trace %s, %lld training steps per run, %d torch "
                    "thread(s), eval seeds 1001-1003\n\n",
                    eta, trace.c_str(), (long long)steps, threads);
        for (const std::string& model : models) {
            const int64_t session = findOrProfile(db, model);
            for (bool concurrent : {false, true}) {
                // Exactly what `dvfo train` does: PolicyTrainer, with its snapshot selection.
                PolicyTrainerSettings settings;
                settings.workspacePath = db;
                settings.sessionId = session;
                settings.environment.trace = trace;
                settings.environment.eta = eta;
                settings.steps = steps;
                settings.concurrent = concurrent;
                settings.pipelined = concurrent;
                settings.maxDelay = maxDelay;
                settings.threads = threads;
                settings.evalSeeds = evalSeeds;
                settings.outDir = out + "/" + model + (concurrent ? "-pipelined" : "-sequential");
                PolicyTrainer trainer(settings);
                const auto cpu0 = std::clock();
                const PolicyTrainer::Outcome outcome = trainer.run();
                const double cpuSeconds = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
                if (policyForLatency.empty())
                    policyForLatency = trainer.policyDir();
                std::printf("%s, %s: trained %lld steps in %.1f s wall (%.1f s CPU, evaluation "
                            "included), exported step %lld, eval delay %.2f\n",
                            model.c_str(), concurrent ? "pipelined concurrent" : "sequential",
                            (long long)outcome.summary.steps, outcome.summary.wallSeconds,
                            cpuSeconds, (long long)outcome.exportedStep, trainer.evaluationDelay());
                std::printf("  %-28s %10s %11s %9s %9s\n", "policy", "energy mJ", "latency ms",
                            "cost", "gap %");
                for (size_t i = 0; i < outcome.evaluation.size(); ++i) {
                    const PolicyEvaluation& r = outcome.evaluation[i];
                    std::printf("  %-28s %10.2f %11.2f %9.4f %9.2f\n",
                                (i == 0 ? "DQN (trained)" : r.policy).c_str(), r.meanEnergyMj,
                                r.meanLatencyMs, r.meanCost, r.gapToOraclePct);
                }
                std::printf("\n");
            }
        }

        // Wall-clock speed-up of pipelining where a step takes real time (board-paced).
        {
            const int64_t session = findOrProfile(db, models.front());
            DvfoTrainingSettings settings;
            settings.trace = trace;
            settings.eta = eta;
            ProfileStore store(db);
            std::unique_ptr<DvfoEnvironment> env = environmentFromStore(settings, store, session);
            PacedEnvironment paced(*env, paceMs);
            std::printf("Speed-up, %lld steps of %s with each step paced to %.2f ms:\n",
                        (long long)pacedSteps, models.front().c_str(), paceMs);
            std::printf("  %-34s %10s %12s\n", "mode", "wall s", "steps/s");
            double sequentialWall = 0;
            for (int mode = 0; mode < 3; ++mode) {
                DqnConfig config = DvfoTrainingSettings::defaultAgentConfig(mode > 0);
                config.threads = threads;
                config.warmupSteps = 200;
                DqnAgent agent(env->observationSize(), env->branchSizes(), config);
                TrainingOptions o;
                o.episodes = 0;
                o.maxSteps = pacedSteps;
                o.pipelined = mode == 2;
                o.maxDelayFraction = mode > 0 ? maxDelay : 0;
                const TrainingSummary s = agent.train(paced, o);
                if (mode == 0)
                    sequentialWall = s.wallSeconds;
                const char* names[] = {"sequential", "concurrent (simulated delay)",
                                       "concurrent pipelined (thread)"};
                std::printf("  %-34s %10.2f %12.0f   speed-up %.2fx\n", names[mode], s.wallSeconds,
                            double(s.steps) / s.wallSeconds, sequentialWall / s.wallSeconds);
            }
            std::printf("\n");
        }

        // Decision latency: one forward pass of the exported TorchScript policy.
        {
            std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(policyForLatency);
            std::mt19937 gen(3);
            std::uniform_real_distribution<float> u(0, 1);
            std::vector<double> us;
            for (int i = 0; i < 20000; ++i) {
                std::vector<float> obs(size_t(policy->observationSize()));
                for (float& v : obs)
                    v = u(gen);
                const auto t0 = std::chrono::steady_clock::now();
                policy->decide(obs);
                const double t =
                    std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                        .count();
                if (i >= 100) // the TorchScript executor optimises during the first calls
                    us.push_back(t);
            }
            std::printf("Decision latency of %s/policy.pt (TrainedPolicy::decide, %zu calls): "
                        "median %.1f us, p99 %.1f us\n",
                        policyForLatency.c_str(), us.size(), percentile(us, 0.5),
                        percentile(us, 0.99));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dvfo-bench-dqn: %s\n", e.what());
        return 1;
    }
    return 0;
}
