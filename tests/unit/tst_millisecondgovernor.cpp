// The governors of `dvfo report` simulated at millisecond granularity: after an idle stretch a
// frame starts at the low clocks ondemand dropped to and finishes after the ramp-up, frames that
// arrive faster than they run queue up, and the sampling interval is checked.
#include "core/rl/dvfotrainingsettings.h"
#include "core/report/millisecondgovernor.h"

#include "support/smallcnnprofile.h"

#include <QtTest>

#include <cmath>

using namespace dvfo;

namespace {

std::unique_ptr<DvfoEnvironment> environment(double periodMs) {
    DvfoTrainingSettings s;
    s.trace = "constant:50,10";
    s.episodeSteps = 30;
    s.controlPeriodMs = periodMs;
    return s.makeEnvironment(smallCnnProfile());
}

} // namespace

class TestMillisecondGovernor : public QObject {
    Q_OBJECT

private slots:
    void ondemandStartsEachFrameLowAfterIdlingAndRampsUpWithinIt() {
        auto env = environment(50);
        const ProfileTable& p = env->profile();
        const double atMax =
            p.whole(p.tupleAtLevels(p.cpuLevels() - 1, p.gpuLevels() - 1, p.emcLevels() - 1))
                .latencyMs;
        const double atMin = p.whole(p.tupleAtLevels(0, 0, 0)).latencyMs;
        QVERIFY(atMax < 50 && atMin > atMax * 3); // idle between frames, a real ramp to see
        MillisecondGovernor ondemand(*env, MillisecondGovernor::Kind::Ondemand);
        const PolicyEvaluation r = ondemand.evaluate(*env, {1}, 0);
        QCOMPARE(r.steps, int64_t(30));
        QCOMPARE(r.policy, std::string("ondemand governor (1 ms sampling)"));
        // Slower than max clocks throughout (the first millisecond of each frame at min clocks),
        // far faster than min clocks throughout (the governor reacts within the frame).
        QVERIFY2(r.meanLatencyMs > atMax + 0.1, qPrintable(QString::number(r.meanLatencyMs)));
        QVERIFY2(r.meanLatencyMs < atMax + 2.0, qPrintable(QString::number(r.meanLatencyMs)));
        QVERIFY(std::isnan(r.gapToOraclePct));
        // Once per period (the per-period rule) the same board would hold the low clocks for a
        // whole frame after an idle one; sampling every period shows that.
        MillisecondGovernor perPeriod(*env, MillisecondGovernor::Kind::Ondemand, 50);
        QVERIFY(perPeriod.evaluate(*env, {1}, 0).meanLatencyMs > r.meanLatencyMs + 1);
    }

    void performanceKeepsCpuAndGpuAtMaxAndCostsNoMoreLatencyThanOndemand() {
        auto env = environment(50);
        const PolicyEvaluation perf =
            MillisecondGovernor(*env, MillisecondGovernor::Kind::Performance)
                .evaluate(*env, {1}, 1);
        const PolicyEvaluation ondemand =
            MillisecondGovernor(*env, MillisecondGovernor::Kind::Ondemand).evaluate(*env, {1}, 1);
        QVERIFY(perf.meanLatencyMs <= ondemand.meanLatencyMs + 1e-9);
        QVERIFY(perf.meanEnergyMj > 0);
        QVERIFY(std::abs(perf.gapToOraclePct - (perf.meanCost - 1) * 100) < 1e-9);
    }

    void framesThatArriveFasterThanTheyRunWaitAndTheWaitCounts() {
        auto env = environment(2); // a frame every 2 ms, each takes about 8 ms at max clocks
        const PolicyEvaluation r =
            MillisecondGovernor(*env, MillisecondGovernor::Kind::Performance, 1)
                .evaluate(*env, {1}, 0);
        QCOMPARE(r.steps, int64_t(30));
        QVERIFY2(r.meanLatencyMs > 3 * env->referenceLatencyMs(),
                 qPrintable(QString::number(r.meanLatencyMs)));
    }

    void aSamplingIntervalOutsideThePeriodIsRefused() {
        auto env = environment(50);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 MillisecondGovernor(*env, MillisecondGovernor::Kind::Ondemand, 0));
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            MillisecondGovernor(*env, MillisecondGovernor::Kind::Ondemand, 60));
    }
};

QTEST_APPLESS_MAIN(TestMillisecondGovernor)
#include "tst_millisecondgovernor.moc"
