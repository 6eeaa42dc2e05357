// Every item model of the studio (BoardListModel, SessionListModel, TrainingRunListModel,
// FleetModel) under QAbstractItemModelTester, which checks the model's answers and signals after
// every change: each model is filled with realistic data and taken through the resets, row
// removals and data changes it supports, and a failure of the tester fails the test.
#include "core/workspace/profilestore.h"
#include "core/workspace/trainingrunstore.h"
#include "widgets/boardlistmodel.h"
#include "widgets/fleetmodel.h"
#include "widgets/sessionlistmodel.h"
#include "widgets/trainingrunlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace dvfo;
using nlohmann::json;

namespace {

BoardEntry board(const std::string& name, const std::string& host, int port,
                 const std::string& emulate = {}) {
    BoardEntry b;
    b.name = name;
    b.host = host;
    b.port = port;
    b.user = "nvidia";
    b.group = "lab";
    b.emulate = emulate;
    return b;
}

LayerRecord layer(const FrequencyTuple& t, int index) {
    LayerRecord r;
    r.tuple = t;
    r.layerIndex = index;
    r.layerName = "features." + std::to_string(index) + ".conv";
    r.kind = "Conv2d";
    r.latency = {1.5 + index, 1.4 + index, 1.7 + index, 50};
    r.powerMw = {{"VDD_IN", 5200.0 + index}};
    r.energyMj = {{"VDD_IN", 7.8 + index}};
    r.totalEnergyMj = 7.8 + index;
    return r;
}

SessionInfo session(const std::string& name, const std::string& boardId, bool emulated) {
    SessionInfo s;
    s.name = name;
    s.boardId = boardId;
    s.boardName = emulated ? "" : "lab-" + boardId;
    s.model = "resnet18";
    s.emulated = emulated;
    s.agentVersion = "0.1.0";
    s.settingsJson = R"({"repetitions": 5, "warmup": 1})";
    return s;
}

TrainingRun run(int64_t id, const std::string& name, int64_t sessionId, TrainingStatus status,
                int64_t points) {
    TrainingRun r;
    r.id = id;
    r.name = name;
    r.sessionId = sessionId;
    r.board = "xavier-nx";
    r.model = "resnet18";
    r.startedAt = "2026-12-07T10:0" + std::to_string(id) + ":00.000Z";
    r.status = status;
    r.pointCount = points;
    r.resultJson = status == TrainingStatus::Failed ? R"({"error":"diverged"})" : "{}";
    return r;
}

// The agent's telemetry answer for records [from, to], as the runtime writes them.
json telemetry(int64_t from, int64_t to) {
    json records = json::array();
    for (int64_t seq = from; seq <= to; ++seq)
        records.push_back({{"seq", seq},
                           {"t", 1765100000000.0 + 50.0 * seq},
                           {"latencyMs", 12.0 + seq % 7},
                           {"energyMj", 140.0 + seq % 5},
                           {"share", (seq % 11) / 10.0},
                           {"tuple", "1190400/1109250/1866000"},
                           {"bandwidthMbps", 38.5},
                           {"fellBack", seq % 9 == 0},
                           {"accuracy", 0.91},
                           {"predictedCost", 0.92},
                           {"cost", 0.95},
                           {"guardActivations", seq / 4}});
    return {{"records", records}, {"lastSeq", to}};
}

// Asks for every cell in the roles the views use, so a role the tester does not ask for is read
// too.
void readEveryCell(const QAbstractItemModel& model) {
    for (int row = 0; row < model.rowCount(); ++row)
        for (int column = 0; column < model.columnCount(); ++column)
            for (int role : {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, Qt::ForegroundRole,
                             Qt::TextAlignmentRole})
                model.data(model.index(row, column), role);
    for (int column = 0; column < model.columnCount(); ++column)
        QVERIFY2(!model.headerData(column, Qt::Horizontal).toString().isEmpty(),
                 qPrintable(QString("column %1 has no header").arg(column)));
}

} // namespace

