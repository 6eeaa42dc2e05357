#pragma once
#include "core/linktrace.h"

#include <memory>
#include <mutex>
#include <string>

namespace dvfo {

class CloudClient;

// Measures the link to the cloud endpoint for the policy's observation: RTT actively, with a
// timed GET /v2/health/ready on a connection of its own (so probing never waits behind an
// inference request), and uplink bandwidth passively, from the offload requests inference makes
// (bytes on the wire / time), smoothed. Without an endpoint it reports an unreachable link.
class LinkProbe {
public:
    // url "http://host:port" or empty; `prior` is reported until the first measurement.
    LinkProbe(const std::string& url, int timeoutMs, LinkSample prior = {50.0, 20.0});
    ~LinkProbe();

    // One active RTT measurement (blocking, at most timeoutMs); returns the current estimate.
    LinkSample sample();
    // Called by inference after each offload: `bytes` sent in `milliseconds` (request round trip).
    void noteTransfer(int64_t bytes, double milliseconds);
    LinkSample current() const;
    bool reachable() const;

private:
    std::unique_ptr<CloudClient> client_;
    mutable std::mutex mutex_;
    LinkSample estimate_;
    bool reachable_ = false;
};

} // namespace dvfo
