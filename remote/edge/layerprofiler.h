#pragma once
#include "core/dnnmodel.h"
#include "core/frequencytuple.h"
#include "core/layerrecord.h"
#include "remote/edge/boardhal.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dvfo {

struct ProfileRequest {
    std::string model;
    std::vector<FrequencyTuple> tuples;
    int warmup = 1;
    int repeat = 5;
    int batch = 1;
};

// Runs every unit of a model at every tuple on a board: pin the tuple, warm up, time the
// repetitions on the host clock, let the HAL account latency and energy.
class LayerProfiler {
public:
    using RecordSink = std::function<void(const LayerRecord&)>;
    using TupleSink = std::function<void(size_t index, const FrequencyTuple&)>;
    using StartSink = std::function<void(const std::vector<LayerInfo>&)>;

    // `halMutex` serialises clock changes with the agent's signal handler, which restores them.
    LayerProfiler(BoardHal& hal, std::mutex& halMutex) : hal_(hal), halMutex_(halMutex) {}

    // Models stay loaded between requests of one agent session (VGG-11 alone is 0.5 GB).
    DnnModel& model(const std::string& name, int batch);

    // Validates everything before touching the clocks. Returns false when cancelled.
    // Throws InvalidTupleError, std::invalid_argument (unknown model), HalError.
    bool run(const ProfileRequest& request, const std::atomic<bool>& cancel, const StartSink& onStart,
             const TupleSink& onTuple, const RecordSink& onRecord);

private:
    BoardHal& hal_;
    std::mutex& halMutex_;
    std::map<std::pair<std::string, int>, std::unique_ptr<DnnModel>> models_;
};

} // namespace dvfo
