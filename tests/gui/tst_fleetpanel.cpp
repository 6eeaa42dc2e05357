// The Fleet view: FleetModel tested without widgets, then the whole path a person uses: a board's
// agent (a real dvfo-edge process for the emulated Xavier NX) answers runtime-status and
// telemetry from a runtime root, and the panel's table and plots show what the runtime wrote;
// and "Deploy bundle…" to the emulated board, whose runtime then shows up in the same view.
#include "core/attention/attentionsplit.h"
#include "core/workspace/bundlestore.h"
#include "remote/edge/runtimelayout.h"
#include "remote/edge/runtimeservice.h"
#include "remote/edge/telemetrywriter.h"
#include "support/deploytesthelpers.h"
#include "widgets/fleetmodel.h"
#include "widgets/fleetpanel.h"

#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace dvfo;
using nlohmann::json;

namespace {

json record(int64_t seq, double latency, double energy, double share,
            const char* tuple = "1190400/1109250/1866000") {
    return {{"seq", seq},
            {"t", 1700000000000.0 + seq * 100.0},
            {"latencyMs", latency},
            {"energyMj", energy},
            {"share", share},
            {"tuple", tuple},
            {"bandwidthMbps", 40.0},
            {"fellBack", seq % 5 == 0},
            {"accuracy", 0.9}};
}

// The agent's telemetry answer for records [from, to].
json batch(int64_t from, int64_t to) {
    json records = json::array();
    for (int64_t s = from; s <= to; ++s)
        records.push_back(record(s, 10.0 + s, 100.0 + 2 * s, (s % 11) / 10.0));
    return {{"records", records}, {"lastSeq", to}};
}

QVector<double> graphValues(QCPGraph* g) {
    QVector<double> v;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        v << it->value;
    return v;
}

} // namespace

class TestFleetPanel : public QObject {
    Q_OBJECT

private slots:
    void modelAppendsTelemetryOnceInOrder() {
        FleetModel m;
        m.setBoards({"a", "b"});
        QSignalSpy spy(&m, &FleetModel::telemetryAppended);
        QCOMPARE(m.applyTelemetry("a", batch(1, 10)), 10);
        // An overlapping poll (records 6..15) adds only 11..15.
        QCOMPARE(m.applyTelemetry("a", batch(6, 15)), 5);
        QCOMPARE(spy.count(), 2);
        const TelemetrySeries& s = m.series("a");
        QCOMPARE(s.lastSeq, int64_t(15));
        QCOMPARE(s.t.size(), 15);
        for (int i = 0; i < 15; ++i) {
            QCOMPARE(s.latencyMs[i], 10.0 + (i + 1));
            QCOMPARE(s.energyMj[i], 100.0 + 2 * (i + 1));
            QCOMPARE(s.gpuMhz[i], 1109.25);
        }
        QVERIFY(m.series("b").t.isEmpty());
        // Means over the last kRecentWindow (all 15 here): latency 10 + mean(1..15) = 18.
        QCOMPARE(m.recentMean("a", &TelemetrySeries::latencyMs), 18.0);
        QCOMPARE(m.data(m.index(0, FleetModel::LatencyMs)).toString(), QStringLiteral("18.00"));
        QCOMPARE(m.data(m.index(0, FleetModel::Fallbacks)).toString(),
                 QStringLiteral("3")); // seq 5, 10, 15
        QCOMPARE(m.data(m.index(0, FleetModel::Accuracy)).toString(), QStringLiteral("90.0 %"));
        QCOMPARE(m.data(m.index(1, FleetModel::LatencyMs)).toString(), QStringLiteral("–"));
    }

    void modelShowsTheEnvironmentsPredictionNextToWhatTheBoardRealised() {
        FleetModel m;
        m.setBoards({"trained", "fixed"});
        json withCosts = batch(1, 10);
        for (auto& r : withCosts["records"]) {
            r["predictedCost"] = 0.9;
            r["cost"] = r["seq"].get<int64_t>() % 2 ? 0.9 : 1.0; // realised 0.95 on average
        }
        m.applyTelemetry("trained", withCosts);
        m.applyTelemetry("fixed", batch(1, 10)); // a policy without a cost model: no prediction
        QCOMPARE(m.data(m.index(0, FleetModel::Cost)).toString(), QStringLiteral("0.900 / 0.950"));
        QCOMPARE(m.data(m.index(1, FleetModel::Cost)).toString(), QStringLiteral("–"));
        QCOMPARE(m.headerData(FleetModel::Cost, Qt::Horizontal).toString(),
                 QStringLiteral("Cost pred / real"));
    }

