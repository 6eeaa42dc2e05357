#include "widgets/trainingcurvesplot.h"

#include <cmath>

namespace dvfo {

namespace {

double valueOf(const TrainingPoint& p, int curve) {
    switch (curve) {
    case TrainingCurvesPlot::Reward:
        return p.reward;
    case TrainingCurvesPlot::Loss:
        return p.loss;
    case TrainingCurvesPlot::Epsilon:
        return p.epsilon;
    default:
        return double(p.episodeLength);
    }
}

} // namespace

TrainingCurvesPlot::TrainingCurvesPlot(QWidget* parent) : InteractivePlot(parent) {
    plotLayout()->clear();
    static const char* titles[] = {QT_TR_NOOP("Episode reward"), QT_TR_NOOP("Loss (mean Huber)"),
                                   QT_TR_NOOP("Epsilon"), QT_TR_NOOP("Episode length (steps)")};
    static const QColor colors[] = {QColor(31, 119, 180), QColor(214, 39, 40), QColor(44, 160, 44),
                                    QColor(148, 103, 189)};
    for (int c = 0; c < CurveCount; ++c) {
        auto* rect = new QCPAxisRect(this);
        plotLayout()->addElement(c / 2, c % 2, rect);
        rect->axis(QCPAxis::atBottom)->setLabel(tr("step"));
        rect->axis(QCPAxis::atLeft)->setLabel(tr(titles[c]));
        rect->setRangeDrag(Qt::Horizontal | Qt::Vertical);
        rect->setRangeZoom(Qt::Horizontal | Qt::Vertical);
        QCPGraph* g = addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        g->setPen(QPen(colors[c], 1.6));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 3));
        g->setName(tr(titles[c]));
        rects_[c] = rect;
        graphs_[c] = g;
    }
}

void TrainingCurvesPlot::clear() {
    setPoints({});
}

void TrainingCurvesPlot::setPoints(std::vector<TrainingPoint> points) {
    points_ = std::move(points);
    rebuild();
}

void TrainingCurvesPlot::appendPoint(const TrainingPoint& point) {
    points_.push_back(point);
    if (decimated()) {
        // Rebuilding on every point would be quadratic: only when the stride changes or every
        // stride-th point arrives.
        const size_t stride = (points_.size() + kMaxPlotted - 1) / kMaxPlotted;
        if (points_.size() % stride == 0 ||
            stride != (points_.size() - 1 + kMaxPlotted - 1) / kMaxPlotted)
            rebuild();
        return;
    }
    for (int c = 0; c < CurveCount; ++c) {
        const double v = valueOf(point, c);
        if (!std::isnan(v))
            graphs_[c]->addData(double(point.step), v);
    }
    resetView();
}

void TrainingCurvesPlot::rebuild() {
    const size_t stride = decimated() ? (points_.size() + kMaxPlotted - 1) / kMaxPlotted : 1;
    for (int c = 0; c < CurveCount; ++c) {
        QVector<double> x, y;
        for (size_t i = 0; i < points_.size(); ++i) {
            if (i % stride != 0 && i + 1 != points_.size())
                continue;
            const double v = valueOf(points_[i], c);
            if (std::isnan(v))
                continue;
            x.push_back(double(points_[i].step));
            y.push_back(v);
        }
        graphs_[c]->setData(x, y, true);
    }
    resetView();
}

void TrainingCurvesPlot::resetView() {
    for (int c = 0; c < CurveCount; ++c) {
        bool found = false;
        const QCPRange x = graphs_[c]->getKeyRange(found);
        if (!found) {
            rects_[c]->axis(QCPAxis::atBottom)->setRange(0, 1);
            rects_[c]->axis(QCPAxis::atLeft)->setRange(0, 1);
            continue;
        }
        const QCPRange y = graphs_[c]->getValueRange(found);
        QCPAxis* xa = rects_[c]->axis(QCPAxis::atBottom);
        QCPAxis* ya = rects_[c]->axis(QCPAxis::atLeft);
        xa->setRange(x.size() > 0 ? x : QCPRange(x.lower - 1, x.upper + 1));
        xa->scaleRange(1.05, xa->range().center());
        ya->setRange(y.size() > 0 ? y : QCPRange(y.lower - 1, y.upper + 1));
        ya->scaleRange(1.15, ya->range().center());
    }
    replotLater();
}

QString TrainingCurvesPlot::hoverText(const QPoint& pos) const {
    for (int c = 0; c < CurveCount; ++c) {
        if (!rects_[c]->rect().contains(pos))
            continue;
        QCPGraph* g = graphs_[c];
        double best = kPickRadius;
        int bestIndex = -1;
        for (int i = 0; i < g->dataCount(); ++i) {
            const auto it = g->data()->at(i);
            const QPointF p = g->coordsToPixels(it->key, it->value);
            const double d = std::hypot(p.x() - pos.x(), p.y() - pos.y());
            if (d < best)
                best = d, bestIndex = i;
        }
        if (bestIndex < 0)
            return {};
        const auto it = g->data()->at(bestIndex);
        return tr("%1\nstep %2: %3")
            .arg(g->name())
            .arg(qlonglong(it->key))
            .arg(it->value, 0, 'g', 6);
    }
    return {};
}

} // namespace dvfo
