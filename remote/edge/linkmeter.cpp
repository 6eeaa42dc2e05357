#include "remote/edge/linkmeter.h"

#include "remote/cloud/cloudclient.h"
#include "remote/cloud/cpphttplib.h"
#include "remote/edge/emulatedlink.h"

#include <algorithm>
#include <chrono>

namespace dvfo {

using Clock = std::chrono::steady_clock;

namespace {
constexpr size_t kMaxAnswerBytes = 4096; // the probes' answers are a few bytes of JSON
}

struct LinkMeter::Impl {
    httplib::Client client;
    Impl(const std::string& host, int port) : client(host, port) {}
};

LinkMeter::LinkMeter(const std::string& url, int timeoutMs, const EmulatedLink* link)
    : link_(link) {
    if (url.empty())
        return;
    const auto o = CloudClientOptions::fromAddress(url);
    d_ = std::make_unique<Impl>(o.host, o.port);
    const time_t sec = timeoutMs / 1000, usec = (timeoutMs % 1000) * 1000;
    d_->client.set_connection_timeout(sec, usec);
    d_->client.set_read_timeout(sec, usec);
    d_->client.set_write_timeout(sec, usec);
    d_->client.set_keep_alive(true);
    d_->client.set_tcp_nodelay(true);
}

LinkMeter::~LinkMeter() = default;

// GET /v2/health/ready with no payload, or POST /v2/dvfo/probe with `bytes` of it; the answer
// is a few bytes and a rogue server's stream is cut off. Network time in ms, -1 on failure.
double LinkMeter::timedRequest(int64_t bytes) {
    if (!d_)
        return -1;
    if (link_ && !(link_->sample().bandwidthMbps > 0))
        return -1; // the emulated link is down: no route
    ++probes_;
    probeBytes_ += bytes;
    httplib::Request request;
    request.method = bytes > 0 ? "POST" : "GET";
    request.path = bytes > 0 ? "/v2/dvfo/probe" : "/v2/health/ready";
    if (bytes > 0) {
        request.body.assign(size_t(bytes), '\0');
        request.set_header("Content-Type", "application/octet-stream");
    }
    size_t received = 0;
    request.content_receiver = [&](const char*, size_t n, uint64_t, uint64_t) {
        received += n;
        return received <= kMaxAnswerBytes;
    };
    const auto t0 = Clock::now();
    const auto result = d_->client.send(request);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!result || result->status != 200)
        return -1;
    if (link_)
        link_->pace(double(bytes), ms);
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double LinkMeter::roundTrip() {
    return timedRequest(0);
}

double LinkMeter::transfer(int64_t bytes) {
    return timedRequest(std::max<int64_t>(bytes, 1));
}

LinkMeasurement LinkMeter::measure(const LinkEstimator& estimator, int64_t offloadedBytes,
                                   double offloadNetworkMs, bool offloadFailed) {
    LinkMeasurement m;
    if (!d_)
        return m;
    m.attempted = true;
    if (offloadFailed) {
        m.up = false;
        return m;
    }
    m.rttMs = roundTrip();
    if (m.rttMs < 0) {
        m.up = false;
        return m;
    }
    if (!estimator.wantsBandwidthProbe(offloadedBytes)) {
        m.bytes = offloadedBytes;
        m.transferMs = offloadNetworkMs;
        return m;
    }
    const int64_t bytes = estimator.probeBytes();
    const double ms = transfer(bytes);
    if (ms < 0) {
        m.up = false;
        return m;
    }
    m.bytes = bytes;
    m.transferMs = ms;
    return m;
}

} // namespace dvfo
