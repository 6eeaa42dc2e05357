#include "core/link/linkestimator.h"

#include <algorithm>
#include <cmath>

namespace dvfo {

void LinkEstimator::observe(const LinkMeasurement& m) {
    if (!m.attempted)
        return;
    if (!m.up) {
        known_ = true;
        up_ = false;
        return;
    }
    if (m.rttMs >= 0)
        rttMs_ = m.rttMs;
    if (m.bytes > 0 && m.transferMs > 0) {
        const double airMs = std::max(m.transferMs - rttMs_, kMinAirMs);
        bandwidthMbps_ = double(m.bytes) * 8.0 / (airMs * 1000.0);
    }
    known_ = true;
    up_ = bandwidthMbps_ > 0;
}

LinkSample LinkEstimator::estimate() const {
    return {up() ? bandwidthMbps_ : 0.0, rttMs_};
}

int64_t LinkEstimator::probeBytes() const {
    if (!(bandwidthMbps_ > 0))
        return kMinProbeBytes;
    // Mbit/s * ms = 1000 bit = 125 bytes.
    const double budget = kBudgetFraction * bandwidthMbps_ * periodMs_ * 125.0;
    return std::clamp<int64_t>(int64_t(std::llround(budget)), kMinProbeBytes, kMaxProbeBytes);
}

double LinkEstimator::networkMs(const LinkSample& link, double bytes) {
    return link.rttMs + (bytes > 0 ? bytes * 8.0 / (link.bandwidthMbps * 1000.0) : 0.0);
}

LinkMeasurement LinkEstimator::simulate(const LinkSample& link, int64_t offloadedBytes) const {
    LinkMeasurement m;
    m.attempted = true;
    if (!(link.bandwidthMbps > 0)) {
        m.up = false;
        return m;
    }
    m.rttMs = link.rttMs;
    m.bytes = std::max(offloadedBytes, wantsBandwidthProbe(offloadedBytes) ? probeBytes() : 0);
    m.transferMs = networkMs(link, double(m.bytes));
    return m;
}

} // namespace dvfo
