#include "core/attention/attentionsplit.h"
#include "core/common/jsoninteger.h"
#include "core/dnn/dnnmodel.h"
#include "core/attention/attentionsplitimpl.h"
#include "core/dnn/dnnmodelimpl.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dvfo {

namespace detail {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "dvfo-attention-split";
constexpr int kFormatVersion = 1;
constexpr const char* kConfigFile = "attention.json";
constexpr const char* kWeightsFile = "weights.pt";

struct UnitChain {
    std::vector<std::string> names;
    std::vector<torch::nn::Sequential> units;
    std::vector<int64_t> inputShape; // one sample
};

torch::nn::Sequential single(const std::string& childName, torch::nn::AnyModule module) {
    torch::nn::Sequential unit;
    unit->push_back(childName, std::move(module));
    return unit;
}

// resnet_mini (see AttentionSplit::models). Weights: torch's default initialisers drawn after
// torch::manual_seed(seed), so the same seed gives the same model.
UnitChain buildResnetMini(uint64_t seed) {
    torch::manual_seed(seed);
    UnitChain chain;
    chain.inputShape = {1, 28, 28};
    {
        torch::nn::Sequential stem;
        stem->push_back(
            "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3).padding(1).bias(false)));
        stem->push_back("bn", torch::nn::BatchNorm2d(32));
        stem->push_back("relu", torch::nn::ReLU());
        stem->push_back("pool", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2)));
        chain.names.push_back("stem");
        chain.units.push_back(stem);
    }
    const int64_t widths[] = {32, 64, 128};
    int64_t in = 32;
    for (int stage = 0; stage < 3; ++stage) {
        chain.names.push_back("layer" + std::to_string(stage + 1));
        chain.units.push_back(single(
            "block", torch::nn::AnyModule(ResidualBlock(in, widths[stage], stage == 0 ? 1 : 2))));
        in = widths[stage];
    }
    chain.names.push_back("pool");
    chain.units.push_back(single("pool", torch::nn::AnyModule(torch::nn::AdaptiveAvgPool2d(
                                             torch::nn::AdaptiveAvgPool2dOptions({1, 1})))));
    {
        torch::nn::Sequential fc;
        fc->push_back("flatten", torch::nn::Flatten(torch::nn::FlattenOptions().start_dim(1)));
        fc->push_back("fc", torch::nn::Linear(in, 10));
        chain.names.push_back("fc");
        chain.units.push_back(fc);
    }
    return chain;
}

UnitChain buildUnits(const std::string& model, uint64_t seed) {
    UnitChain chain;
    if (model == "small_cnn") {
        // The zoo's model, weights from its own seeded generator (Kaiming-normal convolutions).
        std::unique_ptr<DnnModelImpl> zoo = buildZooModel("small_cnn", 1, seed);
        chain.units = zoo->units;
        for (const LayerInfo& info : zoo->layers)
            chain.names.push_back(info.name);
        chain.inputShape.assign(zoo->inputShape.begin() + 1, zoo->inputShape.end());
    } else if (model == "resnet_mini") {
        chain = buildResnetMini(seed);
    } else {
        std::string known;
        for (const std::string& n : AttentionSplit::models())
            known += (known.empty() ? "" : ", ") + n;
        throw std::invalid_argument("unknown attention-split model '" + model +
                                    "' (known: " + known + ")");
    }
    for (auto& unit : chain.units)
        unit->eval();
    return chain;
}

// Output shapes (one sample, no batch) of every unit, by a probe run on zeros.
std::vector<std::vector<int64_t>> probeShapes(const UnitChain& chain) {
    torch::NoGradGuard noGrad;
    std::vector<int64_t> shape = chain.inputShape;
    shape.insert(shape.begin(), 1);
    torch::Tensor x = torch::zeros(shape);
    std::vector<std::vector<int64_t>> out;
    for (torch::nn::Sequential unit : chain.units) { // a holder copy: forward() is not const
        x = unit->forward(x);
        std::vector<int64_t> s = x.sizes().vec();
        s.erase(s.begin());
        out.push_back(s);
    }
    return out;
}

std::vector<std::string> splitCandidates(const UnitChain& chain) {
    const auto shapes = probeShapes(chain);
    std::vector<std::string> names;
    for (size_t i = 0; i + 1 < chain.units.size(); ++i)
        if (shapes[i].size() == 3)
            names.push_back(chain.names[i]);
    return names;
}

