// SysfsBoard against fake Jetson sysfs/debugfs trees (tests/support/fakesysfs.h).
#include "core/profile/latencystats.h"
#include "remote/edge/sysfsboard.h"
#include "support/fakesysfs.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cerrno>
#include <memory>
#include <thread>

using namespace dvfo;
using dvfo::test::FakeSysfs;
using dvfo::test::FakeSysfsOptions;

namespace {

// One fake board: a temp dir, the tree in it, and a SysfsBoard on top (created on demand).
struct Rig {
    QTemporaryDir dir;
    BoardSpec spec;
    std::unique_ptr<FakeSysfs> fake;

    explicit Rig(const std::string& id, FakeSysfsOptions opt = {}) : spec(BoardSpec::builtin(id)) {
        if (!dir.isValid())
            throw std::runtime_error("no temp dir");
        fake = std::make_unique<FakeSysfs>(spec, dir.path().toStdString(), opt);
    }
    std::unique_ptr<SysfsBoard> board() const {
        return std::make_unique<SysfsBoard>(spec, fake->root());
    }
};

struct Write {
    std::string path, value;
};

// Records every write; the root prefix is stripped so tests speak in board paths.
SysfsBoard::WriteObserver recorder(std::vector<Write>& log, const std::string& root) {
    return [&log, root](const std::string& p, const std::string& v) {
        log.push_back({p.compare(0, root.size(), root) == 0 ? p.substr(root.size()) : p, v});
        return 0;
    };
}

// Replays a write log over [min, max] pairs and reports the first step where min > max.
QString firstLimitViolation(const std::vector<Write>& log, std::map<std::string, int64_t> state) {
    for (size_t i = 0; i < log.size(); ++i) {
        const auto& w = log[i];
        if (!state.count(w.path))
            continue;
        state[w.path] = std::stoll(w.value);
        for (const auto& [p, v] : state) {
            const auto cut = p.rfind("min_freq");
            if (cut == std::string::npos)
                continue;
            const std::string maxPath = p.substr(0, cut) + "max_freq";
            if (state.count(maxPath) && v > state.at(maxPath))
                return QString("write %1 (%2 <- %3): min %4 > max %5")
                    .arg(i)
                    .arg(QString::fromStdString(w.path), QString::fromStdString(w.value))
                    .arg(v)
                    .arg(state.at(maxPath));
        }
    }
    return {};
}

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

// A restored tree, minus what the kernel (not restore()) takes care of: the bpmp EMC rate, which
// the governor owns again once unlocked, and scaling_setspeed, which reads "<unsupported>" again
// as soon as the governor is no longer userspace (a plain file cannot do that by itself).
std::map<std::string, std::string> normalised(const FakeSysfs& fake,
                                              std::map<std::string, std::string> after,
                                              const std::map<std::string, std::string>& before) {
    for (auto& [path, value] : after) {
        const bool setspeed =
            path.size() > 17 && path.compare(path.size() - 17, 17, "/scaling_setspeed") == 0;
        if ((setspeed && before.count(path) && before.at(path) == "<unsupported>") ||
            path == fake.emcDir() + "/rate")
            value = before.count(path) ? before.at(path) : value;
    }
    return after;
}

std::vector<std::string> railNames(const BoardSpec& s) {
    std::vector<std::string> out;
    for (const auto& r : s.rails)
        out.push_back(r.name);
    return out;
}

} // namespace

class TestSysfsBoard : public QObject {
    Q_OBJECT

private slots:
    void latencyStats();

    void discovery_data();
    void discovery();
    void discoveryScansPoliciesWhenTemplateDiffers();
    void cpuTableIsIntersectionOfPolicies();
    void gpuFoundByNodeNameWithoutOfNode();
    void missingGpuIsHalError();
    void missingEmcIsHalError();
    void emcPossibleRatesTaggedKhz();

    void setAndRestoreXavierNx();
    void pinWithoutUserspaceOrin();
    void gpuWritesKeepMinBelowMax();
    void invalidTupleWritesNothing();
    void emcCapEnforced();
    void nanoTegra210Emc();
    void currentFrequenciesConvertsUnits();
    void restoreIsIdempotentAndDestructorRestores();
    void restoreKeepsPreexistingEmcLock();

