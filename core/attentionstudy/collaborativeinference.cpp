#include "core/attentionstudy/collaborativeinference.h"

#include "core/dnn/channelsplit.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace dvfo {

std::vector<CollaborativeResult>
CollaborativeInference::run(const std::vector<float>& images, int batch,
                            const CollaborativeOptions& options) const {
    ChannelSplit::keptCount(1, options.share); // validates the share before any work
    const SplitHeadOutput head = model_.edgeHead(images, batch);
    const FeatureShape shape = model_.featureShape();
    const int32_t channels = int32_t(shape.channels);
    const int64_t featureSize = shape.elements();
    const int64_t map = shape.mapSize();
    const int classes = model_.classes();

    std::vector<CollaborativeResult> results(static_cast<size_t>(batch));
    std::vector<std::vector<float>> cloudLogits(static_cast<size_t>(batch));
    std::vector<float> edgeInput(head.features);
    bool needEdge = false;
    std::string circuitOpen; // reason of the first cloud failure in this run

    for (int i = 0; i < batch; ++i) {
        CollaborativeResult& r = results[size_t(i)];
        const float* features = head.features.data() + int64_t(i) * featureSize;
        const ChannelSplit split = ChannelSplit::rank(
            head.channelWeights.data() + int64_t(i) * channels, channels, options.share);
        r.keptChannels = int(split.kept.size());
        r.offloadedChannels = int(split.offloaded.size());
        if (!split.offloaded.empty()) {
            const CompressedFeatures cf = CompressedFeatures::compress(
                features, shape, split.offloaded, options.zeroSkipThreshold);
            r.sentChannels = int(cf.sentChannels());
            r.wireBytes = cf.wireBytes();
            r.float32Bytes = int64_t(split.offloaded.size()) * map * int64_t(sizeof(float));
            if (!cloud_) {
                r.fellBack = true;
                r.fallbackReason = "no cloud endpoint configured";
            } else if (!circuitOpen.empty()) {
                r.fellBack = true;
                r.fallbackReason =
                    "cloud skipped after an earlier failure in this batch: " + circuitOpen;
            } else {
                const auto start = std::chrono::steady_clock::now();
                try {
                    CloudReply reply = cloud_->infer(cf);
                    if (int(reply.logits.size()) != classes)
                        throw CloudError("cloud returned " + std::to_string(reply.logits.size()) +
                                         " logits, expected " + std::to_string(classes));
                    if (!std::all_of(reply.logits.begin(), reply.logits.end(),
                                     [](float v) { return std::isfinite(v); }))
                        throw CloudError("cloud returned non-finite logits");
                    cloudLogits[size_t(i)] = std::move(reply.logits);
                    r.requestBytes = reply.requestBytes;
                    r.cloudUsed = true;
                } catch (const std::exception& e) {
                    r.fellBack = true;
                    r.fallbackReason = e.what();
                    circuitOpen = e.what();
                }
                r.cloudMilliseconds = std::chrono::duration<double, std::milli>(
                                          std::chrono::steady_clock::now() - start)
                                          .count();
            }
        }
        // The edge tail sees the kept channels, or all of them when this sample fell back.
        if (!r.fellBack) {
            float* edge = edgeInput.data() + int64_t(i) * featureSize;
            for (int32_t c : split.offloaded)
                std::fill(edge + int64_t(c) * map, edge + int64_t(c + 1) * map, 0.0f);
        }
        needEdge |= r.fellBack || r.keptChannels > 0;
    }

    const std::vector<float> edgeLogits =
        needEdge ? model_.edgeTail(edgeInput, batch) : std::vector<float>();
    for (int i = 0; i < batch; ++i) {
        CollaborativeResult& r = results[size_t(i)];
        const float* edge = needEdge ? edgeLogits.data() + int64_t(i) * classes : nullptr;
        if (r.fellBack)
            r.logits.assign(edge, edge + classes);
        else
            r.logits = model_.fuse(edge, r.cloudUsed ? cloudLogits[size_t(i)].data() : nullptr,
                                   r.keptChannels);
        r.predicted = int(std::max_element(r.logits.begin(), r.logits.end()) - r.logits.begin());
    }
    return results;
}

} // namespace dvfo
