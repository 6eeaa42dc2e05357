#pragma once
// Link emulation for emulated boards: the runtime's cloud traffic (inference requests and link
// probes) follows a link trace (the --trace syntax, csv: included), step by step. A request of n
// bytes under sample (B, R) takes R + n * 8 / (B * 1000) ms of network time: the real loopback
// round trip is measured and the rest is slept. 0 Mbit/s is an outage: requests fail at once,
// like a board without a route. The trace advances with the runtime's steps (one inference each).
#include "core/dnn/cloudendpoint.h"
#include "core/link/linktrace.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dvfo {

class EmulatedLink {
public:
    // Throws LinkTraceError for a malformed spec.
    EmulatedLink(const std::string& traceSpec, double controlPeriodMs, uint64_t seed,
                 int64_t steps);

    void setStep(int64_t step); // clamped to the trace's last sample
    int64_t step() const { return step_; }
    LinkSample sample() const;
    std::string describe() const { return description_; }

    // Sleeps what is left of the emulated network time for `bytes` after `realNetworkMs` of real
    // time were spent. Throws CloudError while the link is down.
    void pace(double bytes, double realNetworkMs) const;
    void requireUp() const;

private:
    std::vector<LinkSample> samples_;
    std::atomic<int64_t> step_{0};
    std::string description_;
};

// A CloudEndpoint behind an EmulatedLink.
class EmulatedLinkEndpoint : public CloudEndpoint {
public:
    EmulatedLinkEndpoint(CloudEndpoint& inner, const EmulatedLink& link)
        : inner_(inner), link_(link) {}
    CloudReply infer(const CompressedFeatures& features) override;
    std::string describe() const override;

private:
    CloudEndpoint& inner_;
    const EmulatedLink& link_;
};

} // namespace dvfo
