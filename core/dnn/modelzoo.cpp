// The model zoo: torchvision's architectures rebuilt with the LibTorch C++ API, split into
// profiling units, with analytic FLOPs and operator counts (see LayerInfo for the convention).
#include "core/dnn/dnnmodelimpl.h"
#include "core/dnn/tensorshape.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/functional/linear.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/utils.h>

#include <cmath>
#include <stdexcept>
#include <variant>

namespace dvfo::detail {

namespace {

using SampleShape = std::vector<int64_t>; // one sample, without the batch dimension

using dvfo::elementCount;
using dvfo::shapeText;

// Input elements an adaptive pooling window reads along one dimension, summed over the outputs
// (windows overlap when `in` is not a multiple of `out`, so this is not simply `in`).
int64_t adaptiveWindowSum(int64_t in, int64_t out) {
    int64_t sum = 0;
    for (int64_t i = 0; i < out; ++i) {
        const int64_t start = (i * in) / out;
        const int64_t end = ((i + 1) * in + out - 1) / out;
        sum += end - start;
    }
    return sum;
}

// Creates the modules of one unit and books their analytic cost per sample while tracking the
// shape flowing through them. Modules must be created in execution order. The tracked shapes
// are checked against a real probe run when the model is finished.
class UnitCost {
public:
    explicit UnitCost(SampleShape input) : unitInput_(input), shape_(std::move(input)) {}

    const SampleShape& shape() const { return shape_; }
    // For branches (a residual shortcut starts again from the block input).
    void setShape(SampleShape shape) {
        atUnitInput_ = shape == unitInput_;
        shape_ = std::move(shape);
    }
    int64_t flops() const { return flops_; }
    int ops() const { return ops_; }
    // Of flops(): the multiply-accumulates of the convolutions and linear layers reading the
    // unit's input, which forwardOnKeptChannels() slices; 0 when another operator reads it too.
    int64_t inputChannelFlops() const { return inputUnsliceable_ ? 0 : inputChannelFlops_; }
    // The weights of those layers (they are cut to the kept channels too).
    int64_t inputChannelWeights() const { return inputUnsliceable_ ? 0 : inputChannelWeights_; }

    // All zoo convolutions are "same"-padded: padding (kernel - 1) / 2.
    torch::nn::Conv2d conv(int64_t outChannels, int64_t kernel, int64_t stride, int64_t groups = 1,
                           bool bias = false) {
        requireImage("conv");
        const int64_t inChannels = shape_[0];
        const int64_t padding = (kernel - 1) / 2;
        const int64_t outH = (shape_[1] + 2 * padding - kernel) / stride + 1;
        const int64_t outW = (shape_[2] + 2 * padding - kernel) / stride + 1;
        const int64_t macs = outChannels * outH * outW * (inChannels / groups) * kernel * kernel;
        readsInput(groups == 1, 2 * macs, outChannels * inChannels * kernel * kernel);
        shape_ = {outChannels, outH, outW};
        flops_ += 2 * macs + (bias ? elementCount(shape_) : 0);
        ++ops_;
        return torch::nn::Conv2d(torch::nn::Conv2dOptions(inChannels, outChannels, kernel)
                                     .stride(stride)
                                     .padding(padding)
                                     .groups(groups)
                                     .bias(bias));
    }

    torch::nn::BatchNorm2d batchNorm() {
        requireImage("batch norm");
        elementwise();
        return torch::nn::BatchNorm2d(shape_[0]);
    }

    // In place like torchvision's (inplace=True): saves an allocation per activation.
    torch::nn::ReLU relu() {
        elementwise();
        return torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true));
    }

    torch::nn::ReLU6 relu6() {
        elementwise();
        return torch::nn::ReLU6(torch::nn::ReLU6Options().inplace(true));
    }

    torch::nn::MaxPool2d maxPool(int64_t kernel, int64_t stride, int64_t padding) {
        requireImage("max pool");
        readsInput(false, 0);
        const int64_t outH = (shape_[1] + 2 * padding - kernel) / stride + 1;
        const int64_t outW = (shape_[2] + 2 * padding - kernel) / stride + 1;
        shape_ = {shape_[0], outH, outW};
        flops_ += elementCount(shape_) * kernel * kernel;
        ++ops_;
        return torch::nn::MaxPool2d(
            torch::nn::MaxPool2dOptions(kernel).stride(stride).padding(padding));
    }

