// ZooSplit and loadSplitModel (core/dnn/splitmodel.h): the zoo's models cut at a split layer.
#include "core/attention/attentionsplit.h"
#include "core/dnn/dnnmodel.h"
#include "core/dnn/dnnmodelimpl.h"
#include "core/dnn/offloadmodel.h"
#include "core/attention/zoosplit.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace dvfo {

int64_t SplitModel::inputSize() const {
    int64_t n = 1;
    for (int64_t v : inputShape())
        n *= v;
    return n;
}

struct ZooSplit::Impl {
    std::unique_ptr<DnnModel> model;
    int split = 0; // head = units [0, split]
    FeatureShape feature;
    std::vector<int64_t> sampleShape; // input, without batch
    int classes = 0;

    torch::Tensor run(torch::Tensor x, size_t first, size_t last) const {
        auto& units = model->impl().units;
        for (size_t i = first; i < last; ++i)
            x = units[i]->forward(x);
        return x;
    }
    static torch::Tensor tensor(const std::vector<float>& v, int batch,
                                const std::vector<int64_t>& sample) {
        std::vector<int64_t> shape{batch};
        shape.insert(shape.end(), sample.begin(), sample.end());
        int64_t n = batch;
        for (int64_t d : sample)
            n *= d;
        if (int64_t(v.size()) != n)
            throw std::invalid_argument("zoo split: expected " + std::to_string(n) +
                                        " floats, got " + std::to_string(v.size()));
        return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
    }
    static std::vector<float> vec(const torch::Tensor& t) {
        const torch::Tensor c = t.contiguous().to(torch::kFloat32);
        return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    }
    std::vector<float> tail(const std::vector<float>& features, int batch) const {
        c10::InferenceMode guard;
        const std::vector<int64_t> shape{feature.channels, feature.height, feature.width};
        return vec(
            run(tensor(features, batch, shape), size_t(split) + 1, model->impl().units.size()));
    }
};

ZooSplit::ZooSplit(std::unique_ptr<Impl> d) : d_(std::move(d)) {}
ZooSplit::~ZooSplit() = default;

std::unique_ptr<ZooSplit> ZooSplit::create(const std::string& model, const std::string& splitLayer,
                                           uint64_t seed) {
    auto d = std::make_unique<Impl>();
    d->model = DnnModel::create(model, 1, seed);
    std::string split = splitLayer;
    try {
        if (split.empty())
            split = OffloadModel::defaultSplitLayer(model);
        // Validates the split layer (a CxHxW output that is not the last unit).
        const OffloadModel check(model, d->model->layers(), [&] {
            OffloadParams p;
            p.splitLayer = split;
            return p;
        }());
        d->split = check.splitIndex();
        d->feature = check.featureShape();
    } catch (const OffloadModelError& e) {
        throw std::invalid_argument(e.what());
    }
    const std::vector<int64_t> in = d->model->inputShape();
    d->sampleShape.assign(in.begin() + 1, in.end());
    const std::vector<int64_t>& out = d->model->layers().back().outputShape;
    d->classes = int(out.back());
    return std::unique_ptr<ZooSplit>(new ZooSplit(std::move(d)));
}

std::string ZooSplit::modelName() const {
    return d_->model->name();
}

std::string ZooSplit::splitLayerName() const {
    return d_->model->layers()[size_t(d_->split)].name;
}

std::vector<int64_t> ZooSplit::inputShape() const {
    return d_->sampleShape;
}

FeatureShape ZooSplit::featureShape() const {
    return d_->feature;
}

int ZooSplit::classes() const {
    return d_->classes;
}

SplitHeadOutput ZooSplit::edgeHead(const std::vector<float>& images, int batch) const {
    c10::InferenceMode guard;
    const torch::Tensor f =
        d_->run(Impl::tensor(images, batch, d_->sampleShape), 0, size_t(d_->split) + 1);
    SplitHeadOutput out;
    out.batch = batch;
    out.features = Impl::vec(f);
    out.channelWeights = Impl::vec(f.abs().mean({2, 3})); // L1 norm per map (scaled by 1/HW)
    return out;
}

