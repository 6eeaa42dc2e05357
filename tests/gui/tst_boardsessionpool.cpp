// BoardSessionPool without widgets (QCoreApplication): one session per board for every panel;
// unknown boards and an unreadable board list are reported naming the board; destroying the pool
// closes its sessions (an emulated board's agent really connected first).
// In tests/gui because the class lives in the widgets library, not because it needs a display.
#include "widgets/boardsessionpool.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace dvfo;

namespace {
template <typename F> bool waitFor(F done, int ms = 30000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}
} // namespace

class TestBoardSessionPool : public QObject {
    Q_OBJECT
    QTemporaryDir home_;

private slots:
    void initTestCase() {
        qputenv("HOME", home_.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", home_.filePath("config").toUtf8());
        qputenv("XDG_DATA_HOME", home_.filePath("data").toUtf8());
    }

    void theSameBoardGivesTheSameSession() {
        BoardSessionPool pool(home_.filePath("none.json"));
        QSignalSpy created(&pool, &BoardSessionPool::sessionCreated);
        QString error;
        BoardSession* a = pool.ensure(QStringLiteral("emulated:xavier-nx"), &error);
        QVERIFY2(a, qPrintable(error));
        QCOMPARE(pool.ensure(QStringLiteral("emulated:xavier-nx")), a);
        QCOMPARE(pool.session(QStringLiteral("emulated:xavier-nx")), a);
        QCOMPARE(created.size(), 1);
        QCOMPARE(a->board(), QStringLiteral("emulated:xavier-nx"));
        BoardSession* b = pool.ensure(QStringLiteral("emulated:agx-orin"));
        QVERIFY(b && b != a);
        QCOMPARE(pool.boards().size(), 2);
    }

    void aBoardOfTheListGetsASession() {
        const QString registry = home_.filePath("boards.json");
        writeFile(registry, R"({"boards":[{"name":"lab-nx","host":"nx.lab","user":"ubuntu"}]})");
        BoardSessionPool pool(registry);
        QString error;
        BoardSession* s = pool.ensure(QStringLiteral("lab-nx"), &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->board(), QStringLiteral("lab-nx"));
        QCOMPARE(s->state(), BoardSession::State::Disconnected); // made, not connected
    }

    void anUnknownBoardIsAnErrorNamingIt() {
        BoardSessionPool pool(home_.filePath("none.json"));
        QString error;
        QVERIFY(!pool.ensure(QStringLiteral("no-such-board"), &error));
        QVERIFY2(error.contains(QStringLiteral("no-such-board")), qPrintable(error));
        QVERIFY(!pool.ensure(QStringLiteral("emulated:no-such-id"), &error));
        QVERIFY2(error.contains(QStringLiteral("emulated:no-such-id")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("emulated:xavier-nx")), qPrintable(error));
        QVERIFY(pool.boards().isEmpty());
    }

    void anUnreadableBoardListIsReportedNotSwallowed() {
        const QString registry = home_.filePath("broken.json");
        writeFile(registry, "{ this is not json");
        BoardSessionPool pool(registry);
        QString error;
        QVERIFY(!pool.ensure(QStringLiteral("lab-nx"), &error));
        QVERIFY2(error.contains(QStringLiteral("lab-nx")), qPrintable(error));
        QVERIFY2(error.contains(registry), qPrintable(error));
        // Emulated boards need no list: still usable.
        QVERIFY(pool.ensure(QStringLiteral("emulated:xavier-nx"), &error));
    }

    void closeDropsTheSessionAndTheNextEnsureMakesANewOne() {
        BoardSessionPool pool(home_.filePath("none.json"));
        QPointer<BoardSession> first = pool.ensure(QStringLiteral("emulated:xavier-nx"));
        QVERIFY(first);
        pool.close(QStringLiteral("emulated:xavier-nx"));
        QVERIFY(!pool.session(QStringLiteral("emulated:xavier-nx")));
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // deleteLater
        QVERIFY(first.isNull());
        BoardSession* second = pool.ensure(QStringLiteral("emulated:xavier-nx"));
        QVERIFY(second);
    }

    void destroyingThePoolClosesItsSessions() {
        auto* pool = new BoardSessionPool(home_.filePath("none.json"));
        QPointer<BoardSession> s = pool->ensure(QStringLiteral("emulated:xavier-nx"));
        QVERIFY(s);
        s->connectBoard();
        QVERIFY2(waitFor([&] {
                     return s->state() == BoardSession::State::Connected ||
                            s->state() == BoardSession::State::Failed;
                 }),
                 "no answer from the emulated agent");
        QCOMPARE(s->state(), BoardSession::State::Connected);
        delete pool;
        QVERIFY(s.isNull());
    }
};

QTEST_GUILESS_MAIN(TestBoardSessionPool)
#include "tst_boardsessionpool.moc"
