// dvfo-bench-layerenergy: how far per-layer energies are from the truth and from the whole model
// on an emulated board whose rails behave like an INA3221, before and after the measurement
// window strategy.
//
// before: what LayerProfiler did until the window existed: 1 warm-up run, 5 timed runs, the plain
//         mean of the rail readings taken during them (one as the window opens, then one per ms)
//         times the median run time. Replayed here against the same INA3221 emulation.
// after:  LayerProfiler as it is: warm-up for at least 2 update intervals, a window of at least
//         max(20 ms, 10 update intervals), readings integrated with sample-and-hold.
// truth:  the emulation model's own energy of each unit (what an ideal meter would say).
#include "core/dnn/dnnmodel.h"
#include "core/emulation/emulationmodel.h"
#include "core/board/ina3221emulator.h"
#include "remote/edge/emulatedboard.h"
#include "remote/edge/layerprofiler.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>

using namespace dvfo;

namespace {

struct Energies {
    std::vector<double> layersMj; // per unit
    double wholeMj = 0;           // the model measured as one unit
    double boardS = 0;            // board time the per-layer measurement windows took
};

// The old strategy, replayed on an INA3221 emulation of the board's rails.
class OldStrategy {
public:
    OldStrategy(const EmulationModel& model, double intervalMs)
        : model_(model), chip_(railNames(model.spec()), intervalMs / 1e3) {}

    // The rails at the board's idle power for a while, as when a sweep starts on a real board
    // (otherwise the chip would have published nothing yet and the first unit would read 0).
    void settle(const FrequencyTuple& t) { chip_.draw(model_.idlePowerMw(t), 0.1); }

    // Energy of one run of `units` (back to back) at `t`.
    double measure(const std::vector<LayerInfo>& units, const FrequencyTuple& t, double* windowS) {
        runOnce(units, t); // warm-up 1
        const double begin = chip_.now();
        std::vector<std::map<std::string, double>> readings{chip_.reading(begin)};
        double next = (std::floor(begin / kPeriodS) + 1) * kPeriodS;
        std::vector<double> runs;
        for (int r = 0; r < 5; ++r) {
            runs.push_back(runOnce(units, t));
            for (; next <= chip_.now(); next += kPeriodS)
                readings.push_back(chip_.reading(next));
        }
        *windowS += chip_.now() - begin;
        chip_.forgetBefore(chip_.now());
        std::map<std::string, double> meanMw;
        for (const auto& reading : readings)
            for (const auto& [rail, mw] : reading)
                meanMw[rail] += mw / double(readings.size());
        std::sort(runs.begin(), runs.end());
        return model_.totalPowerMw(meanMw) * runs[runs.size() / 2];
    }

private:
    static constexpr double kPeriodS = 1e-3; // RailSampler's default period

    static std::vector<std::string> railNames(const BoardSpec& spec) {
        std::vector<std::string> names;
        for (const auto& r : spec.rails)
            names.push_back(r.name);
        return names;
    }

    double runOnce(const std::vector<LayerInfo>& units, const FrequencyTuple& t) {
        double s = 0;
        for (const auto& u : units) {
            const double k = EmulationModel::kindEfficiency(u.kind);
            const double unitS = model_.timing(u, t, k).totalS;
            chip_.draw(model_.railPowerMw(u, t, k), unitS);
            s += unitS;
        }
        return s;
    }

