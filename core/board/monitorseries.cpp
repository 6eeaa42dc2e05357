#include "core/board/monitorseries.h"

#include <algorithm>

namespace dvfo {

MonitorSeries::MonitorSeries(double windowS, size_t maxSamples)
    : windowS_(windowS > 0 ? windowS : 1), maxSamples_(std::max<size_t>(maxSamples, 2)) {}

void MonitorSeries::append(const std::vector<MonitorSample>& samples) {
    for (const auto& s : samples)
        append(s);
}

void MonitorSeries::append(const MonitorSample& sample) {
    if (!samples_.empty() && sample.tMs < samples_.back().tMs)
        clear();
    samples_.push_back(sample);
    ++received_;
    trim();
}

void MonitorSeries::clear() {
    samples_.clear();
    received_ = 0;
}

void MonitorSeries::setWindowS(double s) {
    windowS_ = s > 0 ? s : windowS_;
    trim();
}

void MonitorSeries::trim() {
    if (samples_.empty())
        return;
    const double oldestMs = samples_.back().tMs - windowS_ * 1e3;
    while (samples_.size() > maxSamples_ ||
           (samples_.size() > 1 && samples_.front().tMs < oldestMs))
        samples_.pop_front();
}

std::vector<std::string> MonitorSeries::railNames() const {
    std::vector<std::string> out;
    if (!samples_.empty())
        for (const auto& r : samples_.back().rails)
            out.push_back(r.name);
    return out;
}

std::vector<std::string> MonitorSeries::zoneTypes() const {
    std::vector<std::string> out;
    if (!samples_.empty())
        for (const auto& z : samples_.back().thermal)
            out.push_back(z.type);
    return out;
}

MonitorSeries::Series MonitorSeries::clockMhz(Clock c) const {
    Series s;
    s.tS.reserve(samples_.size());
    s.values.reserve(samples_.size());
    for (const auto& m : samples_) {
        const int64_t khz = c == Clock::Cpu ? m.cpuKhz : c == Clock::Gpu ? m.gpuKhz : m.emcKhz;
        s.tS.push_back(m.tMs / 1e3);
        s.values.push_back(double(khz) / 1e3);
    }
    return s;
}

MonitorSeries::Series MonitorSeries::railWatts(const std::string& rail) const {
    Series s;
    for (const auto& m : samples_)
        for (const auto& r : m.rails)
            if (r.name == rail) {
                s.tS.push_back(m.tMs / 1e3);
                s.values.push_back(r.mw / 1e3);
                break;
            }
    return s;
}

MonitorSeries::Series MonitorSeries::zoneCelsius(const std::string& type) const {
    Series s;
    for (const auto& m : samples_)
        for (const auto& z : m.thermal)
            if (z.type == type) {
                s.tS.push_back(m.tMs / 1e3);
                s.values.push_back(z.tempC);
                break;
            }
    return s;
}

double MonitorSeries::achievedHz(double overS) const {
    if (samples_.size() < 2)
        return 0;
    const double lastMs = samples_.back().tMs;
    const double fromMs = lastMs - overS * 1e3;
    // The first sample inside the span opens it; the ones after it are the intervals counted.
    auto first = std::lower_bound(samples_.begin(), samples_.end(), fromMs,
                                  [](const MonitorSample& m, double t) { return m.tMs < t; });
    const auto intervals = std::distance(first, samples_.end()) - 1;
    if (intervals < 1 || lastMs <= first->tMs)
        return 0;
    return double(intervals) * 1e3 / (lastMs - first->tMs);
}

} // namespace dvfo
