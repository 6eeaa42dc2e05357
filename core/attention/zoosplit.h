#pragma once
#include "core/dnn/splitmodel.h"

#include <memory>
#include <string>

namespace dvfo {

// The split of a zoo model (DnnModel: resnet18, mobilenet_v2, vgg11, small_cnn) with the zoo's
// deterministic weights, the same on the board and in the cloud:
//   head   = units [0, split], ranking = the L1 norm of each feature map (data-free: no trained
//            attention exists for the ImageNet-size zoo models; maps with more activation mass
//            carry more of the next layer's input);
//   tails  = the remaining units, one copy on each side (the same weights);
//   fusion = (k / C) * edge + (1 - k / C) * cloud, the share-weighted mean of the logits.
// Accuracy is not reported for these models (their weights are not trained).
class ZooSplit : public SplitModel {
public:
    // Throws std::invalid_argument for an unknown model or split layer.
    static std::unique_ptr<ZooSplit> create(const std::string& model,
                                            const std::string& splitLayer = {}, uint64_t seed = 1);
    ~ZooSplit() override;

    std::string modelName() const override;
    std::string splitLayerName() const override;
    std::string rankingName() const override { return "l1-norm (data-free)"; }
    std::vector<int64_t> inputShape() const override;
    FeatureShape featureShape() const override;
    int classes() const override;
    SplitHeadOutput edgeHead(const std::vector<float>& images, int batch) const override;
    std::vector<float> edgeTail(const std::vector<float>& features, int batch) const override;
    std::vector<float> edgeTailOnKept(const std::vector<float>& features,
                                      const std::vector<int32_t>& kept) const override;
    std::vector<float> cloudTail(const CompressedFeatures& features) const override;
    std::vector<float> fuse(const float* edgeLogits, const float* cloudLogits,
                            int keptChannels) const override;
    std::vector<LayerInfo> headUnits() const override;
    std::vector<LayerInfo> tailUnits() const override;

private:
    struct Impl;
    explicit ZooSplit(std::unique_ptr<Impl> d);
    std::unique_ptr<Impl> d_;
};

// The split model a bundle or a server runs: the attention checkpoint when `attentionDir` holds
// one, otherwise the zoo model `model` split at `splitLayer` (empty: its default split).
std::unique_ptr<SplitModel> loadSplitModel(const std::string& attentionDir,
                                           const std::string& model, const std::string& splitLayer);

} // namespace dvfo
