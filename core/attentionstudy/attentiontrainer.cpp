#include "core/attentionstudy/attentiontrainer.h"
#include "core/attention/attentionsplitimpl.h"
#include "core/dnn/channelsplit.h"
#include "core/attentionstudy/fashionmnist.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <stdexcept>

namespace dvfo {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// int8 symmetric per-(sample, channel) quantisation as CompressedFeatures does it, with a
// straight-through gradient (the rounding is treated as the identity in backward).
torch::Tensor fakeQuantise(const torch::Tensor& x) {
    const torch::Tensor scale = x.detach().abs().amax({2, 3}, true) / 127.0;
    const torch::Tensor safe = torch::where(scale > 0, scale, torch::ones_like(scale));
    const torch::Tensor q = torch::clamp(torch::round(x.detach() / safe), -127, 127) * scale;
    return x + (q - x.detach());
}

// Cross entropy over the rows selected by `rows` (int64 indices); zero when there are none.
torch::Tensor selectedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels,
                                   const torch::Tensor& rows) {
    if (rows.numel() == 0)
        return torch::zeros({}, logits.options());
    return torch::nn::functional::cross_entropy(logits, labels.index_select(0, rows));
}

// Runs `tail` only on the rows `rows` of `input` (so batch norm statistics never see samples
// the tail would not get at inference) and scatters the logits into an (N, classes) tensor.
template <typename Tail>
torch::Tensor runOnRows(Tail tail, const torch::Tensor& input, const torch::Tensor& rows,
                        int64_t classes, torch::Tensor* selected) {
    torch::Tensor full = torch::zeros({input.size(0), classes}, input.options());
    if (rows.numel() == 0) {
        *selected = torch::Tensor();
        return full;
    }
    *selected = tail(input.index_select(0, rows));
    return full.index_copy(0, rows, *selected);
}

} // namespace

std::vector<double> AttentionTrainer::defaultShares() {
    std::vector<double> shares;
    for (int i = 0; i <= 10; ++i)
        shares.push_back(i / 10.0);
    return shares;
}

