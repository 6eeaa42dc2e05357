#pragma once
#include "core/link/linkestimator.h"

#include <cstdint>
#include <memory>
#include <string>

namespace dvfo {

class EmulatedLink;

// The runtime's link measurements, one LinkMeasurement per step for the LinkEstimator: a
// payload-free request to the cloud endpoint for the RTT and whether the link is up
// (GET /v2/health/ready), and, when the step's offload did not already move probeBytes(), a
// bandwidth probe of that size (POST /v2/dvfo/probe). Offload requests count as transfers with
// their network time (round trip minus the server's wall time). Probes go through the emulated
// link when one is set, like inference requests. Own connection: probing never waits behind an
// inference request.
class LinkMeter {
public:
    // url "http://host:port"; empty: nothing is measured (edge-only bundle).
    LinkMeter(const std::string& url, int timeoutMs, const EmulatedLink* link = nullptr);
    ~LinkMeter();

    // What this step measured. `offloadedBytes` > 0: the step's offload moved that many bytes in
    // `offloadNetworkMs`; `offloadFailed`: its request failed.
    LinkMeasurement measure(const LinkEstimator& estimator, int64_t offloadedBytes,
                            double offloadNetworkMs, bool offloadFailed);
    bool enabled() const { return d_ != nullptr; }
    int64_t probeBytesSent() const { return probeBytes_; } // bandwidth-probe payload, in total
    int64_t probes() const { return probes_; }

    // One payload-free round trip (ms), -1 on failure.
    double roundTrip();
    // Network time (ms) of a `bytes` payload, -1 on failure.
    double transfer(int64_t bytes);

private:
    double timedRequest(int64_t bytes);
    struct Impl;
    std::unique_ptr<Impl> d_;
    const EmulatedLink* link_;
    int64_t probeBytes_ = 0;
    int64_t probes_ = 0;
};

} // namespace dvfo
