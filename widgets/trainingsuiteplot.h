#pragma once
#include "core/rl/evaluationsuite.h"
#include "widgets/interactiveplot.h"

#include <string>
#include <vector>

namespace dvfo {

// The robustness suite of a trained policy (`dvfo evaluate --suite`) as a chart: per link family
// the policy's gap to the oracle, the same policy behind the runtime guard (when the results have
// it) and the best baseline's gap; the worst family's bar in red, and a label naming the
// baselines that beat the policy where any does.
class TrainingSuitePlot : public InteractivePlot {
    Q_OBJECT
public:
    explicit TrainingSuitePlot(QWidget* parent = nullptr);

    // `policy`: the name of the trained policy in the results (its rows are the bars).
    void setResults(std::vector<SuiteFamilyResult> results, const std::string& policy);
    // Shown while the suite runs, or why it could not run.
    void setMessage(const QString& text);
    void clear();

    const std::vector<SuiteFamilyResult>& results() const { return results_; }
    const std::string& policy() const { return policy_; }
    int worstFamily() const { return worst_; } // -1 without results
    // Families (indices) where a deployable baseline has a lower cost than the policy.
    std::vector<int> beatenFamilies() const;
    // The text next to family i's bars: its gap, "worst", who beats the policy.
    QString labelText(int family) const;

    QCPBars* policyBars() const { return policyBars_; }
    QCPBars* baselineBars() const { return baselineBars_; }
    QCPBars* worstBar() const { return worstBar_; }
    QCPBars* guardedBars() const { return guardedBars_; } // empty without guard results

    QString hoverText(const QPoint& pos) const override;
    void resetView() override;

    // Policy above (key - offset), guarded policy at the key, best baseline below.
    static constexpr double kBarOffset = 0.26;

private:
    std::vector<SuiteFamilyResult> results_;
    std::string policy_;
    int worst_ = -1;
    QCPBars *policyBars_, *guardedBars_, *baselineBars_, *worstBar_;
    std::vector<QCPItemText*> labels_;
    QCPTextElement* title_;
};

} // namespace dvfo