    void readPowerIio();
    void readPowerHwmon();
    void malformedRailIsHalError();
    void unreadableRailIsHalError();
    void writeFailureNamesFile();
    void permissionDeniedSaysWhatToDo();

    void measurementXavierNx();
    void measurementOrinSumsRails();
    void measurementWithoutBeginTakesOneReading();
    void samplerErrorFailsMeasurement();
    void railSamplerPeriodAndRestart();
};

void TestSysfsBoard::latencyStats() {
    const LatencyStats s = computeLatencyStats({0.005, 0.001, 0.003, 0.002, 0.004});
    QCOMPARE(s.n, 5);
    QVERIFY(qFuzzyCompare(s.medianMs, 3.0));
    QVERIFY(qFuzzyCompare(s.p10Ms, 1.4)); // rank 0.4 between 1 and 2 ms
    QVERIFY(qFuzzyCompare(s.p90Ms, 4.6));
    const LatencyStats even = computeLatencyStats({0.010, 0.020});
    QVERIFY(qFuzzyCompare(even.medianMs, 15.0));
    QVERIFY(qFuzzyCompare(even.p10Ms, 11.0));
    const LatencyStats one = computeLatencyStats({0.007});
    QVERIFY(qFuzzyCompare(one.medianMs, 7.0) && qFuzzyCompare(one.p90Ms, 7.0));
    const LatencyStats none = computeLatencyStats({});
    QCOMPARE(none.n, 0);
    QCOMPARE(none.medianMs, 0.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeLatencyStats({0.001, -1.0}));
}

void TestSysfsBoard::discovery_data() {
    QTest::addColumn<QString>("id");
    for (const auto& id : BoardSpec::builtinIds())
        QTest::newRow(id.c_str()) << QString::fromStdString(id);
}

void TestSysfsBoard::discovery() {
    QFETCH(QString, id);
    Rig rig(id.toStdString());
    auto board = rig.board();
    const BoardSpec& s = board->spec();
    QVERIFY(!board->emulated());
    QCOMPARE(s.id, rig.spec.id);
    QCOMPARE(s.cpu.frequenciesKhz, rig.spec.cpu.frequenciesKhz);
    QCOMPARE(s.gpu.frequenciesKhz, rig.spec.gpu.frequenciesKhz);
    QCOMPARE(s.emc.frequenciesKhz, rig.spec.emc.frequenciesKhz);
    QCOMPARE(s.emcInterface, rig.spec.emcInterface);
    QCOMPARE(s.cpuClusters.size(), rig.spec.cpuClusters.size());
    QCOMPARE(railNames(s), railNames(rig.spec)); // NC channels and hwmon in7 skipped
    for (size_t i = 0; i < s.rails.size(); ++i) {
        QCOMPARE(s.rails[i].role, rig.spec.rails[i].role);
        QCOMPARE(s.rails[i].driver, rig.spec.rails[i].driver);
        QCOMPARE(s.rails[i].device, rig.spec.rails[i].device);
        QCOMPARE(s.rails[i].channel, rig.spec.rails[i].channel);
        QCOMPARE(s.rails[i].staticMw, rig.spec.rails[i].staticMw);
    }
    QCOMPARE(s.emulation.gpuFlopsPerCycle, rig.spec.emulation.gpuFlopsPerCycle);
    QCOMPARE(s.emulation.gpu.ceffNf, rig.spec.emulation.gpu.ceffNf);
    // The VIC devfreq node sorts first; the GPU must still be the one picked.
    QCOMPARE(board->gpuDevfreqPath(), rig.fake->path(rig.fake->gpuClassDir()));
    QCOMPARE(board->cpuPolicyPaths().size(), rig.spec.cpuClusters.size());
    QVERIFY(!s.gpu.partial);
    // The discovered spec must survive its own JSON round trip (the agent sends it).
    QCOMPARE(BoardSpec::fromJson(s.toJson()).gpu.frequenciesKhz, s.gpu.frequenciesKhz);
}

