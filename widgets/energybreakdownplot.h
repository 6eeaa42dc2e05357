#pragma once
#include "widgets/interactiveplot.h"
#include "widgets/profileresultmodel.h"

#include <memory>

namespace dvfo {

// Energy per layer at one tuple, as bars (the tooltip adds each rail and the latency).
class EnergyBreakdownPlot : public InteractivePlot {
    Q_OBJECT
public:
    explicit EnergyBreakdownPlot(QWidget* parent = nullptr);

    void
    setResult(std::shared_ptr<const ProfileResultModel> result); // shows the first Pareto tuple
    void setTuple(int index);                                    // -1: nothing
    int tuple() const { return tuple_; }
    QCPBars* bars() const { return bars_; }
    QString hoverText(const QPoint& pos) const override;

private:
    std::shared_ptr<const ProfileResultModel> result_;
    int tuple_ = -1;
    QCPBars* bars_;
    QCPTextElement* title_;
};

} // namespace dvfo