    torch::nn::AdaptiveAvgPool2d adaptiveAvgPool(int64_t outH, int64_t outW) {
        requireImage("adaptive average pool");
        readsInput(false, 0);
        flops_ +=
            shape_[0] * adaptiveWindowSum(shape_[1], outH) * adaptiveWindowSum(shape_[2], outW);
        shape_ = {shape_[0], outH, outW};
        ++ops_;
        return torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions({outH, outW}));
    }

    // A view: no arithmetic, but still a dispatched operator. A linear layer right after it
    // still reads the unit's input (channel-major), so the unit stays sliceable.
    torch::nn::Flatten flatten() {
        shape_ = {elementCount(shape_)};
        ++ops_;
        return torch::nn::Flatten(torch::nn::FlattenOptions().start_dim(1));
    }

    torch::nn::Linear linear(int64_t outFeatures) {
        if (shape_.size() != 1)
            throw std::logic_error("zoo: linear layer on the unflattened shape " +
                                   shapeText(shape_));
        const int64_t inFeatures = shape_[0];
        readsInput(true, 2 * inFeatures * outFeatures, inFeatures * outFeatures);
        shape_ = {outFeatures};
        flops_ += 2 * inFeatures * outFeatures + outFeatures; // + bias
        ++ops_;
        return torch::nn::Linear(torch::nn::LinearOptions(inFeatures, outFeatures));
    }

    // Identity in eval mode, but torch still dispatches it, which costs time on small units.
    torch::nn::Dropout dropout(double probability) {
        ++ops_;
        return torch::nn::Dropout(torch::nn::DropoutOptions(probability));
    }

    // One operator touching every element of the current shape once: a residual add, or a
    // second application of an activation module.
    void elementwise() {
        readsInput(false, 0);
        flops_ += elementCount(shape_);
        ++ops_;
    }

private:
    // Books an operator that consumes the current shape: when that is the unit's input, its
    // channel-proportional FLOPs count as sliceable, or the unit is not sliceable at all.
    void readsInput(bool sliceable, int64_t sliceableFlops, int64_t sliceableWeights = 0) {
        if (atUnitInput_) {
            if (sliceable) {
                inputChannelFlops_ += sliceableFlops;
                inputChannelWeights_ += sliceableWeights;
            } else
                inputUnsliceable_ = true;
        }
        atUnitInput_ = false;
    }

    void requireImage(const char* what) const {
        if (shape_.size() != 3)
            throw std::logic_error(std::string("zoo: ") + what + " needs a CxHxW input, got " +
                                   shapeText(shape_));
    }

    SampleShape unitInput_;
    SampleShape shape_;
    int64_t flops_ = 0;
    int ops_ = 0;
    bool atUnitInput_ = true;
    bool inputUnsliceable_ = false;
    int64_t inputChannelFlops_ = 0;
    int64_t inputChannelWeights_ = 0;
};

// Accumulates the units of one model, then initialises and checks it.
class ZooBuilder {
public:
    explicit ZooBuilder(SampleShape input) : input_(input), shape_(std::move(input)) {}

    UnitCost unit() const { return UnitCost(shape_); }

    void add(std::string name, std::string kind, torch::nn::Sequential module,
             const UnitCost& cost) {
        LayerInfo info;
        info.name = std::move(name);
        info.kind = std::move(kind);
        info.flops = cost.flops(); // per sample until finish()
        info.ops = cost.ops();
        info.inputChannelFlops = cost.inputChannelFlops();
        info.inputChannelParamBytes = cost.inputChannelWeights() * int64_t(sizeof(float));
        units_.push_back(std::move(module));
        layers_.push_back(std::move(info));
        sampleOutputs_.push_back(cost.shape());
        shape_ = cost.shape();
    }