TrainSummary AttentionTrainer::train(const FashionMnist& data, const TrainOptions& options) {
    if (options.epochs < 1 || options.batchSize < 2)
        throw std::invalid_argument("training needs at least one epoch and a batch of at least 2");
    auto& impl = model_.impl();
    if (data.rows() * data.cols() != model_.inputSize())
        throw std::invalid_argument("the data's images do not match the model input");
    auto net = impl.net;
    const size_t samples =
        options.trainLimit > 0 ? std::min(options.trainLimit, data.size()) : data.size();
    const int64_t batches =
        int64_t((samples + size_t(options.batchSize) - 1) / size_t(options.batchSize));
    const int64_t channels = impl.featureShape.channels;
    const int64_t classes = impl.classes;
    const int64_t imageSize = model_.inputSize();

    std::vector<int64_t> imageShape = impl.inputShape;
    torch::optim::Adam optimiser(net->parameters(),
                                 torch::optim::AdamOptions(options.learningRate));
    std::mt19937_64 rng(options.seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<size_t> order(samples);
    std::iota(order.begin(), order.end(), size_t(0));

    TrainSummary summary;
    const auto start = Clock::now();
    const int64_t totalSteps = batches * options.epochs;
    int64_t step = 0;
    net->train();
    for (int epoch = 1; epoch <= options.epochs && !summary.cancelled; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        double lossSum = 0;
        int64_t correct = 0, seen = 0;
        for (int64_t b = 0; b < batches; ++b, ++step) {
            if (options.cancelled && options.cancelled()) {
                summary.cancelled = true;
                break;
            }
            const size_t first = size_t(b) * size_t(options.batchSize);
            const int64_t n = int64_t(std::min(samples, first + size_t(options.batchSize)) - first);
            if (n < 2) // batch norm in training mode needs two samples
                continue;
            std::vector<int64_t> shape = imageShape;
            shape.insert(shape.begin(), n);
            torch::Tensor images = torch::empty(shape, torch::kFloat32);
            torch::Tensor labels = torch::empty({n}, torch::kInt64);
            std::vector<int64_t> kept(static_cast<size_t>(n));
            for (int64_t i = 0; i < n; ++i) {
                const size_t index = order[first + size_t(i)];
                std::memcpy(images.data_ptr<float>() + i * imageSize, data.image(index),
                            size_t(imageSize) * sizeof(float));
                labels.data_ptr<int64_t>()[i] = data.labels()[index];
                const double u = uniform(rng);
                const double share = u < options.probKeepAll ? 0.0
                                     : u < options.probKeepAll + options.probOffloadAll
                                         ? 1.0
                                         : uniform(rng);
                kept[size_t(i)] = ChannelSplit::keptCount(int32_t(channels), share);
            }
            const torch::Tensor keptTensor = torch::tensor(kept, torch::kInt64);

            // Cosine decay to 5% of the base rate: a short run still ends with small steps.
            const double progress = double(step) / double(std::max<int64_t>(1, totalSteps - 1));
            const double lr =
                options.learningRate * (0.05 + 0.95 * 0.5 * (1.0 + std::cos(M_PI * progress)));
            for (auto& group : optimiser.param_groups())
                static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);

            auto [features, channelWeights] = net->runHead(images);
            // Rank of every channel by attention weight (0 = highest), as ChannelSplit does.
            const torch::Tensor byWeight = channelWeights.detach().argsort(1, true);
            const torch::Tensor positions =
                torch::arange(channels, torch::kInt64).expand({n, channels});
            const torch::Tensor rank = torch::empty_like(byWeight).scatter_(1, byWeight, positions);
            const torch::Tensor keepMask =
                (rank < keptTensor.unsqueeze(1)).to(torch::kFloat32).unsqueeze(-1).unsqueeze(-1);
            const torch::Tensor edgeInput = features * keepMask;
            torch::Tensor cloudInput = features * (1.0 - keepMask);
            if (options.fakeQuantise)
                cloudInput = fakeQuantise(cloudInput);

            const torch::Tensor edgeRows = (keptTensor > 0).nonzero().flatten();
            const torch::Tensor cloudRows = (keptTensor < channels).nonzero().flatten();
            torch::Tensor edgeSelected, cloudSelected;
            const torch::Tensor edgeLogits =
                runOnRows([&](const torch::Tensor& x) { return net->runEdgeTail(x); }, edgeInput,
                          edgeRows, classes, &edgeSelected);
            const torch::Tensor cloudLogits =
                runOnRows([&](const torch::Tensor& x) { return net->runCloudTail(x); }, cloudInput,
                          cloudRows, classes, &cloudSelected);
            const torch::Tensor fused = net->fuse(edgeLogits, cloudLogits, keptTensor, channels);
            torch::Tensor loss = torch::nn::functional::cross_entropy(fused, labels);
            if (edgeSelected.defined())
                loss = loss + 0.5 * selectedCrossEntropy(edgeSelected, labels, edgeRows);
            if (cloudSelected.defined())
                loss = loss + 0.5 * selectedCrossEntropy(cloudSelected, labels, cloudRows);

            optimiser.zero_grad();
            loss.backward();
            optimiser.step();

            lossSum += loss.item<double>() * double(n);
            correct += fused.detach().argmax(1).eq(labels).sum().item<int64_t>();
            seen += n;
            summary.samplesSeen += n;
            if (options.progress && ((b + 1) % 20 == 0 || b + 1 == batches)) {
                TrainProgress p;
                p.epoch = epoch;
                p.epochs = options.epochs;
                p.batch = b + 1;
                p.batches = batches;
                p.loss = lossSum / double(std::max<int64_t>(1, seen));
                p.accuracy = double(correct) / double(std::max<int64_t>(1, seen));
                p.seconds = secondsSince(start);
                options.progress(p);
            }
        }
        if (seen > 0 && !summary.cancelled) {
            summary.epochsCompleted = epoch;
            summary.lastEpochLoss = lossSum / double(seen);
            summary.lastEpochAccuracy = double(correct) / double(seen);
            summary.seconds = secondsSince(start);
            if (options.epochEnd)
                options.epochEnd(summary);
        }
    }
    net->eval();
    summary.seconds = secondsSince(start);
    return summary;
}

