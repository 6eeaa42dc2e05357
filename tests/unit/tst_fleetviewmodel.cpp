// What the Fleet view shows beside its table, derived without a window (QCoreApplication only):
// the deploy column's text, one deployment at a time, when a runtime's bundle is looked up in the
// deployment history, and which board the decision plot shows on what clock axis.
#include "widgets/fleetviewmodel.h"

#include <QtTest>

using namespace dvfo;

class TestFleetViewModel : public QObject {
    Q_OBJECT

private slots:
    void theDeployColumnSaysKindOutcomeVersionAndStart() {
        QCOMPARE(FleetViewModel::deploymentText(DeploymentKind::Deploy, DeploymentStatus::Succeeded,
                                                "resnet18-dqn-2", "2026-12-07T10:00:00Z"),
                 QStringLiteral("succeeded resnet18-dqn-2, 2026-12-07T10:00:00Z"));
        QCOMPARE(FleetViewModel::deploymentText(DeploymentKind::Rollback,
                                                DeploymentStatus::RolledBack, "", ""),
                 QStringLiteral("rollback rolled_back"));
    }

    void oneDeploymentRunsAtATime() {
        FleetViewModel vm;
        QVERIFY(vm.canDeploy() && !vm.deploying());
        vm.setDeploying(true);
        QVERIFY(!vm.canDeploy() && vm.deploying());
        vm.setDeploying(false);
        QVERIFY(vm.canDeploy());
    }

    void aBundleTheTableDoesNotShowIsLookedUpAtOnceThenEveryFiveSeconds() {
        FleetViewModel vm;
        const qint64 t0 = 1765100000000;
        // A new version shows up: look at once, whenever it changes.
        QVERIFY(vm.shouldLookUpDeployment("lab-nx", "", "v2", "succeeded v1", t0));
        QVERIFY(vm.shouldLookUpDeployment("lab-nx", "v2", "v3", "succeeded v1", t0 + 10));
        // Same version, still not in the table (deployed from another workspace): at most every
        // five seconds, per board.
        QVERIFY(!vm.shouldLookUpDeployment("lab-nx", "v3", "v3", "succeeded v1", t0 + 4999));
        QVERIFY(vm.shouldLookUpDeployment("lab-orin", "v3", "v3", "", t0 + 4999));
        QVERIFY(vm.shouldLookUpDeployment("lab-nx", "v3", "v3", "succeeded v1", t0 + 5010));
        // The table already shows it, or the runtime runs nothing: nothing to look up.
        QVERIFY(!vm.shouldLookUpDeployment("lab-nx", "v3", "v4", "succeeded v4, 2026-12-07", t0));
        QVERIFY(!vm.shouldLookUpDeployment("lab-nx", "v4", "", "", t0 + 60000));
        // While our own deployment runs, its results fill the column.
        vm.setDeploying(true);
        QVERIFY(!vm.shouldLookUpDeployment("lab-nx", "v4", "v5", "queued", t0 + 60000));
    }

    void theDecisionPlotShowsTheSelectedBoardElseTheFirstWithTelemetry() {
        QCOMPARE(FleetViewModel::decisionBoard("lab-orin", {"lab-nx"}), QStringLiteral("lab-orin"));
        QCOMPARE(FleetViewModel::decisionBoard("", {"lab-nx", "lab-orin"}),
                 QStringLiteral("lab-nx"));
        QCOMPARE(FleetViewModel::decisionBoard("", {}), QString());
        QCOMPARE(FleetViewModel::decisionAxisLabel("lab-nx"),
                 QStringLiteral("time — decisions of lab-nx"));
        QCOMPARE(FleetViewModel::decisionAxisLabel(""), QStringLiteral("time"));
    }

    void theClockAxisStartsAtZeroAboveTheHighestClock() {
        QCOMPARE(FleetViewModel::clockAxisUpper(true, 1000.0), 1150.0);
        QCOMPARE(FleetViewModel::clockAxisUpper(false, 1000.0), 1.0); // no points yet
        QCOMPARE(FleetViewModel::clockAxisUpper(true, 0.0), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestFleetViewModel)
#include "tst_fleetviewmodel.moc"
