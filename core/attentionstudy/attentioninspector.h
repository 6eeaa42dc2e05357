#pragma once
// What the studio's Attention view shows, computed without Qt or torch headers: one test image
// through a trained AttentionSplit at one offload share (input, spatial attention, ranked channel
// weights with the edge/cloud cut, the three outputs as probabilities, bytes on the wire), and the
// accuracy-vs-share curve (computed here or read from `dvfo attention evaluate --json`).
#include "core/attention/attentionsplit.h"
#include "core/attentionstudy/attentiontrainer.h"
#include "core/dnn/compressedfeatures.h"
#include "core/attentionstudy/fashionmnist.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dvfo {

// One output (edge tail, cloud tail or fused) for one sample.
struct OutputPrediction {
    bool available = false;           // false: edge with nothing kept, cloud with nothing offloaded
    std::vector<float> logits;        // classes
    std::vector<float> probabilities; // softmax(logits)
    int predicted = -1;               // argmax (first of equal maxima)
    std::vector<int> ranking;         // classes by probability, highest first
};

struct AttentionInspection {
    size_t index = 0; // in the test set
    int label = 0;
    int rows = 0, cols = 0;
    std::vector<float> pixels; // rows x cols, the image as grey levels in [0, 1] (un-normalised)

    FeatureShape featureShape;
    // Ms at the split, H x W in (0, 1), and bilinearly resized to rows x cols (half-pixel centres,
    // like torch's interpolate with align_corners = false) to lie over the image.
    std::vector<float> spatialWeights;
    std::vector<float> spatialWeightsOnImage;
    std::vector<float> channelWeights; // Mc, by channel index
    // Channels by Mc, highest first (ChannelSplit's order, ties by lower index); the first
    // keptChannels stay on the edge, the rest are offloaded: the cut sits at keptChannels.
    std::vector<int32_t> channelOrder;
    double share = 0;
    int keptChannels = 0;
    int offloadedChannels = 0;
    int sentChannels = 0;     // offloaded minus zero-skipped
    int64_t wireBytes = 0;    // int8 payload + scales + indices (CompressedFeatures::wireBytes)
    int64_t float32Bytes = 0; // the offloaded maps as raw float32

    OutputPrediction edge;  // edge tail on the kept maps (others zero)
    OutputPrediction cloud; // cloud tail on the int8 round trip of the offloaded maps
    OutputPrediction fused; // AttentionSplit::fuse: what collaborative inference returns

    // Mc of the channels in channelOrder (descending).
    std::vector<float> sortedChannelWeights() const;
};

class AttentionInspector {
public:
    // Where `dvfo attention train` writes by default ("attention-checkpoint" in the working
    // directory), as an absolute path.
    static std::string defaultCheckpointDirectory();

    // Loads the checkpoint (AttentionSplit::load) and the Fashion-MNIST test set (`testLimit` > 0:
    // only its first images). Throws std::runtime_error naming what is missing or wrong.
    static std::unique_ptr<AttentionInspector>
    open(const std::string& checkpointDir,
         const std::string& dataDirectory = FashionMnist::defaultDirectory(), size_t testLimit = 0);
    AttentionInspector(std::unique_ptr<AttentionSplit> model, FashionMnist testSet,
                       std::string checkpointDir = {});

    const AttentionSplit& model() const { return *model_; }
    const FashionMnist& testSet() const { return test_; }
    const std::string& checkpointDirectory() const { return checkpointDir_; }
    size_t sampleCount() const { return test_.size(); }

    // Runs test image `index` at offload share `share` through the deployment path (ChannelSplit
    // ranking, int8 CompressedFeatures round trip, AttentionSplit::fuse). Throws
    // std::out_of_range for a bad index, std::invalid_argument for a share outside [0, 1].
    // Const and thread-safe.
    AttentionInspection inspect(size_t index, double share, float zeroSkipThreshold = 0.0f) const;

    // AttentionTrainer::evaluate on this test set. Const and thread-safe.
    EvaluationReport evaluate(const EvaluationOptions& options) const;

    // Reads the file `dvfo attention evaluate --json` writes. Throws std::runtime_error naming
    // the file and the problem (unreadable, not JSON, missing or mistyped fields, bad shares).
    static EvaluationReport readEvaluationReport(const std::string& path);
    // Writes that file (what readEvaluationReport reads back). Throws std::runtime_error when the
    // file cannot be written.
    static void writeEvaluationReport(const std::string& path, const EvaluationReport& report,
                                      const std::string& checkpoint, const std::string& model,
                                      const std::string& splitLayer);

    static std::vector<float> softmax(const std::vector<float>& logits);
    // Bilinear resize of a row-major map, half-pixel centres, edges clamped.
    static std::vector<float> resizeBilinear(const std::vector<float>& map, int height, int width,
                                             int outHeight, int outWidth);

private:
    std::unique_ptr<AttentionSplit> model_;
    FashionMnist test_;
    std::string checkpointDir_;
};

} // namespace dvfo