int64_t countParameters(const torch::nn::Module& module) {
    int64_t n = 0;
    for (const auto& p : module.parameters())
        n += p.numel();
    return n;
}

} // namespace

SpatialChannelAttentionImpl::SpatialChannelAttentionImpl(int64_t channels, int64_t hidden,
                                                         int64_t spatialKernel) {
    fc1 = register_module("fc1", torch::nn::Linear(channels, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, channels));
    spatial = register_module(
        "spatial",
        torch::nn::Conv2d(
            torch::nn::Conv2dOptions(2, 1, spatialKernel).padding((spatialKernel - 1) / 2)));
}

namespace {

struct Attended {
    torch::Tensor features;       // F'' (N, C, H, W)
    torch::Tensor channelWeights; // Mc (N, C)
    torch::Tensor spatialWeights; // Ms (N, 1, H, W)
};

// The one implementation of the attention formulas; forward() and edgeHead() (which also reports
// Ms) both go through it.
Attended attend(SpatialChannelAttentionImpl& a, const torch::Tensor& x) {
    // Channel attention: one MLP shared by the average- and max-pooled descriptors.
    const torch::Tensor avg = x.mean({2, 3});
    const torch::Tensor max = x.amax({2, 3});
    const torch::Tensor channelWeights =
        torch::sigmoid(a.fc2->forward(torch::relu(a.fc1->forward(avg))) +
                       a.fc2->forward(torch::relu(a.fc1->forward(max))));
    const torch::Tensor refined = x * channelWeights.unsqueeze(-1).unsqueeze(-1);
    // Spatial attention over the channel-wise mean and max maps of the refined features.
    const torch::Tensor descriptor = torch::cat({refined.mean(1, true), refined.amax(1, true)}, 1);
    const torch::Tensor spatialWeights = torch::sigmoid(a.spatial->forward(descriptor));
    return {refined * spatialWeights, channelWeights, spatialWeights};
}

} // namespace

std::pair<torch::Tensor, torch::Tensor>
SpatialChannelAttentionImpl::forward(const torch::Tensor& x) {
    Attended out = attend(*this, x);
    return {out.features, out.channelWeights};
}

