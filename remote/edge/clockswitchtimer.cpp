#include "remote/edge/clockswitchtimer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace dvfo {

namespace {
int64_t& domainKhz(FrequencyTuple& t, int domain) {
    return domain == 0 ? t.cpuKhz : domain == 1 ? t.gpuKhz : t.emcKhz;
}

const ClockTableSpec& table(const BoardSpec& spec, int domain) {
    return domain == 0 ? spec.cpu : domain == 1 ? spec.gpu : spec.emc;
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
    const size_t rank = size_t(std::ceil(p * double(sorted.size())));
    return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}
} // namespace

DomainSwitchTiming ClockSwitchTimer::timeDomain(int domain, const ClockSwitchTimerOptions& o) {
    if (o.transitions < 1)
        throw std::invalid_argument("measure-switch needs at least 1 transition per domain");
    if (!(o.boundMs > 0))
        throw std::invalid_argument("measure-switch needs a bound > 0 ms");
    using Clock = std::chrono::steady_clock;
    const BoardSpec& spec = hal_.spec();
    const std::vector<int64_t>& khz = table(spec, domain).frequenciesKhz;
    FrequencyTuple t = spec.maxTuple();
    hal_.setFrequencies(t); // untimed: the start point
    std::vector<double> ms;
    DomainSwitchTiming timing;
    for (int i = 0; i < o.transitions; ++i) {
        // Down first (the start is max), then up: both directions are timed.
        const int64_t target = i % 2 == 0 ? khz.front() : khz.back();
        domainKhz(t, domain) = target;
        const auto t0 = Clock::now();
        const auto deadline = t0 + std::chrono::duration<double, std::milli>(o.boundMs);
        hal_.setFrequencies(t);
        bool settled = false;
        for (;;) {
            FrequencyTuple now = hal_.currentFrequencies();
            if (domainKhz(now, domain) == target) {
                settled = true;
                break;
            }
            if (Clock::now() >= deadline)
                break;
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
        const double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        ms.push_back(settled ? elapsed : o.boundMs);
        timing.timeouts += settled ? 0 : 1;
    }
    std::sort(ms.begin(), ms.end());
    timing.medianMs =
        ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
    timing.p90Ms = percentile(ms, 0.9);
    timing.transitions = int(ms.size());
    return timing;
}

nlohmann::json ClockSwitchTimer::measure(const ClockSwitchTimerOptions& o) {
    nlohmann::json reply;
    try {
        static const char* names[] = {"cpu", "gpu", "emc"};
        for (int d = 0; d < 3; ++d) {
            const DomainSwitchTiming t = timeDomain(d, o);
            reply[names[d]] = {{"medianMs", t.medianMs},
                               {"p90Ms", t.p90Ms},
                               {"transitions", t.transitions},
                               {"timeouts", t.timeouts}};
        }
    } catch (...) {
        hal_.restore();
        throw;
    }
    hal_.restore();
    reply["boundMs"] = o.boundMs;
    reply["emulated"] = hal_.emulated();
    if (hal_.emulated())
        reply["model"] = ClockSwitchTimes::boardModel(hal_.spec()).toJson();
    return reply;
}

} // namespace dvfo
