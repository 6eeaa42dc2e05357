#pragma once
#include "widgets/backgroundjobs.h"
#include "widgets/profileresultmodel.h"

#include <QWidget>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QTabWidget;

namespace dvfo {

class EnergyBreakdownPlot;
class LatencyHeatmapPlot;
class ParetoPlot;
class SessionComparePlot;

// The result views of one session (latency heatmap, energy/latency with its Pareto front, energy
// per layer at the selected tuple) and the comparison of two sessions. Sessions are read from the
// workspace on a worker thread (its own ProfileStore), so opening a big sweep never blocks the GUI.
class ResultsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ResultsPanel(const QString& workspacePath, QWidget* parent = nullptr);
    ~ResultsPanel() override;

    void openSession(int64_t id);               // asynchronous: loaded() or loadFailed()
    void compareSessions(int64_t a, int64_t b); // asynchronous: compared() or loadFailed()
    void showResult(std::shared_ptr<const ProfileResultModel> result); // synchronous
    void showComparison(std::shared_ptr<const ProfileResultModel> a,
                        std::shared_ptr<const ProfileResultModel> b);

    std::shared_ptr<const ProfileResultModel> result() const { return result_; }
    LatencyHeatmapPlot* heatmap() const { return heatmap_; }
    ParetoPlot* pareto() const { return pareto_; }
    EnergyBreakdownPlot* breakdown() const { return breakdown_; }
    SessionComparePlot* comparePlot() const { return compare_; }
    QTabWidget* pages() const { return pages_; }
    // The shown session's board identity and conditions (L4T, nvpmodel, temperatures, throttling).
    QString conditionsText() const;

signals:
    void loaded(qint64 id);
    void compared(qint64 a, qint64 b);
    void loadFailed(const QString& message);

private:
    template <typename Work, typename Done> void runLoader(Work work, Done done);
    void updateSelectors();
    void showConditions(const SessionInfo* session); // nullptr: none shown

    QString workspacePath_;
    std::shared_ptr<const ProfileResultModel> result_;
    QTabWidget* pages_;
    QLabel* title_;
    QLabel* conditions_;
    QComboBox *heatMode_, *emc_, *layer_, *metric_;
    LatencyHeatmapPlot* heatmap_;
    ParetoPlot* pareto_;
    EnergyBreakdownPlot* breakdown_;
    SessionComparePlot* compare_;
    // Declared last: destroyed first, so no read outlives the members it reports to.
    BackgroundJobs jobs_{2}; // a newer open or compare does not wait for a stale one
};

} // namespace dvfo