    const EmulationModel& model_;
    Ina3221Emulator chip_;
};

Energies before(const EmulationModel& model, const std::vector<LayerInfo>& layers,
                const FrequencyTuple& t, double intervalMs) {
    OldStrategy old(model, intervalMs);
    old.settle(t);
    Energies e;
    for (const auto& l : layers)
        e.layersMj.push_back(old.measure({l}, t, &e.boardS));
    double ignored = 0;
    e.wholeMj = old.measure(layers, t, &ignored);
    return e;
}

Energies after(EmulatedBoard& board, const std::string& model, const FrequencyTuple& t) {
    std::mutex halMutex;
    LayerProfiler profiler(board, halMutex);
    ProfileRequest request;
    request.model = model;
    request.tuples = {t};
    std::atomic<bool> cancel{false};
    Energies e;
    profiler.run(
        request, cancel,
        [](const std::vector<LayerInfo>&, const ExecutionDevice&, const std::string&) {},
        [](size_t, const FrequencyTuple&) {},
        [&](const LayerRecord& r) {
            e.layersMj.push_back(r.totalEnergyMj);
            e.boardS += r.windowMs / 1e3;
        });
    e.wholeMj = profiler.measureModel(request, t).totalEnergyMj;
    return e;
}

double sum(const std::vector<double>& v) {
    double s = 0;
    for (double x : v)
        s += x;
    return s;
}

// Mean and max relative error of the per-layer energies against the truth, in %.
std::pair<double, double> layerErrors(const std::vector<double>& measured,
                                      const std::vector<double>& truth) {
    double mean = 0, worst = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
        const double e = std::abs(measured[i] - truth[i]) / truth[i] * 100;
        mean += e / double(truth.size());
        worst = std::max(worst, e);
    }
    return {mean, worst};
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Per-layer energy on an emulated board with INA3221 rails, before and after the "
                 "measurement window"};
    std::string boardId = "xavier-nx", modelName = "resnet18";
    std::vector<double> intervals{1.1, 6.6, 20};
    app.add_option("--board", boardId, "Built-in board")->capture_default_str();
    app.add_option("--model", modelName, "Zoo model")->capture_default_str();
    app.add_option("--intervals", intervals, "Rail update intervals (ms)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    const BoardSpec spec = BoardSpec::builtin(boardId);
    const EmulationModel model(spec);
    const auto net = DnnModel::create(modelName, 1);
    const std::vector<LayerInfo>& layers = net->layers();
    const auto middle = [](const std::vector<int64_t>& v) { return v[v.size() / 2]; };
    const std::vector<std::pair<std::string, FrequencyTuple>> tuples{
        {"max", spec.maxTuple()},
        {"mid",
         {middle(spec.cpu.frequenciesKhz), middle(spec.gpu.frequenciesKhz),
          middle(spec.emc.frequenciesKhz)}},
        {"min", spec.minTuple()}};

    std::printf("%s %s, %zu units; errors in %%: sum of layers vs whole model, layers vs truth "
                "(mean/max)\n",
                boardId.c_str(), modelName.c_str(), layers.size());
    std::printf("%8s %5s %9s | %8s %7s %8s %7s %6s | %8s %7s %8s %7s %6s\n", "interval", "tuple",
                "truth mJ", "old sum", "old vs", "old mean", "old max", "old s", "new sum",
                "new vs", "new mean", "new max", "new s");
    for (double interval : intervals) {
        HostCalibration host; // fixed: the board's numbers do not depend on it
        EmulatedBoard board(spec, host);
        board.setRailUpdateIntervalMs(interval);
        for (const auto& [label, t] : tuples) {
            std::vector<double> truth;
            for (const auto& l : layers)
                truth.push_back(model.unitEnergyMj(l, t));
            const Energies old = before(model, layers, t, interval);
            const Energies now = after(board, modelName, t);
            const auto [oldMean, oldMax] = layerErrors(old.layersMj, truth);
            const auto [newMean, newMax] = layerErrors(now.layersMj, truth);
            const double oldSum = sum(old.layersMj), newSum = sum(now.layersMj);
            std::printf("%6.1fms %5s %9.2f | %8.2f %6.1f%% %7.1f%% %6.1f%% %6.3f | %8.2f %6.2f%% "
                        "%7.2f%% %6.2f%% %6.3f\n",
                        interval, label.c_str(), sum(truth), oldSum,
                        100 * std::abs(oldSum - old.wholeMj) / old.wholeMj, oldMean, oldMax,
                        old.boardS, newSum, 100 * std::abs(newSum - now.wholeMj) / now.wholeMj,
                        newMean, newMax, now.boardS);
        }
    }
    std::printf(
        "\nold: 1 warm-up + 5 runs, mean of 1 ms readings x median run time; new: warm-up "
        ">= 2 intervals, window >= max(20 ms, 10 intervals), sample-and-hold.\n"
        "'vs' = |sum of layers - whole model| / whole model, each measured with its own "
        "strategy; 's' = board seconds of the per-layer windows per tuple (warm-ups excluded).\n");
    return 0;
}
