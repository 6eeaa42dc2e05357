#pragma once
#include "core/rl/evaluationsuite.h"
#include "core/rl/policyevaluator.h"
#include "core/workflow/policytrainer.h"
#include "core/workspace/trainingpoint.h"
#include "widgets/backgroundjobs.h"

#include <QWidget>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace dvfo {

class PolicyComparisonPlot;
class PolicyMapPlot;
class TrainingCurvesPlot;
class TrainingRunListModel;
class TrainingSuitePlot;

// The Training view: set up a DVFO training run on a stored profile session, watch its reward,
// loss, epsilon and episode-length curves live, then see what the policy does per bandwidth and
// how it compares with the baselines and the oracle. Runs are stored in the workspace (the same
// tables `dvfo train` writes), listed, reopened and resumed. Training, evaluation and reopening
// run on worker threads (each with its own database connection); the GUI thread only plots.
class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(const QString& workspacePath, QWidget* parent = nullptr);
    ~TrainingPanel() override; // stops a running training (it stays resumable) and waits

    void reloadSessions(); // profile sessions of the workspace, for the session chooser
    void reloadRuns();

    // The form (also what the studio's command line sets).
    bool setSession(int64_t id); // false when the workspace has no such session with data
    void setEta(double eta);
    void setSloMs(double ms);
    void setTrace(const QString& spec);
    void setEpisodeSteps(int steps);
    void setSteps(int steps);
    void setConcurrent(bool on);
    PolicyTrainerSettings formSettings() const;

    // Asynchronous; false (with statusText() saying why) when training already or bad input.
    bool start();
    bool resume(int64_t runId); // a cancelled or failed run: the rest of its budget
    void stop();                // keeps what was trained: the run ends cancelled, resumable
    // Curves from the database, then (if the run exported a policy) its map and comparison.
    void openRun(int64_t runId);
    void evaluateRun(int64_t runId); // map and comparison only
    // The robustness suite (EvaluationSuite, as `dvfo evaluate --suite`) of the run's exported
    // policy on a worker thread, shown as the suite chart; suiteShown when done.
    void runSuite(int64_t runId);
    void setSuiteSettings(const SuiteSettings& settings) { suiteSettings_ = settings; }
    bool isRunningSuite() const;

    // The paper's evaluation for the selected run's board and model (issue 17): the dvfo report
    // command that makes it for this workspace (empty when no run is selected), and opening a
    // report directory's index.html in the browser (false, with the command in the status, when
    // `directory` holds no report).
    QString reportCommand(const QString& outDirectory = QStringLiteral("report")) const;
    bool openReport(const QString& directory);

    bool isTraining() const;
    int64_t currentRunId() const { return currentRun_; }
    int64_t trainingRunId() const { return trainingRun_; }
    QString statusText() const;

    TrainingCurvesPlot* curves() const { return curves_; }
    PolicyMapPlot* policyMap() const { return map_; }
    PolicyComparisonPlot* comparison() const { return comparison_; }
    TrainingSuitePlot* suitePlot() const { return suite_; }
    TrainingRunListModel* runsModel() const { return runsModel_; }
    QTableView* runsView() const { return runsView_; }
    QComboBox* sessionBox() const { return session_; }
    static constexpr double kMapRttMs = 20; // titles the empty map before a run has one

signals:
    void trainingStarted(qint64 runId);
    void pointAdded(qint64 runId, qint64 step);
    void trainingFinished(qint64 runId, const QString& status); // completed, cancelled or failed
    void runOpened(qint64 runId);                               // curves shown
    void policyShown(qint64 runId);                             // map and comparison shown
    void suiteShown(qint64 runId);                              // the suite chart shows the run
    void failed(const QString& message);

private:
    void launchTraining(PolicyTrainerSettings settings);
    void launchLoader(int64_t runId, bool withCurves);
    void setStatus(const QString& text, bool error = false);
    void updateButtons();
    int64_t selectedRunId() const;

    QString workspacePath_;
    QComboBox* session_;
    QDoubleSpinBox *eta_, *slo_;
    QComboBox* energy_ = nullptr;
    QComboBox* trace_;
    QSpinBox *episodeSteps_, *steps_;
    QCheckBox* concurrent_;
    QPushButton *start_, *stop_, *resume_, *evaluate_, *open_, *suiteButton_, *reportButton_;
    QProgressBar* progress_;
    QLabel* status_;
    TrainingRunListModel* runsModel_;
    QTableView* runsView_;
    TrainingCurvesPlot* curves_;
    PolicyMapPlot* map_;
    PolicyComparisonPlot* comparison_;
    TrainingSuitePlot* suite_;

    SuiteSettings suiteSettings_;
    int64_t currentRun_ = 0;  // the run the plots show
    int64_t trainingRun_ = 0; // the run being trained (0 while none or not created yet)
    int64_t progressBase_ = 0;
    // Declared last: destroyed first, so no job outlives the members it reports to. Training,
    // the suite and a run being opened go on at once; a stale open may still be finishing.
    BackgroundJobs jobs_{4};
};

} // namespace dvfo
