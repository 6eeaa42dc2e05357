#pragma once
// What the Attention view shows and which of its controls are enabled, derived from the panel's
// state, the inspection on screen and the accuracy report: plain data and texts (QtCore only, no
// widgets), so every derivation is unit-tested without a window. AttentionPanel renders it and
// forwards user input to it.
#include "core/attentionstudy/attentioninspector.h"

#include <QCoreApplication>
#include <QString>

#include <cstdint>
#include <utility>
#include <vector>

namespace dvfo {

// The ranked channel-importance bars: bar i is the i-th highest Mc (ChannelSplit's order, ties by
// lower channel index); the first keptChannels.size() stay on the edge, the rest are offloaded.
struct ChannelBars {
    std::vector<int32_t> keptChannels;      // channel indices, highest Mc first
    std::vector<int32_t> offloadedChannels; // channel indices, highest Mc first
    std::vector<double> keptKeys, keptValues;
    std::vector<double> offloadedKeys, offloadedValues;
    double cutX = -0.5;                         // between the last kept and the first offloaded bar
    double cutLabelX = 0;                       // the cut's caption, kept inside the plot
    std::vector<std::pair<int, int32_t>> ticks; // (rank, channel index), at most about 48
    int tickLabelRotation = 0;
    QString keptName, offloadedName, cutText, title;
};

// One row of the prediction table (edge tail, cloud tail, fused) and its probability bars.
struct PredictionRow {
    QString output, prediction, probability, runnerUp, correct;
    std::vector<double> probabilities; // per class; empty when the output is not used
};

// The accuracy-vs-share plot.
struct AccuracyCurve {
    std::vector<double> shares, accuracyPercent, wireBytes;
    std::vector<double> edgeKeptShares, edgeKeptPercent;   // shares where the edge tail ran
    std::vector<double> cloudOnlyShares, cloudOnlyPercent; // shares where the cloud tail ran
    double unsplitPercent = 0;
    double accuracyMin = 0, accuracyMax = 100; // the left axis
    double bytesMax = 1;                       // the right axis
    QString title;
};

struct AttentionControls {
    bool load = true, browse = true, train = false, evaluate = false, loadReport = false;
    bool navigation = false; // sample spin box, previous/next/random, share slider
    QString trainText;
};

class AttentionViewModel {
    // The texts keep the panel's translation context, so its catalogue entries still apply.
    Q_DECLARE_TR_FUNCTIONS(dvfo::AttentionPanel)
public:
    static constexpr int kShareSteps = 10; // the slider's 0..10 is share 0.0..1.0

    static int sliderPosition(double share); // rounded to the nearest step, clamped to [0, 1]
    static double shareAt(int sliderPosition);

    // Panel state behind the enabling rules.
    void setLoading(bool loading) { loading_ = loading; }
    void setEvaluating(bool evaluating) { evaluating_ = evaluating; }
    void setTraining(bool training) { training_ = training; }
    bool loading() const { return loading_; }
    bool evaluating() const { return evaluating_; }
    bool training() const { return training_; }
    // Training only into a directory without a checkpoint: it never overwrites one.
    AttentionControls controls(const QString& checkpointDirectory, bool holdsCheckpoint) const;

    // A new model is in: what was shown for the previous one is no longer valid.
    void setModel(const QString& splitLayer);
    bool hasModel() const { return hasModel_; }

    void setInspection(const AttentionInspection& inspection);
    bool hasInspection() const { return inspectionValid_; }
    const AttentionInspection& inspection() const { return inspection_; }
    void setReport(const EvaluationReport& report, const QString& source);
    bool hasReport() const { return reportValid_; }
    const EvaluationReport& report() const { return report_; }
    // A model, an inspection and an accuracy curve are all on screen.
    bool ready() const { return hasModel_ && inspectionValid_ && reportValid_; }

    // Derivations from the inspection (empty results without one).
    ChannelBars channelBars() const;
    static ChannelBars channelBars(const std::vector<float>& channelWeights, double share,
                                   const QString& splitLayer = {});
    std::vector<PredictionRow> predictionRows() const; // edge tail, cloud tail, fused
    QString truthText() const;
    // Ms cells over the image: cell (i, j) covers image pixels [i * cols / W, (i + 1) * cols / W),
    // so the map's key range runs between the first and last cell centres in pixel coordinates.
    std::pair<double, double> heatMapKeyRange() const;
    std::pair<double, double> heatMapValueRange() const;

    // Derivations from the report.
    AccuracyCurve accuracyCurve() const;
    // The report's point at `share` (one point, or none when the curve has no such share).
    std::vector<std::pair<double, double>> shareMarker(double share) const;
    // "0.5 — 16 maps kept on the edge, …; accuracy …": what is known at `share`.
    QString shareLabel(double share) const;

    static QString outputName(int output); // 0 edge tail, 1 cloud tail, 2 fused

private:
    bool loading_ = false, evaluating_ = false, training_ = false;
    bool hasModel_ = false;
    QString splitLayer_;
    AttentionInspection inspection_;
    bool inspectionValid_ = false;
    EvaluationReport report_;
    QString reportSource_; // "200 test images" or the report's file name
    bool reportValid_ = false;
};

} // namespace dvfo
