// The live monitor's Qt-free parts: the sample format both sides share, the ring buffer the plots
// and the terminal read, and the achieved-rate estimate.
#include "core/board/monitorseries.h"

#include <QtTest>

using namespace dvfo;

namespace {
MonitorSample sampleAt(double tMs, double vddInMw = 5000, double cpuC = 40) {
    MonitorSample s;
    s.tMs = tMs;
    s.cpuKhz = 1190400;
    s.gpuKhz = 599250;
    s.emcKhz = 1600000;
    s.rails = {{"VDD_IN", vddInMw}, {"VDD_SOC", 1200}};
    s.thermal = {{"CPU-therm", cpuC}, {"GPU-therm", cpuC - 1}};
    return s;
}
} // namespace

class TestMonitorSeries : public QObject {
    Q_OBJECT
private slots:
    void aSampleSurvivesTheWireFormat() {
        const MonitorSample s = sampleAt(123.45, 4321.5, 47.25);
        const auto j = nlohmann::json::parse(monitorBatchJson({s, sampleAt(140)}).dump());
        const auto batch = parseMonitorBatch(j);
        QCOMPARE(batch.size(), size_t(2));
        QCOMPARE(batch[0].tMs, 123.45);
        QCOMPARE(batch[0].cpuKhz, int64_t(1190400));
        QCOMPARE(batch[0].emcKhz, int64_t(1600000));
        QCOMPARE(batch[0].rails.size(), size_t(2));
        QCOMPARE(batch[0].rails[0].name, std::string("VDD_IN"));
        QCOMPARE(batch[0].rails[0].mw, 4321.5);
        QCOMPARE(batch[0].thermal[0].type, std::string("CPU-therm"));
        QCOMPARE(batch[0].thermal[0].tempC, 47.25);
        QCOMPARE(batch[1].tMs, 140.0);
    }

    void aSampleWithoutThermalZonesIsAccepted() {
        auto j = sampleAt(1).toJson();
        j.erase("thermal");
        QVERIFY(MonitorSample::fromJson(j).thermal.empty());
    }

    void aMalformedSampleIsRejectedNamingTheField() {
        auto j = sampleAt(1).toJson();
        j["clocks"].erase("gpuKhz");
        try {
            MonitorSample::fromJson(j);
            QFAIL("a sample without gpuKhz was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("gpuKhz") != std::string::npos, e.what());
        }
        auto rails = sampleAt(1).toJson();
        rails["rails"][0]["mw"] = "many";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MonitorSample::fromJson(rails));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 parseMonitorBatch(nlohmann::json{{"samples", 5}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseMonitorBatch(nlohmann::json::array()));
        // Found by fuzz_monitorsample: a clock beyond int64 was undefined behaviour.
        for (double khz : {1.77778e57, -5.0}) {
            auto huge = sampleAt(1).toJson();
            huge["clocks"]["cpuKhz"] = khz;
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MonitorSample::fromJson(huge));
        }
    }

    void theSeriesKeepsOnlyTheLastWindowOfBoardTime() {
        MonitorSeries series(2.0);     // seconds
        for (int k = 0; k <= 250; ++k) // 5 s at 50 Hz
            series.append(sampleAt(k * 20.0));
        QCOMPARE(series.received(), uint64_t(251));
        QCOMPARE(series.latest().tMs, 5000.0);
        QCOMPARE(series.samples().front().tMs, 3000.0);
        QCOMPARE(series.size(), size_t(101));
        series.setWindowS(1.0);
        QCOMPARE(series.samples().front().tMs, 4000.0);
    }

    void theSeriesIsBoundedInSamplesToo() {
        MonitorSeries series(1000.0, 10);
        for (int k = 0; k < 100; ++k)
            series.append(sampleAt(k));
        QCOMPARE(series.size(), size_t(10));
        QCOMPARE(series.samples().front().tMs, 90.0);
    }

    void aRestartedMonitorReplacesTheOldRun() {
        MonitorSeries series(10.0);
        series.append({sampleAt(0), sampleAt(20), sampleAt(40)});
        series.append(sampleAt(0)); // board time went back: a new monitor
        QCOMPARE(series.size(), size_t(1));
        QCOMPARE(series.received(), uint64_t(1));
    }

    void channelsComeOutInPlotUnits() {
        MonitorSeries series(10.0);
        series.append({sampleAt(0, 5000, 40), sampleAt(500, 6500, 41)});
        QCOMPARE(series.railNames(), (std::vector<std::string>{"VDD_IN", "VDD_SOC"}));
        QCOMPARE(series.zoneTypes(), (std::vector<std::string>{"CPU-therm", "GPU-therm"}));
        const auto cpu = series.clockMhz(MonitorSeries::Clock::Cpu);
        QCOMPARE(cpu.values, (std::vector<double>{1190.4, 1190.4}));
        QCOMPARE(cpu.tS, (std::vector<double>{0.0, 0.5}));
        QCOMPARE(series.clockMhz(MonitorSeries::Clock::Emc).values.back(), 1600.0);
        QCOMPARE(series.railWatts("VDD_IN").values, (std::vector<double>{5.0, 6.5}));
        QCOMPARE(series.zoneCelsius("GPU-therm").values, (std::vector<double>{39.0, 40.0}));
        QVERIFY(series.railWatts("VDD_NOPE").values.empty());
    }

    void theAchievedRateCountsTheIntervalsOfTheLastSecond() {
        MonitorSeries series(10.0);
        QCOMPARE(series.achievedHz(), 0.0);
        for (int k = 0; k < 100; ++k) // 2 s at 50 Hz
            series.append(sampleAt(k * 20.0));
        QCOMPARE(series.achievedHz(), 50.0);
        for (int k = 1; k <= 10; ++k) // then 1 s at 10 Hz
            series.append(sampleAt(1980 + k * 100.0));
        QCOMPARE(series.achievedHz(), 10.0);
        QCOMPARE(qRound(series.achievedHz(3.0)), 37); // both runs: 109 intervals in 2.98 s
    }
};

QTEST_APPLESS_MAIN(TestMonitorSeries)
#include "tst_monitorseries.moc"
