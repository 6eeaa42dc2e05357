#pragma once
#include "widgets/interactiveplot.h"
#include "widgets/profileresultmodel.h"

#include <memory>

namespace dvfo {

// Whole-model energy vs latency, one point per tuple, with the Pareto front drawn as a line.
// Clicking a point selects its tuple (tupleSelected), which the energy breakdown follows.
class ParetoPlot : public InteractivePlot {
    Q_OBJECT
public:
    explicit ParetoPlot(QWidget* parent = nullptr);

    void setResult(std::shared_ptr<const ProfileResultModel> result);
    void selectTuple(int index); // -1: none
    int selectedTuple() const { return selected_; }
    // The tuple index of the point nearest to a widget position within the pick radius, or -1.
    int tupleAt(const QPoint& pos) const;

    QCPGraph* pointsGraph() const { return points_; }
    QCPGraph* frontGraph() const { return front_; }
    QCPGraph* selectedGraph() const { return selectedGraph_; }
    QString hoverText(const QPoint& pos) const override;

signals:
    void tupleSelected(int index);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    std::shared_ptr<const ProfileResultModel> result_;
    std::vector<size_t> frontIndices_;
    int selected_ = -1;
    QPoint pressPos_;
    QCPGraph *points_, *front_, *selectedGraph_;
};

} // namespace dvfo
