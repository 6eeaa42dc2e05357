#include "widgets/latencyheatmapplot.h"

#include <cmath>

namespace dvfo {

namespace {
// At most ~maxLabels tick labels: every k-th one, so long axes stay readable.
QSharedPointer<QCPAxisTickerText> textTicker(const std::vector<QString>& labels, size_t maxLabels) {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const size_t step =
        labels.size() <= maxLabels ? 1 : (labels.size() + maxLabels - 1) / maxLabels;
    for (size_t i = 0; i < labels.size(); i += step)
        ticker->addTick(double(i), labels[i]);
    return ticker;
}

QString mhz(int64_t khz) {
    return QString::number(double(khz) / 1000.0, 'f', 0);
}
} // namespace

LatencyHeatmapPlot::LatencyHeatmapPlot(QWidget* parent)
    : InteractivePlot(parent), map_(new QCPColorMap(xAxis, yAxis)),
      scale_(new QCPColorScale(this)) {
    plotLayout()->addElement(0, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    scale_->axis()->setLabel(tr("median latency (ms, log)"));
    scale_->setDataScaleType(QCPAxis::stLogarithmic);
    scale_->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    map_->setColorScale(scale_);
    QCPColorGradient g(QCPColorGradient::gpThermal);
    g.setNanHandling(QCPColorGradient::nhTransparent);
    map_->setGradient(g);
    map_->setInterpolate(false);
    auto* margins = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    xAxis->setTickLabelRotation(60);
    xAxis->grid()->setVisible(false);
    yAxis->grid()->setVisible(false);
    rebuild();
}

void LatencyHeatmapPlot::setResult(std::shared_ptr<const ProfileResultModel> result) {
    result_ = std::move(result);
    const auto emcs = result_ ? result_->emcLevels() : std::vector<int64_t>{};
    if (std::find(emcs.begin(), emcs.end(), sliceEmc_) == emcs.end())
        sliceEmc_ = emcs.empty() ? 0 : emcs.back();
    if (result_ && sliceLayer_ >= int(result_->layerCount()))
        sliceLayer_ = -1;
    rebuild();
}

void LatencyHeatmapPlot::setMode(Mode mode) {
    mode_ = mode;
    rebuild();
}

void LatencyHeatmapPlot::setSliceEmc(int64_t emcKhz) {
    sliceEmc_ = emcKhz;
    rebuild();
}

void LatencyHeatmapPlot::setSliceLayer(int layer) {
    sliceLayer_ = layer;
    rebuild();
}

void LatencyHeatmapPlot::rebuild() {
    QCPColorMapData* data = map_->data();
    std::vector<QString> xLabels, yLabels;
    if (!result_ || result_->isEmpty()) {
        data->setSize(0, 0);
        slice_ = {};
    } else if (mode_ == Mode::LayersByTuples) {
        const size_t nt = result_->tupleCount(), nl = result_->layerCount();
        data->setSize(int(nt), int(nl));
        data->setRange(QCPRange(0, double(nt) - 1), QCPRange(0, double(nl) - 1));
        for (size_t l = 0; l < nl; ++l)
            for (size_t t = 0; t < nt; ++t)
                data->setCell(int(t), int(l), result_->latencyMs(l, t));
        for (const auto& t : result_->tuples())
            xLabels.push_back(QString::fromStdString(ProfileResultModel::mhzLabel(t)));
        for (const auto& n : result_->layerNames())
            yLabels.push_back(QString::fromStdString(n));
        xAxis->setLabel(tr("tuple CPU/GPU/EMC (MHz)"));
        yAxis->setLabel(tr("layer"));
    } else {
        slice_ = result_->slice(sliceEmc_, sliceLayer_);
        const size_t nc = slice_.cpuKhz.size(), ng = slice_.gpuKhz.size();
        data->setSize(int(ng), int(nc));
        data->setRange(QCPRange(0, double(ng) - 1), QCPRange(0, double(nc) - 1));
        for (size_t c = 0; c < nc; ++c)
            for (size_t g = 0; g < ng; ++g)
                data->setCell(int(g), int(c), slice_.at(c, g));
        for (auto g : slice_.gpuKhz)
            xLabels.push_back(mhz(g));
        for (auto c : slice_.cpuKhz)
            yLabels.push_back(mhz(c));
        xAxis->setLabel(tr("GPU clock (MHz) at EMC %1 MHz").arg(mhz(sliceEmc_)));
        yAxis->setLabel(sliceLayer_ < 0 ? tr("CPU clock (MHz), whole model")
                                        : tr("CPU clock (MHz), layer %1")
                                              .arg(QString::fromStdString(
                                                  result_->layerNames()[size_t(sliceLayer_)])));
    }
    xAxis->setTicker(textTicker(xLabels, 40));
    yAxis->setTicker(textTicker(yLabels, 40));
    resetView();
}

void LatencyHeatmapPlot::resetView() {
    map_->rescaleDataRange(true);
    QCPRange r = map_->dataRange();
    if (r.lower <= 0 || !std::isfinite(r.lower))
        r.lower = std::max(1e-6, r.upper * 1e-3); // log scale: positive only
    if (r.upper <= r.lower)
        r.upper = r.lower * 10;
    map_->setDataRange(r);
    const int nx = map_->data()->keySize(), ny = map_->data()->valueSize();
    xAxis->setRange(-0.5, std::max(0, nx - 1) + 0.5);
    yAxis->setRange(-0.5, std::max(0, ny - 1) + 0.5);
    replotLater();
}

QString LatencyHeatmapPlot::hoverText(const QPoint& pos) const {
    if (!result_ || result_->isEmpty() || !axisRect()->rect().contains(pos))
        return {};
    const int x = int(std::lround(xAxis->pixelToCoord(pos.x())));
    const int y = int(std::lround(yAxis->pixelToCoord(pos.y())));
    if (x < 0 || y < 0 || x >= map_->data()->keySize() || y >= map_->data()->valueSize())
        return {};
    if (mode_ == Mode::LayersByTuples) {
        const LayerRecord* r = result_->record(size_t(y), size_t(x));
        if (!r)
            return {};
        return tr("%1 (%2)\n%3 MHz\nmedian %4 ms (p10 %5, p90 %6, n %7)\nenergy %8 mJ")
            .arg(QString::fromStdString(r->layerName), QString::fromStdString(r->kind),
                 QString::fromStdString(ProfileResultModel::mhzLabel(r->tuple)))
            .arg(r->latency.medianMs, 0, 'f', 4)
            .arg(r->latency.p10Ms, 0, 'f', 4)
            .arg(r->latency.p90Ms, 0, 'f', 4)
            .arg(r->latency.n)
            .arg(r->totalEnergyMj, 0, 'f', 4);
    }
    const double v = slice_.at(size_t(y), size_t(x));
    if (std::isnan(v))
        return tr("CPU %1 / GPU %2 MHz: not measured")
            .arg(mhz(slice_.cpuKhz[size_t(y)]), mhz(slice_.gpuKhz[size_t(x)]));
    return tr("CPU %1 / GPU %2 / EMC %3 MHz\n%4 ms")
        .arg(mhz(slice_.cpuKhz[size_t(y)]), mhz(slice_.gpuKhz[size_t(x)]), mhz(sliceEmc_))
        .arg(v, 0, 'f', 4);
}

} // namespace dvfo
