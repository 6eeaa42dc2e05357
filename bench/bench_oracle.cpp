// dvfo-bench-oracle: environment steps and exhaustive-oracle decisions per second on every
// built-in board's full tables (a synthetic 3x3x3-grid profile with 12 layers, interpolated to
// every tuple; the split layer's maps are 128x28x28).
#include "bench/support/syntheticprofile.h"
#include "core/rl/baselinepolicies.h"
#include "core/rl/dvfoenvironment.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

using namespace dvfo;
using dvfo::bench::syntheticLayers;
using dvfo::bench::syntheticProfile;
using dvfo::bench::threeOf;

int main(int argc, char** argv) {
    CLI::App app{"Environment and oracle throughput on every built-in board"};
    int steps = 2000;
    app.add_option("--steps", steps, "Steps per measurement")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    std::printf("%-12s %8s %14s %16s %12s\n", "board", "actions", "env steps/s", "oracle steps/s",
                "us/decision");
    for (const std::string& id : BoardSpec::builtinIds()) {
        const BoardSpec board = BoardSpec::builtin(id);
        OffloadParams params;
        params.splitLayer = "l5";
        DvfoEnvironmentConfig config;
        config.episodeSteps = steps;
        config.trace =
            LinkTrace::parse("randomwalk:min=2,max=100,step=5,rtt=10", config.controlPeriodMs);
        DvfoEnvironment env(syntheticProfile(board, 12),
                            OffloadModel("synthetic", syntheticLayers(12), params), config);
        const std::vector<int> b = env.branchSizes();
        const long actions = long(b[0]) * b[1] * b[2] * b[3];

        auto timed = [&](RlPolicy& policy) {
            std::vector<float> obs = env.reset(1);
            const auto start = std::chrono::steady_clock::now();
            int n = 0;
            while (!env.done()) {
                obs = env.step(policy.decide(obs)).observation;
                ++n;
            }
            return n /
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        };
        EdgeOnlyMaxPolicy fixed(env);
        OraclePolicy oracle(env);
        const double envRate = timed(fixed);
        const double oracleRate = timed(oracle);
        std::printf("%-12s %8ld %14.0f %16.0f %12.1f\n", id.c_str(), actions, envRate, oracleRate,
                    1e6 / oracleRate);
    }
    return 0;
}
