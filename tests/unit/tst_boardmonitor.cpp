// The agent's monitor loop on a real EmulatedBoard: rate without drift, no catch-up bursts after
// a stall, cancellation, batching; and the emulated board's first-order thermal model.
#include "remote/edge/boardmonitor.h"
#include "remote/edge/emulatedboard.h"
#include "remote/edge/emulatedthermalmodel.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <thread>

using namespace dvfo;

namespace {
// A board whose reads stall once, as an I2C read behind a busy bus would.
class StallingBoard : public EmulatedBoard {
public:
    using EmulatedBoard::EmulatedBoard;
    int stallAtRead = -1;
    int stallMs = 0;
    std::vector<RailReading> readPower() override {
        if (reads_++ == stallAtRead)
            std::this_thread::sleep_for(std::chrono::milliseconds(stallMs));
        return EmulatedBoard::readPower();
    }

private:
    int reads_ = 0;
};

std::vector<MonitorSample> flatten(const std::vector<std::vector<MonitorSample>>& batches) {
    std::vector<MonitorSample> out;
    for (const auto& b : batches)
        out.insert(out.end(), b.begin(), b.end());
    return out;
}
} // namespace

class TestBoardMonitor : public QObject {
    Q_OBJECT
private slots:
    void samplesCarryTheClocksInForceTheRailsAndTheZones() {
        EmulatedBoard board(BoardSpec::builtin("xavier-nx"));
        const FrequencyTuple min = board.spec().minTuple();
        board.setFrequencies(min);
        std::mutex halMutex;
        const MonitorSample s = BoardMonitor(board, halMutex).sample(12.5);
        QCOMPARE(s.tMs, 12.5);
        QCOMPARE(s.cpuKhz, min.cpuKhz);
        QCOMPARE(s.gpuKhz, min.gpuKhz);
        QCOMPARE(s.emcKhz, min.emcKhz);
        QCOMPARE(s.rails.size(), board.spec().rails.size());
        QCOMPARE(s.rails[0].mw, board.readPower()[0].milliwatts);
        QCOMPARE(s.thermal.size(), size_t(4));
        QCOMPARE(s.thermal[0].type, std::string("CPU-therm"));
    }

    void ticksFollowTheSteadyClockWithoutDrift() {
        EmulatedBoard board(BoardSpec::builtin("xavier-nx"));
        std::mutex halMutex;
        std::atomic<bool> cancel{false};
        std::vector<std::vector<MonitorSample>> batches;
        MonitorOptions o;
        o.rateHz = 100;
        o.durationS = 0.5;
        o.batchMs = 50;
        const MonitorSummary summary =
            BoardMonitor(board, halMutex).run(o, cancel, [&](const auto& b) {
                batches.push_back(b);
            });
        const auto samples = flatten(batches);
        QCOMPARE(summary.samples, uint64_t(samples.size()));
        QCOMPARE(summary.cancelled, false);
        // 50 ticks due in 0.5 s: each one sampled or counted as skipped (a loaded machine wakes
        // the loop late and skips some; the bound is generous, this is not a timing benchmark).
        QVERIFY2(samples.size() >= 25 && samples.size() <= 50,
                 qPrintable(QString::number(samples.size())));
        QCOMPARE(summary.samples + summary.skippedTicks, uint64_t(50));
        // Samples sit on the k * 10 ms grid (typically within a millisecond), and the last tick
        // is due before 500 ms: a loop that slept a period after each sample would drift past it.
        std::vector<double> lateMs;
        for (const auto& s : samples)
            lateMs.push_back(s.tMs - std::floor(s.tMs / 10.0) * 10.0);
        std::sort(lateMs.begin(), lateMs.end());
        QVERIFY2(lateMs[lateMs.size() / 2] < 3,
                 qPrintable(QString::number(lateMs[lateMs.size() / 2])));
        QVERIFY2(samples.back().tMs >= 400 && samples.back().tMs < 510,
                 qPrintable(QString::number(samples.back().tMs)));
        for (size_t i = 1; i < samples.size(); ++i) // never closer than half a period
            QVERIFY2(samples[i].tMs - samples[i - 1].tMs >= 4.99, qPrintable(QString::number(i)));
        // Batched: 50 ms of samples per call, not one call per sample.
        QVERIFY2(batches.size() <= 12, qPrintable(QString::number(batches.size())));
        QVERIFY(summary.achievedHz() > 45 && summary.achievedHz() < 110);
    }

