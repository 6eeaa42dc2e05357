// Boards panel, offscreen: connect the built-in emulated board, add an SSH board (real sshd on
// loopback), trust its key through the question the user would see, and read the probe result.
#include "remote/ssh/sshsession.h"
#include "support/sshdfixture.h"
#include "widgets/boardlistmodel.h"
#include "widgets/boardspanel.h"
#include "widgets/boardspecview.h"
#include "widgets/mainwindow.h"

#include <QLabel>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace dvfo;

namespace {
QString stateOf(BoardsPanel* p, const QString& board) {
    const int r = p->model()->indexOf(board);
    return p->model()->data(p->model()->index(r, BoardListModel::State), Qt::DisplayRole).toString();
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
        QCOMPARE(p->model()->rowCount(), 4); // the built-in emulated boards
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
        QCOMPARE(p->model()->rowCount(), 5);
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
        QVERIFY2(p->statusLabel()->text().contains("Cannot use offline"), qPrintable(p->statusLabel()->text()));
    }
};

QTEST_MAIN(TestBoardsPanel)
#include "tst_boardspanel.moc"
