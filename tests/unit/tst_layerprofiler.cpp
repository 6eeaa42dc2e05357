// Per-layer energy that can be trusted: the INA3221 emulation, time-stamped sample-and-hold
// integration, the profiler's measurement window (at least max(20 ms, 10 rail update intervals)
// after two intervals of warm-up) on the emulated board, and the rails' update interval read
// from fake hwmon and IIO trees by SysfsBoard.
#include "core/board/ina3221emulator.h"
#include "core/profile/layerrecord.h"
#include "core/board/railenergy.h"
#include "remote/edge/emulatedboard.h"
#include "remote/edge/layerprofiler.h"
#include "remote/edge/sysfsboard.h"
#include "support/fakesysfs.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>

using namespace dvfo;
using dvfo::test::FakeSysfs;

namespace {

// The emulated Xavier NX of these tests: a fixed host calibration, so no LibTorch
// micro-benchmark runs, and the given rail update interval.
std::unique_ptr<EmulatedBoard> emulatedNx(double railIntervalMs) {
    HostCalibration host;
    host.flopsPerSecond = 2e10;
    host.bytesPerSecond = 1e10;
    host.dispatchSecondsPerOp = 5e-6;
    auto board = std::make_unique<EmulatedBoard>(BoardSpec::builtin("xavier-nx"), host);
    board->setRailUpdateIntervalMs(railIntervalMs);
    return board;
}

// Every unit of `model` at one tuple, as `dvfo profile` streams them.
std::vector<LayerRecord> profileOneTuple(LayerProfiler& profiler, const std::string& model,
                                         const FrequencyTuple& t) {
    ProfileRequest request;
    request.model = model;
    request.tuples = {t};
    std::vector<LayerRecord> records;
    std::atomic<bool> cancel{false};
    profiler.run(
        request, cancel,
        [](const std::vector<LayerInfo>&, const ExecutionDevice&, const std::string&) {},
        [](size_t, const FrequencyTuple&) {}, [&](const LayerRecord& r) { records.push_back(r); });
    return records;
}

// The directory holding one rail's files in a fake tree.
std::string railDir(const FakeSysfs& fake, const std::string& rail) {
    const std::string file = fake.railVoltageFile(rail);
    return file.substr(0, file.rfind('/'));
}

} // namespace

class TestLayerProfiler : public QObject {
    Q_OBJECT
private slots:
    void ina3221ReadingsHoldTheMeanOfTheLastFinishedInterval();
    void sampleAndHoldCountsEachReadingUntilTheNext();
    void measurementWindowIsTwentyMillisecondsOrTenUpdateIntervals();

    void everyLayerIsMeasuredOverTenRailUpdatesAndTwentyMilliseconds_data();
    void everyLayerIsMeasuredOverTenRailUpdatesAndTwentyMilliseconds();
    void perLayerEnergiesAddUpToTheWholeModelWithinFivePercent_data();
    void perLayerEnergiesAddUpToTheWholeModelWithinFivePercent();
    void samplesAndWindowSurviveTheRecordsJson();

    void hwmonUpdateIntervalIsTheSysfsBoardsRailInterval();
    void iioSamplingFrequencyIsTheSysfsBoardsRailInterval();
    void railsThatDoNotSayTheirIntervalReportZero();
    void malformedUpdateIntervalIsAHalErrorNamingTheFile();
    void sysfsLayerRecordsCarryTheirPowerSamplesAndWindow();
};

void TestLayerProfiler::ina3221ReadingsHoldTheMeanOfTheLastFinishedInterval() {
    Ina3221Emulator chip({"VDD_IN", "VDD_SOC"}, 0.005);
    chip.draw({{"VDD_IN", 1000}}, 0.003);
    chip.draw({{"VDD_IN", 2000}, {"VDD_SOC", 500}}, 0.010);
    // Nothing published before the first 5 ms conversion ends.
    QCOMPARE(chip.reading(0.0049).at("VDD_IN"), 0.0);
    // [0, 5 ms): 3 ms at 1 W and 2 ms at 2 W; held until the next conversion at 10 ms.
    QVERIFY(qFuzzyCompare(chip.reading(0.005).at("VDD_IN"), 1400.0));
    QVERIFY(qFuzzyCompare(chip.reading(0.0099).at("VDD_IN"), 1400.0));
    QVERIFY(qFuzzyCompare(chip.reading(0.0099).at("VDD_SOC"), 200.0));
    QVERIFY(qFuzzyCompare(chip.reading(0.010).at("VDD_IN"), 2000.0));
    QVERIFY(qFuzzyCompare(chip.reading(0.010).at("VDD_SOC"), 500.0));
    // Forgetting old history keeps what later readings need.
    chip.forgetBefore(0.013);
    QVERIFY(qFuzzyCompare(chip.reading(0.013).at("VDD_IN"), 2000.0));
    QVERIFY_EXCEPTION_THROWN(Ina3221Emulator({"VDD_IN"}, 0), std::invalid_argument);
}