std::vector<float> ZooSplit::edgeTail(const std::vector<float>& features, int batch) const {
    return d_->tail(features, batch);
}

std::vector<float> ZooSplit::edgeTailOnKept(const std::vector<float>& features,
                                            const std::vector<int32_t>& kept) const {
    c10::InferenceMode guard;
    const std::vector<int64_t> shape{d_->feature.channels, d_->feature.height, d_->feature.width};
    const torch::Tensor x = Impl::tensor(features, 1, shape);
    auto& units = d_->model->impl().units;
    const size_t first = size_t(d_->split) + 1;
    torch::Tensor h;
    if (int64_t(kept.size()) < d_->feature.channels) {
        std::vector<int64_t> indices(kept.begin(), kept.end());
        h = detail::forwardOnKeptChannels(units[first], x, torch::tensor(indices, torch::kLong));
    }
    if (!h.defined())
        h = units[first]->forward(x);
    return Impl::vec(d_->run(h, first + 1, units.size()));
}

std::vector<float> ZooSplit::cloudTail(const CompressedFeatures& features) const {
    if (features.shape != d_->feature)
        throw std::invalid_argument(
            "compressed features are " + std::to_string(features.shape.channels) + "x" +
            std::to_string(features.shape.height) + "x" + std::to_string(features.shape.width) +
            ", the tail of " + modelName() + " expects " + std::to_string(d_->feature.channels) +
            "x" + std::to_string(d_->feature.height) + "x" + std::to_string(d_->feature.width));
    return d_->tail(features.decompress(), 1);
}

std::vector<float> ZooSplit::fuse(const float* edgeLogits, const float* cloudLogits,
                                  int keptChannels) const {
    const int64_t channels = d_->feature.channels;
    if (keptChannels >= channels)
        return std::vector<float>(edgeLogits, edgeLogits + d_->classes);
    if (keptChannels <= 0)
        return std::vector<float>(cloudLogits, cloudLogits + d_->classes);
    const double w = double(keptChannels) / double(channels);
    std::vector<float> out(size_t(d_->classes));
    for (int j = 0; j < d_->classes; ++j)
        out[size_t(j)] = float(w * edgeLogits[j] + (1 - w) * cloudLogits[j]);
    return out;
}

std::vector<LayerInfo> ZooSplit::headUnits() const {
    const auto& l = d_->model->layers();
    return {l.begin(), l.begin() + d_->split + 1};
}

std::vector<LayerInfo> ZooSplit::tailUnits() const {
    const auto& l = d_->model->layers();
    return {l.begin() + d_->split + 1, l.end()};
}

std::unique_ptr<SplitModel> loadSplitModel(const std::string& attentionDir,
                                           const std::string& model,
                                           const std::string& splitLayer) {
    namespace fs = std::filesystem;
    // A checkpoint named without a model is loaded as such (its own error when it is missing).
    if (!attentionDir.empty() &&
        (model.empty() || fs::exists(fs::path(attentionDir) / "attention.json"))) {
        auto split = AttentionSplit::load(attentionDir);
        if (!model.empty() && split->config().model != model)
            throw std::runtime_error("attention checkpoint " + attentionDir + " is model '" +
                                     split->config().model + "', not '" + model + "'");
        return split;
    }
    if (model.empty())
        throw std::runtime_error("no attention checkpoint in " + attentionDir +
                                 " and no zoo model named");
    const auto zoo = DnnModel::available();
    if (std::find(zoo.begin(), zoo.end(), model) == zoo.end())
        throw std::runtime_error("model '" + model +
                                 "' has no attention checkpoint and is not a "
                                 "zoo model");
    return ZooSplit::create(model, splitLayer);
}

} // namespace dvfo
