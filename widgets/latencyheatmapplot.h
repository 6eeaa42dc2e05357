#pragma once
#include "widgets/interactiveplot.h"
#include "widgets/profileresultmodel.h"

#include <memory>

namespace dvfo {

// Per-layer latency as a colour map (log colour scale: layers differ by orders of magnitude):
// layers x tuples, or the CPU x GPU slice at one EMC clock (one layer or the whole model).
class LatencyHeatmapPlot : public InteractivePlot {
    Q_OBJECT
public:
    enum class Mode { LayersByTuples, CpuGpuSlice };

    explicit LatencyHeatmapPlot(QWidget* parent = nullptr);

    void setResult(std::shared_ptr<const ProfileResultModel> result);
    void setMode(Mode mode);
    void setSliceEmc(int64_t emcKhz); // default: the highest EMC clock of the session
    void setSliceLayer(int layer);    // < 0: whole model (default)
    Mode mode() const { return mode_; }
    int64_t sliceEmc() const { return sliceEmc_; }

    QCPColorMap* colorMap() const { return map_; }
    QCPColorScale* colorScale() const { return scale_; }
    QString hoverText(const QPoint& pos) const override;
    void resetView() override;

private:
    void rebuild();

    std::shared_ptr<const ProfileResultModel> result_;
    ProfileResultModel::Slice slice_;
    Mode mode_ = Mode::LayersByTuples;
    int64_t sliceEmc_ = 0;
    int sliceLayer_ = -1;
    QCPColorMap* map_;
    QCPColorScale* scale_;
};

} // namespace dvfo
