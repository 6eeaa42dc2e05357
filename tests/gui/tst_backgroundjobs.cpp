// BackgroundJobs without widgets (QCoreApplication): the panels' one way to run work off the GUI
// thread. A newer job on a key makes the older one stale (its callback never runs), callbacks run
// on the GUI thread, exceptions become failure callbacks, destruction cancels and waits.
// In tests/gui because the class lives in the widgets library, not because it needs a display.
#include "widgets/backgroundjobs.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <memory>
#include <stdexcept>

using namespace dvfo;

namespace {
// Spins the GUI event loop until `done` holds or `ms` pass.
template <typename F> bool waitFor(F done, int ms = 10000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return done();
}
} // namespace

class TestBackgroundJobs : public QObject {
    Q_OBJECT

private slots:
    void resultArrivesOnTheGuiThread() {
        BackgroundJobs jobs(2);
        QThread* workerThread = nullptr;
        QThread* callbackThread = nullptr;
        int result = 0;
        jobs.run(
            QStringLiteral("sum"),
            [&](const BackgroundJobs::Context&) {
                workerThread = QThread::currentThread();
                return 20 + 22;
            },
            [&](int r) {
                callbackThread = QThread::currentThread();
                result = r;
            });
        QVERIFY(waitFor([&] { return result != 0; }));
        QCOMPARE(result, 42);
        QVERIFY(workerThread != nullptr);
        QVERIFY(workerThread != QThread::currentThread());
        QCOMPARE(callbackThread, QThread::currentThread());
    }

    void aNewerJobOnTheSameKeyDropsTheOlderResult() {
        BackgroundJobs jobs(2); // both run at once: the older one finishes last
        QSemaphore oldStarted, releaseOld;
        std::atomic<bool> oldSawCancel{false};
        QStringList delivered;
        const auto oldId = jobs.run(
            QStringLiteral("load"),
            [&](const BackgroundJobs::Context& c) {
                oldStarted.release();
                releaseOld.acquire();
                oldSawCancel = c.cancelled();
                return QStringLiteral("old");
            },
            [&](QString r) { delivered << r; });
        oldStarted.acquire(); // running, so it is told to stop rather than skipped
        const auto newId = jobs.run(
            QStringLiteral("load"),
            [](const BackgroundJobs::Context&) { return QStringLiteral("new"); },
            [&](QString r) { delivered << r; });
        QVERIFY(newId != oldId);
        QVERIFY(!jobs.isCurrent(oldId));
        QVERIFY(jobs.isCurrent(newId));
        QVERIFY(waitFor([&] { return delivered.contains(QStringLiteral("new")); }));
        releaseOld.release();
        QVERIFY(waitFor([&] { return jobs.runningCount() == 0; }));
        QCoreApplication::processEvents();
        QCOMPARE(delivered, QStringList{QStringLiteral("new")});
        QVERIFY(oldSawCancel); // the stale job was told to stop
    }

    void aStaleJobStillQueuedNeverRuns() {
        BackgroundJobs jobs(1); // one thread: the second and third wait behind the first
        QSemaphore firstStarted, releaseFirst;
        std::atomic<int> ran{0};
        QList<int> delivered;
        auto job = [&](int n) {
            return [&, n](const BackgroundJobs::Context&) {
                if (n == 1) {
                    firstStarted.release();
                    releaseFirst.acquire();
                }
                ++ran;
                return n;
            };
        };
        auto done = [&](int n) { delivered << n; };
        jobs.run(QStringLiteral("inspect"), job(1), done);
        firstStarted.acquire();                            // running: going stale does not stop it
        jobs.run(QStringLiteral("inspect"), job(2), done); // stale before it starts
        jobs.run(QStringLiteral("inspect"), job(3), done);
        releaseFirst.release();
        QVERIFY(waitFor([&] { return jobs.runningCount() == 0; }));
        QCOMPARE(delivered, QList<int>{3});
        QCOMPARE(ran.load(), 2); // the first (already running) and the newest
    }