void TestLayerProfiler::sampleAndHoldCountsEachReadingUntilTheNext() {
    // Readings at 0, 1 and 3 ms; one before and one after the window are ignored.
    const std::vector<TimedRailSample> samples{{-0.001, {{"VDD_IN", 9999}}},
                                               {0.000, {{"VDD_IN", 100}}},
                                               {0.001, {{"VDD_IN", 200}}},
                                               {0.003, {{"VDD_IN", 400}}},
                                               {0.005, {{"VDD_IN", 9999}}}};
    const RailEnergy e = integrateRailEnergy(samples, 0.0, 0.004);
    QCOMPARE(e.samples, 3);
    QVERIFY(qFuzzyCompare(e.windowS, 0.004));
    // 100 mW x 1 ms + 200 mW x 2 ms + 400 mW x 1 ms = 0.9 mJ; a plain mean would say 233 mW.
    QVERIFY(qFuzzyCompare(e.energyMj.at("VDD_IN"), 0.9));
    QVERIFY(qFuzzyCompare(e.meanMw.at("VDD_IN"), 225.0));
    // A window that opens before its first reading: that reading also covers the gap.
    const RailEnergy late = integrateRailEnergy(samples, -0.0005, 0.0005);
    QCOMPARE(late.samples, 1);
    QVERIFY(qFuzzyCompare(late.energyMj.at("VDD_IN"), 0.1));
    const RailEnergy none = integrateRailEnergy(samples, 0.0101, 0.02);
    QCOMPARE(none.samples, 0);
    QVERIFY(none.energyMj.empty());
}

void TestLayerProfiler::measurementWindowIsTwentyMillisecondsOrTenUpdateIntervals() {
    QCOMPARE(minimumMeasurementWindowMs(0), 20.0);
    QCOMPARE(minimumMeasurementWindowMs(1.1), 20.0);
    QCOMPARE(minimumMeasurementWindowMs(6.6), 66.0);
    QCOMPARE(minimumMeasurementWindowMs(20), 200.0);
}

void TestLayerProfiler::everyLayerIsMeasuredOverTenRailUpdatesAndTwentyMilliseconds_data() {
    QTest::addColumn<double>("intervalMs");
    QTest::newRow("1 ms (20 ms floor)") << 1.0;
    QTest::newRow("6.6 ms (mainline default)") << 6.6;
    QTest::newRow("20 ms") << 20.0;
}

// Each unit's window covers max(20 ms, 10 intervals) of board time with a reading every
// millisecond, and after two intervals of warm-up every reading in it is the unit's own, so the
// window's power is the unit's modelled power (the previous unit's does not leak in).
void TestLayerProfiler::everyLayerIsMeasuredOverTenRailUpdatesAndTwentyMilliseconds() {
    QFETCH(double, intervalMs);
    auto board = emulatedNx(intervalMs);
    const FrequencyTuple t = board->spec().maxTuple();
    std::mutex halMutex;
    LayerProfiler profiler(*board, halMutex);
    const auto records = profileOneTuple(profiler, "resnet18", t);
    const auto& layers = profiler.model("resnet18", 1).layers();
    QCOMPARE(records.size(), layers.size());
    const double minWindowMs = std::max(20.0, 10 * intervalMs);
    for (size_t i = 0; i < records.size(); ++i) {
        const LayerRecord& r = records[i];
        const QByteArray what = QByteArray::fromStdString(r.layerName) + " window " +
                                QByteArray::number(r.windowMs) + " ms, " +
                                QByteArray::number(r.powerSamples) + " samples";
        QVERIFY2(r.windowMs >= minWindowMs - 1e-6, what.constData());
        // One reading as the window opens and one per millisecond of board time after it.
        QVERIFY2(r.powerSamples >= int(std::floor(r.windowMs)), what.constData());
        QVERIFY2(r.powerSamples >= 20, what.constData());
        // The spread is the shape of the 5 runs executed here, around the board's median.
        QCOMPARE(r.latency.n, 5);
        QVERIFY2(r.latency.p10Ms <= r.latency.medianMs && r.latency.medianMs <= r.latency.p90Ms,
                 what.constData());
        QVERIFY2(r.latency.p10Ms > 0, what.constData());
        const double k = EmulationModel::kindEfficiency(layers[i].kind);
        const auto modelled = board->model().railPowerMw(layers[i], t, k);
        for (const auto& [rail, mw] : modelled) {
            const double measured = r.powerMw.at(rail);
            QVERIFY2(std::abs(measured - mw) <= 1e-6 * mw,
                     (what + " " + QByteArray::fromStdString(rail) + " " +
                      QByteArray::number(measured) + " mW, modelled " + QByteArray::number(mw))
                         .constData());
        }
        // And its energy per run is that power for the unit's board latency.
        QVERIFY2(std::abs(r.totalEnergyMj - board->model().unitEnergyMj(layers[i], t)) <=
                     1e-6 * r.totalEnergyMj,
                 what.constData());
    }
}

