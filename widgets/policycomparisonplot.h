#pragma once
#include "core/rl/policyevaluator.h"
#include "widgets/interactiveplot.h"

#include <vector>

namespace dvfo {

// Mean cost per inference (eta-weighted normalised energy and latency plus SLO penalties, lower
// is better) of the trained policy, the oracle and every baseline, as horizontal bars; each bar
// is labelled with its gap to the oracle, the tooltip gives energy, latency and SLO violations.
class PolicyComparisonPlot : public InteractivePlot {
    Q_OBJECT
public:
    explicit PolicyComparisonPlot(QWidget* parent = nullptr);

    void setEvaluation(std::vector<PolicyEvaluation> rows); // first row: the trained policy
    const std::vector<PolicyEvaluation>& evaluation() const { return rows_; }
    QCPBars* bars() const { return bars_; }

    QString hoverText(const QPoint& pos) const override;
    void resetView() override;

private:
    std::vector<PolicyEvaluation> rows_;
    QCPBars* bars_;
    QCPBars* trainedBar_; // the first row in its own colour
    std::vector<QCPItemText*> labels_;
    QCPTextElement* title_;
};

} // namespace dvfo