void TestSysfsBoard::discoveryScansPoliciesWhenTemplateDiffers() {
    FakeSysfsOptions opt;
    // The template says policy0/2/4 (pairs); this kernel has one policy for all six cores.
    opt.clusters = {{"all", "policy0", {0, 1, 2, 3, 4, 5}}, {"extra", "policy6", {6, 7}}};
    Rig rig("xavier-nx", opt);
    auto board = rig.board();
    const auto& cl = board->spec().cpuClusters;
    QCOMPARE(cl.size(), size_t(2));
    QCOMPARE(cl[0].policy, std::string("policy0"));
    QCOMPARE(cl[0].cpus, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    QCOMPARE(cl[0].name, std::string("Carmel0")); // template name kept where the first CPU matches
    QCOMPARE(cl[1].policy, std::string("policy6"));
    QCOMPARE(cl[1].cpus, (std::vector<int>{6, 7}));
    QCOMPARE(board->cpuPolicyPaths().size(), size_t(2));
}

void TestSysfsBoard::cpuTableIsIntersectionOfPolicies() {
    FakeSysfsOptions opt;
    opt.cpuTablesKhz["policy4"] = {115200, 192000, 268800, 345600, 2201600};
    opt.cpuTablesKhz["policy8"] = {192000, 268800, 345600, 422400};
    Rig rig("agx-orin", opt);
    auto board = rig.board();
    QCOMPARE(board->spec().cpu.frequenciesKhz, (std::vector<int64_t>{192000, 268800, 345600}));
    const FrequencyTuple t{2201600, rig.spec.gpu.frequenciesKhz.front(),
                           rig.spec.emc.frequenciesKhz.front()};
    QVERIFY_THROWS_EXCEPTION(InvalidTupleError, board->setFrequencies(t));
}

void TestSysfsBoard::gpuFoundByNodeNameWithoutOfNode() {
    FakeSysfsOptions opt;
    opt.gpuOfNode = false;
    Rig rig("agx-orin", opt);
    auto board = rig.board();
    QCOMPARE(board->gpuDevfreqPath(), rig.fake->path("/sys/class/devfreq/17000000.gpu"));
}

void TestSysfsBoard::missingGpuIsHalError() {
    FakeSysfsOptions opt;
    opt.withGpu = false;
    Rig rig("xavier-nx", opt);
    try {
        rig.board();
        QFAIL("no HalError");
    } catch (const HalError& e) {
        const std::string msg = e.what();
        QVERIFY2(contains(msg, "GPU devfreq node not found"), e.what());
        QVERIFY2(contains(msg, "15340000.vic (vic)"), e.what()); // says what it did see
        QVERIFY2(contains(msg, "gv11b"), e.what());
    }
}

void TestSysfsBoard::missingEmcIsHalError() {
    FakeSysfsOptions opt;
    opt.withEmc = false;
    Rig rig("agx-orin", opt);
    try {
        rig.board();
        QFAIL("no HalError");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), "EMC clock control not found"), e.what());
        QVERIFY2(contains(e.what(), "mount -t debugfs"), e.what());
        QVERIFY2(contains(e.what(), "as root"), e.what());
    }
}

void TestSysfsBoard::emcPossibleRatesTaggedKhz() {
    FakeSysfsOptions opt;
    opt.emcRatesKhzTagged = true;
    Rig rig("agx-orin", opt);
    auto board = rig.board();
    QCOMPARE(board->spec().emc.frequenciesKhz,
             (std::vector<int64_t>{204000, 665600, 2133000, 3199000}));
    board->setFrequencies(board->spec().maxTuple());
    // 3199000000 does not fit in 32 bits: written and read back as 64-bit Hz.
    QCOMPARE(rig.fake->read(rig.fake->emcDir() + "/rate"), std::string("3199000000"));
    QCOMPARE(board->currentFrequencies().emcKhz, int64_t(3199000));
}

