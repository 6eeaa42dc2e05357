#pragma once
#include "core/dnn/dnnmodel.h"
#include "core/dnn/executiondevice.h"
#include "core/board/frequencytuple.h"
#include "core/profile/layerrecord.h"
#include "core/profile/sharerecord.h"
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
    std::string device; // auto | cpu | cuda; empty: the profiler's default (dvfo-edge --device)
    // The split layer of the share sweep; empty: none. With one (and batch 1), at every tuple the
    // first unit after it is also measured on the kept maps of each share 0.1..0.9, and each
    // share's offloaded maps are compressed for their bytes on the wire (ShareRecord).
    std::string shareSplit;
};

// Runs every unit of a model at every tuple on a board: pin the tuple, warm up, time the
// repetitions on the host clock (synchronised with the execution device), let the HAL account
// latency and power, and price each run with the mean power of its measurement window.
//
// A unit's window must hold enough rail readings for its energy to mean something: an INA3221
// publishes one averaged value per update interval, so a 0.4 ms layer timed 5 times would rest
// on one or two readings, most of them of the layer before. So each unit first warms up for at
// least two update intervals (the sensor's average then holds this unit only: a reading looks
// back one interval and is published up to one interval late), then repeats until its runs
// cover minimumMeasurementWindowMs() of board time, and at least `repeat` runs.
class LayerProfiler {
public:
    using RecordSink = std::function<void(const LayerRecord&)>;
    using TupleSink = std::function<void(size_t index, const FrequencyTuple&)>;
    using ShareSink = std::function<void(const ShareRecord&)>;
    // Units of the model, the device they run on, and a warning for the user (empty if none).
    using StartSink = std::function<void(const std::vector<LayerInfo>&, const ExecutionDevice&,
                                         const std::string& warning)>;

    // Upper bound on runs per window, whatever the board reports (a broken clock must not hang
    // the agent).
    static constexpr int kMaxRunsPerWindow = 200000;

    // `halMutex` serialises clock changes with the agent's signal handler, which restores them.
    LayerProfiler(BoardHal& hal, std::mutex& halMutex) : hal_(hal), halMutex_(halMutex) {}

    // The device of requests that do not name one: auto | cpu | cuda. Throws
    // std::invalid_argument for an unknown name and for cuda without CUDA.
    void setDefaultDevice(const std::string& preference);
    const std::string& defaultDevice() const { return defaultDevice_; }
    // The device a request with this preference (empty: the default) would run on. Throws as
    // setDefaultDevice().
    ExecutionDevice executionDevice(const std::string& preference = {}) const;

    // Models stay loaded between requests of one agent session (VGG-11 alone is 0.5 GB).
    DnnModel& model(const std::string& name, int batch);

    // Validates everything before touching the clocks. Returns false when cancelled. With a
    // share split, each tuple's share records go to `onShare` right after the first tail unit's
    // layer record (kShareRecords of them, share index 1..10).
    // Throws InvalidTupleError, std::invalid_argument (unknown model, device or split layer, a
    // share sweep at batch > 1), HalError.
    bool run(const ProfileRequest& request, const std::atomic<bool>& cancel,
             const StartSink& onStart, const TupleSink& onTuple, const RecordSink& onRecord,
             const ShareSink& onShare = {});
    static constexpr int kShareRecords = 10; // share indices 1..10 of the environment's 11

    // The whole model as one unit at `tuple` (units back to back in each run), measured with the
    // same warm-up and window as run()'s units: what per-layer energies must add up to. The
    // record is named "model", kind "model", layer index -1; the clocks stay at `tuple`.
    LayerRecord measureModel(const ProfileRequest& request, const FrequencyTuple& tuple);

private:
    // One run of a part: what executes and what the HAL books for it.
    struct Step {
        const LayerInfo* info;
        std::function<void()> execute;
    };
    struct ShareSweep; // the split layer's maps of the profiling input, ranked and cut per share

    // One unit (or, with `units` of the whole model, one model run) measured through its window.
    LayerRecord measure(DnnModel& m, const std::vector<size_t>& units, const LayerInfo& info,
                        const ProfileRequest& request);
    LayerRecord measureSteps(DnnModel& m, const std::vector<Step>& steps, const LayerInfo& info,
                             const ProfileRequest& request);
    // Throws std::invalid_argument for an unknown or last split layer, one without CxHxW maps, or
    // batch > 1.
    static std::unique_ptr<ShareSweep> prepareShareSweep(DnnModel& m,
                                                         const ProfileRequest& request);
    std::vector<ShareRecord> measureShares(DnnModel& m, const ShareSweep& sweep,
                                           const ProfileRequest& request);

    BoardHal& hal_;
    std::mutex& halMutex_;
    std::string defaultDevice_ = "auto";
    std::map<std::pair<std::string, int>, std::unique_ptr<DnnModel>> models_;
};

} // namespace dvfo
