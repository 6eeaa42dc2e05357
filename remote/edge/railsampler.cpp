#include "remote/edge/railsampler.h"

#include <utility>

namespace dvfo {

RailSampler::RailSampler(ReadFn read, std::chrono::microseconds period)
    : read_(std::move(read)), period_(period) {
    if (period_.count() <= 0)
        period_ = std::chrono::microseconds(1);
}

RailSampler::~RailSampler() {
    try {
        stop();
    } catch (...) {
        // The error belonged to a measurement nobody finished; nothing left to report it to.
    }
}

void RailSampler::setPeriod(std::chrono::microseconds period) {
    period_ = period.count() > 0 ? period : std::chrono::microseconds(1);
}

void RailSampler::start() {
    if (running()) {
        try {
            stop();
        } catch (...) {
            // A restart discards the previous, unfinished measurement including its error.
        }
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopRequested_ = false;
        samples_.clear();
        error_ = nullptr;
        startedAt_ = std::chrono::steady_clock::now();
    }
    thread_ = std::thread(&RailSampler::run, this);
}

RailSampler::Result RailSampler::stop() {
    const auto stoppedAt = std::chrono::steady_clock::now();
    const bool wasRunning = thread_.joinable();
    if (thread_.joinable()) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopRequested_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (error_) {
        auto e = error_;
        error_ = nullptr;
        std::rethrow_exception(e);
    }
    Result r;
    if (!wasRunning)
        return r;
    const double windowS = std::chrono::duration<double>(stoppedAt - startedAt_).count();
    const RailEnergy e = integrateRailEnergy(samples_, 0.0, windowS);
    r.samples = e.samples;
    r.meanMw = e.meanMw;
    r.energyMj = e.energyMj;
    r.windowS = e.windowS;
    samples_.clear();
    return r;
}

void RailSampler::run() {
    using clock = std::chrono::steady_clock;
    auto next = clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopRequested_) {
        lock.unlock();
        const auto readAt = clock::now();
        std::vector<RailReading> readings;
        std::exception_ptr err;
        try {
            readings = read_();
        } catch (...) {
            err = std::current_exception();
        }
        lock.lock();
        if (err) {
            error_ = err;
            return;
        }
        // Stamped when the read began: the thread wakes then, the I2C transfer follows.
        TimedRailSample sample;
        sample.tS = std::chrono::duration<double>(readAt - startedAt_).count();
        for (const auto& r : readings)
            sample.mw[r.name] = r.milliwatts;
        samples_.push_back(std::move(sample));
        next += period_;
        // Slow I2C reads must not turn into a burst of catch-up samples.
        const auto now = clock::now();
        if (next < now)
            next = now;
        wake_.wait_until(lock, next, [this] { return stopRequested_; });
    }
}

} // namespace dvfo