    std::unique_ptr<DnnModelImpl> finish(const std::string& name, int batch, uint64_t seed) {
        auto model = std::make_unique<DnnModelImpl>();
        model->name = name;
        model->batch = batch;
        model->seed = seed;
        model->inputShape = input_;
        model->inputShape.insert(model->inputShape.begin(), batch);
        model->units = std::move(units_);
        model->layers = std::move(layers_);
        for (LayerInfo& info : model->layers) {
            info.flops *= batch;
            info.inputChannelFlops *= batch;
        }

        at::Generator generator = at::detail::createCPUGenerator(seed);
        for (auto& unit : model->units) {
            for (auto& p : unit->parameters())
                p.requires_grad_(false);
            initialiseWeights(*unit, generator);
            unit->eval();
        }

        model->refreshLayerInfo();
        // The analytic cost model tracked its own shapes; a mismatch with the real run means a
        // wrong FLOPs figure, so fail loudly instead of reporting it.
        for (size_t i = 0; i < model->layers.size(); ++i) {
            SampleShape actual = model->layers[i].outputShape;
            actual.erase(actual.begin());
            if (actual != sampleOutputs_[i])
                throw std::logic_error("zoo: unit " + model->layers[i].name + " of " + name +
                                       " outputs " + shapeText(actual) +
                                       " but its cost was computed for " +
                                       shapeText(sampleOutputs_[i]));
        }
        return model;
    }

private:
    // Weights come from a private generator seeded with the model seed, so they depend on the
    // seed alone (not on torch's global generator) and building is safe from several threads.
    // Scheme: convolutions Kaiming-normal with fan_in (unlike torchvision's fan_out: with eval-mode
    // BatchNorm being a near identity, fan_out would shrink MobileNet's depthwise activations
    // towards denormals, which are very slow on CPUs and would distort every timing), BatchNorm
    // as identity, linear layers torch's default uniform(+-1/sqrt(fan_in)), biases as their
    // layer's default (zero for conv).
    static void initialiseWeights(torch::nn::Module& unit, at::Generator& generator) {
        torch::NoGradGuard noGrad;
        for (const auto& module : unit.modules()) {
            if (auto* conv = module->as<torch::nn::Conv2d>()) {
                const torch::Tensor& w = conv->weight;
                const double fanIn = double(w.size(1) * w.size(2) * w.size(3));
                w.normal_(0.0, std::sqrt(2.0 / fanIn), generator);
                if (conv->bias.defined())
                    conv->bias.zero_();
            } else if (auto* linear = module->as<torch::nn::Linear>()) {
                const double bound = 1.0 / std::sqrt(double(linear->weight.size(1)));
                linear->weight.uniform_(-bound, bound, generator);
                linear->bias.uniform_(-bound, bound, generator);
            }
            // BatchNorm2d's own reset() already is the identity: weight 1, bias 0, mean 0, var 1.
        }
    }

    SampleShape input_;
    SampleShape shape_;
    std::vector<torch::nn::Sequential> units_;
    std::vector<LayerInfo> layers_;
    std::vector<SampleShape> sampleOutputs_;
};

torch::nn::Sequential single(const std::string& childName, torch::nn::AnyModule module) {
    torch::nn::Sequential unit;
    unit->push_back(childName, std::move(module));
    return unit;
}

enum class Activation { ReLU, ReLU6 };

// torchvision's Conv2dNormActivation: children "0" conv, "1" batch norm, "2" activation.
void appendConvBnAct(torch::nn::SequentialImpl& seq, UnitCost& cost, int64_t outChannels,
                     int64_t kernel, int64_t stride, int64_t groups, Activation activation) {
    seq.push_back("0", cost.conv(outChannels, kernel, stride, groups));
    seq.push_back("1", cost.batchNorm());
    if (activation == Activation::ReLU)
        seq.push_back("2", cost.relu());
    else
        seq.push_back("2", cost.relu6());
}

// A convolution reading only the kept input channels: its weights cut to them. Exact when the
// other channels are zero (their products vanish), at k / C of the multiply-accumulates.
torch::Tensor convOnKept(const torch::nn::Conv2dImpl& conv, const torch::Tensor& xKept,
                         const torch::Tensor& kept) {
    const auto& o = conv.options;
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
    if (!padding || o.groups() != 1)
        throw std::logic_error("zoo: convOnKept needs a dense convolution with numeric padding");
    return torch::conv2d(xKept, conv.weight.index_select(1, kept), conv.bias, o.stride(), *padding,
                         o.dilation(), 1);
}

