#include "widgets/attentionviewmodel.h"

#include "core/dnn/channelsplit.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace dvfo {

namespace {

const char* const kOutputNames[3] = {QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Edge tail"),
                                     QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Cloud tail"),
                                     QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Fused")};

QString bytes(double b) {
    return QLocale(QLocale::English).toString(qlonglong(std::llround(b))) + " B";
}

QString percent(double fraction, int decimals = 1) {
    return QString::number(100.0 * fraction, 'f', decimals) + " %";
}

// The slider's shares are multiples of 0.1; a report's shares are parsed decimals.
bool sameShare(double a, double b) {
    return std::abs(a - b) < 1e-9;
}

QString className(int label) {
    return QString::fromUtf8(FashionMnist::className(label));
}

} // namespace

int AttentionViewModel::sliderPosition(double share) {
    return int(std::lround(std::clamp(share, 0.0, 1.0) * kShareSteps));
}

double AttentionViewModel::shareAt(int sliderPosition) {
    return double(sliderPosition) / kShareSteps;
}

AttentionControls AttentionViewModel::controls(const QString& checkpointDirectory,
                                               bool holdsCheckpoint) const {
    const bool busy = loading_ || training_;
    AttentionControls c;
    c.load = !busy;
    c.browse = !busy;
    c.train = training_ || (!busy && !holdsCheckpoint && !checkpointDirectory.isEmpty());
    c.trainText = training_ ? tr("Cancel training") : tr("&Train quick model");
    c.evaluate = hasModel_ && !evaluating_;
    c.loadReport = hasModel_ || loading_; // while loading, the report waits for the model
    c.navigation = hasModel_;
    return c;
}

void AttentionViewModel::setModel(const QString& splitLayer) {
    hasModel_ = true;
    splitLayer_ = splitLayer;
    inspectionValid_ = false;
    reportValid_ = false;
}

void AttentionViewModel::setInspection(const AttentionInspection& inspection) {
    inspection_ = inspection;
    inspectionValid_ = true;
}

void AttentionViewModel::setReport(const EvaluationReport& report, const QString& source) {
    report_ = report;
    reportValid_ = true;
    reportSource_ = source;
}

ChannelBars AttentionViewModel::channelBars() const {
    if (!inspectionValid_)
        return {};
    return channelBars(inspection_.channelWeights, inspection_.share, splitLayer_);
}

ChannelBars AttentionViewModel::channelBars(const std::vector<float>& channelWeights, double share,
                                            const QString& splitLayer) {
    ChannelBars bars;
    const int channels = int(channelWeights.size());
    if (channels == 0)
        return bars;
    // The same ranking and cut the inspector (and the deployed split) use.
    const ChannelSplit split = ChannelSplit::rank(channelWeights.data(), channels, share);
    bars.keptChannels = split.kept;
    bars.offloadedChannels = split.offloaded;
    const int kept = int(split.kept.size());
    const int offloaded = int(split.offloaded.size());
    std::vector<int32_t> order = split.kept;
    order.insert(order.end(), split.offloaded.begin(), split.offloaded.end());
    for (int rank = 0; rank < channels; ++rank) {
        const double weight = channelWeights[size_t(order[size_t(rank)])];
        (rank < kept ? bars.keptKeys : bars.offloadedKeys).push_back(rank);
        (rank < kept ? bars.keptValues : bars.offloadedValues).push_back(weight);
    }
    bars.cutX = kept - 0.5;
    bars.cutLabelX = std::clamp(bars.cutX, std::min(2.0, channels - 3.0), channels - 3.0);
    const int step = channels <= 48 ? 1 : (channels + 47) / 48;
    for (int rank = 0; rank < channels; rank += step)
        bars.ticks.emplace_back(rank, order[size_t(rank)]);
    bars.tickLabelRotation = channels > 24 ? 90 : 0;
    bars.keptName = tr("kept on the edge: %1 maps").arg(kept);
    bars.offloadedName = tr("offloaded to the cloud (int8): %1 maps").arg(offloaded);
    bars.cutText = tr("cut: edge ◀ %1 | %2 ▶ cloud").arg(kept).arg(offloaded);
    bars.title = tr("Channel importance Mc of the %1 maps at %2, ranked (share %3: the "
                    "first %4 stay on the edge)")
                     .arg(channels)
                     .arg(splitLayer)
                     .arg(share, 0, 'f', 1)
                     .arg(kept);
    return bars;
}

std::vector<PredictionRow> AttentionViewModel::predictionRows() const {
    if (!inspectionValid_)
        return {};
    const AttentionInspection& r = inspection_;
    const OutputPrediction* outputs[3] = {&r.edge, &r.cloud, &r.fused};
    const QString detail[3] = {tr("%1 maps").arg(r.keptChannels),
                               tr("%1 maps, int8").arg(r.offloadedChannels), tr("returned")};
    std::vector<PredictionRow> rows(3);
    for (int o = 0; o < 3; ++o) {
        const OutputPrediction& p = *outputs[o];
        PredictionRow& row = rows[size_t(o)];
        row.output = tr("%1 (%2)").arg(outputName(o), detail[o]);
        if (!p.available) {
            row.prediction = tr("— not used at this share");
            continue;
        }
        const int second = p.ranking.size() > 1 ? p.ranking[1] : p.predicted;
        row.prediction = className(p.predicted);
        row.probability = percent(p.probabilities[size_t(p.predicted)]);
        row.runnerUp =
            tr("%1 (%2)").arg(className(second), percent(p.probabilities[size_t(second)]));
        row.correct = p.predicted == r.label ? tr("✔ yes") : tr("✘ no");
        row.probabilities.assign(p.probabilities.begin(), p.probabilities.end());
    }
    return rows;
}

QString AttentionViewModel::truthText() const {
    if (!inspectionValid_)
        return {};
    return tr("Test image <b>#%1</b> — ground truth: <b>%2</b> (shaded) — fused prediction: "
              "<b>%3</b>")
        .arg(inspection_.index)
        .arg(className(inspection_.label), className(inspection_.fused.predicted));
}

std::pair<double, double> AttentionViewModel::heatMapKeyRange() const {
    const double width = double(inspection_.featureShape.width);
    if (!inspectionValid_ || width <= 0)
        return {0, 0};
    const double scale = inspection_.cols / width;
    return {0.5 * scale - 0.5, (width - 0.5) * scale - 0.5};
}

std::pair<double, double> AttentionViewModel::heatMapValueRange() const {
    const double height = double(inspection_.featureShape.height);
    if (!inspectionValid_ || height <= 0)
        return {0, 0};
    const double scale = inspection_.rows / height;
    return {0.5 * scale - 0.5, (height - 0.5) * scale - 0.5};
}

AccuracyCurve AttentionViewModel::accuracyCurve() const {
    AccuracyCurve c;
    if (!reportValid_)
        return c;
    for (const ShareEvaluation& s : report_.shares) {
        c.shares.push_back(s.share);
        c.accuracyPercent.push_back(100.0 * s.accuracy);
        c.wireBytes.push_back(s.meanWireBytes);
        if (s.edgeKeptAccuracy >= 0) {
            c.edgeKeptShares.push_back(s.share);
            c.edgeKeptPercent.push_back(100.0 * s.edgeKeptAccuracy);
        }
        if (s.cloudOnlyAccuracy >= 0) {
            c.cloudOnlyShares.push_back(s.share);
            c.cloudOnlyPercent.push_back(100.0 * s.cloudOnlyAccuracy);
        }
    }
    c.unsplitPercent = 100.0 * report_.unsplitAccuracy;
    // Tight around the fused curve and the unsplit model; the tails alone may drop far below and
    // are then clipped rather than flattening the curve that matters.
    double lo = c.unsplitPercent, hi = lo;
    for (double a : c.accuracyPercent) {
        lo = std::min(lo, a);
        hi = std::max(hi, a);
    }
    const double pad = std::max(1.0, 0.35 * (hi - lo));
    c.accuracyMin = std::max(0.0, lo - 2.5 * pad);
    c.accuracyMax = std::min(100.0, hi + pad);
    for (double b : c.wireBytes)
        c.bytesMax = std::max(c.bytesMax, b);
    c.bytesMax *= 1.1;
    c.title = tr("Accuracy vs offload share (%1; unsplit edge model %2, dash-dot)")
                  .arg(reportSource_, percent(report_.unsplitAccuracy, 2));
    return c;
}

std::vector<std::pair<double, double>> AttentionViewModel::shareMarker(double share) const {
    std::vector<std::pair<double, double>> marker;
    if (reportValid_)
        for (const ShareEvaluation& e : report_.shares)
            if (sameShare(e.share, share))
                marker.emplace_back(e.share, 100.0 * e.accuracy);
    return marker;
}

QString AttentionViewModel::shareLabel(double share) const {
    QString text = tr("<b>%1</b>").arg(share, 0, 'f', 1);
    if (inspectionValid_ && sameShare(inspection_.share, share))
        text +=
            tr(" — %1 maps kept on the edge, %2 offloaded: %3 on the wire (int8), %4 as float32")
                .arg(inspection_.keptChannels)
                .arg(inspection_.offloadedChannels)
                .arg(bytes(double(inspection_.wireBytes)), bytes(double(inspection_.float32Bytes)));
    if (reportValid_)
        for (const ShareEvaluation& e : report_.shares)
            if (sameShare(e.share, share))
                text += tr("; accuracy %1 (%2 pp vs unsplit)")
                            .arg(percent(e.accuracy, 2))
                            .arg(100.0 * (e.accuracy - report_.unsplitAccuracy), 0, 'f', 2);
    return text;
}

QString AttentionViewModel::outputName(int output) {
    return tr(kOutputNames[output]);
}

} // namespace dvfo
