#include "core/attentionstudy/rankingablation.h"

#include "core/attentionstudy/attentioninspector.h"
#include "core/attentionstudy/fashionmnist.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace dvfo {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string RankingAblation::rankingName(ChannelRanking ranking) {
    switch (ranking) {
    case ChannelRanking::Attention:
        return "attention (trained)";
    case ChannelRanking::L1Norm:
        return "L1 norm";
    case ChannelRanking::Random:
        return "random (seeded)";
    }
    return "?";
}

RankingAblationOutcome RankingAblation::run() const {
    auto log = [&](const std::string& line) {
        if (s_.log)
            s_.log(line);
    };
    RankingAblationOutcome out;
    // The budget is in the name: a checkpoint is reused only for the same training.
    const fs::path ckpt = fs::path(s_.workDirectory) /
                          (s_.model + "-" + std::to_string(s_.trainImages) + "x" +
                           std::to_string(s_.epochs) + "-seed" + std::to_string(s_.seed));
    out.checkpointDir = ckpt.string();
    std::unique_ptr<AttentionSplit> model;
    if (fs::exists(ckpt / "attention.json")) {
        model = AttentionSplit::load(ckpt.string());
        out.reused = true;
        log("  reused attention checkpoint " + ckpt.string());
    } else {
        const FashionMnist train =
            FashionMnist::load(s_.dataDirectory, FashionMnist::Split::Train, s_.trainImages);
        AttentionSplitConfig config;
        config.model = s_.model;
        config.seed = s_.seed;
        model = AttentionSplit::create(config);
        TrainOptions options;
        options.epochs = s_.epochs;
        options.trainLimit = s_.trainImages;
        options.seed = s_.seed;
        const TrainSummary summary = AttentionTrainer(*model).train(train, options);
        out.trainSeconds = summary.seconds;
        fs::create_directories(ckpt);
        model->save(ckpt.string(), AttentionTrainer::summaryJson(options, summary, train.size()));
        log("  trained " + s_.model + " with attention on " + std::to_string(train.size()) +
            " images in " + std::to_string(int(summary.seconds)) + " s");
    }
    out.model = model->config().model;
    out.splitLayer = model->config().splitLayer;
    out.attentionReportPath =
        (ckpt / ("evaluation-" + std::to_string(s_.testImages) + ".json")).string();
    // The evaluation of a reused checkpoint on the same test images is reused too.
    const fs::path cached = ckpt / ("rankings-" + std::to_string(s_.testImages) + ".json");
    if (out.reused && fs::exists(cached) && fs::exists(out.attentionReportPath)) {
        std::ifstream in(cached);
        const json j = json::parse(in, nullptr, false);
        if (j.is_object() && j.contains("points") && j["points"].is_array()) {
            out.unsplitAccuracy = j.value("unsplitAccuracy", 0.0);
            for (const json& p : j["points"])
                out.points.push_back({p.value("ranking", std::string()), p.value("share", 0.0),
                                      p.value("accuracy", 0.0), p.value("wireBytes", 0.0),
                                      p.value("keptChannels", 0.0)});
            log("  reused its evaluation on " + std::to_string(s_.testImages) + " test images");
            return out;
        }
    }
    const FashionMnist test =
        FashionMnist::load(s_.dataDirectory, FashionMnist::Split::Test, s_.testImages);
    EvaluationReport attentionReport;
    for (ChannelRanking ranking :
         {ChannelRanking::Attention, ChannelRanking::L1Norm, ChannelRanking::Random}) {
        EvaluationOptions options;
        options.ranking = ranking;
        options.rankingSeed = s_.seed;
        options.testLimit = s_.testImages;
        const EvaluationReport report = AttentionTrainer(*model).evaluate(test, options);
        out.evaluationSeconds += report.seconds;
        out.unsplitAccuracy = report.unsplitAccuracy;
        for (const ShareEvaluation& e : report.shares)
            out.points.push_back(
                {rankingName(ranking), e.share, e.accuracy, e.meanWireBytes, e.meanKeptChannels});
        if (ranking == ChannelRanking::Attention)
            attentionReport = report;
    }
    // What `dvfo attention evaluate --json` writes: OffloadModel::applyAttentionReport and the
    // studio's Attention view (Load report...) read it.
    AttentionInspector::writeEvaluationReport(out.attentionReportPath, attentionReport,
                                              ckpt.string(), out.model, out.splitLayer);
    json points = json::array();
    for (const RankingAblationPoint& p : out.points)
        points.push_back({{"ranking", p.ranking},
                          {"share", p.share},
                          {"accuracy", p.accuracy},
                          {"wireBytes", p.wireBytes},
                          {"keptChannels", p.keptChannels}});
    std::ofstream cache(cached);
    cache << json{{"unsplitAccuracy", out.unsplitAccuracy}, {"points", points}}.dump() << "\n";
    if (!cache)
        throw std::runtime_error("cannot write " + cached.string());
    return out;
}

} // namespace dvfo
