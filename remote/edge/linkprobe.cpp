#include "remote/edge/linkprobe.h"

#include "remote/cloud/cloudclient.h"

#include <algorithm>
#include <chrono>

namespace dvfo {

namespace {
constexpr double kSmoothing = 0.3; // weight of a new measurement in the moving average
}

LinkProbe::LinkProbe(const std::string& url, int timeoutMs, LinkSample prior) : estimate_(prior) {
    if (url.empty())
        return;
    auto options = CloudClientOptions::fromAddress(url);
    options.connectTimeoutSeconds = options.readTimeoutSeconds = options.writeTimeoutSeconds = timeoutMs / 1000.0;
    client_ = std::make_unique<CloudClient>(options);
}

LinkProbe::~LinkProbe() = default;

LinkSample LinkProbe::sample() {
    if (!client_)
        return current();
    const auto t0 = std::chrono::steady_clock::now();
    const bool ok = client_->ready();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::lock_guard<std::mutex> lock(mutex_);
    reachable_ = ok;
    if (ok)
        estimate_.rttMs = (1 - kSmoothing) * estimate_.rttMs + kSmoothing * ms;
    return estimate_;
}

void LinkProbe::noteTransfer(int64_t bytes, double milliseconds) {
    if (bytes <= 0 || milliseconds <= 0)
        return;
    std::lock_guard<std::mutex> lock(mutex_);
    // The request round trip includes one RTT of latency that is not transfer time.
    const double transferMs = std::max(milliseconds - estimate_.rttMs, milliseconds * 0.1);
    const double mbps = bytes * 8.0 / (transferMs * 1000.0);
    estimate_.bandwidthMbps = (1 - kSmoothing) * estimate_.bandwidthMbps + kSmoothing * mbps;
}

LinkSample LinkProbe::current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return estimate_;
}

bool LinkProbe::reachable() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reachable_;
}

} // namespace dvfo
