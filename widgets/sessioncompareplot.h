#pragma once
#include "widgets/interactiveplot.h"
#include "widgets/profileresultmodel.h"

#include <memory>

namespace dvfo {

// Two sessions side by side (e.g. two boards, or emulated vs real): whole-model latency or energy
// per tuple both measured, as grouped bars A | B.
class SessionComparePlot : public InteractivePlot {
    Q_OBJECT
public:
    enum class Metric { Latency, Energy };

    explicit SessionComparePlot(QWidget* parent = nullptr);

    void setSessions(std::shared_ptr<const ProfileResultModel> a,
                     std::shared_ptr<const ProfileResultModel> b);
    void setMetric(Metric metric);
    Metric metric() const { return metric_; }
    const ProfileResultModel::Comparison& comparison() const { return comparison_; }

    QCPBars* barsA() const { return barsA_; }
    QCPBars* barsB() const { return barsB_; }
    QString hoverText(const QPoint& pos) const override;

private:
    void rebuild();

    std::shared_ptr<const ProfileResultModel> a_, b_;
    ProfileResultModel::Comparison comparison_;
    Metric metric_ = Metric::Latency;
    QCPBars *barsA_, *barsB_;
    QCPTextElement* title_;
};

} // namespace dvfo
