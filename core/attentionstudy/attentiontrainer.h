#pragma once
// Training and evaluation of an AttentionSplit on Fashion-MNIST, on the CPU.
#include "core/attention/attentionsplit.h"
#include "core/dnn/compressedfeatures.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dvfo {

class FashionMnist;
struct TrainSummary;

struct TrainProgress {
    int epoch = 0; // 1-based
    int epochs = 0;
    int64_t batch = 0; // 1-based, within the epoch
    int64_t batches = 0;
    double loss = 0;     // mean over the epoch so far
    double accuracy = 0; // fused-output accuracy on the training batches of the epoch so far
    double seconds = 0;  // since train() started
};

struct TrainOptions {
    int epochs = 2;
    int batchSize = 64;
    double learningRate = 2e-3; // Adam, cosine-decayed to 5% over the run
    size_t trainLimit = 0;      // use only the first N training images (0 = all)
    uint64_t seed = 1;          // shuffling and share sampling
    // Offload shares are drawn per sample: 0 with probKeepAll (trains the unsplit edge model,
    // which is also the fallback), 1 with probOffloadAll, otherwise uniform in [0, 1].
    double probKeepAll = 0.2;
    double probOffloadAll = 0.1;
    // Quantise the cloud tail's input as on the wire (int8 per channel), with a straight-through
    // gradient, so the cloud tail learns on what it will actually receive.
    bool fakeQuantise = true;
    std::function<void(const TrainProgress&)> progress; // every ~20 batches and at epoch ends
    // After every completed epoch, with the model in train mode and the summary so far (e.g. to
    // save a checkpoint, so an interrupted run keeps its last whole epoch).
    std::function<void(const TrainSummary&)> epochEnd;
    std::function<bool()> cancelled; // polled per batch; true stops early
};

struct TrainSummary {
    int epochsCompleted = 0;
    int64_t samplesSeen = 0;
    double lastEpochLoss = 0;
    double lastEpochAccuracy = 0;
    double seconds = 0;
    bool cancelled = false;
};

// How evaluate() ranks a sample's channels for the split: the trained attention (Mc, what the
// runtime uses), or, as ablations with the same weights, the L1 norm of each attended map (the
// data-free ranking of ZooSplit) or a seeded random order.
enum class ChannelRanking { Attention, L1Norm, Random };

struct EvaluationOptions {
    ChannelRanking ranking = ChannelRanking::Attention;
    uint64_t rankingSeed = 1;       // ChannelRanking::Random: one permutation per sample
    std::vector<double> shares;     // empty = 0, 0.1, ..., 1.0
    size_t testLimit = 0;           // first N test images (0 = all 10,000)
    float zeroSkipThreshold = 0.0f; // > 0 enables zero-skipping (see CompressedFeatures)
    int batchSize = 250;
};

// One offload share, averaged over the test samples. Accuracies are fractions in [0, 1];
// -1 where not applicable (edge alone with nothing kept, cloud alone with nothing offloaded).
struct ShareEvaluation {
    double share = 0;
    double meanKeptChannels = 0;
    double meanOffloadedChannels = 0;
    double meanSentChannels = 0; // offloaded minus zero-skipped
    double accuracy = 0;         // fused collaborative output (what CollaborativeInference returns)
    double edgeKeptAccuracy = -1;  // edge tail on the kept channels alone
    double cloudOnlyAccuracy = -1; // cloud tail on the offloaded channels alone
    double meanWireBytes = 0; // payload + scales + indices per sample (0 when nothing is offloaded)
    double meanFloat32Bytes = 0; // the offloaded channels as raw float32 maps
};

struct EvaluationReport {
    size_t samples = 0;
    double unsplitAccuracy = 0; // AttentionSplit::edgeOnly: the edge model on all channels
    FeatureShape featureShape;
    std::vector<ShareEvaluation> shares;
    float zeroSkipThreshold = 0;
    double seconds = 0;
};

class AttentionTrainer {
public:
    explicit AttentionTrainer(AttentionSplit& model) : model_(model) {}

    // Trains every part jointly. Per batch: the head and attention run, each sample gets a random
    // share s and keeps its top round((1 - s) * C) channels by attention weight (as at inference);
    // the edge tail sees the kept channels (others zero), the cloud tail the offloaded ones
    // (fake-quantised); loss = CE(fused) + 0.5 CE(edge tail) + 0.5 CE(cloud tail), the latter two
    // only over samples where that tail has channels. The model is left in eval mode.
    TrainSummary train(const FashionMnist& data, const TrainOptions& options);

    // Runs the deployment code path (ChannelSplit ranking, CompressedFeatures int8 round trip,
    // AttentionSplit::fuse) on the test samples for every share.
    EvaluationReport evaluate(const FashionMnist& data, const EvaluationOptions& options) const;

    static std::vector<double> defaultShares();
    // JSON text summarising a training run, for AttentionSplit::save's metadata.
    static std::string summaryJson(const TrainOptions& options, const TrainSummary& summary,
                                   size_t trainSamples);

private:
    AttentionSplit& model_;
};

} // namespace dvfo
