#include "remote/edge/emulatedlink.h"

#include "core/link/linkestimator.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace dvfo {

EmulatedLink::EmulatedLink(const std::string& traceSpec, double controlPeriodMs, uint64_t seed,
                           int64_t steps) {
    const LinkTrace trace = LinkTrace::parse(traceSpec, controlPeriodMs);
    samples_ = trace.realise(seed, std::max<int64_t>(1, steps));
    if (samples_.empty())
        throw LinkTraceError("link trace '" + traceSpec + "' gives no samples");
    description_ = trace.describe();
}

void EmulatedLink::setStep(int64_t step) {
    step_ = std::clamp<int64_t>(step, 0, int64_t(samples_.size()) - 1);
}

LinkSample EmulatedLink::sample() const {
    return samples_[size_t(step_.load())];
}

void EmulatedLink::requireUp() const {
    if (!(sample().bandwidthMbps > 0))
        throw CloudError("the link is down (emulated trace, step " + std::to_string(step_.load()) +
                         ")");
}

void EmulatedLink::pace(double bytes, double realNetworkMs) const {
    const double target = LinkEstimator::networkMs(sample(), bytes);
    const double rest = target - realNetworkMs;
    if (!(rest > 0))
        return;
    // sleep_for overshoots by ~0.1 ms, a tenth of a LAN round trip: sleep short, then spin.
    using Clock = std::chrono::steady_clock;
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double, std::milli>(rest));
    constexpr auto spin = std::chrono::microseconds(300);
    if (until - Clock::now() > spin)
        std::this_thread::sleep_until(until - spin);
    while (Clock::now() < until)
        std::this_thread::yield();
}

CloudReply EmulatedLinkEndpoint::infer(const CompressedFeatures& features) {
    link_.requireUp();
    const auto t0 = std::chrono::steady_clock::now();
    CloudReply reply = inner_.infer(features);
    const double wall =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const double network =
        reply.serverWallMs >= 0 ? std::max(0.0, wall - reply.serverWallMs) : wall;
    link_.pace(double(features.wireBytes()), network);
    return reply;
}

std::string EmulatedLinkEndpoint::describe() const {
    return inner_.describe() + " over an emulated link (" + link_.describe() + ")";
}

} // namespace dvfo
