// Boards panel, offscreen: connect the built-in emulated board, add an SSH board (real sshd on
// loopback), trust its key through the question the user would see, and read the probe result;
// the Monitor tab's live plots filling from the real agent.
#include "core/board/boardspec.h"
#include "remote/ssh/sshsession.h"
#include "support/sshdfixture.h"
#include "widgets/boardlistmodel.h"
#include "widgets/boardmonitorview.h"
#include "widgets/boardsession.h"
#include "widgets/boardspanel.h"
#include "widgets/boardspecview.h"
#include "widgets/fleetmodel.h"
#include "widgets/fleetpanel.h"
#include "widgets/mainwindow.h"

#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <qcustomplot.h>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>
#include <cmath>

using namespace dvfo;

namespace {
QString stateOf(BoardsPanel* p, const QString& board) {
    const int r = p->model()->indexOf(board);
    return p->model()
        ->data(p->model()->index(r, BoardListModel::State), Qt::DisplayRole)
        .toString();
}
QStringList topLevelTexts(QTreeWidget* t) {
    QStringList out;
    for (int i = 0; i < t->topLevelItemCount(); ++i)
        out << t->topLevelItem(i)->text(0) + "|" + t->topLevelItem(i)->text(1);
    return out;
}
} // namespace

class TestBoardsPanel : public QObject {
    Q_OBJECT
    QTemporaryDir home_;

private slots:
    void initTestCase() {
        // Keep the user's real ~/.ssh and config out of the test.
        qputenv("HOME", home_.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", home_.filePath("config").toUtf8());
        qputenv("XDG_DATA_HOME", home_.filePath("data").toUtf8());
        QDir(home_.path()).mkpath(".ssh");
    }

    void emulatedBoardConnectsAndShowsTables() {
        MainWindow w(nullptr, home_.filePath("boards.json"));
        w.show();
        BoardsPanel* p = w.boardsPanel();
        QCOMPARE(p->model()->rowCount(),
                 int(BoardSpec::builtinIds().size())); // the emulated boards
        QCOMPARE(p->selectedBoard(), QString("emulated:xavier-nx"));
        p->connectSelected();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, "emulated:xavier-nx"), QString("connected"), 30000);
        const QStringList rows = topLevelTexts(p->specView()->tree());
        QVERIFY2(rows.contains("CPU|25 frequencies (partial list)"), qPrintable(rows.join(", ")));
        QVERIFY(rows.contains("GPU|15 frequencies"));
        QVERIFY(rows.contains("Power rails|3 rails"));
        QVERIFY(p->statusLabel()->text().contains("dvfo-edge"));
        p->disconnectSelected();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, "emulated:xavier-nx"), QString("disconnected"), 10000);
    }

    void theFleetTabConnectsTheBoardsTabsSessionAndSeesItsState() {
        MainWindow w(nullptr, home_.filePath("boards.json"));
        BoardsPanel* p = w.boardsPanel();
        FleetPanel* fleet = w.fleetPanel();
        const QString board = "emulated:agx-orin";
        QVERIFY(!p->session(board));
        fleet->connectBoard(board); // one pool: the Fleet tab opens the Boards tab's session
        BoardSession* s = p->session(board);
        QVERIFY(s);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, board), QString("connected"), 30000);
        const int row = fleet->model()->rowOf(board);
        QVERIFY(row >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            fleet->model()->data(fleet->model()->index(row, FleetModel::Connection)).toString(),
            QString("connected"), 10000);
        // Disconnected in the Boards tab: the Fleet tab sees the same session go.
        p->selectBoard(board);
        p->disconnectSelected();
        QTRY_COMPARE_WITH_TIMEOUT(
            fleet->model()->data(fleet->model()->index(row, FleetModel::Connection)).toString(),
            QString("not connected"), 10000);
        QCOMPARE(p->session(board), s);
    }

    void monitorTabPlotsLiveClocksRailsAndTemperatures() {
        MainWindow w(nullptr, home_.filePath("boards.json"));
        w.resize(1400, 900);
        w.show();
        BoardsPanel* p = w.boardsPanel();
        BoardMonitorView* m = p->monitorView();
        QVERIFY(!m->startButton()->isEnabled()); // nothing connected yet
        p->connectSelected();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, "emulated:xavier-nx"), QString("connected"), 30000);
        QCOMPARE(m->session(), p->session("emulated:xavier-nx"));
        QVERIFY(m->startButton()->isEnabled());
        p->detailTabs()->setCurrentWidget(m);
        m->rateBox()->setValue(100);
        QTest::mouseClick(m->startButton(), Qt::LeftButton);
        QVERIFY(m->running());
        QTRY_VERIFY2_WITH_TIMEOUT(m->series().received() >= 150, qPrintable(m->noteLabel()->text()),
                                  20000); // 1.5 s at 100 Hz
        QTRY_VERIFY_WITH_TIMEOUT(m->powerPlot()->graphCount() == 3 &&
                                     m->thermalPlot()->graphCount() == 4 &&
                                     m->thermalPlot()->graph(3)->dataCount() > 100,
                                 5000);
        QCOMPARE(m->clockPlot()->graphCount(), 3);
        QVERIFY(m->clockPlot()->graph(0)->dataCount() > 100);
        QCOMPARE(m->powerPlot()->graph(0)->name(), QString("VDD_IN"));
        QVERIFY(m->powerPlot()->graph(0)->data()->at(0)->value > 1.0); // watts
        QCOMPARE(m->thermalPlot()->graph(0)->name(), QString("CPU-therm"));
        // The newest point is at 0 s ago; the plots redraw at their own pace, not per sample.
        QVERIFY(std::abs((m->clockPlot()->graph(0)->data()->constEnd() - 1)->key) < 1e-9);
        QVERIFY2(m->redraws() < int(m->series().received()) / 2,
                 qPrintable(QString("%1 redraws for %2 samples")
                                .arg(m->redraws())
                                .arg(m->series().received())));
        QVERIFY2(m->rateLabel()->text().contains("Hz achieved"),
                 qPrintable(m->rateLabel()->text()));
        QVERIFY2(m->series().achievedHz() > 40,
                 qPrintable(QString::number(m->series().achievedHz())));
        // The clocks set through the session show up in the plots (the monitor pauses for it).
        const auto minTuple =
            BoardSpec::fromJson(p->session("emulated:xavier-nx")->probeResult().at("spec"))
                .minTuple();
        p->session("emulated:xavier-nx")
            ->request("set", "set-freq", {{"tuple", minTuple.toString()}});
        QTRY_VERIFY_WITH_TIMEOUT(m->series().latest().cpuKhz == minTuple.cpuKhz, 10000);
        const uint64_t atMin = m->series().received();
        QTRY_VERIFY_WITH_TIMEOUT(m->series().received() >= atMin + 100, 10000);
        QTest::qWait(2 * BoardMonitorView::kRedrawIntervalMs);
        QCOMPARE((m->clockPlot()->graph(0)->data()->constEnd() - 1)->value,
                 minTuple.cpuKhz / 1000.0);
        const QString shot = qEnvironmentVariable("DVFO_MONITOR_SHOT"); // docs/monitor-view.png
        if (!shot.isEmpty())
            QVERIFY(w.grab().save(shot));
        QVERIFY(!w.grab().toImage().isNull());

        // A request for the board (the Fleet view polls, a profile) pauses the monitor; it
        // resumes after the answer, its time axis going on, and the GUI never waits.
        BoardSession* session = p->session("emulated:xavier-nx");
        QSignalSpy stopped(session, &BoardSession::monitorStopped);
        int answered = 0; // the Fleet view's polls answer on the same session
        connect(session, &BoardSession::finished, this,
                [&answered](const QString& tag) { answered += tag == "t"; });
        const double lastMs = m->series().latest().tMs;
        const uint64_t before = m->series().received();
        session->request("t", "hello", nlohmann::json::object());
        QTRY_COMPARE_WITH_TIMEOUT(answered, 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(m->series().received() >= before + 50, 10000);
        QCOMPARE(stopped.count(), 0);
        QVERIFY(m->running());
        QVERIFY(m->series().samples().front().tMs < lastMs); // not restarted from 0
        QVERIFY(m->series().latest().tMs > lastMs);
        QTest::mouseClick(m->startButton(), Qt::LeftButton); // stop
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 5000);
        QVERIFY(!m->running());
        QVERIFY2(stopped.at(0).at(0).toString().contains("samples"),
                 qPrintable(stopped.at(0).at(0).toString()));

        // Start again, then stop with the button.
        QTest::mouseClick(m->startButton(), Qt::LeftButton);
        QVERIFY(m->running());
        QTRY_VERIFY_WITH_TIMEOUT(m->series().received() >= 20, 10000);
        QTest::mouseClick(m->startButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m->running(), 5000);
        QCOMPARE(m->startButton()->text(), QString("&Start monitor"));
        p->disconnectSelected();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, "emulated:xavier-nx"), QString("disconnected"), 10000);
        QVERIFY(!m->startButton()->isEnabled());
    }

    void sshBoardAskedForHostKeyThenProbed() {
        SshdFixture sshd;
        QVERIFY2(sshd.start(), sshd.error().c_str());
        QTemporaryDir boardDir;
        MainWindow w(nullptr, home_.filePath("boards.json"));
        w.show();
        BoardsPanel* p = w.boardsPanel();
        QString askedFingerprint;
        p->setHostKeyAsker([&](const HostKeyInfo& k) {
            askedFingerprint = QString::fromStdString(k.fingerprint);
            return HostKeyDecision::AcceptAndSave;
        });
        BoardEntry e;
        e.name = "orin-rig";
        e.host = sshd.host();
        e.port = sshd.port();
        e.user = sshd.user();
        e.identityFile = sshd.clientKey();
        e.agentPath = boardDir.filePath("dvfo-edge").toStdString();
        e.emulate = "agx-orin";
        p->addBoard(e);
        QCOMPARE(p->model()->rowCount(), int(BoardSpec::builtinIds().size()) + 1);
        QCOMPARE(p->selectedBoard(), QString("orin-rig"));
        p->connectSelected();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, "orin-rig"), QString("connected"), 60000);
        QCOMPARE(askedFingerprint, QString::fromStdString(sshd.hostKeyFingerprint()));
        const QStringList rows = topLevelTexts(p->specView()->tree());
        QVERIFY2(rows.contains("EMC|4 frequencies"), qPrintable(rows.join(", ")));
        QVERIFY(rows.contains("Power rails|4 rails"));
        QVERIFY(QFileInfo(boardDir.filePath("dvfo-edge")).isExecutable()); // uploaded

        // A board that cannot be reached shows why, and the GUI stays usable.
        e.name = "offline";
        e.port = 1; // nothing listens there
        p->addBoard(e);
        p->connectSelected();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, "offline"), QString("failed"), 30000);
        QVERIFY2(p->statusLabel()->text().contains("Cannot use offline"),
                 qPrintable(p->statusLabel()->text()));
    }
};

QTEST_MAIN(TestBoardsPanel)
#include "tst_boardspanel.moc"
