// Training view, offscreen, on a real workspace: a synthetic ResNet-18 2x2x2 grid session of the
// built-in Xavier NX in a temp SQLite file, real DQN training through PolicyTrainer on the panel's
// worker thread, the real exported TorchScript policy. Checks that what the panel shows is what
// the database and the policy say: curves = stored points, policy map = TrainedPolicy's decisions,
// bars = PolicyEvaluator's results; stop keeps a resumable cancelled run; runs reopen.
#include "support/syntheticsession.h"
#include "core/board/boardspec.h"
#include "core/workflow/policytrainer.h"
#include "core/workspace/profilestore.h"
#include "core/rl/trainedpolicy.h"
#include "core/workspace/trainingrunstore.h"
#include "widgets/mainwindow.h"
#include "widgets/policycomparisonplot.h"
#include "widgets/policymapplot.h"
#include "widgets/trainingcurvesplot.h"
#include "widgets/trainingpanel.h"
#include "widgets/trainingrunlistmodel.h"
#include "widgets/trainingsuiteplot.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

using namespace dvfo;

namespace {

// Graph data as (key, value) pairs.
std::vector<std::pair<double, double>> dataOf(const QCPGraph* g) {
    std::vector<std::pair<double, double>> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        out.emplace_back(it->key, it->value);
    return out;
}

std::vector<std::pair<double, double>> expected(const std::vector<TrainingPoint>& points,
                                                double (*value)(const TrainingPoint&)) {
    std::vector<std::pair<double, double>> out;
    for (const TrainingPoint& p : points)
        if (!std::isnan(value(p)))
            out.emplace_back(double(p.step), value(p));
    return out;
}

bool waitFor(const std::function<bool()>& done, int ms) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms)
            return false;
        QTest::qWait(20);
    }
    return true;
}

} // namespace

// Stands in for the browser: QDesktopServices hands it the URLs to open.
class UrlCatcher : public QObject {
    Q_OBJECT
public:
    QUrl opened;
public slots:
    void open(const QUrl& url) { opened = url; }
};

class TestTrainingPanel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString db_;
    int64_t completedRun_ = 0;

    void checkCurves(TrainingPanel& panel, int64_t runId) {
        const std::vector<TrainingPoint> stored = TrainingRunStore(db_.toStdString()).points(runId);
        QVERIFY(!stored.empty());
        QCOMPARE(panel.curves()->points().size(), stored.size());
        TrainingCurvesPlot* c = panel.curves();
        QVERIFY(dataOf(c->curve(TrainingCurvesPlot::Reward)) ==
                expected(stored, [](const TrainingPoint& p) { return p.reward; }));
        QVERIFY(dataOf(c->curve(TrainingCurvesPlot::Loss)) ==
                expected(stored, [](const TrainingPoint& p) { return p.loss; }));
        QVERIFY(dataOf(c->curve(TrainingCurvesPlot::Epsilon)) ==
                expected(stored, [](const TrainingPoint& p) { return p.epsilon; }));
        QVERIFY(dataOf(c->curve(TrainingCurvesPlot::EpisodeLength)) ==
                expected(stored, [](const TrainingPoint& p) { return double(p.episodeLength); }));
    }

    void checkPolicyViews(TrainingPanel& panel, int64_t runId) {
        const TrainingRun run = TrainingRunStore(db_.toStdString()).run(runId);
        std::unique_ptr<DvfoEnvironment> env = PolicyTrainer::environmentOf(db_.toStdString(), run);
        std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(run.policyDir);
        // Map: one point per bandwidth, each the policy's decision on the same observation.
        const PolicyMapSettings mapSettings = PolicyTrainer::mapSettingsFor(*env);
        const std::vector<double> bandwidths = PolicyTrainer::mapBandwidths(mapSettings);
        const std::vector<PolicyMapPoint>& map = panel.policyMap()->map();
        QCOMPARE(map.size(), bandwidths.size());
        QCOMPARE(panel.policyMap()->series(PolicyMapPlot::Share)->dataCount(),
                 int(bandwidths.size()));
        std::set<double> distinct;
        for (size_t i = 0; i < map.size(); ++i) {
            QCOMPARE(map[i].bandwidthMbps, bandwidths[i]);
            distinct.insert(map[i].bandwidthMbps);
            policy->reset();
            const FactoredAction a = policy->decide(
                PolicyTrainer::mapObservation(*env, bandwidths[i], mapSettings.rttMs));
            QVERIFY(a == map[i].action);
            QCOMPARE(map[i].cpuKhz, env->profile().board().cpu.frequenciesKhz[size_t(a[0])]);
            QCOMPARE(map[i].share, a[3] / 10.0);
            QCOMPARE(panel.policyMap()->series(PolicyMapPlot::Gpu)->data()->at(int(i))->value,
                     env->profile().board().gpu.frequenciesKhz[size_t(a[1])] / 1000.0);
            QCOMPARE(panel.policyMap()->series(PolicyMapPlot::Share)->data()->at(int(i))->value,
                     a[3] / 10.0);
        }
        QCOMPARE(distinct.size(), map.size());
        // Bars: the trained policy, the oracle and every baseline, equal to PolicyEvaluator's rows.
        const std::vector<PolicyEvaluation> rows =
            PolicyTrainer::evaluateRun(db_.toStdString(), runId);
        const std::vector<PolicyEvaluation>& shown = panel.comparison()->evaluation();
        QCOMPARE(shown.size(), rows.size());
        std::set<std::string> names;
        for (size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(shown[i].policy, rows[i].policy);
            QCOMPARE(shown[i].meanCost, rows[i].meanCost);
            QCOMPARE(shown[i].meanEnergyMj, rows[i].meanEnergyMj);
            names.insert(rows[i].policy);
            if (i > 0) // the trained policy has its own bar series
                QCOMPARE(panel.comparison()->bars()->data()->at(int(i) - 1)->value,
                         rows[i].meanCost);
        }
        for (const char* name :
             {"dvfo-dqn", "oracle", "edge-only (max clocks)", "cloud-only", "performance governor",
              "ondemand governor", "offload-only (max clocks)", "DVFS-only (no offload)"})
            QVERIFY2(names.count(name), name);
        QCOMPARE(shown.front().policy, std::string("dvfo-dqn"));
    }

