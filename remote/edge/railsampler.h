#pragma once
#include "core/board/railenergy.h"
#include "remote/edge/boardhal.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dvfo {

// Samples the power rails on a background thread while a unit runs, because tegrastats-style
// 1 s readings are far too coarse for per-layer energy. Each reading is stamped with when it was
// taken, and the window from start() to stop() is integrated with sample-and-hold
// (integrateRailEnergy): slow I2C reads make the spacing uneven, which a plain mean would ignore.
class RailSampler {
public:
    using ReadFn = std::function<std::vector<RailReading>()>;

    struct Result {
        int samples = 0;
        std::map<std::string, double> meanMw;   // time-weighted over the window
        std::map<std::string, double> energyMj; // over the whole window
        double windowS = 0;                     // start() to stop()
    };

    explicit RailSampler(ReadFn read,
                         std::chrono::microseconds period = std::chrono::microseconds(1000));
    ~RailSampler();
    RailSampler(const RailSampler&) = delete;
    RailSampler& operator=(const RailSampler&) = delete;

    void setPeriod(std::chrono::microseconds period);
    std::chrono::microseconds period() const { return period_; }
    bool running() const { return thread_.joinable(); }

    // Starts a fresh accumulation (a running sampler is restarted).
    void start();
    // Stops and returns the means. Rethrows the first read error of the thread, so a broken
    // rail file fails the measurement instead of averaging fewer samples.
    Result stop();

private:
    void run();

    ReadFn read_;
    std::chrono::microseconds period_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopRequested_ = false;
    std::chrono::steady_clock::time_point startedAt_;
    std::vector<TimedRailSample> samples_;
    std::exception_ptr error_;
};

} // namespace dvfo
