#pragma once
#include "core/board/monitorsample.h"
#include "remote/edge/boardhal.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace dvfo {

struct MonitorOptions {
    static constexpr int kMaxRateHz = 200;
    int rateHz = 50;
    double durationS = 0; // 0: until cancelled
    int batchMs = 50;     // samples are sent together at most this often (0: one line each)
};

struct MonitorSummary {
    uint64_t samples = 0;
    uint64_t skippedTicks = 0; // ticks missed because a sample took longer than a period
    double elapsedS = 0;
    bool cancelled = false;
    double achievedHz() const {
        return elapsedS > 0 && samples > 1 ? double(samples - 1) / elapsedS : 0;
    }
};

// The agent's live monitor: samples the clocks in force, the rails and the thermal zones at a
// fixed rate on the steady clock. Tick k is due at start + k / rate whatever the previous ticks
// took, so the rate does not drift; a tick already more than half a period late is skipped
// (counted), never made up in a burst. Each reading takes `halMutex`, as clock changes do.
class BoardMonitor {
public:
    using BatchSink = std::function<void(const std::vector<MonitorSample>&)>;

    BoardMonitor(BoardHal& hal, std::mutex& halMutex) : hal_(hal), halMutex_(halMutex) {}

    MonitorSample sample(double tMs);
    // Runs until the duration is over or `cancel` is set; the last partial batch is delivered.
    MonitorSummary run(const MonitorOptions& options, const std::atomic<bool>& cancel,
                       const BatchSink& onBatch);

private:
    BoardHal& hal_;
    std::mutex& halMutex_;
};

} // namespace dvfo