    void jobsOnOtherKeysAreNotStale() {
        BackgroundJobs jobs(2);
        QStringList delivered;
        jobs.run(
            QStringLiteral("a"), [](const BackgroundJobs::Context&) { return QStringLiteral("a"); },
            [&](QString r) { delivered << r; });
        jobs.run(
            QStringLiteral("b"), [](const BackgroundJobs::Context&) { return QStringLiteral("b"); },
            [&](QString r) { delivered << r; });
        QVERIFY(waitFor([&] { return delivered.size() == 2; }));
        delivered.sort();
        QCOMPARE(delivered, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    }

    void anExceptionBecomesTheFailureCallback() {
        BackgroundJobs jobs;
        QString message;
        bool doneCalled = false;
        jobs.run(
            QStringLiteral("evaluate"),
            [](const BackgroundJobs::Context&) -> int {
                throw std::runtime_error("no test set in /nowhere");
            },
            [&](int) { doneCalled = true; }, [&](const QString& m) { message = m; });
        QVERIFY(waitFor([&] { return !message.isEmpty(); }));
        QCOMPARE(message, QStringLiteral("no test set in /nowhere"));
        QVERIFY(!doneCalled);
        QVERIFY(!jobs.isBusy(QStringLiteral("evaluate")));
    }

    void cancelSetsTheFlagAndStillDelivers() {
        BackgroundJobs jobs;
        QSemaphore started;
        bool delivered = false;
        bool sawCancel = false;
        jobs.run(
            QStringLiteral("train"),
            [&](const BackgroundJobs::Context& c) {
                started.release();
                while (!c.cancelled())
                    QThread::msleep(1);
                return true;
            },
            [&](bool cancelled) {
                sawCancel = cancelled;
                delivered = true;
            });
        started.acquire();
        QVERIFY(jobs.isBusy(QStringLiteral("train")));
        jobs.cancel(QStringLiteral("train"));
        QVERIFY(waitFor([&] { return delivered; }));
        QVERIFY(sawCancel);
    }

    void discardDropsTheCurrentResult() {
        BackgroundJobs jobs;
        QSemaphore release;
        bool delivered = false;
        jobs.run(
            QStringLiteral("evaluate"),
            [&](const BackgroundJobs::Context&) {
                release.acquire();
                return 1;
            },
            [&](int) { delivered = true; });
        QVERIFY(jobs.isBusy(QStringLiteral("evaluate")));
        jobs.discard(QStringLiteral("evaluate")); // a new model was loaded meanwhile
        QVERIFY(!jobs.isBusy(QStringLiteral("evaluate")));
        release.release();
        QVERIFY(waitFor([&] { return jobs.runningCount() == 0; }));
        QCoreApplication::processEvents();
        QVERIFY(!delivered);
    }

    void reportsOfAStaleJobAreDropped() {
        BackgroundJobs jobs(2);
        QSemaphore releaseOld;
        QStringList reports;
        jobs.run(
            QStringLiteral("open"),
            [&](const BackgroundJobs::Context& c) {
                c.report([&] { reports << QStringLiteral("old before"); });
                releaseOld.acquire();
                c.report([&] { reports << QStringLiteral("old after"); });
            },
            [] {});
        QVERIFY(waitFor([&] { return reports.size() == 1; }));
        jobs.run(
            QStringLiteral("open"),
            [&](const BackgroundJobs::Context& c) {
                c.report([&] { reports << QStringLiteral("new"); });
            },
            [] {});
        releaseOld.release();
        QVERIFY(waitFor([&] { return jobs.runningCount() == 0; }));
        QCoreApplication::processEvents();
        QCOMPARE(reports, (QStringList{QStringLiteral("old before"), QStringLiteral("new")}));
    }

    void busyChangesAreSignalled() {
        BackgroundJobs jobs;
        QSignalSpy busy(&jobs, &BackgroundJobs::busyChanged);
        QSemaphore release;
        jobs.run(
            QStringLiteral("load"), [&](const BackgroundJobs::Context&) { release.acquire(); },
            [] {});
        QCOMPARE(busy.size(), 1);
        QCOMPARE(busy.at(0).at(0).toString(), QStringLiteral("load"));
        QCOMPARE(busy.at(0).at(1).toBool(), true);
        QVERIFY(jobs.isBusy(QStringLiteral("load")));
        QVERIFY(!jobs.isBusy(QStringLiteral("other")));
        release.release();
        QVERIFY(waitFor([&] { return busy.size() == 2; }));
        QCOMPARE(busy.at(1).at(1).toBool(), false);
        QVERIFY(!jobs.isBusy(QStringLiteral("load")));
    }

    void destructionCancelsAndWaitsForRunningJobs() {
        auto finished = std::make_shared<std::atomic<bool>>(false);
        bool delivered = false;
        QSemaphore started;
        {
            BackgroundJobs jobs;
            jobs.run(
                QStringLiteral("train"),
                [&started, finished](const BackgroundJobs::Context& c) {
                    started.release();
                    while (!c.cancelled())
                        QThread::msleep(1);
                    QThread::msleep(50); // still working after the cancel: the owner must wait
                    *finished = true;
                },
                [&] { delivered = true; });
            started.acquire();
        } // ~BackgroundJobs: cancels, then waits
        QVERIFY(*finished);
        QCoreApplication::processEvents();
        QVERIFY(!delivered); // nothing reaches an owner that is going away
    }

    void destructionSkipsQueuedJobs() {
        std::atomic<int> ran{0};
        QSemaphore started;
        {
            BackgroundJobs jobs(1);
            jobs.run(
                QStringLiteral("a"),
                [&](const BackgroundJobs::Context& c) {
                    started.release();
                    while (!c.cancelled())
                        QThread::msleep(1);
                    ++ran;
                },
                [] {});
            jobs.run(
                QStringLiteral("b"), [&](const BackgroundJobs::Context&) { ++ran; }, [] {});
            started.acquire();
        }
        QCOMPARE(ran.load(), 1);
    }
};

QTEST_GUILESS_MAIN(TestBackgroundJobs)
#include "tst_backgroundjobs.moc"
