#include "widgets/policymapplot.h"

#include <cmath>

namespace dvfo {

PolicyMapPlot::PolicyMapPlot(QWidget* parent) : InteractivePlot(parent) {
    xAxis->setScaleType(QCPAxis::stLogarithmic);
    xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    xAxis->setLabel(tr("uplink bandwidth (Mbit/s)"));
    yAxis->setLabel(tr("clock (MHz)"));
    yAxis2->setVisible(true);
    yAxis2->setLabel(tr("offloaded share"));
    static const char* names[] = {QT_TR_NOOP("CPU MHz"), QT_TR_NOOP("GPU MHz"),
                                  QT_TR_NOOP("EMC MHz"), QT_TR_NOOP("offload share")};
    static const QColor colors[] = {QColor(31, 119, 180), QColor(44, 160, 44),
                                    QColor(148, 103, 189), QColor(230, 120, 0)};
    for (int s = 0; s < SeriesCount; ++s) {
        QCPGraph* g = addGraph(xAxis, s == Share ? yAxis2 : yAxis);
        g->setName(tr(names[s]));
        g->setLineStyle(QCPGraph::lsStepCenter);
        g->setPen(
            QPen(colors[s], s == Share ? 2.6 : 1.8, s == Share ? Qt::DashLine : Qt::SolidLine));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
        graphs_[s] = g;
    }
    // The legend in a row of its own below the axes: inside, it would hide the steps.
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    legend->setFillOrder(QCPLegend::foColumnsFirst);
    legend->setBorderPen(Qt::NoPen);
    axisRect()->insetLayout()->take(legend);
    plotLayout()->addElement(1, 0, legend);
    plotLayout()->setRowStretchFactor(1, 0.001);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0,
                             new QCPTextElement(this, tr("Policy map (no policy yet)"),
                                                QFont(font().family(), 9, QFont::Bold)));
}

void PolicyMapPlot::setMap(std::vector<PolicyMapPoint> map, double rttMs) {
    map_ = std::move(map);
    for (int s = 0; s < SeriesCount; ++s) {
        QVector<double> x, y;
        for (const PolicyMapPoint& p : map_) {
            x.push_back(p.bandwidthMbps);
            y.push_back(s == Cpu   ? p.cpuKhz / 1000.0
                        : s == Gpu ? p.gpuKhz / 1000.0
                        : s == Emc ? p.emcKhz / 1000.0
                                   : p.share);
        }
        graphs_[s]->setData(x, y, true);
    }
    if (auto* title = qobject_cast<QCPTextElement*>(plotLayout()->element(0, 0)))
        title->setText(map_.empty()
                           ? tr("Policy map (no policy yet)")
                           : tr("Policy map: action per bandwidth (RTT %1 ms)").arg(rttMs));
    resetView();
}

void PolicyMapPlot::resetView() {
    if (map_.empty()) {
        xAxis->setRange(1, 200);
        yAxis->setRange(0, 2000);
    } else {
        xAxis->setRange(map_.front().bandwidthMbps / 1.15, map_.back().bandwidthMbps * 1.15);
        double top = 0;
        for (const PolicyMapPoint& p : map_)
            top = std::max({top, p.cpuKhz / 1000.0, p.gpuKhz / 1000.0, p.emcKhz / 1000.0});
        yAxis->setRange(0, top * 1.1);
    }
    yAxis2->setRange(-0.05, 1.05);
    replotLater();
}

QString PolicyMapPlot::hoverText(const QPoint& pos) const {
    double best = kPickRadius * 2;
    int bestIndex = -1;
    for (size_t i = 0; i < map_.size(); ++i) {
        const double d = std::abs(xAxis->coordToPixel(map_[i].bandwidthMbps) - pos.x());
        if (d < best)
            best = d, bestIndex = int(i);
    }
    if (bestIndex < 0 || !axisRect()->rect().contains(pos))
        return {};
    const PolicyMapPoint& p = map_[size_t(bestIndex)];
    return tr("%1 Mbit/s\nCPU %2 MHz, GPU %3 MHz, EMC %4 MHz\noffload share %5")
        .arg(p.bandwidthMbps, 0, 'f', 1)
        .arg(p.cpuKhz / 1000.0, 0, 'f', 0)
        .arg(p.gpuKhz / 1000.0, 0, 'f', 0)
        .arg(p.emcKhz / 1000.0, 0, 'f', 0)
        .arg(p.share, 0, 'f', 1);
}

} // namespace dvfo
