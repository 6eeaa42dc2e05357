#pragma once
// A classifier cut at a split layer, as the edge runtime, the cloud server and collaborative
// inference use it: the edge head (with a channel ranking), the edge tail on the kept maps, the
// cloud tail on the offloaded maps, and the fusion of both. Two kinds implement it: the trained
// attention models (AttentionSplit, Fashion-MNIST) and every model of the zoo (ZooSplit, with a
// data-free ranking). Plain C++; torch stays in the implementations' .cpp files.
#include "core/dnn/compressedfeatures.h"
#include "core/dnn/layerinfo.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dvfo {

struct SplitHeadOutput {
    int batch = 0;
    std::vector<float> features;       // batch x C x H x W
    std::vector<float> channelWeights; // batch x C: the ranking, higher = keep on the edge
    std::vector<float> spatialWeights; // batch x H x W when the model has spatial attention
};

class SplitModel {
public:
    virtual ~SplitModel() = default;

    virtual std::string modelName() const = 0;           // e.g. "resnet18" or "small_cnn"
    virtual std::string splitLayerName() const = 0;      // the last unit of the head
    virtual std::string rankingName() const = 0;         // how channels are ranked, for reports
    virtual std::vector<int64_t> inputShape() const = 0; // one sample, e.g. {3, 224, 224}
    int64_t inputSize() const;
    virtual FeatureShape featureShape() const = 0;
    virtual int classes() const = 0;

    // Batches as flat row-major float vectors; const and safe to call from several threads.
    virtual SplitHeadOutput edgeHead(const std::vector<float>& images, int batch) const = 0;
    // `features`: batch x C x H x W with the channels not kept set to zero.
    virtual std::vector<float> edgeTail(const std::vector<float>& features, int batch) const = 0;
    // The edge tail on the kept maps only, as the runtime runs it, for one sample: `features` is
    // C x H x W with the maps not in `kept` set to zero. Where the first tail unit can, its
    // input convolutions (or linear layer) read only the kept maps, with their weights cut to
    // them: the same logits as edgeTail(), with fewer FLOPs (edgeTailUnits()). Otherwise, and in
    // this default, it is edgeTail().
    virtual std::vector<float> edgeTailOnKept(const std::vector<float>& features,
                                              const std::vector<int32_t>& kept) const;
    // What the cloud server runs for one sample: decompress (offloaded maps, others zero), tail.
    virtual std::vector<float> cloudTail(const CompressedFeatures& features) const = 0;
    // One sample's logits from both tails with `keptChannels` of C kept on the edge
    // (keptChannels == C: edge alone, 0: cloud alone).
    virtual std::vector<float> fuse(const float* edgeLogits, const float* cloudLogits,
                                    int keptChannels) const = 0;

    // The units of each part, for accounting on the board (an emulated board costs them with its
    // roofline). Empty when the model has no zoo description.
    virtual std::vector<LayerInfo> headUnits() const = 0;
    virtual std::vector<LayerInfo> tailUnits() const = 0;
    // tailUnits() as edgeTailOnKept() runs them with `keptChannels` of C kept.
    std::vector<LayerInfo> edgeTailUnits(int keptChannels) const;
};

// `unit` run on `keptChannels` of its `channels` input maps: its input-reading FLOPs and their
// weights (LayerInfo::inputChannelFlops, inputChannelParamBytes) scale by k / C; the rest of the
// unit is unchanged.
LayerInfo unitOnKeptChannels(const LayerInfo& unit, int keptChannels, int64_t channels);

} // namespace dvfo
