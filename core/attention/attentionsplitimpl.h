#pragma once
// Internal to core/: the LibTorch side of AttentionSplit, shared by the few torch TUs that need
// it (attentionsplit.cpp, attentiontrainer.cpp, tritonexporter.cpp). Never include it from a
// public header or from Qt code.
#include "core/attention/attentionsplit.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dvfo::detail {

// CBAM's channel-then-spatial attention (see AttentionSplit for the formulas).
class SpatialChannelAttentionImpl : public torch::nn::Module {
public:
    SpatialChannelAttentionImpl(int64_t channels, int64_t hidden, int64_t spatialKernel = 7);
    // Returns {F'', Mc}: the attended features (N, C, H, W) and the channel weights (N, C).
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);

    torch::nn::Linear fc1{nullptr};
    torch::nn::Linear fc2{nullptr};
    torch::nn::Conv2d spatial{nullptr};
};
TORCH_MODULE(SpatialChannelAttention);

// resnet_mini's basic block: conv3x3-BN-ReLU-conv3x3-BN, plus the input (through a 1x1 conv + BN
// when the stride or width changes), then ReLU. Visible here so the TorchScript exporter can
// recognise it.
class ResidualBlockImpl : public torch::nn::Module {
public:
    ResidualBlockImpl(int64_t inChannels, int64_t outChannels, int64_t stride);
    torch::Tensor forward(const torch::Tensor& x);

    int64_t stride = 1;
    torch::nn::Conv2d conv1{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr};
    torch::nn::Conv2d conv2{nullptr};
    torch::nn::BatchNorm2d bn2{nullptr};
    torch::nn::Conv2d shortcutConv{nullptr}; // null when the shortcut is the identity
    torch::nn::BatchNorm2d shortcutBn{nullptr};
};
TORCH_MODULE(ResidualBlock);

// The trainable whole: head units, attention, two tails, fusion parameters. Registered names
// are the checkpoint's keys: head<i>, attention, edge_tail<i>, cloud_tail<i>, fusion_bias,
// fusion_slope.
class AttentionSplitNetImpl : public torch::nn::Module {
public:
    AttentionSplitNetImpl(std::vector<torch::nn::Sequential> headUnits,
                          SpatialChannelAttention attentionModule,
                          std::vector<torch::nn::Sequential> edgeTailUnits,
                          std::vector<torch::nn::Sequential> cloudTailUnits, int64_t classes);

    std::pair<torch::Tensor, torch::Tensor> runHead(torch::Tensor images); // {F'', Mc}
    torch::Tensor runEdgeTail(torch::Tensor features);
    torch::Tensor runCloudTail(torch::Tensor features);
    // Edge weight per sample and class (N, classes) for offloaded fractions `share` (N).
    torch::Tensor edgeWeight(const torch::Tensor& share) const;
    // Fusion of batched logits with per-sample kept counts (N, int64) out of `channels`, with
    // the same endpoint rules as AttentionSplit::fuse.
    torch::Tensor fuse(const torch::Tensor& edge, const torch::Tensor& cloud,
                       const torch::Tensor& kept, int64_t channels) const;

    std::vector<torch::nn::Sequential> head;
    SpatialChannelAttention attention{nullptr};
    std::vector<torch::nn::Sequential> edgeTail;
    std::vector<torch::nn::Sequential> cloudTail;
    torch::Tensor fusionBias;  // a, (classes)
    torch::Tensor fusionSlope; // b, (classes)
};
TORCH_MODULE(AttentionSplitNet);

struct AttentionSplitImpl {
    AttentionSplitConfig config;
    std::vector<std::string> unitNames;
    size_t splitIndex = 0;           // head = units[0..splitIndex]
    std::vector<int64_t> inputShape; // one sample
    FeatureShape featureShape;
    int64_t classes = 0;
    std::string metadataJson = "{}";
    AttentionSplitNet net{nullptr};

    // Tensor of shape (batch, sampleShape...) holding a copy of `values`, which must have exactly
    // batch * prod(sampleShape) elements (std::invalid_argument otherwise).
    static torch::Tensor toTensor(const std::vector<float>& values, int batch,
                                  const std::vector<int64_t>& sampleShape);
    static std::vector<float> toVector(const torch::Tensor& t);
    std::vector<int64_t> featureSampleShape() const {
        return {featureShape.channels, featureShape.height, featureShape.width};
    }
};

// Builds an initialised model (train-ready: parameters require grad; eval mode).
std::unique_ptr<AttentionSplitImpl> buildAttentionSplit(const AttentionSplitConfig& config);

} // namespace dvfo::detail