void TestSysfsBoard::setAndRestoreXavierNx() {
    Rig rig("xavier-nx");
    const auto before = rig.fake->snapshot();
    auto board = rig.board();
    QCOMPARE(board->governors(),
             (nlohmann::json{{"cpu", "schedutil"}, {"gpu", "nvhost_podgov"}, {"emc", "auto"}}));

    const FrequencyTuple t{1190400, 599250, 1331200};
    board->setFrequencies(t);
    for (const auto& p : rig.fake->policies()) {
        const auto d = rig.fake->policyDir(p);
        QCOMPARE(rig.fake->read(d + "/scaling_governor"), std::string("userspace"));
        QCOMPARE(rig.fake->read(d + "/scaling_setspeed"), std::string("1190400"));
    }
    const auto gpu = rig.fake->gpuDevfreqDir();
    QCOMPARE(rig.fake->read(gpu + "/min_freq"), std::string("599250000"));
    QCOMPARE(rig.fake->read(gpu + "/max_freq"), std::string("599250000"));
    QCOMPARE(rig.fake->read(rig.fake->gpuDeviceDir() + "/railgate_enable"), std::string("0"));
    QCOMPARE(rig.fake->read(rig.fake->emcDir() + "/mrq_rate_locked"), std::string("1"));
    QCOMPARE(rig.fake->read(rig.fake->emcDir() + "/rate"), std::string("1331200000"));
    QCOMPARE(board->governors(),
             (nlohmann::json{{"cpu", "userspace"}, {"gpu", "nvhost_podgov"}, {"emc", "locked"}}));

    // A second change must not overwrite the saved originals with our own pinned values.
    board->setFrequencies({345600, 1109250, 204000});
    board->restore();
    auto after = rig.fake->snapshot();
    // The bpmp rate is hardware state the governor takes back once unlocked.
    const std::string rate = rig.fake->emcDir() + "/rate";
    QCOMPARE(after.at(rate), std::string("204000000"));
    QCOMPARE(normalised(*rig.fake, after, before), before);
    QCOMPARE(board->governors(),
             (nlohmann::json{{"cpu", "schedutil"}, {"gpu", "nvhost_podgov"}, {"emc", "auto"}}));
}

void TestSysfsBoard::pinWithoutUserspaceOrin() {
    FakeSysfsOptions opt;
    opt.cpuUserspace = false;
    Rig rig("agx-orin", opt);
    const auto before = rig.fake->snapshot();
    std::vector<Write> log; // outlives the board, whose destructor may still write
    auto board = rig.board();
    board->setWriteObserver(recorder(log, rig.fake->root()));
    std::map<std::string, int64_t> limits;
    for (const auto& p : rig.fake->policies())
        for (const char* f : {"/scaling_min_freq", "/scaling_max_freq"})
            limits[rig.fake->policyDir(p) + f] =
                std::stoll(rig.fake->read(rig.fake->policyDir(p) + f));

    const FrequencyTuple t{729600, 612000, 665600};
    board->setFrequencies(t);
    QCOMPARE(rig.fake->policies().size(), size_t(3));
    for (const auto& p : rig.fake->policies()) {
        const auto d = rig.fake->policyDir(p);
        QCOMPARE(rig.fake->read(d + "/scaling_governor"), std::string("schedutil")); // untouched
        QCOMPARE(rig.fake->read(d + "/scaling_min_freq"), std::string("729600"));
        QCOMPARE(rig.fake->read(d + "/scaling_max_freq"), std::string("729600"));
        QCOMPARE(rig.fake->read(d + "/scaling_setspeed"), std::string("<unsupported>"));
    }
    board->setFrequencies({2201600, 612000, 665600}); // raise above the pinned max
    board->restore();
    QCOMPARE(firstLimitViolation(log, limits), QString());
    QCOMPARE(normalised(*rig.fake, rig.fake->snapshot(), before), before);
}