    void modelCountsGuardActivationsPerBoardWithTheLastReason() {
        FleetModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setBoards({"guarded", "plain"});
        // The runtime counts guard activations itself; records where the guard decided say why.
        json guarded = batch(1, 6);
        int64_t count = 0;
        for (auto& r : guarded["records"]) {
            const int64_t seq = r["seq"].get<int64_t>();
            if (seq == 2)
                r["guard"] = "out-of-range:rtt";
            if (seq >= 4)
                r["guard"] = "link-down";
            count += r.contains("guard") ? 1 : 0;
            r["guardActivations"] = count;
        }
        m.applyTelemetry("guarded", guarded);
        m.applyTelemetry("plain", batch(1, 6));
        QCOMPARE(m.data(m.index(0, FleetModel::Guard)).toString(), QStringLiteral("4 (link-down)"));
        QCOMPARE(m.data(m.index(1, FleetModel::Guard)).toString(), QStringLiteral("0"));
        QCOMPARE(m.series("guarded").guarded, (QVector<double>{0, 1, 0, 1, 1, 1}));
        QVERIFY(m.data(m.index(0, FleetModel::Guard), Qt::ToolTipRole)
                    .toString()
                    .contains("link-down"));
        QCOMPARE(m.headerData(FleetModel::Guard, Qt::Horizontal).toString(),
                 QStringLiteral("Guard"));
        // The runtime's status is the current count (a restarted runtime starts again at 0).
        m.applyStatus("guarded",
                      {{"state", "running"}, {"running", true}, {"guardActivations", 9}});
        QCOMPARE(m.data(m.index(0, FleetModel::Guard)).toString(), QStringLiteral("9 (link-down)"));
        // A malformed count costs nothing else.
        json bad = batch(7, 7);
        bad["records"][0]["guardActivations"] = "many";
        QCOMPARE(m.applyTelemetry("plain", bad), 1);
        QCOMPARE(m.data(m.index(1, FleetModel::Guard)).toString(), QStringLiteral("0"));
    }

    void modelBoundsMemoryAndKeepsNewest() {
        FleetModel m;
        m.setBoards({"a"});
        const int total = FleetModel::kMaxPointsPerBoard + 500;
        for (int from = 1; from <= total; from += 5000)
            m.applyTelemetry("a", batch(from, std::min(total, from + 4999)));
        const TelemetrySeries& s = m.series("a");
        QCOMPARE(s.t.size(), FleetModel::kMaxPointsPerBoard);
        QCOMPARE(s.latencyMs.last(), 10.0 + total);
        QCOMPARE(s.latencyMs.first(), 10.0 + 501);
    }

    void modelShowsStatusAndSurvivesMalformedRecords() {
        FleetModel m;
        m.setBoards({"a"});
        m.applyStatus("a", {{"state", "running"},
                            {"running", true},
                            {"bundleVersion", "b-7"},
                            {"inferences", 42},
                            {"decision", {{"tuple", "1/2/3"}, {"share", 0.3}}}});
        QCOMPARE(m.data(m.index(0, FleetModel::Runtime)).toString(), QStringLiteral("running"));
        QCOMPARE(m.data(m.index(0, FleetModel::Bundle)).toString(), QStringLiteral("b-7"));
        QCOMPARE(m.data(m.index(0, FleetModel::Inferences)).toString(), QStringLiteral("42"));
        QVERIFY(m.data(m.index(0, FleetModel::Decision)).toString().contains("share 0.3"));
        json bad = batch(1, 2);
        bad["records"][0]["tuple"] = "not-a-tuple";
        bad["records"][1]["latencyMs"] = "fast";
        QCOMPARE(m.applyTelemetry("a", bad), 2);
        QVERIFY(std::isnan(m.series("a").gpuMhz[0]));
        QVERIFY(std::isnan(m.series("a").latencyMs[1]));
        m.applyStatus("a", {{"state", "stopped"}, {"running", false}});
        QVERIFY(m.data(m.index(0, FleetModel::Runtime)).toString().contains("not running"));
    }

    // The real path: agent process, runtime root on disk, polling, table and plots.
    void panelPollsTheBoardsRuntime() {
        QTemporaryDir home, root;
        QVERIFY(home.isValid() && root.isValid());
        const RuntimeLayout layout(root.path().toStdString());
        QVERIFY(QDir().mkpath(QString::fromStdString(layout.runtimeDir())));
        {
            std::ofstream status(layout.statusPath());
            status << json{{"state", "running"},
                           {"bundleVersion", "nx-resnet-3"},
                           {"inferences", 30},
                           {"decision", {{"tuple", "1190400/1109250/1866000"}, {"share", 0.2}}}}
                          .dump();
        }
        TelemetryWriter writer(layout.telemetryPath(), layout.rotatedTelemetryPath());
        for (int i = 1; i <= 30; ++i) {
            json r = record(0, 10.0 + i, 50.0 + i, 0.1 * (i % 3));
            r.erase("seq");
            QCOMPARE(writer.write(r), int64_t(i));
        }

        FleetPanel panel(nullptr, home.filePath("boards.json"), home.filePath("workspace.db"));
        panel.setRuntimeRoot(root.path());
        panel.resize(1200, 900);
        panel.show();
        const QString board = QStringLiteral("emulated:xavier-nx");
        QVERIFY(panel.model()->rowOf(board) >= 0);
        panel.selectBoard(board);
        panel.connectBoard(board);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->series(board).t.size(), 30, 30000);
        const int row = panel.model()->rowOf(board);
        QTRY_COMPARE(panel.model()->data(panel.model()->index(row, FleetModel::Bundle)).toString(),
                     QStringLiteral("nx-resnet-3"));
        // The runtime is not running (no socket): the agent answers its last status.json.
        QVERIFY(panel.model()
                    ->data(panel.model()->index(row, FleetModel::Runtime))
                    .toString()
                    .contains("not running"));

