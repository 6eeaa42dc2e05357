#include "app/cli/boardmonitorcommand.h"
#include "core/common/jsoninteger.h"

#include "app/cli/boardcommand.h"
#include "core/board/boardregistry.h"
#include "core/board/monitorseries.h"
#include "remote/client/boardconnector.h"
#include "remote/ssh/ssherror.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace dvfo::cli {

namespace {

std::atomic<bool> g_interrupted{false};
void onInterrupt(int) {
    g_interrupted = true;
}

struct MonitorCliOptions {
    std::string board;
    int rateHz = 50;
    double durationS = 0;
    bool json = false;
    double printEveryS = 0.5;
    bool acceptNew = false;
    std::string acceptFingerprint;
};

std::string fixed(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// One line of the refreshed view: the newest sample and the rate achieved over the last second.
std::string statusLine(const MonitorSeries& series) {
    const MonitorSample& s = series.latest();
    std::ostringstream os;
    os << fixed(s.tMs / 1e3, 1) << " s  " << fixed(series.achievedHz(), 1) << " Hz  CPU "
       << s.cpuKhz / 1000 << " GPU " << s.gpuKhz / 1000 << " EMC " << s.emcKhz / 1000 << " MHz |";
    for (const auto& r : s.rails)
        os << ' ' << r.name << ' ' << fixed(r.mw / 1e3, 2) << " W";
    if (!s.thermal.empty())
        os << " |";
    for (const auto& z : s.thermal)
        os << ' ' << z.type << ' ' << fixed(z.tempC, 1) << " C";
    return os.str();
}

int runMonitor(const MonitorCliOptions& o) {
    g_interrupted = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    BoardRegistry registry;
    try {
        auto agent = connectBoard(o.board, terminalConnectOptions(o.acceptNew, o.acceptFingerprint),
                                  &registry);
        MonitorSeries series(5);
        auto lastPrint = std::chrono::steady_clock::now() - std::chrono::hours(1);
        const auto result = agent->call(
            "monitor", {{"rateHz", o.rateHz}, {"durationS", o.durationS}},
            [&](const std::string& ev, const nlohmann::json& data) {
                if (ev != "samples")
                    return;
                const auto batch = parseMonitorBatch(data);
                series.append(batch);
                if (o.json) {
                    for (const auto& s : batch)
                        std::cout << s.toJson().dump() << '\n';
                    std::cout.flush();
                    return;
                }
                const auto now = std::chrono::steady_clock::now();
                if (now - lastPrint >= std::chrono::duration<double>(o.printEveryS) &&
                    !series.empty()) {
                    std::cout << statusLine(series) << std::endl;
                    lastPrint = now;
                }
            },
            &g_interrupted, 10000);
        std::cerr << "dvfo: " << o.board << ": " << jsonIntegerOr<int64_t>(result, "samples", 0)
                  << " samples in " << fixed(result.value("elapsedS", 0.0), 2) << " s, "
                  << fixed(result.value("achievedHz", 0.0), 1) << " Hz achieved of " << o.rateHz
                  << " Hz asked, " << jsonIntegerOr<int64_t>(result, "skipped", 0)
                  << " ticks skipped" << (result.value("cancelled", false) ? " (interrupted)" : "")
                  << "\n";
        return 0;
    } catch (const SshError& e) {
        std::cerr << "dvfo: " << o.board << ": " << e.what() << "\n";
        return 4;
    } catch (const std::exception& e) {
        std::cerr << "dvfo: " << o.board << ": " << e.what() << "\n";
        return 3;
    }
}

} // namespace

void addBoardMonitorCommand(CLI::App& board) {
    auto o = std::make_shared<MonitorCliOptions>();
    auto* monitor =
        board.add_subcommand("monitor", "Clocks, rail power and temperatures live (Ctrl-C stops)");
    monitor->add_option("name", o->board, "Board name or emulated:<id>")->required();
    monitor->add_option("--rate", o->rateHz, "Samples per second on the board")
        ->check(CLI::Range(1, 200))
        ->capture_default_str();
    monitor->add_option("--duration", o->durationS, "Seconds to monitor (0: until Ctrl-C)")
        ->check(CLI::Range(0.0, 604800.0))
        ->capture_default_str();
    monitor->add_flag("--json", o->json, "Every sample as a JSON line on stdout");
    monitor->add_option("--every", o->printEveryS, "Seconds between two lines of the live view")
        ->check(CLI::Range(0.05, 3600.0))
        ->capture_default_str();
    monitor->add_flag("--accept-new", o->acceptNew,
                      "Trust an unknown host key, whichever key the board shows");
    monitor->add_option("--accept-fingerprint", o->acceptFingerprint,
                        "Trust an unknown host key only if it has this fingerprint (SHA256:...)");
    monitor->callback([o] {
        const int rc = runMonitor(*o);
        if (rc)
            throw CLI::RuntimeError(rc);
    });
}

} // namespace dvfo::cli