void TestLayerProfiler::perLayerEnergiesAddUpToTheWholeModelWithinFivePercent_data() {
    QTest::addColumn<double>("intervalMs");
    QTest::addColumn<QString>("tuple"); // max | min
    QTest::newRow("6.6 ms, max clocks") << 6.6 << "max";
    QTest::newRow("6.6 ms, min clocks") << 6.6 << "min";
    QTest::newRow("20 ms, max clocks") << 20.0 << "max";
    QTest::newRow("20 ms, min clocks") << 20.0 << "min";
}

// The whole model measured in one window, with the same INA3221 lag and averaging, costs what
// its units' records add up to.
void TestLayerProfiler::perLayerEnergiesAddUpToTheWholeModelWithinFivePercent() {
    QFETCH(double, intervalMs);
    QFETCH(QString, tuple);
    auto board = emulatedNx(intervalMs);
    const FrequencyTuple t = tuple == "max" ? board->spec().maxTuple() : board->spec().minTuple();
    std::mutex halMutex;
    LayerProfiler profiler(*board, halMutex);
    const auto records = profileOneTuple(profiler, "resnet18", t);
    double layerEnergy = 0, layerLatency = 0;
    for (const auto& r : records) {
        layerEnergy += r.totalEnergyMj;
        layerLatency += r.latency.medianMs;
    }
    ProfileRequest request;
    request.model = "resnet18";
    const LayerRecord whole = profiler.measureModel(request, t);
    QCOMPARE(whole.layerIndex, -1);
    QCOMPARE(whole.tuple, t);
    QVERIFY(whole.windowMs >= std::max(20.0, 10 * intervalMs) - 1e-6);
    QVERIFY(whole.powerSamples >= 20);
    const double energyError = std::abs(layerEnergy - whole.totalEnergyMj) / whole.totalEnergyMj;
    qInfo("%s: layers %.4f mJ, whole model %.4f mJ (%.2f %%), %d samples over %.1f ms",
          QTest::currentDataTag(), layerEnergy, whole.totalEnergyMj, 100 * energyError,
          whole.powerSamples, whole.windowMs);
    QVERIFY2(energyError < 0.05, QByteArray::number(100 * energyError).constData());
    // The board's latency of the whole model is its units' (a pure function of the tuple).
    QVERIFY(std::abs(whole.latency.medianMs - layerLatency) <= 1e-6 * layerLatency);
    QCOMPARE(whole.latency.n, 5);
    QVERIFY(whole.latency.p10Ms > 0);
    QVERIFY(whole.latency.p10Ms <= whole.latency.medianMs * (1 + 1e-12));
    QVERIFY(whole.latency.p90Ms >= whole.latency.medianMs * (1 - 1e-12));
}

void TestLayerProfiler::samplesAndWindowSurviveTheRecordsJson() {
    LayerRecord r;
    r.layerName = "stem";
    r.powerSamples = 67;
    r.windowMs = 66.4;
    const LayerRecord back = LayerRecord::fromJson(r.toJson());
    QCOMPARE(back.powerSamples, 67);
    QCOMPARE(back.windowMs, 66.4);
    // Records stored before the window existed read as 0 and 0.
    nlohmann::json old = r.toJson();
    old.erase("powerSamples");
    old.erase("windowMs");
    QCOMPARE(LayerRecord::fromJson(old).powerSamples, 0);
    QCOMPARE(LayerRecord::fromJson(old).windowMs, 0.0);
}

void TestLayerProfiler::hwmonUpdateIntervalIsTheSysfsBoardsRailInterval() {
    QTemporaryDir dir, state;
    const BoardSpec spec = BoardSpec::builtin("agx-orin"); // two hwmon INA3221 chips
    FakeSysfs fake(spec, dir.path().toStdString());
    const std::string first = railDir(fake, "VDD_GPU_SOC");      // 1-0040
    const std::string second = railDir(fake, "VDDQ_VDD2_1V8AO"); // 1-0041
    QVERIFY(first != second);
    fake.write(first + "/update_interval", "7\n");
    fake.write(second + "/update_interval", "20\n");
    // The slowest chip decides: the window must cover ten of its readings too.
    QCOMPARE(SysfsBoard(spec, fake.root(), state.path().toStdString()).railUpdateIntervalMs(),
             20.0);
    // update_interval is rounded to whole ms; update_interval_us, where present, is exact.
    fake.write(second + "/update_interval", "7\n");
    fake.write(second + "/update_interval_us", "6600\n");
    QCOMPARE(SysfsBoard(spec, fake.root(), state.path().toStdString()).railUpdateIntervalMs(), 7.0);
    fake.write(first + "/update_interval_us", "6600\n");
    QCOMPARE(SysfsBoard(spec, fake.root(), state.path().toStdString()).railUpdateIntervalMs(), 6.6);
}