EvaluationReport AttentionTrainer::evaluate(const FashionMnist& data,
                                            const EvaluationOptions& options) const {
    const std::vector<double> shares = options.shares.empty() ? defaultShares() : options.shares;
    for (double s : shares)
        ChannelSplit::keptCount(1, s); // validates the range up front
    if (options.batchSize < 1)
        throw std::invalid_argument("evaluation batch must be at least 1");
    if (data.rows() * data.cols() != model_.inputSize())
        throw std::invalid_argument("the data's images do not match the model input");
    const auto start = Clock::now();
    const size_t samples =
        options.testLimit > 0 ? std::min(options.testLimit, data.size()) : data.size();
    const FeatureShape shape = model_.featureShape();
    const int32_t channels = int32_t(shape.channels);
    const int64_t featureSize = shape.elements();
    const int64_t map = shape.mapSize();
    const int classes = model_.classes();
    const int64_t imageSize = model_.inputSize();

    struct Accumulator {
        int64_t fusedCorrect = 0, edgeCorrect = 0, edgeCount = 0, cloudCorrect = 0, cloudCount = 0;
        double kept = 0, offloaded = 0, sent = 0, wireBytes = 0, float32Bytes = 0;
    };
    std::vector<Accumulator> acc(shares.size());
    int64_t unsplitCorrect = 0;
    auto argmax = [classes](const float* logits) {
        return int(std::max_element(logits, logits + classes) - logits);
    };

    std::mt19937_64 rankingRng(options.rankingSeed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    for (size_t first = 0; first < samples; first += size_t(options.batchSize)) {
        const int n = int(std::min(samples, first + size_t(options.batchSize)) - first);
        std::vector<float> images(data.image(first), data.image(first) + int64_t(n) * imageSize);
        const std::vector<float> unsplit = model_.edgeOnly(images, n);
        for (int i = 0; i < n; ++i)
            unsplitCorrect +=
                argmax(unsplit.data() + int64_t(i) * classes) == data.labels()[first + size_t(i)];
        AttentionSplit::HeadOutput head = model_.edgeHead(images, n);
        if (options.ranking != ChannelRanking::Attention) // same maps, another order
            for (int i = 0; i < n; ++i)
                for (int32_t c = 0; c < channels; ++c) {
                    const float* m = head.features.data() + int64_t(i) * featureSize + c * map;
                    float& w = head.channelWeights[size_t(int64_t(i) * channels + c)];
                    if (options.ranking == ChannelRanking::Random) {
                        w = uniform(rankingRng);
                    } else {
                        double l1 = 0;
                        for (int64_t x = 0; x < map; ++x)
                            l1 += std::abs(m[x]);
                        w = float(l1);
                    }
                }

        for (size_t si = 0; si < shares.size(); ++si) {
            Accumulator& a = acc[si];
            std::vector<float> edgeInput(head.features);
            std::vector<float> cloudInput(head.features.size(), 0.0f);
            std::vector<int32_t> keptCounts(static_cast<size_t>(n));
            bool anyKept = false, anyOffloaded = false;
            for (int i = 0; i < n; ++i) {
                const float* weights = head.channelWeights.data() + int64_t(i) * channels;
                const float* features = head.features.data() + int64_t(i) * featureSize;
                const ChannelSplit split = ChannelSplit::rank(weights, channels, shares[si]);
                keptCounts[size_t(i)] = int32_t(split.kept.size());
                anyKept |= !split.kept.empty();
                anyOffloaded |= !split.offloaded.empty();
                float* edge = edgeInput.data() + int64_t(i) * featureSize;
                for (int32_t c : split.offloaded)
                    std::fill(edge + int64_t(c) * map, edge + int64_t(c + 1) * map, 0.0f);
                a.kept += double(split.kept.size());
                a.offloaded += double(split.offloaded.size());
                if (split.offloaded.empty())
                    continue;
                const CompressedFeatures cf = CompressedFeatures::compress(
                    features, shape, split.offloaded, options.zeroSkipThreshold);
                cf.decompressInto(cloudInput.data() + int64_t(i) * featureSize);
                a.sent += double(cf.sentChannels());
                a.wireBytes += double(cf.wireBytes());
                a.float32Bytes += double(split.offloaded.size()) * double(map) * sizeof(float);
            }
            const std::vector<float> edgeLogits =
                anyKept ? model_.edgeTail(edgeInput, n) : std::vector<float>();
            const std::vector<float> cloudLogits =
                anyOffloaded ? model_.cloudTail(cloudInput, n) : std::vector<float>();
            for (int i = 0; i < n; ++i) {
                const int label = data.labels()[first + size_t(i)];
                const int32_t k = keptCounts[size_t(i)];
                const float* e = anyKept ? edgeLogits.data() + int64_t(i) * classes : nullptr;
                const float* c = anyOffloaded ? cloudLogits.data() + int64_t(i) * classes : nullptr;
                const std::vector<float> fused = model_.fuse(e, c, k);
                a.fusedCorrect += argmax(fused.data()) == label;
                if (k > 0) {
                    a.edgeCorrect += argmax(e) == label;
                    ++a.edgeCount;
                }
                if (k < channels) {
                    a.cloudCorrect += argmax(c) == label;
                    ++a.cloudCount;
                }
            }
        }
    }

    EvaluationReport report;
    report.samples = samples;
    report.featureShape = shape;
    report.zeroSkipThreshold = options.zeroSkipThreshold;
    const double count = double(std::max<size_t>(1, samples));
    report.unsplitAccuracy = double(unsplitCorrect) / count;
    for (size_t si = 0; si < shares.size(); ++si) {
        const Accumulator& a = acc[si];
        ShareEvaluation row;
        row.share = shares[si];
        row.meanKeptChannels = a.kept / count;
        row.meanOffloadedChannels = a.offloaded / count;
        row.meanSentChannels = a.sent / count;
        row.accuracy = double(a.fusedCorrect) / count;
        row.edgeKeptAccuracy = a.edgeCount ? double(a.edgeCorrect) / double(a.edgeCount) : -1.0;
        row.cloudOnlyAccuracy = a.cloudCount ? double(a.cloudCorrect) / double(a.cloudCount) : -1.0;
        row.meanWireBytes = a.wireBytes / count;
        row.meanFloat32Bytes = a.float32Bytes / count;
        report.shares.push_back(row);
    }
    report.seconds = secondsSince(start);
    return report;
}

std::string AttentionTrainer::summaryJson(const TrainOptions& options, const TrainSummary& summary,
                                          size_t trainSamples) {
    nlohmann::json j = {
        {"dataset", "fashion-mnist"},
        {"train_samples", trainSamples},
        {"epochs_requested", options.epochs},
        {"epochs_completed", summary.epochsCompleted},
        {"batch_size", options.batchSize},
        {"learning_rate", options.learningRate},
        {"seed", options.seed},
        {"prob_keep_all", options.probKeepAll},
        {"prob_offload_all", options.probOffloadAll},
        {"fake_quantise", options.fakeQuantise},
        {"last_epoch_loss", summary.lastEpochLoss},
        {"last_epoch_train_accuracy", summary.lastEpochAccuracy},
        {"seconds", summary.seconds},
        {"cancelled", summary.cancelled},
    };
    return j.dump();
}

} // namespace dvfo