bool denseConv(const torch::nn::Conv2dImpl& conv) {
    return conv.options.groups() == 1 &&
           c10::holds_alternative<torch::ExpandingArray<2>>(conv.options.padding());
}

// ---------------------------------------------------------------------------------------------
// ResNet-18 (torchvision.models.resnet18): 11,689,512 parameters, 1.814 GMACs at 224x224.

// torchvision's BasicBlock, same child names (conv1, bn1, relu, conv2, bn2, downsample).
class BasicBlockImpl : public torch::nn::Module {
public:
    BasicBlockImpl(UnitCost& cost, int64_t planes, int64_t stride) {
        const SampleShape blockInput = cost.shape();
        conv1_ = register_module("conv1", cost.conv(planes, 3, stride));
        bn1_ = register_module("bn1", cost.batchNorm());
        relu_ = register_module("relu", cost.relu());
        conv2_ = register_module("conv2", cost.conv(planes, 3, 1));
        bn2_ = register_module("bn2", cost.batchNorm());
        if (stride != 1 || blockInput[0] != planes) {
            const SampleShape mainPath = cost.shape();
            cost.setShape(blockInput);
            downsample_ = torch::nn::Sequential();
            downsample_->push_back("0", cost.conv(planes, 1, stride));
            downsample_->push_back("1", cost.batchNorm());
            register_module("downsample", downsample_);
            if (cost.shape() != mainPath)
                throw std::logic_error("zoo: BasicBlock shortcut does not match its main path");
        }
        cost.elementwise(); // out += identity
        cost.elementwise(); // relu again
    }

    torch::Tensor forward(torch::Tensor x) {
        torch::Tensor out = relu_(bn1_(conv1_(x)));
        out = bn2_(conv2_(out));
        out += downsample_ ? downsample_->forward(x) : x; // in place on `out`, never on `x`
        return relu_(out);
    }

    // forward(x) for an x whose channels outside `kept` are zero, xKept = those kept channels.
    torch::Tensor forwardOnKept(const torch::Tensor& x, const torch::Tensor& xKept,
                                const torch::Tensor& kept) {
        torch::Tensor out = relu_(bn1_(convOnKept(*conv1_, xKept, kept)));
        out = bn2_(conv2_(out));
        if (downsample_)
            out += downsample_->ptr(1)->as<torch::nn::BatchNorm2dImpl>()->forward(
                convOnKept(*downsample_->ptr(0)->as<torch::nn::Conv2dImpl>(), xKept, kept));
        else
            out += x;
        return relu_(out);
    }

private:
    torch::nn::Conv2d conv1_{nullptr};
    torch::nn::BatchNorm2d bn1_{nullptr};
    torch::nn::ReLU relu_{nullptr};
    torch::nn::Conv2d conv2_{nullptr};
    torch::nn::BatchNorm2d bn2_{nullptr};
    torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(BasicBlock);

void buildResnet18(ZooBuilder& zoo) {
    {
        UnitCost cost = zoo.unit();
        torch::nn::Sequential stem;
        stem->push_back("conv1", cost.conv(64, 7, 2));
        stem->push_back("bn1", cost.batchNorm());
        stem->push_back("relu", cost.relu());
        zoo.add("stem", "conv", stem, cost);
    }
    {
        UnitCost cost = zoo.unit();
        zoo.add("maxpool", "pool", single("maxpool", torch::nn::AnyModule(cost.maxPool(3, 2, 1))),
                cost);
    }
    const int64_t stagePlanes[] = {64, 128, 256, 512};
    for (int stage = 0; stage < 4; ++stage) {
        for (int block = 0; block < 2; ++block) {
            UnitCost cost = zoo.unit();
            const int64_t stride = (stage > 0 && block == 0) ? 2 : 1;
            BasicBlock basicBlock(cost, stagePlanes[stage], stride);
            const std::string name =
                "layer" + std::to_string(stage + 1) + "." + std::to_string(block);
            zoo.add(name, "residual", single("block", torch::nn::AnyModule(basicBlock)), cost);
        }
    }
    {
        UnitCost cost = zoo.unit();
        zoo.add("avgpool", "pool",
                single("avgpool", torch::nn::AnyModule(cost.adaptiveAvgPool(1, 1))), cost);
    }
    {
        UnitCost cost = zoo.unit();
        torch::nn::Sequential fc;
        fc->push_back("flatten", cost.flatten());
        fc->push_back("fc", cost.linear(1000));
        zoo.add("fc", "classifier", fc, cost);
    }
}

// ---------------------------------------------------------------------------------------------
// MobileNetV2 (torchvision.models.mobilenet_v2, width 1.0): 3,504,872 parameters, 0.30 GMACs.

// torchvision's InvertedResidual: `conv` holds [expand 1x1 ConvBNReLU6] (if t != 1), depthwise
// 3x3 ConvBNReLU6, projection 1x1 conv, BN; plus a shortcut when stride 1 and in == out.
class InvertedResidualImpl : public torch::nn::Module {
public:
    InvertedResidualImpl(UnitCost& cost, int64_t outChannels, int64_t stride, int64_t expandRatio) {
        const int64_t inChannels = cost.shape()[0];
        const int64_t hidden = inChannels * expandRatio;
        useShortcut_ = stride == 1 && inChannels == outChannels;
        expands_ = expandRatio != 1;
        conv_ = torch::nn::Sequential();
        if (expands_) {
            Chain expand;
            appendConvBnAct(*expand, cost, hidden, 1, 1, 1, Activation::ReLU6);
            conv_->push_back(expand);
        }
        Chain depthwise;
        appendConvBnAct(*depthwise, cost, hidden, 3, stride, hidden, Activation::ReLU6);
        conv_->push_back(depthwise);
        conv_->push_back(cost.conv(outChannels, 1, 1));
        conv_->push_back(cost.batchNorm());
        register_module("conv", conv_);
        if (useShortcut_)
            cost.elementwise();
    }