        // The plots show exactly what the runtime wrote.
        QCPGraph* latency = nullptr;
        for (int i = 0; i < panel.latencyPlot()->graphCount(); ++i)
            if (panel.latencyPlot()->graph(i)->name() == board)
                latency = panel.latencyPlot()->graph(i);
        QVERIFY(latency);
        const QVector<double> values = graphValues(latency);
        QCOMPARE(values.size(), 30);
        for (int i = 0; i < 30; ++i)
            QCOMPARE(values[i], 10.0 + (i + 1));
        QCOMPARE(graphValues(panel.decisionPlot()->graph(0)).size(), 30);

        // New records arrive with the next polls, and only they.
        for (int i = 31; i <= 45; ++i) {
            json r = record(0, 10.0 + i, 50.0 + i, 0.5);
            r.erase("seq");
            writer.write(r);
        }
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->series(board).t.size(), 45, 30000);
        QCOMPARE(panel.model()->series(board).latencyMs.last(), 55.0);
        QCOMPARE(panel.model()->lastSeq(board), int64_t(45));
    }

    // Deploy to the emulated board from the panel (no SSH), with the board's default root under a
    // private $HOME; the deployment is in the history and the runtime's telemetry in the plots.
    void panelDeploysToTheEmulatedBoardAndShowsItsRuntime() {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QByteArray realHome = qgetenv("HOME");
        qputenv("HOME", home.path().toUtf8()); // the agent and the runtime inherit it
        const std::string root = RuntimeLayout::defaultRoot("xavier-nx");
        auto restore = qScopeGuard([&] {
            RuntimeService(RuntimeLayout(root)).stop();
            qputenv("HOME", realHome);
        });
        const std::string attention = home.filePath("attention").toStdString();
        AttentionSplit::create({"small_cnn", "", 1})->save(attention);
        StoredBundle bundle;
        bundle.version = "gui-1";
        bundle.boardSpecId = "xavier-nx";
        bundle.model = "small_cnn";
        bundle.path = deploytest::makeFixedPolicyBundle(home.path().toStdString(), attention,
                                                        "gui-1", "max", "xavier-nx");
        const QString workspace = home.filePath("workspace.db");
        const int64_t bundleId = BundleStore(workspace.toStdString()).addBundle(bundle);

        FleetPanel panel(nullptr, home.filePath("boards.json"), workspace);
        panel.resize(1200, 900);
        panel.show();
        const QString board = QStringLiteral("emulated:xavier-nx");
        QSignalSpy finished(&panel, &FleetPanel::deploymentFinished);
        QVERIFY(panel.deploy(bundleId, {board}));
        QVERIFY(finished.wait(180000));
        QCOMPARE(finished.first().first().toString(), QStringLiteral("1 board: 1 succeeded"));
        const auto history = BundleStore(workspace.toStdString()).history(board.toStdString());
        QCOMPARE(history.size(), size_t(1));
        QCOMPARE(history.front().status, DeploymentStatus::Succeeded);
        QCOMPARE(history.front().bundleVersion, std::string("gui-1"));
        QCOMPARE(deploytest::linkTarget(root + "/current"), std::string("gui-1"));

        panel.selectBoard(board);
        panel.connectBoard(board);
        const int row = panel.model()->rowOf(board);
        QTRY_COMPARE_WITH_TIMEOUT(
            panel.model()->data(panel.model()->index(row, FleetModel::Runtime)).toString(),
            QStringLiteral("running"), 30000);
        QCOMPARE(panel.model()->data(panel.model()->index(row, FleetModel::Bundle)).toString(),
                 QStringLiteral("gui-1"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.model()->series(board).t.size() >= 3, 30000);
        QVERIFY(panel.latencyPlot()->graphCount() >= 1);
        QVERIFY(panel.latencyPlot()->graph(0)->dataCount() >= 3);
    }

    void deployWithoutBundleSaysWhy() {
        QTemporaryDir home;
        FleetPanel panel(nullptr, home.filePath("boards.json"), home.filePath("workspace.db"));
        QVERIFY(!panel.deploy(99, {"nowhere"}));
        QVERIFY(!panel.deploying());
    }
};

QTEST_MAIN(TestFleetPanel)
#include "tst_fleetpanel.moc"