void TestSysfsBoard::gpuWritesKeepMinBelowMax() {
    Rig rig("xavier-nx");
    std::vector<Write> log; // outlives the board, whose destructor may still write
    auto board = rig.board();
    board->setWriteObserver(recorder(log, rig.fake->root()));
    const auto g = rig.fake->gpuClassDir();
    const std::map<std::string, int64_t> start{
        {g + "/min_freq", std::stoll(rig.fake->read(g + "/min_freq"))},
        {g + "/max_freq", std::stoll(rig.fake->read(g + "/max_freq"))}};
    const auto& gpuTable = board->spec().gpu.frequenciesKhz;
    // Middle, top (raising above max), bottom (lowering below min), middle again, restore.
    for (int64_t khz : {gpuTable[7], gpuTable.back(), gpuTable.front(), gpuTable[5]}) {
        board->setFrequencies({1190400, khz, 1600000});
        QCOMPARE(rig.fake->read(g + "/min_freq"), std::to_string(khz * 1000));
        QCOMPARE(rig.fake->read(g + "/max_freq"), std::to_string(khz * 1000));
    }
    board->restore();
    QCOMPARE(firstLimitViolation(log, start), QString());
    QCOMPARE(rig.fake->read(g + "/min_freq"), std::to_string(start.at(g + "/min_freq")));
    QCOMPARE(rig.fake->read(g + "/max_freq"), std::to_string(start.at(g + "/max_freq")));
    // Raising writes max first, lowering writes min first.
    std::vector<std::string> gpuOrder;
    for (const auto& w : log)
        if (w.path == g + "/min_freq" || w.path == g + "/max_freq")
            gpuOrder.push_back(w.path.substr(g.size() + 1));
    QCOMPARE(gpuOrder[2], std::string("max_freq")); // second set: raise to the top
    QCOMPARE(gpuOrder[4], std::string("min_freq")); // third set: lower to the bottom
}

void TestSysfsBoard::invalidTupleWritesNothing() {
    Rig rig("xavier-nx");
    const auto before = rig.fake->snapshot();
    std::vector<Write> log; // outlives the board, whose destructor may still write
    auto board = rig.board();
    board->setWriteObserver(recorder(log, rig.fake->root()));
    QVERIFY_THROWS_EXCEPTION(InvalidTupleError, board->setFrequencies({1190401, 599250, 1331200}));
    QVERIFY_THROWS_EXCEPTION(InvalidTupleError, board->setFrequencies({1190400, 600000, 1331200}));
    QVERIFY_THROWS_EXCEPTION(InvalidTupleError, board->setFrequencies({1190400, 599250, 1866000}));
    QCOMPARE(log.size(), size_t(0));
    QCOMPARE(rig.fake->snapshot(), before);
    board->restore(); // nothing saved, nothing to do
    QCOMPARE(log.size(), size_t(0));
}

void TestSysfsBoard::emcCapEnforced() {
    FakeSysfsOptions opt;
    opt.emcIsoCapHz = 1331200000;
    Rig rig("xavier-nx", opt);
    const auto before = rig.fake->snapshot();
    std::vector<Write> log; // outlives the board, whose destructor may still write
    auto board = rig.board();
    board->setWriteObserver(recorder(log, rig.fake->root()));
    try {
        board->setFrequencies({1190400, 599250, 1600000});
        QFAIL("no HalError");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), "emc_iso_cap"), e.what());
        QVERIFY2(contains(e.what(), "1331200 kHz"), e.what());
    }
    QCOMPARE(log.size(), size_t(0));
    QCOMPARE(rig.fake->snapshot(), before);
    board->setFrequencies({1190400, 599250, 1331200}); // at the cap is fine
    QCOMPARE(rig.fake->read(rig.fake->emcDir() + "/rate"), std::string("1331200000"));
    rig.fake->write(rig.fake->emcCapFile(), "0\n"); // 0 means no cap
    board->setFrequencies({1190400, 599250, 1600000});
    QCOMPARE(rig.fake->read(rig.fake->emcDir() + "/rate"), std::string("1600000000"));
}

void TestSysfsBoard::nanoTegra210Emc() {
    Rig rig("jetson-nano");
    const auto before = rig.fake->snapshot();
    std::vector<Write> log; // outlives the board, whose destructor may still write
    auto board = rig.board();
    QCOMPARE(board->spec().emcInterface, std::string("tegra210-debugfs"));
    QCOMPARE(board->spec().emc.frequenciesKhz, rig.spec.emc.frequenciesKhz); // from the template
    QCOMPARE(board->spec().cpuClusters.size(), size_t(1));
    board->setWriteObserver(recorder(log, rig.fake->root()));
    board->setFrequencies({921600, 460800, 800000});
    const auto e = rig.fake->emcDir();
    QCOMPARE(rig.fake->read(e + "/clk_update_rate"), std::string("800000000"));
    QCOMPARE(rig.fake->read(e + "/clk_state"), std::string("1"));
    // Rate first, then arm the override.
    std::vector<std::string> emcWrites;
    for (const auto& w : log)
        if (w.path.rfind(e, 0) == 0)
            emcWrites.push_back(w.path.substr(e.size() + 1));
    QCOMPARE(emcWrites, (std::vector<std::string>{"clk_update_rate", "clk_state"}));
    QCOMPARE(board->governors()["emc"], nlohmann::json("locked"));
    board->restore();
    QCOMPARE(normalised(*rig.fake, rig.fake->snapshot(), before), before);
    QCOMPARE(rig.fake->read(e + "/clk_update_rate"), before.at(e + "/clk_update_rate"));
    QCOMPARE(board->governors()["emc"], nlohmann::json("auto"));
}

