#include "app/cli/profilecommand.h"

#include "app/cli/boardcommand.h"
#include "app/cli/progressbar.h"
#include "app/cli/tableprinter.h"
#include "core/adaptivesweepplanner.h"
#include "core/boardregistry.h"
#include "core/boardconditions.h"
#include "core/boardspec.h"
#include "core/layerrecord.h"
#include "core/profilestore.h"
#include "core/sweepplanner.h"
#include "core/tupleconditions.h"
#include "remote/client/boardconnector.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <cmath>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
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
    std::set<FrequencyTuple> done;
    int64_t sessionId = 0;
    try {
        if (!o.noStore || o.resume) {
            store =
                std::make_unique<ProfileStore>(o.db.empty() ? ProfileStore::defaultPath() : o.db);
            if (o.resume) {
                const SessionInfo prev = store->session(o.resume);
                const auto settings = nlohmann::json::parse(prev.settingsJson);
                o.board = prev.boardName;
                o.model = prev.model;
                o.tuples = settings.value("plan", o.tuples);
                o.warmup = settings.value("warmup", o.warmup);
                o.repeat = settings.value("repeat", o.repeat);
                o.batch = settings.value("batch", o.batch);
                done = store->completedTuples(o.resume);
                sessionId = o.resume;
                std::cerr << "Resuming session " << sessionId << ": " << done.size()
                          << " tuples already measured\n";
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "dvfo: " << e.what() << "\n";
        return 2;
    }
    std::unique_ptr<AgentClient> agent;
    try {
        BoardRegistry registry;
        agent = connectBoard(o.board, terminalConnectOptions(o.acceptNew, o.acceptFingerprint),
                             &registry);
    } catch (const std::exception& e) {
        std::cerr << "dvfo: cannot open board " << o.board << ": " << e.what() << "\n";
        return 3;
    }
    std::vector<LayerRecord> records;
    std::map<FrequencyTuple, TupleConditions> tupleConditions;
    try {
        const auto probe = agent->call("probe");
        const BoardSpec spec = BoardSpec::fromJson(probe.at("spec"));
        std::vector<FrequencyTuple> tuples;
        for (const auto& t : SweepPlanner(spec).plan(o.tuples))
            if (!done.count(t))
                tuples.push_back(t);
        // Adaptive plans: after the coarse grid, refine where the whole-model cost changes most.
        std::unique_ptr<AdaptiveSweepPlanner> adaptive;
        std::map<FrequencyTuple, TupleCost> costs;
        if (AdaptiveSweepPlanner::isAdaptive(o.tuples)) {
            adaptive = std::make_unique<AdaptiveSweepPlanner>(spec, o.tuples);
            if (store && sessionId)
                for (const auto& r : store->measurements(sessionId))
                    if (done.count(r.tuple)) {
                        costs[r.tuple].latencyMs += r.latency.medianMs;
                        costs[r.tuple].energyMj += r.totalEnergyMj;
                    }
            if (tuples.empty())
                tuples = adaptive->refine(costs);
        }
        if (tuples.empty()) {
            std::cerr << "Nothing left to measure.\n";
            if (store && sessionId)
                store->setSessionStatus(sessionId, SessionStatus::Completed);
            return 0;
        }
        if (store && !sessionId) {
            SessionInfo info;
            info.boardId = spec.id;
            info.boardName = o.board;
            info.model = o.model;
            info.agentVersion = probe.value("version", "");
            info.emulated = probe.value("emulated", false);
            info.settingsJson = nlohmann::json{
                {"plan", o.tuples},
                {"warmup", o.warmup},
                {"repeat", o.repeat},
                {"batch", o.batch}}.dump();
            info.conditionsJson = BoardConditions::sessionJsonFromProbe(probe).dump();
            sessionId = store->createSession(info);
        } else if (store) {
            store->setSessionStatus(sessionId, SessionStatus::Running);
        }
        std::cerr << "Board: " << spec.name << (probe.value("emulated", false) ? " (emulated)" : "")
                  << " via " << agent->describe() << ", agent " << probe.value("version", "?")
                  << "\n"
                  << "Plan: " << o.tuples << " = " << tuples.size() << " tuples of "
                  << spec.tupleCount()
                  << (adaptive
                          ? " (coarse stage, then at most " +
                                std::to_string(adaptive->remainingBudget(costs)) + " refinements)"
                          : std::string())
                  << "; model " << o.model << ", warm-up " << o.warmup << ", repeat " << o.repeat
                  << "\n";
        if (probe.contains("conditions")) {
            const BoardConditions bc = BoardConditions::fromJson(probe["conditions"]);
            std::cerr << "Conditions: "
                      << (bc.boardModel.empty() ? std::string() : bc.boardModel + ", ")
                      << bc.summary() << "\n";
        }

        for (int stage = 1; !tuples.empty(); ++stage) {
            nlohmann::json tupleList = nlohmann::json::array();
            for (const auto& t : tuples)
                tupleList.push_back(t.toString());
            size_t measured = 0, units = 0;
            std::vector<LayerRecord> pending; // the tuple being measured, stored once complete
            std::optional<TupleConditions> pendingConditions; // sent before the tuple's last record
            std::unique_ptr<ProgressBar> bar;
            agent->call(
                "profile",
                {{"model", o.model},
                 {"tuples", tupleList},
                 {"warmup", o.warmup},
                 {"repeat", o.repeat},
                 {"batch", o.batch}},
                [&](const std::string& event, const nlohmann::json& data) {
                    if (event == "start") {
                        units = data.at("units").size();
                        std::cerr << o.model << ": " << units << " profiling units, "
                                  << units * tuples.size() << " measurements"
                                  << (stage > 1 ? " (refinement " + std::to_string(stage - 1) + ")"
                                                : "")
                                  << "\n";
                        // Older agents do not say where the layers run.
                        if (data.contains("executionDevice"))
                            std::cerr
                                << "Layers run on: " << data["executionDevice"].get<std::string>()
                                << "\n";
                        if (data.contains("warning"))
                            std::cerr << "dvfo: warning: " << data["warning"].get<std::string>()
                                      << "\n";
                        if (!o.quiet)
                            bar = std::make_unique<ProgressBar>(units * tuples.size(), "profiling");
                        if (store && sessionId) {
                            nlohmann::json device = nlohmann::json::object();
                            for (const char* key : {"executionDevice", "warning"})
                                if (data.contains(key))
                                    device[key] = data[key];
                            store->updateSessionConditions(sessionId, device);
                        }
                    } else if (event == "conditions") {
                        pendingConditions = TupleConditions::fromJson(data);
                        tupleConditions[pendingConditions->pinned] = *pendingConditions;
                        if (pendingConditions->throttled)
                            std::cerr << "\ndvfo: warning: tuple "
                                      << pendingConditions->pinned.toString()
                                      << " throttled: clocks in force "
                                      << pendingConditions->inForce.toString() << "\n";
                    } else if (event == "layer") {
                        records.push_back(LayerRecord::fromJson(data));
                        pending.push_back(records.back());
                        if (pending.size() == units) {
                            if (pendingConditions &&
                                pendingConditions->pinned != pending.front().tuple)
                                pendingConditions.reset();
                            if (store)
                                store->addCompletedTuple(sessionId, pending.front().tuple, pending,
                                                         pendingConditions);
                            pendingConditions.reset();
                            TupleCost& c = costs[pending.front().tuple];
                            c = {};
                            for (const auto& r : pending) {
                                c.latencyMs += r.latency.medianMs;
                                c.energyMj += r.totalEnergyMj;
                            }
                            pending.clear();
                        }
                        ++measured;
                        if (bar)
                            bar->update(measured, records.back().tuple.toString() + " " +
                                                      records.back().layerName);
                    }
                },
                &g_interrupted);
            if (bar)
                bar->finish();
            tuples = adaptive ? adaptive->refine(costs) : std::vector<FrequencyTuple>{};
        }
    } catch (const AgentError& e) {
        if (store && sessionId) {
            store->setSessionStatus(sessionId, e.code() == "cancelled" ? SessionStatus::Cancelled
                                                                       : SessionStatus::Failed);
            std::cerr << "\ndvfo: finished tuples are kept in session " << sessionId
                      << "; continue with --resume " << sessionId;
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
        if (store && sessionId) {
            store->setSessionStatus(sessionId, SessionStatus::Failed);
            std::cerr << "\ndvfo: finished tuples are kept in session " << sessionId
                      << "; continue with --resume " << sessionId;
        }
        std::cerr << "\ndvfo: profile failed: " << e.what() << "\n";
        return 1;
    }
    if (store) {
        store->setSessionStatus(sessionId, SessionStatus::Completed);
        std::cerr << "Stored as session " << sessionId << " in " << store->path() << "\n";
        if (o.resume) {
            records =
                store->measurements(sessionId); // summarise the whole session, not just this run
            tupleConditions = store->tupleConditions(sessionId);
        }
    }
    printSummary(std::cout, records);
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
    cmd->add_option("--resume", o->resume,
                    "Measure only the tuples session ID is missing (same board, model, plan)");
    cmd->callback([o] { throw CLI::RuntimeError(runProfile(*o)); });
}

} // namespace dvfo::cli
