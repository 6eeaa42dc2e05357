// Ingest throughput of the workspace database: synthetic layer measurements written the way the
// profiler writes them (one transaction per tuple of layers) and in bigger batches, each run into
// a fresh database file. Prints one table row per run, plus a read-back row.
#include "core/workspace/profilestore.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sys/resource.h>
#include <string>
#include <vector>

using namespace dvfo;
namespace fs = std::filesystem;

namespace {

// How a run hands its records to the store.
enum class Mode {
    AddThenMark, // addMeasurements(tuple) + markTupleComplete(tuple): the profiler's path
    Completed,   // addCompletedTuple(tuple): both in one transaction
    Batch,       // addMeasurements() with several tuples per call (import-like)
};

struct Run {
    Mode mode;
    int tuplesPerBatch;
};

const char* modeName(Mode m) {
    switch (m) {
    case Mode::AddThenMark:
        return "add+mark";
    case Mode::Completed:
        return "completed";
    case Mode::Batch:
        return "add";
    }
    return "?";
}

FrequencyTuple tupleAt(int64_t i) {
    // Distinct tuples on a 100 x 100 x N grid, in the order a sweep would visit them.
    return {102000 + (i % 100) * 19200, 114750 + (i / 100 % 100) * 9945,
            204000 + (i / 10000) * 6000};
}

// One tuple's worth of layers with realistic names, kinds and Xavier NX rails.
std::vector<LayerRecord> layerTemplate(int layers, std::mt19937_64& rng) {
    static const char* kinds[] = {"Conv2d",    "BatchNorm2d", "ReLU",
                                  "MaxPool2d", "Linear",      "AdaptiveAvgPool2d"};
    std::uniform_real_distribution<double> ms(0.05, 12.0);
    std::vector<LayerRecord> out(layers);
    for (int i = 0; i < layers; ++i) {
        LayerRecord& r = out[i];
        r.layerIndex = i;
        r.layerName = "layer" + std::to_string(i / 6 + 1) + "." + std::to_string(i % 6) + ".conv" +
                      std::to_string(i % 3);
        r.kind = kinds[i % 6];
        const double median = ms(rng);
        r.latency = {median, median * 0.96, median * 1.07, 50};
        r.powerMw = {{"VDD_IN", 5200 + median * 10},
                     {"VDD_CPU_GPU_CV", 2100 + median * 7},
                     {"VDD_SOC", 1150.25}};
        for (const auto& [rail, mw] : r.powerMw)
            r.energyMj[rail] = mw * median / 1000;
        r.totalEnergyMj = r.energyMj["VDD_IN"];
    }
    return out;
}

// This process's user + system CPU time. Reported next to wall time because the bench usually
// shares two cores with compilers: records per CPU second is the number that does not depend on
// them.
double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

uintmax_t sizeOr0(const fs::path& p) {
    std::error_code ec;
    const auto s = fs::file_size(p, ec);
    return ec ? 0 : s;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"DVFO workspace database ingest benchmark"};
    int64_t records = 1000000;
    int layers = 30;
    std::vector<int> batchTuples{10, 100, 1000};
    std::string dirArg;
    bool keep = false;
    bool read = true;
    app.add_option("-n,--records", records, "layer measurements per run")
        ->check(CLI::PositiveNumber);
    app.add_option("-l,--layers", layers, "layers per tuple (one profiler batch)")
        ->check(CLI::PositiveNumber);
    app.add_option("-b,--batch-tuples", batchTuples, "tuples per batch for the bigger-batch runs");
    app.add_option("-d,--dir", dirArg,
                   "directory for the database files (default: a fresh one under /tmp)");
    app.add_flag("--keep", keep, "keep the database files");
    app.add_flag("!--no-read", read, "skip the read-back row");
    CLI11_PARSE(app, argc, argv);

    fs::path dir = dirArg;
    if (dir.empty()) {
        std::string tmpl = (fs::temp_directory_path() / "dvfo-bench-store-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) {
            std::perror("mkdtemp");
            return 1;
        }
        dir = tmpl;
    }
    fs::create_directories(dir);

