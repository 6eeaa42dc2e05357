#include "core/attentionstudy/attentioninspector.h"
#include "core/common/jsoninteger.h"

#include "core/dnn/channelsplit.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>

namespace dvfo {

namespace {

OutputPrediction predictionFrom(const float* logits, int classes) {
    OutputPrediction p;
    p.available = true;
    p.logits.assign(logits, logits + classes);
    p.probabilities = AttentionInspector::softmax(p.logits);
    p.predicted = int(std::max_element(p.logits.begin(), p.logits.end()) - p.logits.begin());
    p.ranking.resize(size_t(classes));
    std::iota(p.ranking.begin(), p.ranking.end(), 0);
    std::stable_sort(p.ranking.begin(), p.ranking.end(), [&](int a, int b) {
        return p.probabilities[size_t(a)] > p.probabilities[size_t(b)];
    });
    return p;
}

} // namespace

std::vector<float> AttentionInspection::sortedChannelWeights() const {
    std::vector<float> out;
    out.reserve(channelOrder.size());
    for (int32_t c : channelOrder)
        out.push_back(channelWeights[size_t(c)]);
    return out;
}

std::string AttentionInspector::defaultCheckpointDirectory() {
    // Must match the default of `dvfo attention train --out` (app/cli/attentioncommand.h).
    return (std::filesystem::current_path() / "attention-checkpoint").string();
}

std::unique_ptr<AttentionInspector> AttentionInspector::open(const std::string& checkpointDir,
                                                             const std::string& dataDirectory,
                                                             size_t testLimit) {
    std::unique_ptr<AttentionSplit> model = AttentionSplit::load(checkpointDir);
    FashionMnist test = FashionMnist::load(dataDirectory, FashionMnist::Split::Test, testLimit);
    if (test.imageSize() != model->inputSize())
        throw std::runtime_error("the test images (" + std::to_string(test.rows()) + "x" +
                                 std::to_string(test.cols()) +
                                 ") do not match the input of checkpoint " + checkpointDir);
    return std::make_unique<AttentionInspector>(std::move(model), std::move(test), checkpointDir);
}

AttentionInspector::AttentionInspector(std::unique_ptr<AttentionSplit> model, FashionMnist testSet,
                                       std::string checkpointDir)
    : model_(std::move(model)), test_(std::move(testSet)),
      checkpointDir_(std::move(checkpointDir)) {
    if (!model_)
        throw std::invalid_argument("AttentionInspector needs a model");
}

AttentionInspection AttentionInspector::inspect(size_t index, double share,
                                                float zeroSkipThreshold) const {
    if (index >= test_.size())
        throw std::out_of_range("test image " + std::to_string(index) +
                                " out of range (the test set has " + std::to_string(test_.size()) +
                                " images)");
    const FeatureShape shape = model_->featureShape();
    const int32_t channels = int32_t(shape.channels);
    const int classes = model_->classes();
    ChannelSplit::keptCount(channels, share); // validates the share before any work

    AttentionInspection r;
    r.index = index;
    r.label = test_.labels()[index];
    r.rows = test_.rows();
    r.cols = test_.cols();
    const float* image = test_.image(index);
    r.pixels.resize(size_t(test_.imageSize()));
    for (size_t i = 0; i < r.pixels.size(); ++i)
        r.pixels[i] = std::clamp(image[i] * FashionMnist::kStd + FashionMnist::kMean, 0.0f, 1.0f);

    const AttentionSplit::HeadOutput head =
        model_->edgeHead(std::vector<float>(image, image + test_.imageSize()), 1);
    r.featureShape = shape;
    r.spatialWeights = head.spatialWeights;
    r.spatialWeightsOnImage =
        resizeBilinear(head.spatialWeights, int(shape.height), int(shape.width), r.rows, r.cols);
    r.channelWeights = head.channelWeights;
    r.channelOrder = ChannelSplit::rank(head.channelWeights.data(), channels, 0.0).kept;

    const ChannelSplit cut = ChannelSplit::rank(head.channelWeights.data(), channels, share);
    r.share = share;
    r.keptChannels = int(cut.kept.size());
    r.offloadedChannels = int(cut.offloaded.size());

    std::vector<float> edgeLogits, cloudLogits;
    if (!cut.kept.empty()) {
        std::vector<float> edgeInput(head.features);
        const int64_t map = shape.mapSize();
        for (int32_t c : cut.offloaded)
            std::fill(edgeInput.begin() + int64_t(c) * map,
                      edgeInput.begin() + int64_t(c + 1) * map, 0.0f);
        edgeLogits = model_->edgeTail(edgeInput, 1);
        r.edge = predictionFrom(edgeLogits.data(), classes);
    }
    if (!cut.offloaded.empty()) {
        const CompressedFeatures cf = CompressedFeatures::compress(
            head.features.data(), shape, cut.offloaded, zeroSkipThreshold);
        r.sentChannels = int(cf.sentChannels());
        r.wireBytes = cf.wireBytes();
        r.float32Bytes = int64_t(cut.offloaded.size()) * shape.mapSize() * int64_t(sizeof(float));
        cloudLogits = model_->cloudTail(cf);
        r.cloud = predictionFrom(cloudLogits.data(), classes);
    }
    const std::vector<float> fused =
        model_->fuse(edgeLogits.empty() ? nullptr : edgeLogits.data(),
                     cloudLogits.empty() ? nullptr : cloudLogits.data(), r.keptChannels);
    r.fused = predictionFrom(fused.data(), classes);
    return r;
}

EvaluationReport AttentionInspector::evaluate(const EvaluationOptions& options) const {
    return AttentionTrainer(*model_).evaluate(test_, options);
}

void AttentionInspector::writeEvaluationReport(const std::string& path,
                                               const EvaluationReport& report,
                                               const std::string& checkpoint,
                                               const std::string& model,
                                               const std::string& splitLayer) {
    nlohmann::json rows = nlohmann::json::array();
    for (const ShareEvaluation& r : report.shares)
        rows.push_back({{"share", r.share},
                        {"mean_kept_channels", r.meanKeptChannels},
                        {"mean_offloaded_channels", r.meanOffloadedChannels},
                        {"mean_sent_channels", r.meanSentChannels},
                        {"accuracy", r.accuracy},
                        {"edge_kept_accuracy", r.edgeKeptAccuracy},
                        {"cloud_only_accuracy", r.cloudOnlyAccuracy},
                        {"mean_wire_bytes", r.meanWireBytes},
                        {"mean_float32_bytes", r.meanFloat32Bytes}});
    const nlohmann::json j = {{"checkpoint", checkpoint},
                              {"model", model},
                              {"split_layer", splitLayer},
                              {"samples", report.samples},
                              {"zero_skip_threshold", report.zeroSkipThreshold},
                              {"unsplit_accuracy", report.unsplitAccuracy},
                              {"shares", rows}};
    std::ofstream out(path);
    out << j.dump(2) << "\n";
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

EvaluationReport AttentionInspector::readEvaluationReport(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read evaluation report " + path);
    EvaluationReport report;
    try {
        const nlohmann::json j = nlohmann::json::parse(in);
        report.samples = jsonIntegerAt<size_t>(j, "samples");
        report.unsplitAccuracy = j.at("unsplit_accuracy").get<double>();
        // Read as a double: 1e300 converted to float would be undefined.
        report.zeroSkipThreshold = float(std::clamp(j.value("zero_skip_threshold", 0.0), 0.0, 1e6));
        for (const nlohmann::json& row : j.at("shares")) {
            ShareEvaluation s;
            s.share = row.at("share").get<double>();
            s.meanKeptChannels = row.at("mean_kept_channels").get<double>();
            s.meanOffloadedChannels = row.at("mean_offloaded_channels").get<double>();
            s.meanSentChannels = row.at("mean_sent_channels").get<double>();
            s.accuracy = row.at("accuracy").get<double>();
            s.edgeKeptAccuracy = row.at("edge_kept_accuracy").get<double>();
            s.cloudOnlyAccuracy = row.at("cloud_only_accuracy").get<double>();
            s.meanWireBytes = row.at("mean_wire_bytes").get<double>();
            s.meanFloat32Bytes = row.at("mean_float32_bytes").get<double>();
            report.shares.push_back(s);
        }
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(
            "evaluation report " + path +
            " is not what `dvfo attention evaluate --json` writes: " + e.what());
    }
    if (report.shares.empty())
        throw std::runtime_error("evaluation report " + path + " has no shares");
    for (size_t i = 0; i < report.shares.size(); ++i) {
        const ShareEvaluation& s = report.shares[i];
        if (!(s.share >= 0.0 && s.share <= 1.0) || (i > 0 && s.share <= report.shares[i - 1].share))
            throw std::runtime_error("evaluation report " + path +
                                     ": shares must increase within [0, 1]");
        if (!(s.accuracy >= 0.0 && s.accuracy <= 1.0))
            throw std::runtime_error("evaluation report " + path +
                                     ": accuracy outside [0, 1] at share " +
                                     std::to_string(s.share));
    }
    return report;
}

std::vector<float> AttentionInspector::softmax(const std::vector<float>& logits) {
    std::vector<float> p(logits.size());
    if (logits.empty())
        return p;
    const float top = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (size_t i = 0; i < logits.size(); ++i) {
        p[i] = std::exp(logits[i] - top); // shifted: no overflow
        sum += p[i];
    }
    for (float& v : p)
        v = float(v / sum);
    return p;
}

std::vector<float> AttentionInspector::resizeBilinear(const std::vector<float>& map, int height,
                                                      int width, int outHeight, int outWidth) {
    if (height < 1 || width < 1 || outHeight < 1 || outWidth < 1 ||
        map.size() != size_t(height) * size_t(width))
        throw std::invalid_argument("resizeBilinear: map of " + std::to_string(map.size()) +
                                    " values is not " + std::to_string(height) + "x" +
                                    std::to_string(width));
    std::vector<float> out(size_t(outHeight) * size_t(outWidth));
    auto source = [](int o, int in, int out) {
        const double s =
            std::clamp((o + 0.5) * double(in) / double(out) - 0.5, 0.0, double(in - 1));
        const int i0 = int(std::floor(s));
        return std::make_pair(i0, s - i0);
    };
    for (int y = 0; y < outHeight; ++y) {
        const auto [y0, fy] = source(y, height, outHeight);
        const int y1 = std::min(y0 + 1, height - 1);
        for (int x = 0; x < outWidth; ++x) {
            const auto [x0, fx] = source(x, width, outWidth);
            const int x1 = std::min(x0 + 1, width - 1);
            auto at = [&](int yy, int xx) {
                return double(map[size_t(yy) * size_t(width) + size_t(xx)]);
            };
            const double top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
            const double bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
            out[size_t(y) * size_t(outWidth) + size_t(x)] = float(top * (1 - fy) + bottom * fy);
        }
    }
    return out;
}

} // namespace dvfo