void TestLayerProfiler::iioSamplingFrequencyIsTheSysfsBoardsRailInterval() {
    QTemporaryDir dir, state;
    const BoardSpec spec = BoardSpec::builtin("xavier-nx"); // IIO ina3221x
    FakeSysfs fake(spec, dir.path().toStdString());
    const std::string iio = railDir(fake, "VDD_IN");
    fake.write(iio + "/in_sampling_frequency", "50\n"); // Hz
    QCOMPARE(SysfsBoard(spec, fake.root(), state.path().toStdString()).railUpdateIntervalMs(),
             20.0);
    fake.remove(iio + "/in_sampling_frequency");
    fake.write(iio + "/update_interval", "12\n"); // hwmon's name copied by a vendor driver
    QCOMPARE(SysfsBoard(spec, fake.root(), state.path().toStdString()).railUpdateIntervalMs(),
             12.0);
}

void TestLayerProfiler::railsThatDoNotSayTheirIntervalReportZero() {
    QTemporaryDir dir, state;
    const BoardSpec spec = BoardSpec::builtin("xavier-nx");
    FakeSysfs fake(spec, dir.path().toStdString()); // L4T 32's ina3221x: no interval file
    QCOMPARE(SysfsBoard(spec, fake.root(), state.path().toStdString()).railUpdateIntervalMs(), 0.0);
}

void TestLayerProfiler::malformedUpdateIntervalIsAHalErrorNamingTheFile() {
    QTemporaryDir dir, state;
    const BoardSpec spec = BoardSpec::builtin("agx-orin");
    FakeSysfs fake(spec, dir.path().toStdString());
    const std::string file = railDir(fake, "VDD_GPU_SOC") + "/update_interval";
    fake.write(file, "fast\n");
    try {
        SysfsBoard board(spec, fake.root(), state.path().toStdString());
        QFAIL("no HalError");
    } catch (const HalError& e) {
        QVERIFY2(std::string(e.what()).find(fake.path(file)) != std::string::npos, e.what());
    }
}

// On a real board (a fake tree here) the window is the wall clock's and the samples are the
// RailSampler's: every record says how many readings its power rests on and over how long.
void TestLayerProfiler::sysfsLayerRecordsCarryTheirPowerSamplesAndWindow() {
    QTemporaryDir dir, state;
    const BoardSpec spec = BoardSpec::builtin("agx-orin");
    FakeSysfs fake(spec, dir.path().toStdString());
    for (const char* rail : {"VDD_GPU_SOC", "VDDQ_VDD2_1V8AO"})
        fake.write(railDir(fake, rail) + "/update_interval", "3\n");
    SysfsBoard board(spec, fake.root(), state.path().toStdString());
    QCOMPARE(board.railUpdateIntervalMs(), 3.0);
    std::mutex halMutex;
    LayerProfiler profiler(board, halMutex);
    const auto records = profileOneTuple(profiler, "small_cnn", board.spec().maxTuple());
    QVERIFY(!records.empty());
    for (const auto& r : records) {
        const QByteArray what = QByteArray::fromStdString(r.layerName) + " window " +
                                QByteArray::number(r.windowMs) + " ms, " +
                                QByteArray::number(r.powerSamples) + " samples";
        QVERIFY2(!r.emulated, what.constData());
        QVERIFY2(r.windowMs >= 30.0, what.constData()); // 10 x 3 ms
        // The sampler reads every millisecond; a loaded CI machine may skip some, not most.
        QVERIFY2(r.powerSamples >= 10, what.constData());
        // The fake rails hold still, so the window's mean is exactly what the files say.
        for (const auto& [rail, mw] : r.powerMw) {
            const auto v = fake.railValues(rail);
            QVERIFY2(std::abs(mw - v.mv * v.ma / 1000.0) <= 1e-6 * mw, what.constData());
        }
        QVERIFY2(r.totalEnergyMj > 0, what.constData());
    }
    board.restore();
}

QTEST_GUILESS_MAIN(TestLayerProfiler)
#include "tst_layerprofiler.moc"