class TestItemModels : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void boardListModelPassesTheTesterThroughResetsAndStateChanges() {
        BoardListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int builtin = m.rowCount();
        QVERIFY(builtin > 0); // the emulated boards are always listed
        m.setBoards({board("lab-nx", "192.168.1.40", 22), board("lab-orin", "orin.local", 2222),
                     board("rig", "127.0.0.1", 0, "xavier-nx")});
        QCOMPARE(m.rowCount(), builtin + 3);
        readEveryCell(m);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        m.setState("lab-orin", "connected");
        m.setState("lab-nx", "failed");
        m.setState("no-such-board", "connected"); // remembered, but no row to change
        QCOMPARE(changed.count(), 2);
        QCOMPARE(m.data(m.index(m.indexOf("lab-orin"), BoardListModel::State), Qt::DisplayRole)
                     .toString(),
                 QStringLiteral("connected"));
        readEveryCell(m);
        m.setBoards({board("lab-orin", "orin.local", 2222)});
        QCOMPARE(m.rowCount(), builtin + 1);
        readEveryCell(m);
        m.setBoards({});
        QCOMPARE(m.rowCount(), builtin);
    }

    void sessionListModelPassesTheTesterThroughReloadRenameAndRemoval() {
        QVERIFY(dir_.isValid());
        ProfileStore store(dir_.filePath("sessions.db").toStdString());
        SessionListModel m(&store);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m.rowCount(), 0);

        const int64_t a = store.createSession(session("resnet18 grid", "xavier-nx", true));
        const int64_t b = store.createSession(session("lab sweep", "orin-nano", false));
        const int64_t c = store.createSession(session("night run", "xavier-nx", true));
        const FrequencyTuple tuple{1190400, 1109250, 1866000};
        store.addCompletedTuple(a, tuple, {layer(tuple, 0), layer(tuple, 1)});
        store.setSessionStatus(b, SessionStatus::Completed);
        m.reload();
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.data(m.index(m.rowOf(a), SessionListModel::Records)).toLongLong(), 2);
        readEveryCell(m);

        // Renaming through the view's editor: stored, and the cell changes.
        QVERIFY(m.setData(m.index(m.rowOf(b), SessionListModel::Name), " Orin sweep "));
        QCOMPARE(m.data(m.index(m.rowOf(b), SessionListModel::Name)).toString(),
                 QStringLiteral("Orin sweep"));
        QVERIFY(!m.setData(m.index(m.rowOf(b), SessionListModel::Board), "elsewhere"));

        QVERIFY(m.removeSession(m.rowOf(b)));
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.rowOf(b), -1);
        QVERIFY(!m.removeSession(5)); // no such row: nothing happens
        QCOMPARE(m.rowCount(), 2);

        store.createSession(session("added elsewhere", "agx-orin", false));
        m.reload();
        QCOMPARE(m.rowCount(), 3);
        readEveryCell(m);
        QVERIFY(m.removeSession(m.rowOf(a)));
        QVERIFY(m.removeSession(m.rowOf(c)));
        QVERIFY(m.removeSession(0));
        QCOMPARE(m.rowCount(), 0);
        m.reload();
        QCOMPARE(m.rowCount(), 0);
    }

    void sessionListModelWithoutAStoreIsEmptyAndPassesTheTester() {
        SessionListModel m(nullptr);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.reload();
        QCOMPARE(m.rowCount(), 0);
        QVERIFY(!m.removeSession(0));
    }

    void trainingRunListModelPassesTheTesterThroughResets() {
        TrainingRunListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setRuns({run(1, "dqn eta 0.7", 3, TrainingStatus::Completed, 300),
                   run(2, "switch cost on", 3, TrainingStatus::Running, 42),
                   run(3, "lr 1e-2", 0, TrainingStatus::Failed, 7),
                   run(4, "cancelled", 4, TrainingStatus::Cancelled, 0)});
        QCOMPARE(m.rowCount(), 4);
        QCOMPARE(m.rowOf(3), 2);
        QCOMPARE(m.data(m.index(2, TrainingRunListModel::Session)).toString(),
                 QStringLiteral("deleted"));
        readEveryCell(m);
        m.setRuns({run(2, "switch cost on", 3, TrainingStatus::Completed, 300)});
        QCOMPARE(m.rowCount(), 1);
        readEveryCell(m);
        m.setRuns({});
        QCOMPARE(m.rowCount(), 0);
    }

    void fleetModelPassesTheTesterThroughPollsAndBoardChanges() {
        FleetModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setBoards({"emulated:xavier-nx", "lab-nx", "lab-orin"});
        QCOMPARE(m.rowCount(), 3);
        readEveryCell(m);
        m.setConnection("lab-nx", "connected");
        m.setDeployState("lab-nx", "deploying 3/7");
        m.applyStatus("lab-nx",
                      {{"running", true},
                       {"state", "running"},
                       {"bundleVersion", "resnet18-dqn-2"},
                       {"decision", {{"tuple", "1190400/1109250/1866000"}, {"share", 0.3}}},
                       {"guardActivations", 2}});
        QCOMPARE(m.applyTelemetry("lab-nx", telemetry(1, 40)), 40);
        QCOMPARE(m.applyTelemetry("lab-nx", telemetry(30, 60)), 20); // overlapping poll
        QCOMPARE(m.applyTelemetry("unknown-board", telemetry(1, 3)), 3);
        m.applyStatus("lab-orin", {{"running", false}, {"state", "stopped"}});
        readEveryCell(m);
        // A board removed and one added: the rows follow, what was polled is kept per board.
        m.setBoards({"lab-nx", "agx-orin"});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.series("lab-nx").lastSeq, int64_t(60));
        readEveryCell(m);
        m.setBoards({});
        QCOMPARE(m.rowCount(), 0);
    }
};

QTEST_MAIN(TestItemModels)
#include "tst_itemmodels.moc"
