#include "widgets/paretoplot.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace dvfo {

ParetoPlot::ParetoPlot(QWidget* parent)
    : InteractivePlot(parent), points_(addGraph()), front_(addGraph()), selectedGraph_(addGraph()) {
    points_->setName(tr("tuples"));
    points_->setLineStyle(QCPGraph::lsNone);
    points_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(70, 110, 170), 6));
    front_->setName(tr("Pareto front"));
    front_->setPen(QPen(QColor(214, 72, 40), 2));
    front_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(QColor(214, 72, 40)),
                                            QColor(214, 72, 40), 8));
    selectedGraph_->setName(tr("selected"));
    selectedGraph_->setLineStyle(QCPGraph::lsNone);
    selectedGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 2), Qt::NoBrush, 16));
    xAxis->setLabel(tr("whole-model latency (ms)"));
    yAxis->setLabel(tr("whole-model energy (mJ)"));
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

void ParetoPlot::setResult(std::shared_ptr<const ProfileResultModel> result) {
    result_ = std::move(result);
    QVector<double> x, y, fx, fy;
    frontIndices_.clear();
    if (result_) {
        const auto& lat = result_->wholeLatencyMs();
        const auto& en = result_->wholeEnergyMj();
        // setData(..., alreadySorted) wants keys ascending: sort once here.
        std::vector<size_t> order(lat.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lat[a] < lat[b]; });
        for (size_t i : order) {
            x.push_back(lat[i]);
            y.push_back(en[i]);
        }
        frontIndices_ = result_->paretoFront(); // ascending latency already
        for (size_t i : frontIndices_) {
            fx.push_back(lat[i]);
            fy.push_back(en[i]);
        }
    }
    points_->setData(x, y, true);
    front_->setData(fx, fy, true);
    selected_ = -1;
    selectedGraph_->data()->clear();
    resetView();
}

void ParetoPlot::selectTuple(int index) {
    if (!result_ || index < 0 || index >= int(result_->tupleCount()))
        index = -1;
    selected_ = index;
    selectedGraph_->data()->clear();
    if (index >= 0)
        selectedGraph_->addData(result_->wholeLatencyMs()[size_t(index)],
                                result_->wholeEnergyMj()[size_t(index)]);
    replotLater();
    emit tupleSelected(index);
}

int ParetoPlot::tupleAt(const QPoint& pos) const {
    if (!result_)
        return -1;
    const auto& lat = result_->wholeLatencyMs();
    const auto& en = result_->wholeEnergyMj();
    int best = -1;
    double bestD = kPickRadius * kPickRadius;
    for (size_t i = 0; i < lat.size(); ++i) {
        const double dx = xAxis->coordToPixel(lat[i]) - pos.x();
        const double dy = yAxis->coordToPixel(en[i]) - pos.y();
        if (dx * dx + dy * dy <= bestD) {
            bestD = dx * dx + dy * dy;
            best = int(i);
        }
    }
    return best;
}

QString ParetoPlot::hoverText(const QPoint& pos) const {
    const int i = tupleAt(pos);
    if (i < 0)
        return {};
    const double ms = result_->wholeLatencyMs()[size_t(i)],
                 mj = result_->wholeEnergyMj()[size_t(i)];
    const bool onFront =
        std::find(frontIndices_.begin(), frontIndices_.end(), size_t(i)) != frontIndices_.end();
    return tr("%1 MHz%2\nlatency %3 ms\nenergy %4 mJ\nEDP %5 mJ·s")
        .arg(QString::fromStdString(ProfileResultModel::mhzLabel(result_->tuples()[size_t(i)])),
             onFront ? tr(" (Pareto)") : QString())
        .arg(ms, 0, 'f', 3)
        .arg(mj, 0, 'f', 3)
        .arg(mj * ms / 1000.0, 0, 'f', 5);
}

void ParetoPlot::mousePressEvent(QMouseEvent* event) {
    pressPos_ = event->pos();
    InteractivePlot::mousePressEvent(event);
}

void ParetoPlot::mouseReleaseEvent(QMouseEvent* event) {
    InteractivePlot::mouseReleaseEvent(event);
    // A click, not the end of a drag: select the nearest tuple.
    if (event->button() == Qt::LeftButton && (event->pos() - pressPos_).manhattanLength() <= 3) {
        const int i = tupleAt(event->pos());
        if (i >= 0)
            selectTuple(i);
    }
}

} // namespace dvfo
