#pragma once
// DVFO's collaborative model: a classifier cut at a split layer, with a CBAM-style
// spatial-channel attention module at the cut that ranks feature maps. The parts:
//   edge head  = the units up to and including the split layer, then the attention module;
//   edge tail  = the remaining units, run on the edge on the kept channels (others zeroed);
//   cloud tail = a second, independently trained copy of the remaining units, run in the cloud
//                on the offloaded channels (others zeroed);
//   fusion     = per-class weighted sum of the two tails' logits (see fuse()).
// Torch stays inside core/attention/attentionsplit.cpp (pimpl); this header is plain C++.
#include "core/dnn/compressedfeatures.h"
#include "core/dnn/splitmodel.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dvfo {

namespace detail {
struct AttentionSplitImpl; // core/attention/attentionsplitimpl.h, torch TUs only
}

struct AttentionSplitConfig {
    std::string model = "small_cnn"; // "small_cnn" | "resnet_mini"
    std::string splitLayer;          // a unit name of the model; empty = defaultSplitLayer(model)
    uint64_t seed = 1;               // weight initialisation
};

class AttentionSplit : public SplitModel {
public:
    // Models:
    //   small_cnn:   the zoo's Fashion-MNIST CNN (core/dnn/modelzoo.cpp): conv1, pool1, conv2,
    //   pool2,
    //                fc1, fc2. Default split "pool1" (after the first conv block): 32x14x14.
    //   resnet_mini: a reduced ResNet for 28x28 defined in attentionsplit.cpp: stem (conv3x3 32 +
    //                BN + ReLU + maxpool 2 -> 32x14x14), layer1 (basic block 32), layer2 (basic
    //                block 64, stride 2 -> 7x7), layer3 (basic block 128, stride 2 -> 4x4), pool
    //                (global average), fc (128 -> 10). Default split "layer1": 32x14x14.
    // Attention (CBAM, Woo et al. 2018): channel weights Mc = sigmoid(MLP(avgpool F) + MLP(maxpool
    // F)) with a shared MLP C -> max(4, C/8) -> C; F' = Mc * F; spatial weights Ms =
    // sigmoid(conv7x7([mean_c F', max_c F'])); output F'' = Ms * F'. Channels are ranked by Mc.
    static std::vector<std::string> models();
    // Units after which the model may be split (those with a CxHxW output that are not the last).
    static std::vector<std::string> splitLayers(const std::string& model);
    static std::string defaultSplitLayer(const std::string& model);

    // Throws std::invalid_argument for an unknown model or split layer.
    static std::unique_ptr<AttentionSplit> create(const AttentionSplitConfig& config);
    // A checkpoint directory holds attention.json (config and metadata) and weights.pt
    // (torch::save of the whole module: head, attention, both tails, fusion weights, BN stats).
    // Throws std::runtime_error for a missing or mismatching checkpoint.
    static std::unique_ptr<AttentionSplit> load(const std::string& checkpointDir);
    // `metadataJson` (a JSON object as text, may be empty) is stored under "training".
    void save(const std::string& checkpointDir, const std::string& metadataJson = "") const;
    // The "training" object of the checkpoint this was loaded from, as JSON text ("{}" if none).
    std::string metadataJson() const;

    ~AttentionSplit() override;
    AttentionSplit(const AttentionSplit&) = delete;
    AttentionSplit& operator=(const AttentionSplit&) = delete;

    const AttentionSplitConfig& config() const;
    std::vector<std::string> unitNames() const; // the whole model's units, in order
    std::string modelName() const override { return config().model; }
    std::string splitLayerName() const override { return config().splitLayer; }
    std::string rankingName() const override { return "attention (CBAM channel weights)"; }
    std::vector<int64_t> inputShape() const override; // one sample, e.g. {1, 28, 28}
    int64_t inputSize() const;                        // elements of one sample
    FeatureShape featureShape() const override;       // at the split, one sample
    int classes() const override;
    // small_cnn: the zoo's units of each part (the attention module itself is not costed);
    // resnet_mini has no zoo description: empty.
    std::vector<LayerInfo> headUnits() const override;
    std::vector<LayerInfo> tailUnits() const override;
    // Parameters per part: "head", "attention", "edge_tail", "cloud_tail", "fusion".
    int64_t parameterCount(const std::string& part) const;

    // All functions below take and return batches as flat row-major float vectors and run in
    // inference mode; they are const and safe to call from several threads at once.
    // features: batch x C x H x W, attention applied (F''); channelWeights: batch x C, Mc in
    // (0, 1); spatialWeights: batch x H x W, Ms in (0, 1): where the maps are attended.
    using HeadOutput = SplitHeadOutput;
    HeadOutput edgeHead(const std::vector<float>& images, int batch) const override;
    // `features`: batch x C x H x W with the channels not assigned to that tail set to zero.
    std::vector<float> edgeTail(const std::vector<float>& features, int batch) const override;
    std::vector<float> edgeTailOnKept(const std::vector<float>& features,
                                      const std::vector<int32_t>& kept) const override;
    std::vector<float> cloudTail(const std::vector<float>& features, int batch) const;
    // What the cloud server runs: decompress (offloaded channels, others zero), then the tail.
    std::vector<float> cloudTail(const CompressedFeatures& features) const override;
    // The unsplit edge model: head, attention and edge tail on all channels, as one torch graph.
    // Collaborative inference at share 0 must equal this exactly.
    std::vector<float> edgeOnly(const std::vector<float>& images, int batch) const;

    // Fusion of one sample's logits: with k of C channels kept and s = (C - k) / C,
    //   k == C: the edge logits alone;  k == 0: the cloud logits alone;  otherwise
    //   out[j] = w[j] * edge[j] + (1 - w[j]) * cloud[j],  w[j] = sigmoid(a[j] + b[j] * (1 - 2s)),
    // with per-class a, b learned in training (initialised a = 0, b = 2, so the edge weighs
    // ~0.88 when it keeps nearly everything and ~0.12 when it keeps almost nothing).
    std::vector<float> fuse(const float* edgeLogits, const float* cloudLogits,
                            int keptChannels) const override;
    double edgeFusionWeight(int classIndex, int keptChannels) const;

    std::string describe() const;

    detail::AttentionSplitImpl& impl() { return *d_; }
    const detail::AttentionSplitImpl& impl() const { return *d_; }

private:
    explicit AttentionSplit(std::unique_ptr<detail::AttentionSplitImpl> d);
    std::unique_ptr<detail::AttentionSplitImpl> d_;
};

} // namespace dvfo
