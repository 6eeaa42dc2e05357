#pragma once
#include "core/workspace/trainingpoint.h"
#include "widgets/interactiveplot.h"

#include <vector>

namespace dvfo {

// Live curves of a training run, one panel each, x = environment steps: episode reward, mean loss
// (episodes without a gradient step are left out), exploration rate and episode length. Holds
// every point; beyond kMaxPlotted points per curve the graphs show an evenly strided subset (the
// last point always included) so that long runs stay cheap to redraw.
class TrainingCurvesPlot : public InteractivePlot {
    Q_OBJECT
public:
    enum Curve { Reward, Loss, Epsilon, EpisodeLength, CurveCount };
    static constexpr int kMaxPlotted = 2000;

    explicit TrainingCurvesPlot(QWidget* parent = nullptr);

    void clear();
    void setPoints(std::vector<TrainingPoint> points);
    void appendPoint(const TrainingPoint& point);
    const std::vector<TrainingPoint>& points() const { return points_; }
    QCPGraph* curve(Curve c) const { return graphs_[c]; }
    QCPAxisRect* panel(Curve c) const { return rects_[c]; }

    QString hoverText(const QPoint& pos) const override;
    void resetView() override;

private:
    void rebuild();
    bool decimated() const { return int(points_.size()) > kMaxPlotted; }

    std::vector<TrainingPoint> points_;
    QCPAxisRect* rects_[CurveCount] = {};
    QCPGraph* graphs_[CurveCount] = {};
};

} // namespace dvfo
