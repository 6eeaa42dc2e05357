#pragma once
#include "core/workflow/policytrainer.h"
#include "widgets/interactiveplot.h"

#include <vector>

namespace dvfo {

// What a policy chooses against the uplink bandwidth (log scale): CPU, GPU and EMC clocks in MHz
// on the left axis, the offloaded share of the feature maps on the right axis.
class PolicyMapPlot : public InteractivePlot {
    Q_OBJECT
public:
    enum Series { Cpu, Gpu, Emc, Share, SeriesCount };

    explicit PolicyMapPlot(QWidget* parent = nullptr);

    void setMap(std::vector<PolicyMapPoint> map, double rttMs);
    const std::vector<PolicyMapPoint>& map() const { return map_; }
    QCPGraph* series(Series s) const { return graphs_[s]; }

    QString hoverText(const QPoint& pos) const override;
    void resetView() override;

private:
    std::vector<PolicyMapPoint> map_;
    QCPGraph* graphs_[SeriesCount] = {};
};

} // namespace dvfo
