#pragma once
// DVFO's edge-side pipeline for one batch: edge head -> attention ranking -> split -> int8
// compression -> cloud tail via a CloudEndpoint -> fusion. Plain C++: the cloud is an interface
// (core/dnn/cloudendpoint.h), the HTTP client lives in remote/cloud/.
#include "core/attention/attentionsplit.h"
#include "core/dnn/cloudendpoint.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

struct CollaborativeOptions {
    double share = 0.5;             // offload share s in [0, 1]
    float zeroSkipThreshold = 0.0f; // > 0 enables zero-skipping of near-zero maps
};

struct CollaborativeResult {
    std::vector<float> logits;
    int predicted = -1;
    int keptChannels = 0;
    int offloadedChannels = 0;
    int sentChannels = 0; // offloaded minus zero-skipped
    // Size of the compressed offload, payload + scales + indices (CompressedFeatures::wireBytes);
    // it went over the wire only if cloudUsed.
    int64_t wireBytes = 0;
    int64_t float32Bytes = 0; // the offloaded maps as float32, for comparison
    int64_t requestBytes = 0; // what the endpoint reports it put on the wire (e.g. HTTP body)
    bool cloudUsed = false;   // the cloud's logits are part of `logits`
    bool fellBack = false;    // channels were to be offloaded but the cloud failed
    std::string fallbackReason;
    double cloudMilliseconds = 0;
};

// Fallback: when the cloud is unreachable or fails for a sample, that sample's result is the
// edge tail on ALL channels (the edge computed every feature map anyway, and that is exactly the
// unsplit edge model, the most accurate edge-only answer), flagged fellBack with the reason.
// After the first failure the remaining samples of the same run() skip the cloud (also flagged),
// so a dead server costs one timeout per batch rather than one per sample.
// Share 0 never contacts the cloud and returns AttentionSplit::edgeOnly's logits bit for bit.
class CollaborativeInference {
public:
    // `cloud` may be null: every sample that would offload then falls back.
    CollaborativeInference(const SplitModel& model, CloudEndpoint* cloud)
        : model_(model), cloud_(cloud) {}

    // `images`: batch x input size floats (normalised like FashionMnist).
    std::vector<CollaborativeResult> run(const std::vector<float>& images, int batch,
                                         const CollaborativeOptions& options) const;

private:
    const SplitModel& model_;
    CloudEndpoint* cloud_;
};

} // namespace dvfo