void TestSysfsBoard::currentFrequenciesConvertsUnits() {
    Rig rig("agx-orin");
    auto board = rig.board();
    rig.fake->write(rig.fake->policyDir("policy0") + "/scaling_cur_freq", "1113600\n");
    rig.fake->write(rig.fake->gpuDevfreqDir() + "/cur_freq", "918000000\n");
    rig.fake->write(rig.fake->emcDir() + "/rate", "3199000000\n");
    QCOMPARE(board->currentFrequencies(), (FrequencyTuple{1113600, 918000, 3199000}));
}

void TestSysfsBoard::restoreIsIdempotentAndDestructorRestores() {
    Rig rig("agx-orin");
    const auto before = rig.fake->snapshot();
    {
        std::vector<Write> log; // outlives the board, whose destructor may still write
        auto board = rig.board();
        board->setWriteObserver(recorder(log, rig.fake->root()));
        board->setFrequencies({1497600, 918000, 2133000});
        board->restore();
        const size_t afterFirst = log.size();
        board->restore();
        QCOMPARE(log.size(), afterFirst); // second restore writes nothing
        QCOMPARE(normalised(*rig.fake, rig.fake->snapshot(), before), before);

        // Pinned again; the destructor must restore without an explicit call.
        board->setWriteObserver({});
        board->setFrequencies({1497600, 918000, 2133000});
        QCOMPARE(rig.fake->read(rig.fake->emcDir() + "/mrq_rate_locked"), std::string("1"));
    }
    QCOMPARE(normalised(*rig.fake, rig.fake->snapshot(), before), before);
}

void TestSysfsBoard::restoreKeepsPreexistingEmcLock() {
    Rig rig("xavier-nx");
    // jetson_clocks had locked EMC at max before we started: leave it locked at that rate.
    rig.fake->write(rig.fake->emcDir() + "/mrq_rate_locked", "1\n");
    const auto before = rig.fake->snapshot();
    auto board = rig.board();
    board->setFrequencies({1190400, 599250, 204000});
    board->restore();
    QCOMPARE(rig.fake->read(rig.fake->emcDir() + "/rate"), before.at(rig.fake->emcDir() + "/rate"));
    QCOMPARE(normalised(*rig.fake, rig.fake->snapshot(), before), before);
    QCOMPARE(board->governors()["emc"], nlohmann::json("locked"));
}

void TestSysfsBoard::readPowerIio() {
    Rig rig("xavier-nx");
    auto board = rig.board();
    rig.fake->setRail("VDD_IN", 5040, 1300);
    const auto r = board->readPower();
    QCOMPARE(r.size(), size_t(3));
    QCOMPARE(r[0].name, std::string("VDD_IN"));
    QCOMPARE(r[0].millivolts, 5040.0);
    QCOMPARE(r[0].milliamps, 1300.0);
    QCOMPARE(r[0].milliwatts, 6552.0); // straight from in_power0_input
    // IIO power comes from its own file, not from V x I.
    rig.fake->write(rig.fake->railPowerFile("VDD_SOC"), "1104\n");
    QCOMPARE(board->readPower()[2].milliwatts, 1104.0);
}

void TestSysfsBoard::readPowerHwmon() {
    Rig rig("agx-orin");
    auto board = rig.board();
    rig.fake->setRail("VDD_CPU_CV", 5008, 159);
    const auto r = board->readPower();
    QCOMPARE(r.size(), size_t(4));
    for (const auto& x : r) {
        const auto v = rig.fake->railValues(x.name);
        QCOMPARE(x.millivolts, v.mv);
        QCOMPARE(x.milliamps, v.ma);
        QVERIFY(qFuzzyCompare(x.milliwatts, v.mv * v.ma / 1000.0));
    }
    QCOMPARE(r[1].name, std::string("VDD_CPU_CV"));
    QVERIFY(qFuzzyCompare(r[1].milliwatts, 796.272));
}

