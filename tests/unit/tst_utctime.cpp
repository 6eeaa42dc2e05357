// Workspace times: the seconds between two stamps, as the report shows how long a reused session
// or run took when it was made.
#include "core/common/utctime.h"

#include <QtTest>

#include <chrono>
#include <thread>

using namespace dvfo;

class TestUtcTime : public QObject {
    Q_OBJECT

private slots:
    void theSecondsBetweenTwoStampsCountMillisecondsAndDays() {
        QCOMPARE(secondsBetweenIso("2026-12-08T02:21:13.250Z", "2026-12-08T02:22:48.750Z"), 95.5);
        QCOMPARE(secondsBetweenIso("2026-12-31T23:59:59Z", "2027-01-01T00:00:01Z"), 2.0);
        QCOMPARE(secondsBetweenIso("2026-12-08T10:00:00Z", "2026-12-08T10:00:00.500Z"), 0.5);
    }

    void aStampThatDoesNotParseOrAnEndBeforeTheStartGivesMinusOne() {
        QCOMPARE(secondsBetweenIso("2026-12-08T02:21:13Z", ""), -1.0); // still running
        QCOMPARE(secondsBetweenIso("yesterday", "2026-12-08T02:21:13Z"), -1.0);
        QCOMPARE(secondsBetweenIso("2026-12-08T02:21:13", "2026-12-08T02:21:14Z"), -1.0); // no Z
        QCOMPARE(secondsBetweenIso("2026-12-08T02:21:13.5Z", "2026-12-08T02:21:14Z"), -1.0);
        QCOMPARE(secondsBetweenIso("2026-12-08T02:21:14Z", "2026-12-08T02:21:13Z"), -1.0);
    }

    void stampsWrittenNowParse() {
        const std::string a = utcNowIsoMillis();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const std::string b = utcNowIsoMillis();
        const double s = secondsBetweenIso(a, b);
        QVERIFY2(s >= 0.019 && s < 5, qPrintable(QString::number(s)));
        QVERIFY(secondsBetweenIso(utcNowIso(), utcNowIso()) >= 0);
    }
};

QTEST_GUILESS_MAIN(TestUtcTime)
#include "tst_utctime.moc"
