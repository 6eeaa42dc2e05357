// dvfo-bench-hindsightoracle: what planning a whole episode in hindsight (the oracle,
// HindsightPlanner) costs per episode, and how much lower its cost is than the one-step greedy
// oracle's, with the board's clock switching model charged. Per built-in board, on its full
// tables and on a 3x3x3 grid of them (a synthetic 12-layer profile; split maps 128x28x28), for
// no delay and no SLO, an SLO, and an SLO with a delay (the case where the penalty couples
// consecutive actions).
#include "bench/support/syntheticprofile.h"
#include "core/rl/baselinepolicies.h"
#include "core/rl/dvfoenvironment.h"
#include "core/rl/hindsightplanner.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

using namespace dvfo;
using dvfo::bench::syntheticLayers;
using dvfo::bench::syntheticProfile;
using dvfo::bench::threeOf;

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The episode's cost for the policy, as the environment charges it.
double episodeCost(DvfoEnvironment& env, RlPolicy& policy, double delay) {
    std::vector<float> obs = env.reset(1);
    policy.reset();
    double cost = 0;
    while (!env.done()) {
        const RlStep s = env.step(policy.decide(obs), delay);
        obs = s.observation;
        cost -= s.reward;
    }
    return cost;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Hindsight oracle: planning time per episode and its margin over the greedy one"};
    int steps = 1000;
    std::string only;
    app.add_option("--steps", steps, "Steps per episode")->capture_default_str();
    app.add_option("--board", only, "Only this built-in board");
    CLI11_PARSE(app, argc, argv);

    std::printf("%-12s %-6s %8s %-12s %12s %12s %14s\n", "board", "tables", "actions", "case",
                "plan ms/ep", "greedy ms/ep", "greedy above %");
    for (const std::string& id : BoardSpec::builtinIds()) {
        if (!only.empty() && id != only)
            continue;
        for (bool full : {false, true}) {
            BoardSpec board = BoardSpec::builtin(id);
            if (!full) {
                board.cpu.frequenciesKhz = threeOf(board.cpu.frequenciesKhz);
                board.gpu.frequenciesKhz = threeOf(board.gpu.frequenciesKhz);
                board.emc.frequenciesKhz = threeOf(board.emc.frequenciesKhz);
            }
            OffloadParams params;
            params.splitLayer = "l5";
            DvfoEnvironmentConfig config;
            config.episodeSteps = steps;
            config.trace =
                LinkTrace::parse("randomwalk:min=2,max=100,step=5,rtt=10", config.controlPeriodMs);
            config.switching = ClockSwitchTimes::boardModel(board);
            const ProfileTable profile = syntheticProfile(board, 12);
            const DvfoEnvironment probe(
                profile, OffloadModel("synthetic", syntheticLayers(12), params), config);
            struct Case {
                const char* name;
                double delay, sloMs;
            };
            // An SLO between the latency at max clocks and twice it: it binds on slow links.
            const double slo = 1.5 * probe.referenceLatencyMs();
            for (const Case& c :
                 {Case{"plain", 0, 0}, Case{"SLO", 0, slo}, Case{"SLO+delay", 0.25, slo}}) {
                DvfoEnvironmentConfig cc = config;
                cc.sloMs = c.sloMs;
                DvfoEnvironment env(profile, OffloadModel("synthetic", syntheticLayers(12), params),
                                    cc);
                const std::vector<int> b = env.branchSizes();
                const long actions = long(b[0]) * b[1] * b[2] * b[3];
                env.reset(1);
                auto start = std::chrono::steady_clock::now();
                const HindsightPlan plan = HindsightPlanner(env, c.delay).plan();
                const double planMs = 1e3 * seconds(start);
                GreedyOraclePolicy greedy(env, c.delay);
                start = std::chrono::steady_clock::now();
                const double greedyCost = episodeCost(env, greedy, c.delay);
                const double greedyMs = 1e3 * seconds(start);
                OraclePolicy oracle(env, c.delay);
                const double oracleCost = episodeCost(env, oracle, c.delay);
                std::printf("%-12s %-6s %8ld %-12s %12.1f %12.1f %14.3f%s\n", id.c_str(),
                            full ? "full" : "3x3x3", actions, c.name, planMs, greedyMs,
                            100.0 * (greedyCost - oracleCost) / oracleCost,
                            std::abs(plan.totalCost - oracleCost) > 1e-6 * oracleCost
                                ? "  (plan and episode disagree!)"
                                : "");
                std::fflush(stdout);
            }
        }
    }
    return 0;
}
