#include "app/cli/loopcommand.h"

#include "app/cli/tableprinter.h"
#include "remote/client/closedloop.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <fstream>
#include <iostream>

namespace dvfo::cli {

namespace {

int runLoop(const ClosedLoopOptions& options, const std::string& jsonPath) {
    try {
        ClosedLoopOptions o = options;
        o.progress = [](const std::string& line) { std::cerr << "loop: " << line << "\n"; };
        const std::vector<ClosedLoopRow> rows = ClosedLoop::run(o);
        std::cout << "Closed loop: " << o.inferences
                  << " inferences per policy on the emulated board's "
                  << "runtime (trace " << o.trace << ", seed " << o.seed << ", eta " << o.eta
                  << "), predicted by the environment vs realised by dvfo-edge run\n\n";
        TablePrinter table({"policy", "pred E mJ", "real E mJ", "pred L ms", "real L ms",
                            "pred cost", "real cost", "cost err %", "offloads", "fallbacks",
                            "guarded"});
        for (const ClosedLoopRow& r : rows)
            table.addRow({r.policy, TablePrinter::num(r.predicted.energyMj, 2),
                          TablePrinter::num(r.realised.energyMj, 2),
                          TablePrinter::num(r.predicted.latencyMs, 2),
                          TablePrinter::num(r.realised.latencyMs, 2),
                          TablePrinter::num(r.predicted.cost, 4),
                          TablePrinter::num(r.realised.cost, 4),
                          TablePrinter::num(r.costErrorPct(), 2), std::to_string(r.offloads),
                          std::to_string(r.fallbacks), std::to_string(r.guarded)});
        table.print(std::cout);
        std::cout
            << "\nEnergy per inference in the environment's accounting; cost = eta*E/E_ref + "
               "(1-eta)*L/L_ref. Realised: the runtime's telemetry (board phases measured by "
               "the board, network time on the emulated link, cloud time as dvfo-cloud reports "
               "it).\n";
        if (!jsonPath.empty()) {
            std::ofstream out(jsonPath);
            out << ClosedLoop::toJson(rows).dump(2) << "\n";
            if (!out)
                throw std::runtime_error("cannot write " + jsonPath);
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dvfo loop: " << e.what() << "\n";
        return 1;
    }
}

} // namespace

void addLoopCommand(CLI::App& app) {
    auto options = std::make_shared<ClosedLoopOptions>();
    auto json = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(
        "loop", "Run the trained policy and the baselines on the emulated board's real runtime "
                "(with a local "
                "dvfo-cloud) and compare what it realises with what the environment predicts");
    cmd->add_option("--db", options->db, "Workspace database (default: the user's workspace)");
    cmd->add_option("--session", options->session, "Profile session of an emulated board")
        ->required();
    cmd->add_option("--policy", options->policyDir,
                    "Trained policy directory (dvfo train --out); "
                    "without it only the baselines run");
    cmd->add_option("--trace", options->trace,
                    "Link trace of the emulated link (--trace syntax, csv: too)")
        ->capture_default_str();
    cmd->add_option("--eta", options->eta, "Weight of energy in the cost")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--inferences", options->inferences, "Inferences per policy")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(1), int64_t(1000000)));
    cmd->add_option("--seed", options->seed, "Trace realisation")->capture_default_str();
    cmd->add_option("--policies", options->policies,
                    "Only these (dvfo-dqn, edge-only, cloud-only, DVFS-only, offload-only, "
                    "model-based, ondemand)")
        ->delimiter(',');
    cmd->add_option("--work-dir", options->workDir, "Keep bundles, runtime roots and logs here");
    cmd->add_option("--json", *json, "Also write the comparison as JSON");
    cmd->callback([options, json] {
        const int rc = runLoop(*options, *json);
        if (rc != 0)
            throw CLI::RuntimeError(rc);
    });
}

} // namespace dvfo::cli