    std::vector<Run> runs{{Mode::AddThenMark, 1}, {Mode::Completed, 1}};
    for (int t : batchTuples)
        runs.push_back({Mode::Batch, t});

    std::mt19937_64 rng(42);
    const auto templ = layerTemplate(layers, rng);
    const int64_t tupleCount = (records + layers - 1) / layers;

    std::printf("%lld layer measurements per run, %d layers per tuple, files in %s\n\n",
                static_cast<long long>(records), layers, dir.c_str());
    std::printf("%-10s %8s %10s %9s %12s %9s %12s %8s\n", "api", "batch", "records", "seconds",
                "records/s", "cpu s", "records/cpu-s", "DB MiB");
    std::printf("%-10s %8s %10s %9s %12s %9s %12s %8s\n", "----------", "--------", "----------",
                "---------", "------------", "---------", "------------", "--------");

    fs::path lastDb;
    int64_t lastSession = 0;
    try {
        for (size_t runIndex = 0; runIndex < runs.size(); ++runIndex) {
            const Run& run = runs[runIndex];
            const fs::path db = dir / ("bench-" + std::to_string(runIndex) + ".db");
            for (const char* suffix : {"", "-wal", "-shm"})
                fs::remove(db.string() + suffix);

            ProfileStore store(db.string());
            SessionInfo info;
            info.name = "bench";
            info.boardId = "xavier-nx";
            info.model = "resnet18";
            const int64_t session = store.createSession(info);

            std::vector<LayerRecord> batch;
            batch.reserve(size_t(layers) * run.tuplesPerBatch);
            int64_t written = 0;
            const auto start = std::chrono::steady_clock::now();
            const double cpuStart = cpuSeconds();
            for (int64_t t = 0; t < tupleCount; t += run.tuplesPerBatch) {
                batch.clear();
                const int64_t end = std::min<int64_t>(t + run.tuplesPerBatch, tupleCount);
                for (int64_t k = t; k < end; ++k) {
                    const FrequencyTuple tuple = tupleAt(k);
                    for (int i = 0; i < layers && written < records; ++i, ++written) {
                        batch.push_back(templ[i]);
                        batch.back().tuple = tuple;
                        batch.back().latency.medianMs += double(k % 7) * 1e-3; // not all rows alike
                    }
                }
                switch (run.mode) {
                case Mode::AddThenMark:
                    store.addMeasurements(session, batch);
                    store.markTupleComplete(session, batch.front().tuple);
                    break;
                case Mode::Completed:
                    store.addCompletedTuple(session, batch.front().tuple, batch);
                    break;
                case Mode::Batch:
                    store.addMeasurements(session, batch);
                    break;
                }
            }
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double cpu = cpuSeconds() - cpuStart;
            const uintmax_t bytes = sizeOr0(db) + sizeOr0(db.string() + "-wal");
            std::printf("%-10s %8d %10lld %9.2f %12.0f %9.2f %12.0f %8.1f\n", modeName(run.mode),
                        layers * run.tuplesPerBatch, static_cast<long long>(written), secs,
                        double(written) / secs, cpu, double(written) / cpu,
                        double(bytes) / (1 << 20));
            std::fflush(stdout);
            lastDb = db;
            lastSession = session;
        }

        if (read && !lastDb.empty()) {
            ProfileStore store(lastDb.string());
            const auto start = std::chrono::steady_clock::now();
            const double cpuStart = cpuSeconds();
            const auto back = store.measurements(lastSession);
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double cpu = cpuSeconds() - cpuStart;
            std::printf("%-10s %8s %10zu %9.2f %12.0f %9.2f %12.0f %8.1f\n", "read all", "-",
                        back.size(), secs, double(back.size()) / secs, cpu,
                        double(back.size()) / cpu, double(sizeOr0(lastDb)) / (1 << 20));
        }
    } catch (const ProfileStoreError& e) {
        std::fprintf(stderr, "dvfo-bench-store: %s\n", e.what());
        return 1;
    }

    if (!keep && dirArg.empty())
        fs::remove_all(dir);
    return 0;
}