ResidualBlockImpl::ResidualBlockImpl(int64_t inChannels, int64_t outChannels, int64_t blockStride)
    : stride(blockStride) {
    using torch::nn::Conv2dOptions;
    conv1 = register_module(
        "conv1",
        torch::nn::Conv2d(
            Conv2dOptions(inChannels, outChannels, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", torch::nn::BatchNorm2d(outChannels));
    conv2 = register_module(
        "conv2",
        torch::nn::Conv2d(Conv2dOptions(outChannels, outChannels, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", torch::nn::BatchNorm2d(outChannels));
    if (stride != 1 || inChannels != outChannels) {
        shortcutConv = register_module(
            "shortcut_conv",
            torch::nn::Conv2d(
                Conv2dOptions(inChannels, outChannels, 1).stride(stride).bias(false)));
        shortcutBn = register_module("shortcut_bn", torch::nn::BatchNorm2d(outChannels));
    }
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
    torch::Tensor out = torch::relu(bn1->forward(conv1->forward(x)));
    out = bn2->forward(conv2->forward(out));
    // Out of place: the input may be a cached or caller-owned tensor.
    out = out + (shortcutConv ? shortcutBn->forward(shortcutConv->forward(x)) : x);
    return torch::relu(out);
}

AttentionSplitNetImpl::AttentionSplitNetImpl(std::vector<torch::nn::Sequential> headUnits,
                                             SpatialChannelAttention attentionModule,
                                             std::vector<torch::nn::Sequential> edgeTailUnits,
                                             std::vector<torch::nn::Sequential> cloudTailUnits,
                                             int64_t classes)
    : head(std::move(headUnits)), edgeTail(std::move(edgeTailUnits)),
      cloudTail(std::move(cloudTailUnits)) {
    for (size_t i = 0; i < head.size(); ++i)
        register_module("head" + std::to_string(i), head[i]);
    attention = register_module("attention", attentionModule);
    for (size_t i = 0; i < edgeTail.size(); ++i)
        register_module("edge_tail" + std::to_string(i), edgeTail[i]);
    for (size_t i = 0; i < cloudTail.size(); ++i)
        register_module("cloud_tail" + std::to_string(i), cloudTail[i]);
    fusionBias = register_parameter("fusion_bias", torch::zeros({classes}));
    fusionSlope = register_parameter("fusion_slope", torch::full({classes}, 2.0f));
}

std::pair<torch::Tensor, torch::Tensor> AttentionSplitNetImpl::runHead(torch::Tensor images) {
    for (auto& unit : head)
        images = unit->forward(images);
    return attention->forward(images);
}

torch::Tensor AttentionSplitNetImpl::runEdgeTail(torch::Tensor features) {
    for (auto& unit : edgeTail)
        features = unit->forward(features);
    return features;
}

torch::Tensor AttentionSplitNetImpl::runCloudTail(torch::Tensor features) {
    for (auto& unit : cloudTail)
        features = unit->forward(features);
    return features;
}

torch::Tensor AttentionSplitNetImpl::edgeWeight(const torch::Tensor& share) const {
    return torch::sigmoid(fusionBias + fusionSlope * (1.0 - 2.0 * share).unsqueeze(1));
}

torch::Tensor AttentionSplitNetImpl::fuse(const torch::Tensor& edge, const torch::Tensor& cloud,
                                          const torch::Tensor& kept, int64_t channels) const {
    const torch::Tensor share = (double(channels) - kept.to(torch::kFloat32)) / double(channels);
    const torch::Tensor w = edgeWeight(share);
    torch::Tensor fused = w * edge + (1.0 - w) * cloud;
    fused = torch::where((kept == channels).unsqueeze(1), edge, fused);
    return torch::where((kept == 0).unsqueeze(1), cloud, fused);
}

torch::Tensor AttentionSplitImpl::toTensor(const std::vector<float>& values, int batch,
                                           const std::vector<int64_t>& sampleShape) {
    if (batch < 1)
        throw std::invalid_argument("batch must be at least 1, got " + std::to_string(batch));
    std::vector<int64_t> shape = sampleShape;
    shape.insert(shape.begin(), batch);
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    if (int64_t(values.size()) != n)
        throw std::invalid_argument("expected " + std::to_string(n) + " values for a batch of " +
                                    std::to_string(batch) + ", got " +
                                    std::to_string(values.size()));
    // A copy into torch's own (aligned) storage, never a view on the caller's vector: results are
    // then independent of where the caller's data lives.
    torch::Tensor t = torch::empty(shape, torch::kFloat32);
    std::memcpy(t.data_ptr<float>(), values.data(), values.size() * sizeof(float));
    return t;
}

std::vector<float> AttentionSplitImpl::toVector(const torch::Tensor& t) {
    const torch::Tensor c = t.contiguous().to(torch::kFloat32);
    const float* begin = c.data_ptr<float>();
    return std::vector<float>(begin, begin + c.numel());
}

std::unique_ptr<AttentionSplitImpl> buildAttentionSplit(const AttentionSplitConfig& requested) {
    AttentionSplitConfig config = requested;
    if (config.splitLayer.empty())
        config.splitLayer = AttentionSplit::defaultSplitLayer(config.model);
    UnitChain edge = buildUnits(config.model, config.seed);
    // The cloud tail starts from different weights: the two tails should not be clones.
    UnitChain cloud = buildUnits(config.model, config.seed + 0x9e3779b9ULL);

    const std::vector<std::string> candidates = splitCandidates(edge);
    if (std::find(candidates.begin(), candidates.end(), config.splitLayer) == candidates.end()) {
        std::string known;
        for (const std::string& n : candidates)
            known += (known.empty() ? "" : ", ") + n;
        throw std::invalid_argument("cannot split " + config.model + " at '" + config.splitLayer +
                                    "' (split layers: " + known + ")");
    }
    auto impl = std::make_unique<AttentionSplitImpl>();
    impl->config = config;
    impl->unitNames = edge.names;
    impl->inputShape = edge.inputShape;
    impl->splitIndex = size_t(std::find(edge.names.begin(), edge.names.end(), config.splitLayer) -
                              edge.names.begin());
    const auto shapes = probeShapes(edge);
    const auto& featureShape = shapes[impl->splitIndex];
    impl->featureShape = {featureShape[0], featureShape[1], featureShape[2]};
    impl->classes = shapes.back().at(0);

    std::vector<torch::nn::Sequential> head(edge.units.begin(),
                                            edge.units.begin() + long(impl->splitIndex) + 1);
    std::vector<torch::nn::Sequential> edgeTail(edge.units.begin() + long(impl->splitIndex) + 1,
                                                edge.units.end());
    std::vector<torch::nn::Sequential> cloudTail(cloud.units.begin() + long(impl->splitIndex) + 1,
                                                 cloud.units.end());
    torch::manual_seed(config.seed ^ 0x5ca1ab1eULL);
    const int64_t channels = impl->featureShape.channels;
    SpatialChannelAttention attention(channels, std::max<int64_t>(4, channels / 8), 7);
    impl->net = AttentionSplitNet(std::move(head), attention, std::move(edgeTail),
                                  std::move(cloudTail), impl->classes);
    // The zoo freezes its parameters (it only profiles); here everything is trainable.
    for (auto& p : impl->net->parameters())
        p.requires_grad_(true);
    impl->net->eval();
    return impl;
}

} // namespace detail

using detail::AttentionSplitImpl;

AttentionSplit::AttentionSplit(std::unique_ptr<detail::AttentionSplitImpl> d) : d_(std::move(d)) {}

AttentionSplit::~AttentionSplit() = default;

std::vector<std::string> AttentionSplit::models() {
    return {"small_cnn", "resnet_mini"};
}

std::vector<std::string> AttentionSplit::splitLayers(const std::string& model) {
    return detail::splitCandidates(detail::buildUnits(model, 1));
}

std::string AttentionSplit::defaultSplitLayer(const std::string& model) {
    if (model == "small_cnn")
        return "pool1";
    if (model == "resnet_mini")
        return "layer1";
    detail::buildUnits(model, 1); // throws the "unknown model" error
    return {};
}

std::unique_ptr<AttentionSplit> AttentionSplit::create(const AttentionSplitConfig& config) {
    return std::unique_ptr<AttentionSplit>(new AttentionSplit(detail::buildAttentionSplit(config)));
}

void AttentionSplit::save(const std::string& checkpointDir, const std::string& metadataJson) const {
    namespace fs = std::filesystem;
    nlohmann::json training = nlohmann::json::object();
    if (!metadataJson.empty())
        training = nlohmann::json::parse(metadataJson);
    std::error_code ec;
    fs::create_directories(checkpointDir, ec);
    if (ec)
        throw std::runtime_error("cannot create checkpoint directory " + checkpointDir + ": " +
                                 ec.message());
    nlohmann::json meta = {
        {"format", detail::kFormat},
        {"version", detail::kFormatVersion},
        {"model", d_->config.model},
        {"split_layer", d_->config.splitLayer},
        {"seed", d_->config.seed},
        {"input_shape", d_->inputShape},
        {"feature_shape",
         {d_->featureShape.channels, d_->featureShape.height, d_->featureShape.width}},
        {"classes", d_->classes},
        {"units", d_->unitNames},
        {"weights", detail::kWeightsFile},
        {"training", training},
    };
    const fs::path dir(checkpointDir);
    try {
        torch::save(d_->net, (dir / detail::kWeightsFile).string());
    } catch (const c10::Error& e) {
        throw std::runtime_error("cannot write " + (dir / detail::kWeightsFile).string() + ": " +
                                 e.what_without_backtrace());
    }
    std::ofstream out(dir / detail::kConfigFile);
    out << meta.dump(2) << "\n";
    if (!out)
        throw std::runtime_error("cannot write " + (dir / detail::kConfigFile).string());
}

std::unique_ptr<AttentionSplit> AttentionSplit::load(const std::string& checkpointDir) {
    namespace fs = std::filesystem;
    const fs::path dir(checkpointDir);
    std::ifstream in(dir / detail::kConfigFile);
    if (!in)
        throw std::runtime_error("no checkpoint in " + checkpointDir + " (missing " +
                                 detail::kConfigFile + ")");
    nlohmann::json meta;
    AttentionSplitConfig config;
    std::vector<int64_t> shape;
    try {
        in >> meta;
        if (meta.at("format").get<std::string>() != detail::kFormat ||
            jsonIntegerAt<int>(meta, "version") != detail::kFormatVersion)
            throw std::runtime_error("checkpoint " + checkpointDir + " is not a version-1 " +
                                     detail::kFormat + " checkpoint");
        config.model = meta.at("model").get<std::string>();
        config.splitLayer = meta.at("split_layer").get<std::string>();
        config.seed = jsonIntegerAt<uint64_t>(meta, "seed");
        shape = jsonIntegers<int64_t>(meta.at("feature_shape"));
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error("checkpoint " + checkpointDir + ": unreadable " +
                                 detail::kConfigFile + ": " + e.what());
    }
    std::unique_ptr<AttentionSplit> model = create(config);
    const FeatureShape& actual = model->d_->featureShape;
    if (shape != std::vector<int64_t>{actual.channels, actual.height, actual.width})
        throw std::runtime_error("checkpoint " + checkpointDir +
                                 ": feature shape does not match the model");
    try {
        torch::load(model->d_->net, (dir / detail::kWeightsFile).string());
    } catch (const c10::Error& e) {
        throw std::runtime_error("checkpoint " + checkpointDir + ": cannot load " +
                                 detail::kWeightsFile + ": " + e.what_without_backtrace());
    }
    model->d_->net->eval();
    model->d_->metadataJson = meta.value("training", nlohmann::json::object()).dump();
    return model;
}

std::string AttentionSplit::metadataJson() const {
    return d_->metadataJson;
}

const AttentionSplitConfig& AttentionSplit::config() const {
    return d_->config;
}

std::vector<std::string> AttentionSplit::unitNames() const {
    return d_->unitNames;
}

std::vector<int64_t> AttentionSplit::inputShape() const {
    return d_->inputShape;
}

int64_t AttentionSplit::inputSize() const {
    int64_t n = 1;
    for (int64_t v : d_->inputShape)
        n *= v;
    return n;
}

FeatureShape AttentionSplit::featureShape() const {
    return d_->featureShape;
}

int AttentionSplit::classes() const {
    return int(d_->classes);
}

int64_t AttentionSplit::parameterCount(const std::string& part) const {
    const auto& net = *d_->net;
    int64_t n = 0;
    if (part == "head") {
        for (const auto& u : net.head)
            n += detail::countParameters(*u);
    } else if (part == "attention") {
        n = detail::countParameters(*net.attention);
    } else if (part == "edge_tail") {
        for (const auto& u : net.edgeTail)
            n += detail::countParameters(*u);
    } else if (part == "cloud_tail") {
        for (const auto& u : net.cloudTail)
            n += detail::countParameters(*u);
    } else if (part == "fusion") {
        n = net.fusionBias.numel() + net.fusionSlope.numel();
    } else {
        throw std::invalid_argument("unknown part '" + part +
                                    "' (head, attention, edge_tail, cloud_tail, fusion)");
    }
    return n;
}

AttentionSplit::HeadOutput AttentionSplit::edgeHead(const std::vector<float>& images,
                                                    int batch) const {
    c10::InferenceMode inferenceMode;
    // runHead() without dropping Ms: same units, same attention formulas.
    torch::Tensor x = AttentionSplitImpl::toTensor(images, batch, d_->inputShape);
    for (auto& unit : d_->net->head)
        x = unit->forward(x);
    const detail::Attended attended = detail::attend(*d_->net->attention, x);
    HeadOutput out;
    out.batch = batch;
    out.features = AttentionSplitImpl::toVector(attended.features);
    out.channelWeights = AttentionSplitImpl::toVector(attended.channelWeights);
    out.spatialWeights = AttentionSplitImpl::toVector(attended.spatialWeights);
    return out;
}

std::vector<float> AttentionSplit::edgeTail(const std::vector<float>& features, int batch) const {
    c10::InferenceMode inferenceMode;
    return AttentionSplitImpl::toVector(d_->net->runEdgeTail(
        AttentionSplitImpl::toTensor(features, batch, d_->featureSampleShape())));
}

std::vector<float> AttentionSplit::edgeTailOnKept(const std::vector<float>& features,
                                                  const std::vector<int32_t>& kept) const {
    c10::InferenceMode inferenceMode;
    torch::Tensor x = AttentionSplitImpl::toTensor(features, 1, d_->featureSampleShape());
    auto& units = d_->net->edgeTail;
    if (units.empty() || int64_t(kept.size()) >= x.size(1))
        return AttentionSplitImpl::toVector(d_->net->runEdgeTail(x));
    const std::vector<int64_t> indices(kept.begin(), kept.end());
    torch::Tensor h =
        detail::forwardOnKeptChannels(units.front(), x, torch::tensor(indices, torch::kLong));
    if (!h.defined())
        h = units.front()->forward(x);
    for (size_t i = 1; i < units.size(); ++i)
        h = units[i]->forward(h);
    return AttentionSplitImpl::toVector(h);
}

std::vector<float> AttentionSplit::cloudTail(const std::vector<float>& features, int batch) const {
    c10::InferenceMode inferenceMode;
    return AttentionSplitImpl::toVector(d_->net->runCloudTail(
        AttentionSplitImpl::toTensor(features, batch, d_->featureSampleShape())));
}

std::vector<float> AttentionSplit::cloudTail(const CompressedFeatures& features) const {
    if (features.shape != d_->featureShape)
        throw std::invalid_argument(
            "compressed features are " + std::to_string(features.shape.channels) + "x" +
            std::to_string(features.shape.height) + "x" + std::to_string(features.shape.width) +
            ", the cloud tail expects " + std::to_string(d_->featureShape.channels) + "x" +
            std::to_string(d_->featureShape.height) + "x" + std::to_string(d_->featureShape.width));
    return cloudTail(features.decompress(), 1);
}

std::vector<float> AttentionSplit::edgeOnly(const std::vector<float>& images, int batch) const {
    c10::InferenceMode inferenceMode;
    auto [features, weights] =
        d_->net->runHead(AttentionSplitImpl::toTensor(images, batch, d_->inputShape));
    return AttentionSplitImpl::toVector(d_->net->runEdgeTail(features));
}

double AttentionSplit::edgeFusionWeight(int classIndex, int keptChannels) const {
    if (classIndex < 0 || classIndex >= d_->classes)
        throw std::out_of_range("class " + std::to_string(classIndex) + " out of range");
    const int64_t channels = d_->featureShape.channels;
    if (keptChannels >= channels)
        return 1.0;
    if (keptChannels <= 0)
        return 0.0;
    const double share = double(channels - keptChannels) / double(channels);
    // Plain reads of the 1-D parameters: no autograd bookkeeping, safe from several threads.
    const double a = d_->net->fusionBias.data_ptr<float>()[classIndex];
    const double b = d_->net->fusionSlope.data_ptr<float>()[classIndex];
    return 1.0 / (1.0 + std::exp(-(a + b * (1.0 - 2.0 * share))));
}

std::vector<float> AttentionSplit::fuse(const float* edgeLogits, const float* cloudLogits,
                                        int keptChannels) const {
    const int classes = int(d_->classes);
    // The endpoints copy one side bit for bit: share 0 must equal the edge model exactly.
    if (keptChannels >= d_->featureShape.channels)
        return std::vector<float>(edgeLogits, edgeLogits + classes);
    if (keptChannels <= 0)
        return std::vector<float>(cloudLogits, cloudLogits + classes);
    std::vector<float> out(static_cast<size_t>(classes));
    for (int j = 0; j < classes; ++j) {
        const double w = edgeFusionWeight(j, keptChannels);
        out[size_t(j)] = float(w * double(edgeLogits[j]) + (1.0 - w) * double(cloudLogits[j]));
    }
    return out;
}

namespace {
std::vector<LayerInfo> zooUnits(const AttentionSplitConfig& c, bool head) {
    if (c.model != "small_cnn")
        return {};
    const auto zoo = DnnModel::create(c.model, 1);
    std::vector<LayerInfo> out;
    bool inHead = true;
    for (const LayerInfo& l : zoo->layers()) {
        if (inHead == head)
            out.push_back(l);
        if (l.name == c.splitLayer)
            inHead = false;
    }
    return out;
}
} // namespace

std::vector<LayerInfo> AttentionSplit::headUnits() const {
    return zooUnits(d_->config, true);
}

std::vector<LayerInfo> AttentionSplit::tailUnits() const {
    return zooUnits(d_->config, false);
}

std::string AttentionSplit::describe() const {
    const FeatureShape& f = d_->featureShape;
    return d_->config.model + " split after " + d_->config.splitLayer + " (" +
           std::to_string(f.channels) + "x" + std::to_string(f.height) + "x" +
           std::to_string(f.width) + " features; parameters: head " +
           std::to_string(parameterCount("head")) + ", attention " +
           std::to_string(parameterCount("attention")) + ", edge tail " +
           std::to_string(parameterCount("edge_tail")) + ", cloud tail " +
           std::to_string(parameterCount("cloud_tail")) + ")";
}

} // namespace dvfo