void TestSysfsBoard::malformedRailIsHalError() {
    Rig rig("xavier-nx");
    auto board = rig.board();
    const std::string file = rig.fake->railPowerFile("VDD_CPU_GPU_CV");
    for (const char* bad : {"abc\n", "\n", "12mW\n"}) {
        rig.fake->write(file, bad);
        try {
            board->readPower();
            QFAIL("no HalError");
        } catch (const HalError& e) {
            QVERIFY2(contains(e.what(), rig.fake->path(file)), e.what());
            QVERIFY2(contains(e.what(), "malformed"), e.what());
            if (std::string(bad) == "abc\n")
                QVERIFY2(contains(e.what(), "'abc\\n'"), e.what());
        }
    }
    // hwmon too.
    Rig orin("agx-orin");
    auto ob = orin.board();
    orin.fake->write(orin.fake->railCurrentFile("VIN_SYS_5V0"), "-\n");
    QVERIFY_THROWS_EXCEPTION(HalError, ob->readPower());
}

void TestSysfsBoard::unreadableRailIsHalError() {
    Rig rig("agx-orin");
    auto board = rig.board();
    const std::string file = rig.fake->railVoltageFile("VDD_GPU_SOC");
    rig.fake->replaceByDirectory(
        file); // EISDIR: stands in for a root-only file (tests run as root)
    try {
        board->readPower();
        QFAIL("no HalError");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), rig.fake->path(file)), e.what());
    }
    rig.fake->remove(file);
    try {
        board->readPower();
        QFAIL("no HalError");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), rig.fake->path(file)), e.what());
        QVERIFY2(contains(e.what(), "No such file"), e.what());
    }
}

void TestSysfsBoard::writeFailureNamesFile() {
    Rig rig("xavier-nx");
    auto board = rig.board();
    board->setFrequencies({1190400, 599250, 1331200}); // originals saved
    // open(O_WRONLY) on a directory fails with EISDIR: stands in for a refused write, since
    // chmod 0444 does not stop root. Done after the snapshot, which reads the same file.
    const std::string file = rig.fake->emcDir() + "/rate";
    rig.fake->replaceByDirectory(file);
    try {
        board->setFrequencies({1190400, 599250, 204000});
        QFAIL("no HalError");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), rig.fake->path(file)), e.what());
        QVERIFY2(contains(e.what(), "204000000"), e.what());
    }
    board->restore(); // does not need the broken file
    QCOMPARE(rig.fake->read(rig.fake->emcDir() + "/mrq_rate_locked"), std::string("0"));
}

void TestSysfsBoard::permissionDeniedSaysWhatToDo() {
    Rig rig("xavier-nx");
    const auto before = rig.fake->snapshot();
    const std::string target = rig.fake->path(rig.fake->gpuClassDir() + "/max_freq");
    auto board = rig.board();
    board->setWriteObserver(
        [&](const std::string& p, const std::string&) { return p == target ? EACCES : 0; });
    try {
        board->setFrequencies({1190400, 1109250, 1331200});
        QFAIL("no HalError");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), target), e.what());
        QVERIFY2(contains(e.what(), "run dvfo-edge as root or grant write access"), e.what());
    }
    // What was already written is put back.
    board->setWriteObserver({});
    board->restore();
    QCOMPARE(normalised(*rig.fake, rig.fake->snapshot(), before), before);
}

