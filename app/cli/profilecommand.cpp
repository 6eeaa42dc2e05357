#include "app/cli/profilecommand.h"

#include "app/cli/boardcommand.h"
#include "app/cli/progressbar.h"
#include "app/cli/tableprinter.h"
#include "core/board/boardregistry.h"
#include "core/board/boardconditions.h"
#include "core/board/boardspec.h"
#include "core/profile/layerrecord.h"
#include "core/workspace/profilestore.h"
#include "core/workflow/sweepdriver.h"
#include "core/board/tupleconditions.h"
#include "remote/client/boardconnector.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <cmath>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

namespace dvfo::cli {

namespace {
std::atomic<bool> g_interrupted{false};
void onInterrupt(int) {
    g_interrupted = true;
}

void writeCsv(const std::string& path, const std::string& board, const std::string& model,
              const std::vector<LayerRecord>& records) {
    std::ofstream f(path);
    if (!f)
        throw std::runtime_error("cannot write " + path);
    std::set<std::string> rails;
    for (const auto& r : records)
        for (const auto& [rail, e] : r.energyMj)
            rails.insert(rail);
    f << "board,model,cpu_khz,gpu_khz,emc_khz,layer_index,layer_name,kind,median_ms,p10_ms,p90_ms,"
         "n,total_energy_mj,emulated";
    for (const auto& rail : rails)
        f << ",energy_mj:" << rail;
    f << "\n";
    f.precision(17);
    for (const auto& r : records) {
        f << board << ',' << model << ',' << r.tuple.cpuKhz << ',' << r.tuple.gpuKhz << ','
          << r.tuple.emcKhz << ',' << r.layerIndex << ',' << r.layerName << ',' << r.kind << ','
          << r.latency.medianMs << ',' << r.latency.p10Ms << ',' << r.latency.p90Ms << ','
          << r.latency.n << ',' << r.totalEnergyMj << ',' << (r.emulated ? 1 : 0);
        for (const auto& rail : rails) {
            auto it = r.energyMj.find(rail);
            f << ',';
            if (it != r.energyMj.end())
                f << it->second;
        }
        f << "\n";
    }
}

std::string mhzTuple(const FrequencyTuple& t) {
    return TablePrinter::num(t.cpuKhz / 1000.0, 0) + "/" + TablePrinter::num(t.gpuKhz / 1000.0, 0) +
           "/" + TablePrinter::num(t.emcKhz / 1000.0, 0);
}

void printSummary(std::ostream& os, const std::vector<LayerRecord>& records) {
    // Per unit: fastest and slowest median, and the tuple that spends the least energy on it.
    struct Agg {
        std::string name, kind;
        double minMs = 1e300, maxMs = 0, minMj = 1e300;
        FrequencyTuple fastest, cheapest;
        size_t tuples = 0;
    };
    std::map<int, Agg> units;
    std::map<FrequencyTuple, std::pair<double, double>> whole; // ms, mJ
    for (const auto& r : records) {
        Agg& a = units[r.layerIndex];
        a.name = r.layerName;
        a.kind = r.kind;
        ++a.tuples;
        if (r.latency.medianMs < a.minMs) {
            a.minMs = r.latency.medianMs;
            a.fastest = r.tuple;
        }
        a.maxMs = std::max(a.maxMs, r.latency.medianMs);
        if (r.totalEnergyMj < a.minMj) {
            a.minMj = r.totalEnergyMj;
            a.cheapest = r.tuple;
        }
        whole[r.tuple].first += r.latency.medianMs;
        whole[r.tuple].second += r.totalEnergyMj;
    }
    os << "\nPer-layer summary over " << whole.size() << " tuples (CPU/GPU/EMC in MHz)\n";
    TablePrinter t(
        {"#", "layer", "kind", "tuples", "fastest ms", "slowest ms", "min mJ", "min-energy tuple"});
    for (const auto& [i, a] : units)
        t.addRow({std::to_string(i), a.name, a.kind, std::to_string(a.tuples),
                  TablePrinter::num(a.minMs, 3), TablePrinter::num(a.maxMs, 3),
                  TablePrinter::num(a.minMj, 3), mhzTuple(a.cheapest)});
    t.print(os);

    std::vector<std::pair<FrequencyTuple, std::pair<double, double>>> byEnergy(whole.begin(),
                                                                               whole.end());
    std::sort(byEnergy.begin(), byEnergy.end(),
              [](auto& a, auto& b) { return a.second.second < b.second.second; });
    os << "\nWhole model per tuple, lowest energy first (top "
       << std::min<size_t>(10, byEnergy.size()) << ")\n";
    TablePrinter w({"tuple MHz", "latency ms", "energy mJ", "EDP mJ*s"});
    for (size_t i = 0; i < byEnergy.size() && i < 10; ++i) {
        const auto& [tu, v] = byEnergy[i];
        w.addRow({mhzTuple(tu), TablePrinter::num(v.first, 2), TablePrinter::num(v.second, 2),
                  TablePrinter::num(v.second * v.first / 1000.0, 4)});
    }
    w.print(os);
}
void printConditions(std::ostream& os,
                     const std::map<FrequencyTuple, TupleConditions>& conditions) {
    if (conditions.empty())
        return; // an agent from before per-tuple conditions
    double hottest = std::nan("");
    std::vector<const TupleConditions*> throttled;
    for (const auto& [t, c] : conditions) {
        const double m = c.maxTempC();
        if (!std::isnan(m) && (std::isnan(hottest) || m > hottest))
            hottest = m;
        if (c.throttled)
            throttled.push_back(&c);
    }
    os << "\nConditions over " << conditions.size() << " tuples: hottest zone "
       << (std::isnan(hottest) ? std::string("unknown (no thermal zones)")
                               : TablePrinter::num(hottest, 1) + " C")
       << ", throttled at " << throttled.size() << "\n";
    if (throttled.empty())
        return;
    TablePrinter t({"pinned MHz", "in force MHz", "domains", "max C"});
    for (const auto* c : throttled) {
        std::string domains;
        for (const auto& d : c->throttledDomains)
            domains += (domains.empty() ? "" : ",") + d;
        const double m = c->maxTempC();
        t.addRow({mhzTuple(c->pinned), mhzTuple(c->inForce), domains,
                  std::isnan(m) ? std::string("-") : TablePrinter::num(m, 1)});
    }
    t.print(os);
}
} // namespace

int runProfile(const ProfileOptions& opts) {
    std::signal(SIGINT, onInterrupt);
    ProfileOptions o = opts;
    // Every sweep is recorded tuple by tuple, so a killed run keeps what it finished.
    std::unique_ptr<ProfileStore> store;
    SweepSettings settings;
    settings.board = o.board;
    settings.model = o.model;
    settings.plan = o.tuples;
    settings.warmup = o.warmup;
    settings.repeat = o.repeat;
    settings.batch = o.batch;
    settings.shares = !o.noShares;
    try {
        if (!o.noStore || o.resume) {
            store =
                std::make_unique<ProfileStore>(o.db.empty() ? ProfileStore::defaultPath() : o.db);
            if (o.resume) {
                settings = SweepSettings::ofSession(*store, o.resume, settings);
                o.board = settings.board;
                o.model = settings.model;
                o.tuples = settings.plan;
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "dvfo: " << e.what() << "\n";
        return 2;
    }

    std::vector<LayerRecord> records;
    std::map<FrequencyTuple, TupleConditions> tupleConditions;
    std::unique_ptr<ProgressBar> bar;
    size_t measured = 0;
    SweepDriver::Listener listener;
    std::unique_ptr<SweepDriver> driver; // the listener's messages read the stage from it
    listener.stageStarted = [&](const SweepStageStart& start) {
        const size_t units = start.unitNames.size(), tuples = driver->stageTuples().size();
        std::cerr << o.model << ": " << units << " profiling units, " << units * tuples
                  << " measurements"
                  << (driver->stage() > 1
                          ? " (refinement " + std::to_string(driver->stage() - 1) + ")"
                          : "")
                  << "\n";
        // Older agents do not say where the layers run.
        if (!start.executionDevice.empty())
            std::cerr << "Layers run on: " << start.executionDevice << "\n";
        if (!start.warning.empty())
            std::cerr << "dvfo: warning: " << start.warning << "\n";
        if (start.measuresShares)
            std::cerr << "Shares: the first unit after " << driver->shareSplit()
                      << " on the kept maps and the bytes on the wire, shares "
                         "0.1..1 at every tuple\n";
        else if (!driver->shareSplit().empty())
            std::cerr << "dvfo: note: the agent does not measure the shares "
                         "(an older dvfo-edge): the environment will charge the "
                         "edge tail by the roofline ratio\n";
        measured = 0;
        if (!o.quiet)
            bar = std::make_unique<ProgressBar>(units * tuples, "profiling");
    };
    listener.conditionsReported = [&](const TupleConditions& c) {
        tupleConditions[c.pinned] = c;
        if (c.throttled)
            std::cerr << "\ndvfo: warning: tuple " << c.pinned.toString()
                      << " throttled: clocks in force " << c.inForce.toString() << "\n";
    };
    listener.layerMeasured = [&](const LayerRecord& r) { records.push_back(r); };
    try {
        driver = std::make_unique<SweepDriver>(store.get(), settings, listener);
    } catch (const std::exception& e) {
        std::cerr << "dvfo: " << e.what() << "\n";
        return 2;
    }
    if (o.resume)
        std::cerr << "Resuming session " << o.resume << ": " << driver->alreadyMeasured().size()
                  << " tuples already measured\n";

    std::unique_ptr<AgentClient> agent;
    try {
        BoardRegistry registry;
        agent = connectBoard(o.board, terminalConnectOptions(o.acceptNew, o.acceptFingerprint),
                             &registry);
    } catch (const std::exception& e) {
        std::cerr << "dvfo: cannot open board " << o.board << ": " << e.what() << "\n";
        return 3;
    }
    try {
        const auto probe = agent->call("probe");
        const BoardSpec spec = BoardSpec::fromJson(probe.at("spec"));
        std::vector<FrequencyTuple> tuples = driver->begin(probe);
        // How long each clock change takes, for training and evaluation to charge; an agent
        // from before `measure-switch` leaves the board's model to them.
        if (!tuples.empty() && driver->wantsSwitchTimes()) {
            try {
                driver->storeSwitchTimes(agent->call(SweepDriver::kMeasureSwitchRequest));
            } catch (const std::exception& e) {
                std::cerr << "dvfo: note: " << SweepDriver::switchTimesNotMeasured(e.what())
                          << "\n";
            }
        }
        if (tuples.empty()) {
            std::cerr << "Nothing left to measure.\n";
            return 0;
        }
        std::cerr << "Board: " << spec.name << (probe.value("emulated", false) ? " (emulated)" : "")
                  << " via " << agent->describe() << ", agent " << probe.value("version", "?")
                  << "\n"
                  << "Plan: " << o.tuples << " = " << tuples.size() << " tuples of "
                  << spec.tupleCount()
                  << (driver->isAdaptive()
                          ? " (coarse stage, then at most " +
                                std::to_string(driver->remainingRefinements()) + " refinements)"
                          : std::string())
                  << "; model " << o.model << ", warm-up " << settings.warmup << ", repeat "
                  << settings.repeat << "\n";
        if (probe.contains("conditions")) {
            const BoardConditions bc = BoardConditions::fromJson(probe["conditions"]);
            std::cerr << "Conditions: "
                      << (bc.boardModel.empty() ? std::string() : bc.boardModel + ", ")
                      << bc.summary() << "\n";
        }

        for (; !tuples.empty(); tuples = driver->refinement()) {
            driver->beginStage(tuples);
            bar.reset();
            agent->call(
                "profile", driver->stageRequest(),
                [&](const std::string& event, const nlohmann::json& data) {
                    driver->handleEvent(event, data);
                    if (event == "layer" && bar) {
                        ++measured;
                        bar->update(measured, records.back().tuple.toString() + " " +
                                                  records.back().layerName);
                    }
                },
                &g_interrupted);
            if (bar)
                bar->finish();
        }
    } catch (const AgentError& e) {
        if (store && driver->sessionId()) {
            driver->finish(e.code() == "cancelled" ? SessionStatus::Cancelled
                                                   : SessionStatus::Failed);
            std::cerr << "\ndvfo: finished tuples are kept in session " << driver->sessionId()
                      << "; continue with --resume " << driver->sessionId();
        }
        std::cerr << "\ndvfo: " << (e.code() == "cancelled" ? "interrupted: " : "profile failed: ")
                  << e.what() << "\n";
        if (!records.empty() && !o.csv.empty()) {
            writeCsv(o.csv, o.board, o.model, records);
            std::cerr << "dvfo: the " << records.size() << " records measured so far are in "
                      << o.csv << "\n";
        }
        return e.code() == "cancelled" ? 130 : 1;
    } catch (const std::exception& e) {
        if (store && driver->sessionId()) {
            driver->finish(SessionStatus::Failed);
            std::cerr << "\ndvfo: finished tuples are kept in session " << driver->sessionId()
                      << "; continue with --resume " << driver->sessionId();
        }
        std::cerr << "\ndvfo: profile failed: " << e.what() << "\n";
        return 1;
    }
    if (store) {
        driver->finish(SessionStatus::Completed);
        std::cerr << "Stored as session " << driver->sessionId() << " in " << store->path() << "\n";
        if (o.resume) {
            // Summarise the whole session, not just this run.
            records = store->measurements(driver->sessionId());
            tupleConditions = store->tupleConditions(driver->sessionId());
        }
    }
    printSummary(std::cout, records);
    if (driver->shareMeasurementCount() > 0)
        std::cerr << "Share sweep: " << driver->shareMeasurementCount()
                  << " share measurements (first tail unit on the kept maps, bytes on the wire)\n";
    printConditions(std::cout, tupleConditions);
    if (!o.csv.empty()) {
        writeCsv(o.csv, o.board, o.model, records);
        std::cerr << "Wrote " << records.size() << " rows to " << o.csv << "\n";
    }
    return 0;
}

void addProfileCommand(CLI::App& app) {
    auto o = std::make_shared<ProfileOptions>();
    auto* cmd = app.add_subcommand("profile",
                                   "Profile a model layer by layer at frequency tuples of a board");
    cmd->add_option("--board", o->board,
                    "Board: a name from 'dvfo board list', or emulated:<built-in id, e.g. "
                    "xavier-nx, orin-nano>")
        ->capture_default_str();
    cmd->add_option("--model", o->model, "resnet18 | mobilenet_v2 | vgg11 | small_cnn")
        ->capture_default_str();
    cmd->add_option("--tuples,--plan", o->tuples,
                    "all | max | min | grid:NxMxK | adaptive:NxMxK+B | list:cpu/gpu/emc,... (kHz)")
        ->capture_default_str();
    cmd->add_option("--warmup", o->warmup, "Warm-up runs per layer and tuple")
        ->capture_default_str();
    cmd->add_option("--repeat", o->repeat, "Timed runs per layer and tuple")->capture_default_str();
    cmd->add_option("--batch", o->batch, "Batch size")->capture_default_str();
    cmd->add_option("--csv", o->csv, "Write every record to this CSV file");
    cmd->add_flag("--quiet", o->quiet, "No progress bar");
    cmd->add_flag("--accept-new", o->acceptNew, "Trust an unknown SSH host key (it is saved)");
    cmd->add_option("--accept-fingerprint", o->acceptFingerprint,
                    "Trust an unknown SSH host key only if it has this fingerprint (SHA256:...)");
    cmd->add_option("--db", o->db, "Workspace database (default ~/.local/share/dvfo/workspace.db)");
    cmd->add_flag("--no-store", o->noStore, "Do not record the sweep in the workspace database");
    cmd->add_flag("--no-shares", o->noShares,
                  "Skip the share sweep (the first tail unit on the kept maps and the bytes on "
                  "the wire per share); the environment then charges the roofline ratio");
    cmd->add_option("--resume", o->resume,
                    "Measure only the tuples session ID is missing (same board, model, plan)");
    cmd->callback([o] { throw CLI::RuntimeError(runProfile(*o)); });
}

} // namespace dvfo::cli
