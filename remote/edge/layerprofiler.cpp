#include "remote/edge/layerprofiler.h"

#include "core/dnn/channelsplit.h"
#include "core/dnn/compressedfeatures.h"
#include "core/profile/latencystats.h"
#include "core/board/railenergy.h"
#include "core/dnn/splitmodel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
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

// The maps the head gives for the profiling input, ranked as the runtime ranks a zoo model's maps
// (L1 norm, ZooSplit), and per share the kept maps, the first tail unit cut to them and the
// compressed offloaded maps' bytes.
struct LayerProfiler::ShareSweep {
    struct Cut {
        int shareIndex = 0;
        std::vector<int32_t> kept;
        std::vector<float> keptInput; // the split layer's maps with the offloaded ones zeroed
        LayerInfo keptUnit;           // what the edge runs (the whole unit if it has no cut form)
        bool cut = false;             // runUnitOnKeptChannels has a form for this unit
        double wireBytes = 0;
    };
    std::string splitLayer;
    size_t firstUnit = 0;
    int channels = 0;
    std::vector<Cut> cuts;
};

LayerRecord LayerProfiler::measure(DnnModel& m, const std::vector<size_t>& units,
                                   const LayerInfo& info, const ProfileRequest& request) {
    std::vector<Step> steps;
    for (size_t u : units)
        steps.push_back({&m.layers()[u], [&m, u] { m.runLayer(u); }});
    return measureSteps(m, steps, info, request);
}

