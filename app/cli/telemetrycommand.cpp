#include "app/cli/telemetrycommand.h"
#include "core/common/jsoninteger.h"

#include "app/cli/boardcommand.h"
#include "app/cli/tableprinter.h"
#include "core/board/boardregistry.h"
#include "remote/client/boardconnector.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

namespace dvfo::cli {

namespace {
struct Args {
    std::string board, root; // empty: the root the board's agent runs by default
    int64_t since = 0;
    bool follow = false, json = false, status = false, acceptNew = false;
    std::string acceptFingerprint;
    int intervalMs = 1000;
};

std::string number(const nlohmann::json& r, const char* key, int decimals) {
    return r.contains(key) && r[key].is_number() ? TablePrinter::num(r[key].get<double>(), decimals)
                                                 : "-";
}

void print(const nlohmann::json& records, bool json) {
    if (json) {
        for (const auto& r : records)
            std::cout << r.dump() << "\n";
        return;
    }
    // "guard": who decided when the trained policy's guard took over (link down, or an
    // observation outside the training ranges), and how often it has so far.
    TablePrinter t({"seq", "bundle", "tuple kHz", "share", "latency ms", "energy mJ", "cloud",
                    "accuracy", "guard"});
    int64_t guarded = 0;
    for (const auto& r : records) {
        const std::string guard =
            r.contains("guard") && r["guard"].is_string() ? r["guard"].get<std::string>() : "-";
        const int64_t count =
            r.contains("guardActivations") && r["guardActivations"].is_number_integer()
                ? jsonInteger<int64_t>(r["guardActivations"])
                : -1;
        guarded = std::max(guarded, count);
        t.addRow({std::to_string(jsonIntegerOr<int64_t>(r, "seq", 0)),
                  r.value("bundle", std::string()), r.value("tuple", std::string()),
                  number(r, "share", 1), number(r, "latencyMs", 2), number(r, "energyMj", 3),
                  r.value("fellBack", false)    ? "fallback"
                  : r.value("cloudUsed", false) ? "yes"
                                                : "no",
                  number(r, "accuracy", 3),
                  count > 0 ? guard + " (" + std::to_string(count) + ")" : guard});
    }
    t.print(std::cout);
    if (guarded > 0)
        std::cout << "guard activations so far: " << guarded << "\n";
}
} // namespace

void addTelemetryCommand(CLI::App& app) {
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("telemetry",
                                   "Telemetry of the edge runtime on a board (through the agent)");
    cmd->add_option("--board", a->board, "Registered board or emulated:<id>")->required();
    cmd->add_option("--runtime-root", a->root,
                    "Runtime root on the board (default ~/.local/share/dvfo-edge; an emulated "
                    "board's: ~/.local/share/dvfo-edge/emulated-<id>)");
    cmd->add_option("--since", a->since, "Only records after this sequence number");
    cmd->add_flag("--follow", a->follow, "Keep polling for new records (Ctrl-C to stop)");
    cmd->add_option("--interval-ms", a->intervalMs, "Poll interval with --follow")
        ->capture_default_str();
    cmd->add_flag("--json", a->json, "One JSON record per line");
    cmd->add_flag("--status", a->status, "Print the runtime's status first");
    cmd->add_flag("--accept-new", a->acceptNew, "Trust an unknown host key (it is saved)");
    cmd->add_option("--accept-fingerprint", a->acceptFingerprint,
                    "Trust an unknown host key only if it has this fingerprint (SHA256:...)");
    cmd->callback([a] {
        try {
            BoardRegistry registry;
            auto agent = connectBoard(
                a->board, terminalConnectOptions(a->acceptNew, a->acceptFingerprint), &registry);
            nlohmann::json root = nlohmann::json::object();
            if (!a->root.empty())
                root["root"] = a->root;
            if (a->status)
                std::cout << agent->call("runtime-status", root).dump(2) << "\n";
            int64_t since = a->since;
            do {
                nlohmann::json params = root;
                params["since"] = since;
                const auto answer = agent->call("telemetry", params);
                if (!answer["records"].empty() || !a->follow)
                    print(answer["records"], a->json);
                since = answer.value("lastSeq", since);
                std::cout.flush();
                if (a->follow)
                    std::this_thread::sleep_for(std::chrono::milliseconds(a->intervalMs));
            } while (a->follow);
        } catch (const std::exception& e) {
            std::cerr << "dvfo: " << e.what() << "\n";
            throw CLI::RuntimeError(3);
        }
    });
}

} // namespace dvfo::cli
