#include "core/dnn/splitexecutor.h"

#include "core/dnn/channelsplit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>

namespace dvfo {

using Clock = std::chrono::steady_clock;

SplitExecutor::SplitExecutor(const SplitModel& model, CloudEndpoint* cloud, PhaseMeter& meter,
                             double fusionMs)
    : model_(model), cloud_(cloud), meter_(meter), fusionMs_(fusionMs),
      headUnits_(model.headUnits()), tailUnits_(model.tailUnits()) {}

namespace {
struct RemoteOutcome {
    CloudReply reply;
    double wallMs = 0;
    std::string error;
};
} // namespace

SplitStepResult SplitExecutor::run(const std::vector<float>& image, double share) {
    ChannelSplit::keptCount(1, share); // validates the share before any work
    SplitStepResult r;
    SplitHeadOutput head;
    r.head = meter_.measure(headUnits_, [&] { head = model_.edgeHead(image, 1); });
    const FeatureShape shape = model_.featureShape();
    const int32_t channels = int32_t(shape.channels);
    const int64_t map = shape.mapSize();
    const ChannelSplit split = ChannelSplit::rank(head.channelWeights.data(), channels, share);
    r.keptChannels = int(split.kept.size());
    r.offloadedChannels = int(split.offloaded.size());

    std::future<RemoteOutcome> remote;
    if (!split.offloaded.empty()) {
        const CompressedFeatures cf =
            CompressedFeatures::compress(head.features.data(), shape, split.offloaded);
        r.wireBytes = cf.wireBytes();
        if (!cloud_) {
            r.fellBack = true;
            r.fallbackReason = "no cloud endpoint configured";
        } else {
            // The request runs while the edge computes its part (deferred would serialise it).
            remote = std::async(std::launch::async, [this, cf] {
                RemoteOutcome out;
                const auto t0 = Clock::now();
                try {
                    out.reply = cloud_->infer(cf);
                } catch (const std::exception& e) {
                    out.error = e.what();
                    if (out.error.empty())
                        out.error = "cloud request failed";
                }
                out.wallMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                return out;
            });
        }
    }

    std::vector<float> edgeLogits;
    if (!split.kept.empty()) {
        std::vector<float> kept = head.features;
        for (int32_t c : split.offloaded)
            std::fill(kept.begin() + int64_t(c) * map, kept.begin() + int64_t(c + 1) * map, 0.0f);
        r.edgeTail = meter_.measure(model_.edgeTailUnits(r.keptChannels),
                                    [&] { edgeLogits = model_.edgeTailOnKept(kept, split.kept); });
    }

    std::vector<float> cloudLogits;
    if (remote.valid()) {
        RemoteOutcome out = remote.get();
        r.remoteMs = out.wallMs;
        r.networkMs = out.wallMs;
        if (out.error.empty() && int(out.reply.logits.size()) != model_.classes())
            out.error = "cloud returned " + std::to_string(out.reply.logits.size()) +
                        " logits, expected " + std::to_string(model_.classes());
        if (out.error.empty() && !std::all_of(out.reply.logits.begin(), out.reply.logits.end(),
                                              [](float v) { return std::isfinite(v); }))
            out.error = "cloud returned non-finite logits";
        if (out.error.empty()) {
            r.cloudUsed = true;
            r.requestBytes = out.reply.requestBytes;
            cloudLogits = std::move(out.reply.logits);
            if (out.reply.serverWallMs >= 0)
                r.networkMs = std::max(0.0, out.wallMs - out.reply.serverWallMs);
            r.cloudComputeMs =
                out.reply.computeMs >= 0 ? out.reply.computeMs : out.wallMs - r.networkMs;
            // What the board waits for: the network, then the server's (possibly emulated) time.
            r.remoteMs = r.networkMs + r.cloudComputeMs;
        } else {
            r.fellBack = true;
            r.fallbackReason = out.error;
        }
    }

    if (r.fellBack) {
        // The whole tail on the edge: the unsplit edge model's answer.
        r.fallbackTail =
            meter_.measure(tailUnits_, [&] { r.logits = model_.edgeTail(head.features, 1); });
        r.latencyMs = r.head.latencyMs + std::max(r.edgeTail.latencyMs, r.remoteMs) +
                      r.fallbackTail.latencyMs;
    } else {
        const bool both = r.keptChannels > 0 && r.offloadedChannels > 0;
        r.fusionMs = both ? fusionMs_ : 0.0;
        r.logits = model_.fuse(edgeLogits.empty() ? nullptr : edgeLogits.data(),
                               cloudLogits.empty() ? nullptr : cloudLogits.data(), r.keptChannels);
        r.latencyMs = r.head.latencyMs + std::max(r.edgeTail.latencyMs, r.remoteMs) + r.fusionMs;
    }
    r.predicted = int(std::max_element(r.logits.begin(), r.logits.end()) - r.logits.begin());
    return r;
}

} // namespace dvfo
