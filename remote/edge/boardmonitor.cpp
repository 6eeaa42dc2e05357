#include "remote/edge/boardmonitor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace dvfo {

MonitorSample BoardMonitor::sample(double tMs) {
    MonitorSample s;
    s.tMs = tMs;
    std::lock_guard<std::mutex> lock(halMutex_);
    const FrequencyTuple t = hal_.currentFrequencies();
    s.cpuKhz = t.cpuKhz;
    s.gpuKhz = t.gpuKhz;
    s.emcKhz = t.emcKhz;
    for (const auto& r : hal_.readPower())
        s.rails.push_back({r.name, r.milliwatts});
    for (const auto& z : hal_.readThermal())
        s.thermal.push_back({z.type, z.tempC});
    return s;
}

MonitorSummary BoardMonitor::run(const MonitorOptions& options, const std::atomic<bool>& cancel,
                                 const BatchSink& onBatch) {
    using Clock = std::chrono::steady_clock;
    const int rate = std::clamp(options.rateHz, 1, MonitorOptions::kMaxRateHz);
    const auto period =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
    const auto batchEvery = std::chrono::milliseconds(std::max(0, options.batchMs));
    MonitorSummary summary;
    std::vector<MonitorSample> batch;
    const auto start = Clock::now();
    auto lastFlush = start;
    auto lastSample = start;
    for (uint64_t k = 0;; ++k) {
        const auto due = start + period * int64_t(k);
        if (options.durationS > 0 &&
            std::chrono::duration<double>(due - start).count() >= options.durationS)
            break;
        // Sleep in short steps so that a cancel is seen within ~20 ms even at 1 Hz.
        for (auto now = Clock::now(); now < due && !cancel; now = Clock::now())
            std::this_thread::sleep_until(std::min(due, now + std::chrono::milliseconds(20)));
        if (cancel) {
            summary.cancelled = true;
            break;
        }
        const auto now = Clock::now();
        batch.push_back(sample(std::chrono::duration<double, std::milli>(now - start).count()));
        lastSample = now;
        ++summary.samples;
        if (now - lastFlush >= batchEvery) {
            onBatch(batch);
            batch.clear();
            lastFlush = now;
        }
        // Behind (a slow rail read, a late wake-up on a busy CPU): ticks due more than half a
        // period ago, or less than half a period after this sample, are skipped rather than
        // sampled back to back, so two samples are never closer than half a period.
        const auto earliest = std::max(Clock::now() - period / 2, now + period / 2);
        const double ticks = std::chrono::duration<double>(earliest - start) / period;
        const uint64_t next = ticks > 0 ? uint64_t(std::ceil(ticks)) : 0;
        if (next > k + 1) {
            summary.skippedTicks += next - (k + 1);
            k = next - 1;
        }
    }
    if (!batch.empty())
        onBatch(batch);
    summary.elapsedS = std::chrono::duration<double>(lastSample - start).count();
    return summary;
}

} // namespace dvfo
