#pragma once
#include "core/board/monitorsample.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace dvfo {

// The last `windowS` seconds of a live monitor, as the plots and the terminal table read it: a
// ring of samples trimmed by board time, with per-channel series pulled out on demand (a plot
// redraws 25 times a second, samples arrive at 50-200 Hz). Qt-free.
class MonitorSeries {
public:
    enum class Clock { Cpu, Gpu, Emc };
    struct Series {
        std::vector<double> tS;     // board time, seconds since the monitor started
        std::vector<double> values; // MHz, W or degrees C
    };

    explicit MonitorSeries(double windowS = 30, size_t maxSamples = 200 * 120);

    // Appends in order. A sample older than the last one means the agent started a new monitor
    // (board time restarts at 0): the old run is dropped.
    void append(const std::vector<MonitorSample>& samples);
    void append(const MonitorSample& sample);
    void clear();

    void setWindowS(double s);
    double windowS() const { return windowS_; }
    size_t size() const { return samples_.size(); }
    bool empty() const { return samples_.empty(); }
    const MonitorSample& latest() const { return samples_.back(); }
    const std::deque<MonitorSample>& samples() const { return samples_; }
    uint64_t received() const { return received_; } // since the last clear()

    // Channels of the latest sample, in the agent's order.
    std::vector<std::string> railNames() const;
    std::vector<std::string> zoneTypes() const;

    Series clockMhz(Clock c) const;
    Series railWatts(const std::string& rail) const;   // empty for an unknown rail
    Series zoneCelsius(const std::string& type) const; // empty for an unknown zone
    // Samples per second over the last `overS` seconds of board time (0 with fewer than 2).
    double achievedHz(double overS = 1.0) const;

private:
    void trim();

    double windowS_;
    size_t maxSamples_;
    std::deque<MonitorSample> samples_;
    uint64_t received_ = 0;
};

} // namespace dvfo
