#pragma once
// What a board can know about its uplink: the link as measured up to the previous step. The
// environment (training, evaluation) and the edge runtime feed the same estimator, the first with
// what a board would have measured on the trace's sample, the second with real measurements, so
// a policy decides from the same kind of knowledge in both. Plain C++.
#include "core/link/linktrace.h"

#include <cstdint>

namespace dvfo {

// What was measured during one control step. Times are network times: a request's round trip
// minus the cloud's own compute time (which dvfo-cloud reports).
struct LinkMeasurement {
    bool attempted = false; // something was sent (probe or offload)
    bool up = true;         // false: a request failed (link down, cloud unreachable)
    double rttMs = -1;      // round trip of a request with no payload; < 0: none this step
    int64_t bytes = 0;      // payload of the largest timed transfer this step; 0: none
    double transferMs = 0;  // its network time
};

// The estimate after each step: RTT from the payload-free probe, bandwidth from the largest timed
// transfer (bytes * 8 / (network time - RTT)); no smoothing, so the estimate is the previous
// step's link. A failed request marks the link down (bandwidth 0) until a request succeeds;
// the bandwidth before the outage is kept for when it comes back without a payload measurement.
class LinkEstimator {
public:
    // Probing: every step a payload-free request (RTT, and whether the link is up) and, unless
    // that step's offload already measured at least as much, a bandwidth probe of
    // probeBytes(): kBudgetFraction of what the link carries in one control period, clamped.
    static constexpr double kBudgetFraction = 0.005;
    static constexpr int64_t kMinProbeBytes = 256;
    static constexpr int64_t kMaxProbeBytes = 16384;
    // Below this network time over the RTT a transfer says nothing about bandwidth (timer
    // resolution); it then counts as at least bytes / kMinAirMs.
    static constexpr double kMinAirMs = 0.02;

    explicit LinkEstimator(double controlPeriodMs = 50) : periodMs_(controlPeriodMs) {}

    void observe(const LinkMeasurement& m);
    // Bandwidth 0 when down or before any measurement.
    LinkSample estimate() const;
    bool up() const { return up_ && known_; }
    bool known() const { return known_; }
    // The runtime offloads nothing while the link is known to be down (and so does the
    // environment): true before any measurement and while up.
    bool allowsOffload() const { return !known_ || up_; }
    int64_t probeBytes() const;
    // Whether a bandwidth probe is needed after a step that offloaded `offloadedBytes`.
    bool wantsBandwidthProbe(int64_t offloadedBytes) const { return offloadedBytes < probeBytes(); }

    // What a board measures in one step on `link` (0 Mbit/s = down) that offloaded
    // `offloadedBytes` (0: nothing), probing as above: the environment's side of the estimator.
    LinkMeasurement simulate(const LinkSample& link, int64_t offloadedBytes) const;
    // Network time of `bytes` on `link`: RTT + bytes * 8 / (B * 1000) ms.
    static double networkMs(const LinkSample& link, double bytes);

private:
    double periodMs_;
    bool known_ = false;
    bool up_ = false;
    double rttMs_ = 0;
    double bandwidthMbps_ = 0; // last measured, kept through outages
};

} // namespace dvfo
