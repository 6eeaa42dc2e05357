#include "remote/edge/layerprofiler.h"

#include <chrono>
#include <stdexcept>

namespace dvfo {

DnnModel& LayerProfiler::model(const std::string& name, int batch) {
    auto key = std::make_pair(name, batch);
    auto it = models_.find(key);
    if (it == models_.end())
        it = models_.emplace(key, DnnModel::create(name, batch)).first;
    return *it->second;
}

bool LayerProfiler::run(const ProfileRequest& request, const std::atomic<bool>& cancel, const StartSink& onStart,
                        const TupleSink& onTuple, const RecordSink& onRecord) {
    if (request.tuples.empty())
        throw std::invalid_argument("no tuples to profile");
    if (request.warmup < 0 || request.repeat < 1 || request.batch < 1)
        throw std::invalid_argument("warmup must be >= 0, repeat and batch >= 1");
    for (const auto& t : request.tuples)
        hal_.spec().validate(t);
    DnnModel& m = model(request.model, request.batch);
    m.prepare();
    onStart(m.layers());

    std::vector<double> samples;
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
            for (int w = 0; w < request.warmup; ++w)
                m.runLayer(li);
            samples.clear();
            hal_.beginMeasurement();
            for (int r = 0; r < request.repeat; ++r) {
                const auto t0 = std::chrono::steady_clock::now();
                m.runLayer(li);
                samples.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
            LayerRecord rec = hal_.finishMeasurement(layers[li], samples);
            rec.layerIndex = int(li);
            onRecord(rec);
            if (cancel)
                return false;
        }
    }
    return true;
}

} // namespace dvfo