void TestSysfsBoard::measurementXavierNx() {
    Rig rig("xavier-nx");
    auto board = rig.board();
    board->setSamplePeriod(std::chrono::microseconds(500));
    const FrequencyTuple t{1190400, 599250, 1331200};
    board->setFrequencies(t);
    LayerInfo layer;
    layer.name = "layer1.0";
    layer.kind = "residual";
    board->beginMeasurement();
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const LayerRecord rec = board->finishMeasurement(layer, {0.004, 0.002, 0.003});
    QVERIFY(board->lastSampleCount() > 1);
    QCOMPARE(rec.layerName, std::string("layer1.0"));
    QCOMPARE(rec.kind, std::string("residual"));
    QCOMPARE(rec.tuple, t);
    QVERIFY(!rec.emulated);
    QCOMPARE(rec.latency.n, 3);
    QVERIFY(qFuzzyCompare(rec.latency.medianMs, 3.0));
    QCOMPARE(rec.powerMw.size(), size_t(3));
    for (const auto& r : board->spec().rails) {
        const double mw = rig.fake->railValues(r.name).mw();
        QVERIFY(qFuzzyCompare(rec.powerMw.at(r.name), mw));
        QVERIFY(qFuzzyCompare(rec.energyMj.at(r.name), mw * 0.003));
    }
    QVERIFY(qFuzzyCompare(rec.totalEnergyMj, rec.energyMj.at("VDD_IN"))); // input rail, not the sum
}

void TestSysfsBoard::measurementOrinSumsRails() {
    Rig rig("agx-orin");
    auto board = rig.board();
    LayerInfo layer;
    layer.name = "fc";
    layer.kind = "classifier";
    board->beginMeasurement();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const LayerRecord rec = board->finishMeasurement(layer, {0.010});
    double sum = 0;
    for (const auto& [name, e] : rec.energyMj)
        sum += e;
    QCOMPARE(rec.energyMj.size(), size_t(4));
    QVERIFY(qFuzzyCompare(rec.totalEnergyMj, sum)); // no input-role rail on AGX Orin
    // Nothing was set: the record carries what the clocks read.
    QCOMPARE(rec.tuple, board->currentFrequencies());
}

void TestSysfsBoard::measurementWithoutBeginTakesOneReading() {
    Rig rig("jetson-nano");
    auto board = rig.board();
    LayerInfo layer;
    layer.name = "pool";
    const LayerRecord rec = board->finishMeasurement(layer, {0.001, 0.001});
    QCOMPARE(board->lastSampleCount(), 0);
    QCOMPARE(rec.powerMw.size(), size_t(3));
    QVERIFY(qFuzzyCompare(rec.powerMw.at("POM_5V_IN"), rig.fake->railValues("POM_5V_IN").mw()));
    QVERIFY(rec.totalEnergyMj > 0);
}

void TestSysfsBoard::samplerErrorFailsMeasurement() {
    Rig rig("xavier-nx");
    auto board = rig.board();
    board->beginMeasurement();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    rig.fake->write(rig.fake->railPowerFile("VDD_IN"), "garbage\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    QVERIFY_THROWS_EXCEPTION(HalError, board->finishMeasurement(LayerInfo{}, {0.001}));
    // The next measurement starts clean once the file is sane again.
    rig.fake->write(rig.fake->railPowerFile("VDD_IN"), "5000\n");
    board->beginMeasurement();
    const LayerRecord rec = board->finishMeasurement(LayerInfo{}, {0.001});
    QVERIFY(qFuzzyCompare(rec.powerMw.at("VDD_IN"), 5000.0));
}

void TestSysfsBoard::railSamplerPeriodAndRestart() {
    std::atomic<int> calls{0};
    RailSampler sampler(
        [&] {
            ++calls;
            return std::vector<RailReading>{{"A", 100.0 + calls % 2 * 100.0, 0, 0}};
        },
        std::chrono::milliseconds(2));
    sampler.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    const auto r = sampler.stop();
    QVERIFY(!sampler.running());
    // About 30 at 2 ms; wide bounds for loaded machines, but clearly not a busy loop.
    QVERIFY2(r.samples >= 3 && r.samples <= 45, qPrintable(QString::number(r.samples)));
    QVERIFY(r.meanMw.at("A") >= 100.0 && r.meanMw.at("A") <= 200.0);
    sampler.start(); // a fresh accumulation
    const auto again = sampler.stop();
    QVERIFY(again.samples <= 2);
    QCOMPARE(sampler.stop().samples, again.samples); // stopping a stopped sampler is harmless
}

QTEST_GUILESS_MAIN(TestSysfsBoard)
#include "tst_sysfsboard.moc"