private slots:
    void initTestCase() {
        db_ = dir_.filePath("w.db");
        ProfileStore store(db_.toStdString());
        QCOMPARE(storeSyntheticResnet18Session(store), int64_t(1));
    }

    void badInputIsRefusedAndLosesNothing() {
        TrainingPanel panel(db_);
        QVERIFY(!panel.setSession(7));
        QVERIFY(panel.setSession(1));
        panel.setTrace(QStringLiteral("sawtooth:1,2"));
        QSignalSpy failed(&panel, &TrainingPanel::failed);
        QVERIFY(panel.start());
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.front().front().toString().contains("sawtooth"),
                 qPrintable(failed.front().front().toString()));
        QVERIFY(panel.statusText().contains("sawtooth"));
        QVERIFY(waitFor([&] { return !panel.isTraining(); }, 10000));
        QCOMPARE(TrainingRunStore(db_.toStdString()).runs().size(),
                 size_t(0)); // nothing half-created
    }

    void trainsStoresAndShowsEverything() {
        TrainingPanel panel(db_);
        panel.resize(1400, 900);
        panel.show();
        QVERIFY(panel.setSession(1));
        panel.setTrace(QStringLiteral("randomwalk:min=2,max=100,step=5,rtt=20"));
        panel.setEpisodeSteps(50);
        panel.setSteps(1200); // warm-up is 1000 steps: the last episodes have a loss
        QSignalSpy finished(&panel, &TrainingPanel::trainingFinished);
        QSignalSpy points(&panel, &TrainingPanel::pointAdded);
        QSignalSpy shown(&panel, &TrainingPanel::policyShown);
        QVERIFY(panel.start());
        QVERIFY(panel.isTraining());
        QVERIFY(!panel.start()); // one run at a time
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.front().at(1).toString(), QStringLiteral("completed"));
        const int64_t runId = finished.front().at(0).toLongLong();
        QVERIFY(shown.count() == 1 || shown.wait(30000));
        QCOMPARE(points.count(), 24);

        const TrainingRun run = TrainingRunStore(db_.toStdString()).run(runId);
        QVERIFY(run.status == TrainingStatus::Completed);
        QCOMPARE(run.pointCount, int64_t(24));
        QCOMPARE(run.sessionId, int64_t(1));
        checkCurves(panel, runId);
        QVERIFY(panel.curves()->curve(TrainingCurvesPlot::Loss)->dataCount() >=
                3); // after the warm-up
        checkPolicyViews(panel, runId);
        QVERIFY(waitFor([&] { return !panel.isTraining(); }, 10000));
        QVERIFY(panel.runsModel()->rowOf(runId) >= 0);
        completedRun_ = runId;
    }

    void suiteChartShowsTheGapPerFamilyTheWorstAndWhoBeatsThePolicy() {
        QVERIFY(completedRun_ > 0);
        TrainingPanel panel(db_);
        panel.resize(1400, 900);
        panel.show();
        SuiteSettings settings;
        settings.seeds = {1001};
        settings.steps = 15;
        panel.setSuiteSettings(settings);
        QSignalSpy shown(&panel, &TrainingPanel::suiteShown);
        panel.runSuite(completedRun_);
        // Asynchronous: the GUI thread is back at once, the chart says it is running.
        QVERIFY(panel.isRunningSuite());
        QVERIFY(panel.suitePlot()->results().empty());
        QVERIFY(shown.wait(300000));
        QCOMPARE(shown.front().front().toLongLong(), completedRun_);

        // What the chart shows is what EvaluationSuite computes for the same policy.
        const TrainingRun run = TrainingRunStore(db_.toStdString()).run(completedRun_);
        std::unique_ptr<DvfoEnvironment> env = PolicyTrainer::environmentOf(db_.toStdString(), run);
        std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(run.policyDir);
        // The run's policy carries its training ranges: the chart shows it behind the guard too.
        SuiteSettings guarded = settings;
        guarded.guard = PolicyGuard::fromSidecar(nlohmann::json::parse(policy->sidecarJson()));
        QVERIFY(guarded.guard->checksRanges());
        const std::vector<SuiteFamilyResult> expected =
            EvaluationSuite::runLike(*env, policy.get(), guarded);
        const TrainingSuitePlot& plot = *panel.suitePlot();
        QCOMPARE(plot.results().size(), EvaluationSuite::builtinFamilies().size());
        QCOMPARE(plot.results().size(), expected.size());
        QCOMPARE(plot.policy(), policy->name());
        QCOMPARE(plot.policyBars()->dataCount(), int(expected.size()));
        QCOMPARE(plot.baselineBars()->dataCount(), int(expected.size()));
        QCOMPARE(plot.guardedBars()->dataCount(), int(expected.size()));
        int worst = -1;
        double worstGap = -1e300;
        for (size_t i = 0; i < expected.size(); ++i) {
            const double gap = expected[i].gapOf(policy->name());
            QCOMPARE(plot.results()[i].family, expected[i].family);
            QCOMPARE(plot.policyBars()->data()->at(int(i))->value, gap);
            QCOMPARE(plot.baselineBars()->data()->at(int(i))->value,
                     expected[i].gapOf(expected[i].bestBaseline));
            QCOMPARE(plot.guardedBars()->data()->at(int(i))->value,
                     expected[i].gapOf(policy->name() + " + guard"));
            if (gap > worstGap)
                worstGap = gap, worst = int(i);
            // Who beats the policy by the most is named next to its bar, with how many more.
            std::vector<std::string> beating = expected[i].beating(policy->name());
            const QString label = plot.labelText(int(i));
            QCOMPARE(label.contains("beaten by"), !beating.empty());
            if (!beating.empty()) {
                const auto best =
                    std::min_element(beating.begin(), beating.end(),
                                     [&](const std::string& a, const std::string& b) {
                                         return expected[i].gapOf(a) < expected[i].gapOf(b);
                                     });
                QVERIFY2(label.contains(QString::fromStdString(*best)), qPrintable(label));
                QCOMPARE(label.contains(QString("and %1 more").arg(beating.size() - 1)),
                         beating.size() > 1);
            }
        }
        // The worst family: its own red bar, and said so.
        QCOMPARE(plot.worstFamily(), worst);
        QCOMPARE(plot.worstBar()->dataCount(), 1);
        QCOMPARE(plot.worstBar()->data()->at(0)->key,
                 double(worst) - TrainingSuitePlot::kBarOffset);
        QVERIFY(plot.labelText(worst).contains("worst family"));
        QVERIFY(
            panel.statusText().contains(QString::fromStdString(expected[size_t(worst)].family)));
        QVERIFY(waitFor([&] { return !panel.isRunningSuite(); }, 10000));

        // A run without a policy: the chart says so, nothing hangs.
        QSignalSpy failed(&panel, &TrainingPanel::failed);
        panel.runSuite(987654);
        QVERIFY(failed.wait(30000));
        QVERIFY(panel.statusText().contains("987654"));
    }

    void thePaperReportIsOneClickAwayOrItsCommandIsShown() {
        QVERIFY(completedRun_ > 0);
        TrainingPanel panel(db_);
        QVERIFY(panel.reportCommand().isEmpty()); // no run selected
        const int row = panel.runsModel()->rowOf(completedRun_);
        QVERIFY(row >= 0);
        panel.runsView()->selectRow(row);
        const TrainingRun run = TrainingRunStore(db_.toStdString()).run(completedRun_);
        const QString command = panel.reportCommand(QStringLiteral("out"));
        QCOMPARE(command, QStringLiteral("dvfo report --quick --boards %1 --models %2 --db %3 "
                                         "--out out")
                              .arg(QString::fromStdString(run.board),
                                   QString::fromStdString(run.model), db_));

        // No report there yet: refused, and the status tells how to make one.
        const QString reportDir = dir_.filePath(QStringLiteral("report"));
        QVERIFY(!panel.openReport(reportDir));
        QVERIFY2(panel.statusText().contains(panel.reportCommand(reportDir)),
                 qPrintable(panel.statusText()));

        // A report: its index.html goes to the browser (a handler stands in for it here).
        QDir().mkpath(reportDir);
        QFile index(QDir(reportDir).filePath(QStringLiteral("index.html")));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write("<html></html>");
        index.close();
        UrlCatcher catcher;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &catcher, "open");
        QVERIFY(panel.openReport(reportDir));
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
        QCOMPARE(catcher.opened, QUrl::fromLocalFile(index.fileName()));
    }

    void stopKeepsAResumableRunAndRunsReopen() {
        QVERIFY(completedRun_ > 0);
        MainWindow window(nullptr, dir_.filePath("boards.json"), db_);
        TrainingPanel& panel = *window.trainingPanel();
        QCOMPARE(window.tabs()->tabText(window.tabs()->indexOf(&panel)),
                 QStringLiteral("&Training"));
        QVERIFY(panel.setSession(1));
        panel.setEpisodeSteps(50);
        panel.setSteps(1100);
        QSignalSpy finished(&panel, &TrainingPanel::trainingFinished);
        QSignalSpy points(&panel, &TrainingPanel::pointAdded);
        QVERIFY(panel.start());
        QVERIFY(points.wait(60000));
        panel.stop();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.front().at(1).toString(), QStringLiteral("cancelled"));
        const int64_t stopped = finished.front().at(0).toLongLong();
        QVERIFY(waitFor([&] { return !panel.isTraining(); }, 10000));
        TrainingRun run = TrainingRunStore(db_.toStdString()).run(stopped);
        QVERIFY(run.status == TrainingStatus::Cancelled);
        QVERIFY(run.pointCount >= 1);
        QVERIFY(run.pointCount < 22);
        const int64_t stoppedAt = TrainingRunStore(db_.toStdString()).points(stopped).back().step;

        // Reopen the cancelled run: its curves from the database, no policy yet.
        QSignalSpy opened(&panel, &TrainingPanel::runOpened);
        panel.openRun(stopped);
        QVERIFY(opened.wait(30000));
        QCOMPARE(panel.currentRunId(), stopped);
        checkCurves(panel, stopped);
        QVERIFY(waitFor([&] { return panel.statusText().contains("no exported policy"); }, 10000));
        QVERIFY(panel.policyMap()->map().empty());

        // Reopen the completed run: curves, then map and bars from its exported policy.
        QSignalSpy shown(&panel, &TrainingPanel::policyShown);
        panel.openRun(completedRun_);
        QVERIFY(shown.wait(60000));
        QCOMPARE(panel.currentRunId(), completedRun_);
        checkCurves(panel, completedRun_);
        checkPolicyViews(panel, completedRun_);

        // Resume the stopped run to the end of its budget: points continue, the run completes.
        finished.clear();
        QVERIFY(panel.resume(stopped));
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.front().at(1).toString(), QStringLiteral("completed"));
        run = TrainingRunStore(db_.toStdString()).run(stopped);
        QVERIFY(run.status == TrainingStatus::Completed);
        const std::vector<TrainingPoint> all = TrainingRunStore(db_.toStdString()).points(stopped);
        // The budget is counted in steps; a cancel mid-episode leaves the last episode of the
        // resumed part partial (not logged), so the last point may be a little before 1100.
        QCOMPARE(nlohmann::json::parse(run.resultJson).at("steps").get<int64_t>(), int64_t(1100));
        QVERIFY2(all.back().step > 1100 - 50, qPrintable(QString::number(all.back().step)));
        for (size_t i = 1; i < all.size(); ++i) {
            QVERIFY(all[i].step > all[i - 1].step);
            QCOMPARE(all[i].episode, all[i - 1].episode + 1);
        }
        QVERIFY(all.back().step > stoppedAt);
        QVERIFY(waitFor([&] { return !panel.isTraining(); }, 10000));
        QVERIFY(shown.count() >= 2); // emitted with trainingFinished
        QCOMPARE(panel.currentRunId(), stopped);
        checkCurves(panel, stopped); // earlier points plus the live ones
    }
};

QTEST_MAIN(TestTrainingPanel)
#include "tst_trainingpanel.moc"