    // Out of place like torchvision (x + conv(x)), so the allocation pattern matches too.
    torch::Tensor forward(torch::Tensor x) {
        return useShortcut_ ? x + conv_->forward(x) : conv_->forward(x);
    }

    // Only the expanding 1x1 convolution can read a subset of the input; a block without one
    // starts with a depthwise convolution, which needs every channel.
    bool sliceable() const { return expands_; }
    // forward(x) for an x whose channels outside `kept` are zero, xKept = those kept channels.
    torch::Tensor forwardOnKept(const torch::Tensor& x, const torch::Tensor& xKept,
                                const torch::Tensor& kept) {
        auto* expand = conv_->ptr(0)->as<ChainImpl>();
        torch::Tensor h = convOnKept(*expand->ptr(0)->as<torch::nn::Conv2dImpl>(), xKept, kept);
        for (auto it = expand->begin() + 1; it != expand->end(); ++it)
            h = it->forward(h);
        for (auto it = conv_->begin() + 1; it != conv_->end(); ++it)
            h = it->forward(h);
        return useShortcut_ ? x + h : h;
    }

private:
    torch::nn::Sequential conv_{nullptr};
    bool useShortcut_ = false;
    bool expands_ = false;
};
TORCH_MODULE(InvertedResidual);

void buildMobilenetV2(ZooBuilder& zoo) {
    {
        UnitCost cost = zoo.unit();
        torch::nn::Sequential first;
        appendConvBnAct(*first, cost, 32, 3, 2, 1, Activation::ReLU6);
        zoo.add("features.0", "conv", first, cost);
    }
    struct Stage {
        int64_t expandRatio, channels, repeats, stride;
    };
    const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                            {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    int featureIndex = 1;
    for (const Stage& stage : stages) {
        for (int64_t i = 0; i < stage.repeats; ++i) {
            UnitCost cost = zoo.unit();
            InvertedResidual block(cost, stage.channels, i == 0 ? stage.stride : 1,
                                   stage.expandRatio);
            zoo.add("features." + std::to_string(featureIndex++), "inverted_residual",
                    single("block", torch::nn::AnyModule(block)), cost);
        }
    }
    {
        UnitCost cost = zoo.unit();
        torch::nn::Sequential last;
        appendConvBnAct(*last, cost, 1280, 1, 1, 1, Activation::ReLU6);
        zoo.add("features.18", "conv", last, cost);
    }
    {
        UnitCost cost = zoo.unit();
        zoo.add("pool", "pool", single("avgpool", torch::nn::AnyModule(cost.adaptiveAvgPool(1, 1))),
                cost);
    }
    {
        UnitCost cost = zoo.unit();
        torch::nn::Sequential classifier;
        classifier->push_back("flatten", cost.flatten());
        classifier->push_back("0", cost.dropout(0.2));
        classifier->push_back("1", cost.linear(1000));
        zoo.add("classifier", "classifier", classifier, cost);
    }
}

// ---------------------------------------------------------------------------------------------
// VGG-11 (torchvision.models.vgg11, configuration "A", no batch norm): 132,863,336 parameters,
// 7.61 GMACs. Units are named after torchvision's `features` indices.

void buildVgg11(ZooBuilder& zoo) {
    constexpr int64_t kPool = 0;
    const int64_t config[] = {64,  kPool, 128,   kPool, 256, 256,  kPool,
                              512, 512,   kPool, 512,   512, kPool};
    int featureIndex = 0;
    for (int64_t channels : config) {
        UnitCost cost = zoo.unit();
        const std::string name = "features." + std::to_string(featureIndex);
        if (channels == kPool) {
            zoo.add(name, "pool", single("0", torch::nn::AnyModule(cost.maxPool(2, 2, 0))), cost);
            featureIndex += 1;
        } else {
            torch::nn::Sequential convRelu;
            convRelu->push_back("0", cost.conv(channels, 3, 1, 1, /*bias=*/true));
            convRelu->push_back("1", cost.relu());
            zoo.add(name, "conv", convRelu, cost);
            featureIndex += 2;
        }
    }
    {
        UnitCost cost = zoo.unit();
        zoo.add("avgpool", "pool",
                single("avgpool", torch::nn::AnyModule(cost.adaptiveAvgPool(7, 7))), cost);
    }
    {
        UnitCost cost = zoo.unit();
        torch::nn::Sequential fc;
        fc->push_back("flatten", cost.flatten());
        fc->push_back("0", cost.linear(4096));
        fc->push_back("1", cost.relu());
        fc->push_back("2", cost.dropout(0.5));
        zoo.add("classifier.0", "classifier", fc, cost);
    }
    {
        UnitCost cost = zoo.unit();
        torch::nn::Sequential fc;
        fc->push_back("3", cost.linear(4096));
        fc->push_back("4", cost.relu());
        fc->push_back("5", cost.dropout(0.5));
        zoo.add("classifier.3", "classifier", fc, cost);
    }
    {
        UnitCost cost = zoo.unit();
        zoo.add("classifier.6", "classifier", single("6", torch::nn::AnyModule(cost.linear(1000))),
                cost);
    }
}

// ---------------------------------------------------------------------------------------------
// small_cnn: a Fashion-MNIST classifier (1x28x28 -> 10), 421,738 parameters:
//   conv1: conv 3x3 1->32 (pad 1, no bias) + BN + ReLU   -> 32x28x28
//   pool1: max pool 2x2                                   -> 32x14x14
//   conv2: conv 3x3 32->64 (pad 1, no bias) + BN + ReLU  -> 64x14x14
//   pool2: max pool 2x2                                   -> 64x7x7
//   fc1:   flatten + linear 3136->128 + ReLU
//   fc2:   linear 128->10

void buildSmallCnn(ZooBuilder& zoo) {
    for (int block = 1; block <= 2; ++block) {
        {
            UnitCost cost = zoo.unit();
            torch::nn::Sequential conv;
            conv->push_back("conv", cost.conv(block == 1 ? 32 : 64, 3, 1));
            conv->push_back("bn", cost.batchNorm());
            conv->push_back("relu", cost.relu());
            zoo.add("conv" + std::to_string(block), "conv", conv, cost);
        }
        {
            UnitCost cost = zoo.unit();
            zoo.add("pool" + std::to_string(block), "pool",
                    single("pool", torch::nn::AnyModule(cost.maxPool(2, 2, 0))), cost);
        }
    }
    {
        UnitCost cost = zoo.unit();
        torch::nn::Sequential fc;
        fc->push_back("flatten", cost.flatten());
        fc->push_back("fc", cost.linear(128));
        fc->push_back("relu", cost.relu());
        zoo.add("fc1", "classifier", fc, cost);
    }
    {
        UnitCost cost = zoo.unit();
        zoo.add("fc2", "classifier", single("fc", torch::nn::AnyModule(cost.linear(10))), cost);
    }
}

struct ZooEntry {
    const char* name;
    SampleShape input;
    void (*build)(ZooBuilder&);
};

const std::vector<ZooEntry>& zooEntries() {
    static const std::vector<ZooEntry> entries = {
        {"resnet18", {3, 224, 224}, buildResnet18},
        {"mobilenet_v2", {3, 224, 224}, buildMobilenetV2},
        {"vgg11", {3, 224, 224}, buildVgg11},
        {"small_cnn", {1, 28, 28}, buildSmallCnn},
    };
    return entries;
}

} // namespace

torch::Tensor forwardOnKeptChannels(torch::nn::Sequential unit, const torch::Tensor& x,
                                    const torch::Tensor& kept) {
    if (unit->size() == 0)
        return {};
    const std::shared_ptr<torch::nn::Module> first = unit->ptr(0);
    if (x.dim() == 2) {
        // A flat input: its features are the channels (the classifier's later linear layers).
        const auto* linear = first->as<torch::nn::LinearImpl>();
        if (!linear)
            return {};
        torch::Tensor h = torch::nn::functional::linear(
            x.index_select(1, kept), linear->weight.index_select(1, kept), linear->bias);
        for (auto rest = unit->begin() + 1; rest != unit->end(); ++rest)
            h = rest->forward(h);
        return h;
    }
    if (x.dim() != 4)
        return {};
    if (auto* block = first->as<BasicBlockImpl>())
        return block->forwardOnKept(x, x.index_select(1, kept), kept);
    if (auto* block = first->as<InvertedResidualImpl>())
        return block->sliceable() ? block->forwardOnKept(x, x.index_select(1, kept), kept)
                                  : torch::Tensor();
    auto rest = unit->begin();
    torch::Tensor h;
    if (auto* conv = first->as<torch::nn::Conv2dImpl>()) {
        if (!denseConv(*conv))
            return {};
        h = convOnKept(*conv, x.index_select(1, kept), kept);
        rest += 1;
    } else if (first->as<torch::nn::FlattenImpl>()) {
        // Dropout is the identity in eval mode: the linear layer after it reads the input.
        size_t next = 1;
        while (next < unit->size() && unit->ptr(next)->as<torch::nn::DropoutImpl>())
            ++next;
        const auto* linear =
            next < unit->size() ? unit->ptr(next)->as<torch::nn::LinearImpl>() : nullptr;
        if (!linear)
            return {};
        // Flattened channel-major: channel c owns columns [c * H * W, (c + 1) * H * W).
        const int64_t map = x.size(2) * x.size(3);
        const torch::Tensor columns =
            (kept.unsqueeze(1) * map + torch::arange(map, kept.options())).flatten();
        h = torch::nn::functional::linear(x.index_select(1, kept).flatten(1),
                                          linear->weight.index_select(1, columns), linear->bias);
        rest += long(next) + 1;
    } else {
        return {};
    }
    for (; rest != unit->end(); ++rest)
        h = rest->forward(h);
    return h;
}

std::vector<std::string> zooModelNames() {
    std::vector<std::string> names;
    for (const ZooEntry& entry : zooEntries())
        names.push_back(entry.name);
    return names;
}

std::unique_ptr<DnnModelImpl> buildZooModel(const std::string& name, int batch, uint64_t seed) {
    for (const ZooEntry& entry : zooEntries()) {
        if (name != entry.name)
            continue;
        if (batch < 1)
            throw std::invalid_argument("batch must be at least 1, got " + std::to_string(batch));
        ZooBuilder zoo(entry.input);
        entry.build(zoo);
        return zoo.finish(name, batch, seed);
    }
    std::string known;
    for (const std::string& n : zooModelNames())
        known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown model '" + name + "' (known: " + known + ")");
}

} // namespace dvfo::detail
