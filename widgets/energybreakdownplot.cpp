#include "widgets/energybreakdownplot.h"

#include <cmath>

namespace dvfo {

EnergyBreakdownPlot::EnergyBreakdownPlot(QWidget* parent)
    : InteractivePlot(parent), bars_(new QCPBars(xAxis, yAxis)), title_(new QCPTextElement(this)) {
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, title_);
    bars_->setWidth(0.7);
    bars_->setPen(QPen(QColor(40, 120, 80)));
    bars_->setBrush(QColor(60, 160, 110, 200));
    yAxis->setLabel(tr("energy (mJ)"));
    xAxis->setTickLabelRotation(60);
    xAxis->grid()->setVisible(false);
    setTuple(-1);
}

void EnergyBreakdownPlot::setResult(std::shared_ptr<const ProfileResultModel> result) {
    result_ = std::move(result);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    if (result_)
        for (size_t l = 0; l < result_->layerCount(); ++l)
            ticker->addTick(double(l), QString::fromStdString(result_->layerNames()[l]));
    xAxis->setTicker(ticker);
    const auto front = result_ ? result_->paretoFront() : std::vector<size_t>{};
    setTuple(front.empty() ? -1 : int(front.front()));
}

void EnergyBreakdownPlot::setTuple(int index) {
    if (!result_ || index < 0 || index >= int(result_->tupleCount()))
        index = -1;
    tuple_ = index;
    QVector<double> keys, values;
    if (index >= 0) {
        const auto e = result_->layerEnergyMj(size_t(index));
        for (size_t l = 0; l < e.size(); ++l)
            if (!std::isnan(e[l])) {
                keys.push_back(double(l));
                values.push_back(e[l]);
            }
        const size_t t = size_t(index);
        title_->setText(
            tr("Energy per layer at %1 MHz: %2 mJ, %3 ms")
                .arg(QString::fromStdString(ProfileResultModel::mhzLabel(result_->tuples()[t])))
                .arg(result_->wholeEnergyMj()[t], 0, 'f', 2)
                .arg(result_->wholeLatencyMs()[t], 0, 'f', 2));
    } else {
        title_->setText(tr("Energy per layer: click a tuple in the energy/latency plot"));
    }
    bars_->setData(keys, values, true);
    resetView();
}

QString EnergyBreakdownPlot::hoverText(const QPoint& pos) const {
    if (!result_ || tuple_ < 0 || !axisRect()->rect().contains(pos))
        return {};
    const long l = std::lround(xAxis->pixelToCoord(pos.x()));
    const LayerRecord* r = l < 0 ? nullptr : result_->record(size_t(l), size_t(tuple_));
    if (!r || yAxis->pixelToCoord(pos.y()) > r->totalEnergyMj * 1.05)
        return {};
    QString text = tr("%1 (%2)\nenergy %3 mJ\nlatency %4 ms")
                       .arg(QString::fromStdString(r->layerName), QString::fromStdString(r->kind))
                       .arg(r->totalEnergyMj, 0, 'f', 4)
                       .arg(r->latency.medianMs, 0, 'f', 4);
    for (const auto& [rail, mj] : r->energyMj)
        text += tr("\n  %1: %2 mJ, %3 mW")
                    .arg(QString::fromStdString(rail))
                    .arg(mj, 0, 'f', 4)
                    .arg(r->powerMw.count(rail) ? r->powerMw.at(rail) : 0.0, 0, 'f', 0);
    return text;
}

} // namespace dvfo
