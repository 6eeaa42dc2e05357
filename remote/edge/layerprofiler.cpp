#include "remote/edge/layerprofiler.h"

#include "core/latencystats.h"
#include "core/railenergy.h"

#include <chrono>
#include <numeric>
#include <stdexcept>

namespace dvfo {

void LayerProfiler::setDefaultDevice(const std::string& preference) {
    (void)ExecutionDevice::select(preference); // fail now, at start-up, not at the first sweep
    defaultDevice_ = preference;
}

ExecutionDevice LayerProfiler::executionDevice(const std::string& preference) const {
    return ExecutionDevice::select(preference.empty() ? defaultDevice_ : preference);
}

DnnModel& LayerProfiler::model(const std::string& name, int batch) {
    auto key = std::make_pair(name, batch);
    auto it = models_.find(key);
    if (it == models_.end())
        it = models_.emplace(key, DnnModel::create(name, batch)).first;
    return *it->second;
}

LayerRecord LayerProfiler::measure(DnnModel& m, const std::vector<size_t>& units,
                                   const LayerInfo& info, const ProfileRequest& request) {
    const auto& layers = m.layers();
    const double intervalS = hal_.railUpdateIntervalMs() / 1e3;
    const double minWindowS = minimumMeasurementWindowMs(hal_.railUpdateIntervalMs()) / 1e3;
    // An emulated board's time is its model's: beyond the runs that give the latency spread,
    // running the unit here again would only cost time, so those runs are booked, not executed.
    const bool emulated = hal_.emulated();
    // One run of the units; returns its board time. Host time goes to `hostSeconds` when run.
    auto runOnce = [&](bool execute, std::vector<double>* hostSeconds) {
        double board = 0, host = 0;
        for (size_t u : units) {
            double s = 0;
            if (execute) {
                const auto t0 = std::chrono::steady_clock::now();
                m.runLayer(u);
                m.synchronize(); // CUDA queues kernels: time their completion, not their launch
                s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            }
            host += s;
            board += hal_.unitRan(layers[u], s);
        }
        if (hostSeconds && execute) // booked runs have no host time to give the spread
            hostSeconds->push_back(host);
        return board;
    };

    double warmS = 0;
    for (int w = 0; (w < request.warmup || warmS < 2 * intervalS) && w < kMaxRunsPerWindow; ++w)
        warmS += runOnce(w < request.warmup || !emulated, nullptr);

    std::vector<double> hostSeconds;
    double boardS = 0;
    int runs = 0;
    hal_.beginMeasurement();
    const auto begin = std::chrono::steady_clock::now();
    for (; (runs < request.repeat || boardS < minWindowS) && runs < kMaxRunsPerWindow; ++runs)
        boardS += runOnce(runs < request.repeat || !emulated, &hostSeconds);
    const double wallS =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    LayerRecord rec = hal_.finishMeasurement(info, hostSeconds);

    // Price a run with the window's mean power and the mean run time: means, not medians, so
    // that the energies of the units add up to the energy of the model they make up.
    const double runS = runs > 0 ? boardS / runs : 0;
    rec.energyMj.clear();
    double sum = 0;
    for (const auto& [rail, mw] : rec.powerMw) {
        rec.energyMj[rail] = mw * runS; // mW x s = mJ
        sum += rec.energyMj[rail];
    }
    const std::string input = hal_.spec().inputRail();
    rec.totalEnergyMj = !input.empty() && rec.energyMj.count(input) ? rec.energyMj.at(input) : sum;
    if (rec.windowMs <= 0) // a HAL that does not report its window: the wall clock's
        rec.windowMs = (emulated ? boardS : wallS) * 1e3;
    if (emulated && units.size() != 1) {
        // An emulated board prices single units, not a chain of them: the chain's median is its
        // runs' board time, with the spread of the runs executed here.
        const LatencyStats host = computeLatencyStats(hostSeconds);
        const double scale = host.medianMs > 0 ? runS * 1e3 / host.medianMs : 0.0;
        rec.latency = {runS * 1e3, host.p10Ms * scale, host.p90Ms * scale, host.n};
    }
    return rec;
}

bool LayerProfiler::run(const ProfileRequest& request, const std::atomic<bool>& cancel,
                        const StartSink& onStart, const TupleSink& onTuple,
                        const RecordSink& onRecord) {
    if (request.tuples.empty())
        throw std::invalid_argument("no tuples to profile");
    if (request.warmup < 0 || request.repeat < 1 || request.batch < 1)
        throw std::invalid_argument("warmup must be >= 0, repeat and batch >= 1");
    for (const auto& t : request.tuples)
        hal_.spec().validate(t);
    const ExecutionDevice device = executionDevice(request.device);
    DnnModel& m = model(request.model, request.batch);
    m.setDevice(device);
    m.prepare();
    onStart(m.layers(), device, gpuSweepOnCpuWarning(device, hal_.emulated(), request.tuples));

    for (size_t ti = 0; ti < request.tuples.size(); ++ti) {
        if (cancel)
            return false;
        const FrequencyTuple& t = request.tuples[ti];
        {
            std::lock_guard<std::mutex> lock(halMutex_);
            hal_.setFrequencies(t);
        }
        onTuple(ti, t);
        const auto& layers = m.layers();
        for (size_t li = 0; li < layers.size(); ++li) {
            LayerRecord rec = measure(m, {li}, layers[li], request);
            rec.layerIndex = int(li);
            onRecord(rec);
            if (cancel)
                return false;
        }
    }
    return true;
}

LayerRecord LayerProfiler::measureModel(const ProfileRequest& request,
                                        const FrequencyTuple& tuple) {
    if (request.warmup < 0 || request.repeat < 1 || request.batch < 1)
        throw std::invalid_argument("warmup must be >= 0, repeat and batch >= 1");
    hal_.spec().validate(tuple);
    DnnModel& m = model(request.model, request.batch);
    m.setDevice(executionDevice(request.device));
    m.prepare();
    {
        std::lock_guard<std::mutex> lock(halMutex_);
        hal_.setFrequencies(tuple);
    }
    std::vector<size_t> all(m.layers().size());
    std::iota(all.begin(), all.end(), size_t(0));
    LayerInfo whole;
    whole.name = "model";
    whole.kind = "model";
    LayerRecord rec = measure(m, all, whole, request);
    rec.layerIndex = -1;
    return rec;
}

} // namespace dvfo