LayerRecord LayerProfiler::measureSteps(DnnModel& m, const std::vector<Step>& steps,
                                        const LayerInfo& info, const ProfileRequest& request) {
    const double intervalS = hal_.railUpdateIntervalMs() / 1e3;
    const double minWindowS = minimumMeasurementWindowMs(hal_.railUpdateIntervalMs()) / 1e3;
    // An emulated board's time is its model's: beyond the runs that give the latency spread,
    // running the unit here again would only cost time, so those runs are booked, not executed.
    const bool emulated = hal_.emulated();
    // One run of the units; returns its board time. Host time goes to `hostSeconds` when run.
    auto runOnce = [&](bool execute, std::vector<double>* hostSeconds) {
        double board = 0, host = 0;
        for (const Step& step : steps) {
            double s = 0;
            if (execute) {
                const auto t0 = std::chrono::steady_clock::now();
                step.execute();
                m.synchronize(); // CUDA queues kernels: time their completion, not their launch
                s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            }
            host += s;
            board += hal_.unitRan(*step.info, s);
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
    if (emulated && steps.size() != 1) {
        // An emulated board prices single units, not a chain of them: the chain's median is its
        // runs' board time, with the spread of the runs executed here.
        const LatencyStats host = computeLatencyStats(hostSeconds);
        const double scale = host.medianMs > 0 ? runS * 1e3 / host.medianMs : 0.0;
        rec.latency = {runS * 1e3, host.p10Ms * scale, host.p90Ms * scale, host.n};
    }
    return rec;
}

std::unique_ptr<LayerProfiler::ShareSweep>
LayerProfiler::prepareShareSweep(DnnModel& m, const ProfileRequest& request) {
    if (request.batch != 1)
        throw std::invalid_argument("the share sweep runs at batch 1 (as the runtime), not " +
                                    std::to_string(request.batch));
    const auto& layers = m.layers();
    const auto split = std::find_if(layers.begin(), layers.end(), [&](const LayerInfo& l) {
        return l.name == request.shareSplit;
    });
    if (split == layers.end())
        throw std::invalid_argument("model " + request.model + " has no layer '" +
                                    request.shareSplit + "' to split after");
    const size_t splitIndex = size_t(split - layers.begin());
    const std::vector<int64_t>& out = split->outputShape;
    if (splitIndex + 1 >= layers.size() || out.size() != 4 || out[1] < 1)
        throw std::invalid_argument("split layer '" + request.shareSplit + "' of " + request.model +
                                    " is the last unit or does not output feature maps");
    auto sweep = std::make_unique<ShareSweep>();
    sweep->splitLayer = request.shareSplit;
    sweep->firstUnit = splitIndex + 1;
    const FeatureShape shape{out[1], out[2], out[3]};
    sweep->channels = int(shape.channels);

    // A deterministic image-like input through the head, on this machine's CPU copy of the units.
    const std::vector<int64_t> inShape = m.inputShape();
    const int64_t n =
        std::accumulate(inShape.begin(), inShape.end(), int64_t(1), std::multiplies<int64_t>());
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(n));
    for (float& v : x)
        v = uniform(rng);
    for (size_t u = 0; u <= splitIndex; ++u)
        x = m.runUnit(u, x);
    const int64_t map = shape.mapSize();
    std::vector<float> weights(size_t(shape.channels), 0.0f);
    for (int64_t c = 0; c < shape.channels; ++c) {
        double sum = 0;
        for (int64_t i = 0; i < map; ++i)
            sum += std::abs(x[size_t(c * map + i)]);
        weights[size_t(c)] = float(sum / double(map));
    }
    for (int k = 1; k <= kShareRecords; ++k) {
        const ChannelSplit cs =
            ChannelSplit::rank(weights.data(), int32_t(shape.channels), k / 10.0);
        ShareSweep::Cut cut;
        cut.shareIndex = k;
        cut.kept = cs.kept;
        cut.wireBytes =
            double(CompressedFeatures::compress(x.data(), shape, cs.offloaded).wireBytes());
        cut.keptUnit =
            unitOnKeptChannels(layers[sweep->firstUnit], int(cs.kept.size()), shape.channels);
        if (!cs.kept.empty()) {
            cut.keptInput = x;
            for (int32_t c : cs.offloaded)
                std::fill(cut.keptInput.begin() + int64_t(c) * map,
                          cut.keptInput.begin() + int64_t(c + 1) * map, 0.0f);
            cut.cut = !m.runUnitOnKeptChannels(sweep->firstUnit, cut.keptInput, cut.kept).empty();
        }
        sweep->cuts.push_back(std::move(cut));
    }
    return sweep;
}

std::vector<ShareRecord> LayerProfiler::measureShares(DnnModel& m, const ShareSweep& sweep,
                                                      const ProfileRequest& request) {
    const LayerInfo& whole = m.layers()[sweep.firstUnit];
    std::vector<ShareRecord> out;
    for (const ShareSweep::Cut& cut : sweep.cuts) {
        ShareRecord r;
        r.shareIndex = cut.shareIndex;
        r.channels = sweep.channels;
        r.keptChannels = int(cut.kept.size());
        r.wireBytes = cut.wireBytes;
        r.splitLayer = sweep.splitLayer;
        if (cut.kept.empty()) { // everything offloaded: the edge runs nothing of the tail
            r.unit.tuple = hal_.currentFrequencies();
            r.unit.layerName = whole.name;
            r.unit.kind = whole.kind;
            r.unit.emulated = hal_.emulated();
        } else {
            std::function<void()> execute = [&m, &cut, &sweep] {
                (void)m.runUnitOnKeptChannels(sweep.firstUnit, cut.keptInput, cut.kept);
            };
            if (!cut.cut) // the edge runs the whole unit on the zeroed maps (edgeTailOnKept)
                execute = [&m, &sweep] { m.runLayer(sweep.firstUnit); };
            r.unit = measureSteps(m, {{&cut.keptUnit, execute}}, cut.keptUnit, request);
        }
        r.unit.layerIndex = int(sweep.firstUnit);
        out.push_back(std::move(r));
    }
    return out;
}

bool LayerProfiler::run(const ProfileRequest& request, const std::atomic<bool>& cancel,
                        const StartSink& onStart, const TupleSink& onTuple,
                        const RecordSink& onRecord, const ShareSink& onShare) {
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
    std::unique_ptr<ShareSweep> sweep;
    if (!request.shareSplit.empty())
        sweep = prepareShareSweep(m, request);
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
            if (sweep && li == sweep->firstUnit && onShare) {
                for (const ShareRecord& share : measureShares(m, *sweep, request))
                    onShare(share);
                if (cancel)
                    return false;
            }
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