    void aStalledReadSkipsTheMissedTicksInsteadOfBursting() {
        StallingBoard board(BoardSpec::builtin("xavier-nx"));
        board.stallAtRead = 5;
        board.stallMs = 105; // about ten 10 ms periods
        std::mutex halMutex;
        std::atomic<bool> cancel{false};
        std::vector<std::vector<MonitorSample>> batches;
        MonitorOptions o;
        o.rateHz = 100;
        o.durationS = 0.4;
        const MonitorSummary summary =
            BoardMonitor(board, halMutex).run(o, cancel, [&](const auto& b) {
                batches.push_back(b);
            });
        const auto samples = flatten(batches);
        QVERIFY2(summary.skippedTicks >= 9, qPrintable(QString::number(summary.skippedTicks)));
        QCOMPARE(summary.samples + summary.skippedTicks, uint64_t(40));
        // After the stall no two samples are closer than most of a period: no burst.
        for (size_t i = 1; i < samples.size(); ++i)
            QVERIFY2(samples[i].tMs - samples[i - 1].tMs > 4,
                     qPrintable(QString("samples %1 and %2 at %3 and %4 ms")
                                    .arg(i - 1)
                                    .arg(i)
                                    .arg(samples[i - 1].tMs)
                                    .arg(samples[i].tMs)));
    }

    void cancellingEndsAnOpenEndedMonitorPromptly() {
        EmulatedBoard board(BoardSpec::builtin("jetson-nano"));
        std::mutex halMutex;
        std::atomic<bool> cancel{false};
        MonitorOptions o;
        o.rateHz = 1; // long sleeps between ticks
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
            cancel = true;
        });
        QElapsedTimer t;
        t.start();
        size_t got = 0;
        const MonitorSummary s =
            BoardMonitor(board, halMutex).run(o, cancel, [&](const auto& b) { got += b.size(); });
        stopper.join();
        QVERIFY(s.cancelled);
        QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed()))); // not the 1 s tick
        QCOMPARE(s.samples, uint64_t(1));                                       // tick 0 only
        QCOMPARE(got, size_t(1)); // delivered even though the batch was not due
    }

    void theThermalModelStartsSteadyAndFollowsPowerWithItsTimeConstant() {
        EmulatedThermalModel m;
        const auto first = m.read(5000, 100.0);
        const double steady5W =
            EmulatedThermalModel::kAmbientC + EmulatedThermalModel::kCelsiusPerWatt * 5;
        QCOMPARE(m.nodeC(), steady5W);
        QCOMPARE(first[0].type, std::string("CPU-therm"));
        QVERIFY(first[0].tempC > first[3].tempC); // CPU above the always-on zone
        // A step to 10 W: after one time constant 63 % of the way, after many all of it.
        const double steady10W =
            EmulatedThermalModel::kAmbientC + EmulatedThermalModel::kCelsiusPerWatt * 10;
        m.read(10000, 100.0 + EmulatedThermalModel::kTimeConstantS);
        QVERIFY(std::abs(m.nodeC() - (steady5W + (steady10W - steady5W) * (1 - std::exp(-1.0)))) <
                1e-9);
        m.read(10000, 100.0 + 20 * EmulatedThermalModel::kTimeConstantS);
        QVERIFY(std::abs(m.nodeC() - steady10W) < 1e-3);
        // Time that does not advance changes nothing.
        const double before = m.nodeC();
        m.read(0, 100.0 + 20 * EmulatedThermalModel::kTimeConstantS);
        QCOMPARE(m.nodeC(), before);
    }

    void anEmulatedBoardRunsHotterAtHigherClocks() {
        EmulatedBoard slow(BoardSpec::builtin("xavier-nx")), fast(BoardSpec::builtin("xavier-nx"));
        slow.setFrequencies(slow.spec().minTuple());
        fast.setFrequencies(fast.spec().maxTuple());
        QVERIFY(fast.readThermal()[0].tempC > slow.readThermal()[0].tempC);
    }
};

QTEST_APPLESS_MAIN(TestBoardMonitor)
#include "tst_boardmonitor.moc"
