#pragma once
// The channel-ranking ablation of the attention split: one model trained on Fashion-MNIST (or
// reused from an earlier run's checkpoint), then evaluated with the same weights under three
// rankings of the feature maps (the trained attention, the L1 norm of each map, a seeded random
// order): accuracy and bytes on the wire per offload share, stored beside the checkpoint and
// reused for the same test images. Also writes the attention ranking's evaluation as `dvfo
// attention evaluate --json` does, for the DVFO environment's accuracy per share. Plain C++ header.
#include "core/attentionstudy/attentiontrainer.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dvfo {

struct RankingAblationSettings {
    std::string dataDirectory; // the Fashion-MNIST idx files
    std::string workDirectory; // checkpoint and evaluation report, reused on the next run
    std::string model = "small_cnn";
    size_t trainImages = 10000; // the first N training images
    int epochs = 1;
    size_t testImages = 2000; // the first N test images
    uint64_t seed = 1;        // weights, shuffling, the random ranking
    std::function<void(const std::string&)> log;
};

struct RankingAblationPoint {
    std::string ranking; // rankingName()
    double share = 0;
    double accuracy = 0; // fused top-1, fraction
    double wireBytes = 0;
    double keptChannels = 0;
};

struct RankingAblationOutcome {
    std::string model, splitLayer, checkpointDir;
    bool reused = false;
    double trainSeconds = 0, evaluationSeconds = 0;
    double unsplitAccuracy = 0;
    std::string attentionReportPath; // the attention ranking, 11 shares
    std::vector<RankingAblationPoint> points;
};

class RankingAblation {
public:
    explicit RankingAblation(RankingAblationSettings settings) : s_(std::move(settings)) {}
    // Throws std::runtime_error naming a missing data file or an unwritable directory.
    RankingAblationOutcome run() const;
    static std::string rankingName(ChannelRanking ranking);

private:
    RankingAblationSettings s_;
};

} // namespace dvfo
