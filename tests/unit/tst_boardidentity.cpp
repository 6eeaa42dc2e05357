// Board identity and conditions on fake sysfs trees of the five Jetson modules DVFO knows apart
// (Orin Nano, Orin NX, AGX Orin, Xavier NX, AGX Xavier): the device-tree model picks the spec,
// /etc/nv_tegra_release, nvpmodel's status and conf and the thermal zones show up in the probe of
// the real dvfo-edge, and a clock that reads back unlike the pinned one is flagged as throttled.
#include "core/board/boardconditions.h"
#include "core/board/tupleconditions.h"
#include "remote/edge/boardconditionsreader.h"
#include "remote/edge/boarddetector.h"
#include "remote/edge/sysfsboard.h"
#include "support/clirun.h"
#include "support/fakesysfs.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>
#include <sstream>
#include <vector>

using namespace dvfo;
using dvfo::test::FakeSysfs;

namespace {

struct Zone {
    std::string type;
    long milliC;
};

// What a real module of each kind says about itself (model strings and zone names as L4T prints
// them; -256000 is how L4T reports a power-gated sensor).
struct Identity {
    std::string specId;
    std::string model;
    std::string releaseLine;
    std::string expectedRelease;
    std::string nvpmodelConf;
    std::string nvpmodelStatus; // empty: no status file
    int expectedModeId;
    std::string expectedModeName;
    std::vector<Zone> zones;
};

std::string conf(const std::vector<std::pair<int, std::string>>& modes, int defaultId) {
    std::string out = "# nvpmodel configuration\n< PARAM TYPE=FILE NAME=CPU_ONLINE >\n";
    for (const auto& [id, name] : modes)
        out += "< POWER_MODEL ID=" + std::to_string(id) + " NAME=" + name +
               " >\nCPU_ONLINE CORE_0 1\nGPU MAX_FREQ 918000000\n\n";
    return out + "< PM_CONFIG DEFAULT=" + std::to_string(defaultId) + " >\n";
}

const std::vector<Identity>& identities() {
    static const std::vector<Identity> all = {
        {"orin-nano",
         "NVIDIA Jetson Orin Nano Developer Kit",
         "# R36 (release), REVISION: 3.0, GCID: 36191598, BOARD: generic, EABI: aarch64, DATE: Mon "
         "May  6 "
         "17:34:21 UTC 2024",
         "R36.3.0",
         conf({{0, "15W"}, {1, "7W"}}, 0),
         "pmode:0001 fmode:quiet",
         1,
         "7W",
         {{"cpu-thermal", 47500},
          {"gpu-thermal", 46750},
          {"cv0-thermal", -256000},
          {"cv1-thermal", -256000},
          {"soc0-thermal", 45000},
          {"soc1-thermal", 45500},
          {"soc2-thermal", 44250},
          {"tj-thermal", 47500}}},
        {"orin-nx",
         "NVIDIA Jetson Orin NX Engineering Reference Developer Kit",
         "# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, EABI: aarch64, DATE: Tue "
         "Aug  1 "
         "19:57:35 UTC 2023",
         "R35.4.1",
         conf({{0, "MAXN"}, {1, "10W"}, {2, "15W"}, {3, "25W"}}, 2),
         "pmode:0003",
         3,
         "25W",
         {{"CPU-therm", 52000},
          {"GPU-therm", 50500},
          {"CV0-therm", 49000},
          {"SOC0-therm", 49500},
          {"Tj-therm", 52000}}},
        {"agx-orin",
         "Jetson AGX Orin Developer Kit",
         "# R35 (release), REVISION: 2.1, GCID: 32413640, BOARD: t186ref, EABI: aarch64, DATE: Tue "
         "Jan 24 "
         "23:38:33 UTC 2023",
         "R35.2.1",
         conf({{0, "MAXN"}, {1, "MODE_15W"}, {2, "MODE_30W"}, {3, "MODE_50W"}}, 3),
         "pmode:0000",
         0,
         "MAXN",
         {{"CPU-therm", 39406},
          {"GPU-therm", 38250},
          {"CV0-therm", 37843},
          {"CV1-therm", 37500},
          {"CV2-therm", 37312},
          {"SOC0-therm", 38875},
          {"SOC1-therm", 38125},
          {"SOC2-therm", 38000},
          {"Tj-therm", 39406},
          {"Tboard-therm", 33000},
          {"Tdiode-therm", 34500}}},
        {"xavier-nx",
         "NVIDIA Jetson Xavier NX Developer Kit",
         "# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, EABI: aarch64, DATE: Tue "
         "Aug  1 "
         "19:57:35 UTC 2023",
         "R35.4.1",
         conf({{0, "MODE_15W_2CORE"}, {2, "MODE_15W_6CORE"}, {8, "MODE_20W_6CORE"}}, 2),
         "pmode:0008 fmode:cool",
         8,
         "MODE_20W_6CORE",
         {{"BCPU-therm", 42500},
          {"MCPU-therm", 42500},
          {"GPU-therm", 41000},
          {"PLL-therm", 40000},
          {"Tboard_tegra", 36000},
          {"Tdiode_tegra", 37250},
          {"PMIC-Die", 100000},
          {"thermal-fan-est", 41300}}},
        // L4T 32 names the AGX Xavier devkit "Jetson-AGX". No status file: nvpmodel never ran, the
        // conf's default is in force.
        {"agx-xavier",
         "Jetson-AGX",
         "# R32 (release), REVISION: 7.4, GCID: 33514132, BOARD: t186ref, EABI: aarch64, DATE: Fri "
         "Jun  9 "
         "04:25:08 UTC 2023",
         "R32.7.4",
         conf({{0, "MAXN"}, {1, "MODE_10W"}, {2, "MODE_15W"}, {3, "MODE_30W_ALL"}}, 2),
         "",
         2,
         "MODE_15W",
         {{"AO-therm", 36500},
          {"CPU-therm", 39000},
          {"GPU-therm", 38500},
          {"PLL-therm", 37000},
          {"AUX-therm", 37500},
          {"Tboard_tegra", 33000},
          {"Tdiode_tegra", 34750},
          {"thermal-fan-est", 38600}}},
    };
    return all;
}

const Identity& identity(const std::string& specId) {
    for (const auto& i : identities())
        if (i.specId == specId)
            return i;
    throw std::runtime_error("no identity " + specId);
}

// The zones a reader must report: in index order, offline ones left out.
std::vector<ThermalReading> expectedZones(const Identity& id) {
    std::vector<ThermalReading> out;
    for (const auto& z : id.zones)
        if (z.milliC > -40000)
            out.push_back({z.type, double(z.milliC) / 1000.0});
    return out;
}

void writeIdentity(FakeSysfs& fake, const Identity& id) {
    fake.write("/proc/device-tree/model", id.model + std::string(1, '\0'));
    fake.write("/etc/nv_tegra_release", id.releaseLine + "\n# KERNEL_VARIANT: oot\n");
    fake.write("/etc/nvpmodel.conf", id.nvpmodelConf);
    if (!id.nvpmodelStatus.empty())
        fake.write("/var/lib/nvpmodel/status", id.nvpmodelStatus + "\n");
    for (size_t i = 0; i < id.zones.size(); ++i) {
        const std::string dir = "/sys/class/thermal/thermal_zone" + std::to_string(i);
        fake.write(dir + "/type", id.zones[i].type + "\n");
        fake.write(dir + "/temp", std::to_string(id.zones[i].milliC) + "\n");
    }
    // Cooling devices live next to the zones and must not be taken for one.
    fake.write("/sys/class/thermal/cooling_device0/type", "pwm-fan\n");
}

// A fake module of one kind: its spec's sysfs tree plus identity files, and a private runtime
// directory for the saved clocks.
struct Rig {
    QTemporaryDir treeDir, stateDir;
    BoardSpec spec;
    std::unique_ptr<FakeSysfs> fake;

    explicit Rig(const std::string& specId) : spec(BoardSpec::builtin(specId)) {
        if (!treeDir.isValid() || !stateDir.isValid())
            throw std::runtime_error("no temp dir");
        fake = std::make_unique<FakeSysfs>(spec, treeDir.path().toStdString());
        writeIdentity(*fake, identity(specId));
    }
    std::unique_ptr<SysfsBoard> board() const {
        return std::make_unique<SysfsBoard>(spec, fake->root(), stateDir.path().toStdString());
    }
    // The real agent on this tree; its saved clocks go to the private runtime directory.
    QProcess* edge(const QStringList& args) const {
        auto* p = new QProcess;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_RUNTIME_DIR", stateDir.path());
        p->setProcessEnvironment(env);
        p->start(qEnvironmentVariable("DVFO_EDGE"),
                 QStringList{"--sysfs-root", QString::fromStdString(fake->root())} + args);
        return p;
    }
};

std::vector<nlohmann::json> jsonLines(const QByteArray& out) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(out.toStdString());
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            lines.push_back(nlohmann::json::parse(line));
    return lines;
}

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

} // namespace

class TestBoardIdentity : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("DVFO_EDGE").isEmpty(), "DVFO_EDGE must be set");
    }

    void eachModuleIsToldApartByItsDeviceTreeModel_data();
    void eachModuleIsToldApartByItsDeviceTreeModel();
    void otherSpellingsOfTheSameModulesMapToTheirSpecs();
    void anUnknownModelIsAClearErrorNamingTheString();
    void theConditionsComeFromTheL4tNvpmodelAndThermalFiles_data();
    void theConditionsComeFromTheL4tNvpmodelAndThermalFiles();
    void thermalZonesAreInIndexOrderAndOfflineOrUnreadableOnesAreLeftOut();
    void missingFilesLeaveFieldsEmptyAndSayWhy();
    void l4tReleaseLinesOfEachGenerationParse();
    void throttlingIsDetectedWhenAClockInForceDiffersFromThePinnedOne();
    void theRealAgentsProbeShowsIdentityAndConditions();
    void theRealAgentsProfileReportsTemperaturesAndThrottlingPerTuple();
    void anEmulatedBoardSaysItIsEmulated();
    void dvfoProfileAndSessionsShowTheConditionsTheyStored();
};

void TestBoardIdentity::eachModuleIsToldApartByItsDeviceTreeModel_data() {
    QTest::addColumn<QString>("specId");
    for (const auto& i : identities())
        QTest::newRow(i.specId.c_str()) << QString::fromStdString(i.specId);
}

void TestBoardIdentity::eachModuleIsToldApartByItsDeviceTreeModel() {
    QFETCH(QString, specId);
    Rig rig(specId.toStdString());
    QCOMPARE(detectBoardId(rig.fake->root()), specId.toStdString());
    // The spec fits the module's tree: discovery finds its clusters, tables and rails.
    auto board = rig.board();
    QCOMPARE(board->spec().id, specId.toStdString());
    QCOMPARE(board->spec().cpuClusters.size(), rig.spec.cpuClusters.size());
    QCOMPARE(board->spec().rails.size(), rig.spec.rails.size());
    QCOMPARE(board->spec().name, rig.spec.name);
}

void TestBoardIdentity::otherSpellingsOfTheSameModulesMapToTheirSpecs() {
    QCOMPARE(boardIdForModel("NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super"),
             std::string("orin-nano"));
    QCOMPARE(boardIdForModel("NVIDIA Jetson Orin NX Engineering Reference Developer Kit"),
             std::string("orin-nx"));
    QCOMPARE(boardIdForModel("NVIDIA Jetson AGX Orin"), std::string("agx-orin"));
    QCOMPARE(boardIdForModel("NVIDIA Jetson AGX Xavier Developer Kit"), std::string("agx-xavier"));
    QCOMPARE(boardIdForModel("NVIDIA Jetson Xavier NX Developer Kit"), std::string("xavier-nx"));
    QCOMPARE(boardIdForModel("NVIDIA Jetson Nano Developer Kit"), std::string("jetson-nano"));
    QCOMPARE(boardIdForModel("quill"), std::string("jetson-tx2"));
    // Every id the detector hands out is a built-in spec.
    for (const char* model :
         {"Orin Nano", "Orin NX", "AGX Orin", "Xavier NX", "Jetson-AGX", "TX2", "Jetson Nano"})
        QVERIFY2(BoardSpec::builtin(boardIdForModel(model)).id == boardIdForModel(model), model);
}

void TestBoardIdentity::anUnknownModelIsAClearErrorNamingTheString() {
    // A bare "Orin" is no longer guessed to be an AGX Orin: which module matters for the tables.
    for (const std::string model :
         {"Raspberry Pi 4 Model B Rev 1.4", "NVIDIA Jetson Orin", "Jetson-AGX Thor"}) {
        try {
            boardIdForModel(model);
            QFAIL(("guessed a spec for " + model).c_str());
        } catch (const HalError& e) {
            QVERIFY2(contains(e.what(), "unknown board model '" + model + "'"), e.what());
            QVERIFY2(contains(e.what(), "--board"), e.what());
        }
    }
    Rig rig("orin-nano");
    rig.fake->write("/proc/device-tree/model",
                    std::string("Raspberry Pi 5 Model B Rev 1.0") + '\0');
    try {
        detectBoardId(rig.fake->root());
        QFAIL("an unknown module was detected");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), "'Raspberry Pi 5 Model B Rev 1.0'"),
                 e.what()); // without the NUL
    }
    // Through the real agent: exit code 3 and the message on stderr, nothing pinned.
    std::unique_ptr<QProcess> p(rig.edge({"probe"}));
    QVERIFY(p->waitForFinished(30000));
    QCOMPARE(p->exitCode(), 3);
    QVERIFY2(
        p->readAllStandardError().contains("unknown board model 'Raspberry Pi 5 Model B Rev 1.0'"),
        "stderr does not name the model");
    rig.fake->remove("/proc/device-tree/model");
    try {
        detectBoardId(rig.fake->root());
        QFAIL("a tree without a model was detected");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), rig.fake->path("/proc/device-tree/model")), e.what());
    }
}

void TestBoardIdentity::theConditionsComeFromTheL4tNvpmodelAndThermalFiles_data() {
    eachModuleIsToldApartByItsDeviceTreeModel_data();
}

void TestBoardIdentity::theConditionsComeFromTheL4tNvpmodelAndThermalFiles() {
    QFETCH(QString, specId);
    const Identity& id = identity(specId.toStdString());
    Rig rig(id.specId);
    const BoardConditions c = rig.board()->conditions();
    QCOMPARE(c.boardModel, id.model);
    QCOMPARE(c.l4tRelease, id.expectedRelease);
    QCOMPARE(c.nvpmodelId, id.expectedModeId);
    QCOMPARE(c.nvpmodelName, id.expectedModeName);
    if (id.nvpmodelStatus.empty())
        QVERIFY2(contains(c.nvpmodelSource, "DEFAULT"), c.nvpmodelSource.c_str());
    else
        QCOMPARE(c.nvpmodelSource, std::string("/var/lib/nvpmodel/status"));
    const auto zones = expectedZones(id);
    QCOMPARE(c.thermalZones.size(), zones.size());
    for (size_t i = 0; i < zones.size(); ++i) {
        QCOMPARE(c.thermalZones[i].type, zones[i].type);
        QCOMPARE(c.thermalZones[i].tempC, zones[i].tempC);
    }
    QVERIFY2(c.note.empty(), c.note.c_str());
    // readThermal() (the live monitor's source) reads the same zones.
    const auto monitor = rig.board()->readThermal();
    QCOMPARE(monitor.size(), zones.size());
    QCOMPARE(monitor.front().type, zones.front().type);
    // Through JSON and back, as the probe carries it.
    const BoardConditions back = BoardConditions::fromJson(c.toJson());
    QCOMPARE(back.toJson(), c.toJson());
    QCOMPARE(c.toJson()["maxTempC"].get<double>(), maxTemperatureC(c.thermalZones));
}

void TestBoardIdentity::thermalZonesAreInIndexOrderAndOfflineOrUnreadableOnesAreLeftOut() {
    Rig rig("agx-orin"); // 11 zones: thermal_zone10 must follow thermal_zone9, not thermal_zone1
    auto zones = BoardConditionsReader(rig.fake->root()).thermalZones();
    QCOMPARE(zones.size(), size_t(11));
    QCOMPARE(zones[1].type, std::string("GPU-therm"));
    QCOMPARE(zones[10].type, std::string("Tdiode-therm"));
    // A sensor that refuses reads (EINVAL on a real board), one that reads garbage, one offline.
    rig.fake->replaceByDirectory("/sys/class/thermal/thermal_zone1/temp");
    rig.fake->write("/sys/class/thermal/thermal_zone2/temp", "not a number\n");
    rig.fake->write("/sys/class/thermal/thermal_zone3/temp", "-256000\n");
    zones = BoardConditionsReader(rig.fake->root()).thermalZones();
    QCOMPARE(zones.size(), size_t(8));
    for (const auto& z : zones)
        QVERIFY2(z.type != "GPU-therm" && z.type != "CV0-therm" && z.type != "CV1-therm",
                 z.type.c_str());
}

void TestBoardIdentity::missingFilesLeaveFieldsEmptyAndSayWhy() {
    Rig rig("orin-nx");
    rig.fake->remove("/etc/nv_tegra_release");
    rig.fake->remove("/var/lib/nvpmodel");
    rig.fake->remove("/etc/nvpmodel.conf");
    rig.fake->remove("/sys/class/thermal");
    BoardConditions c = rig.board()->conditions();
    QCOMPARE(c.boardModel, identity("orin-nx").model);
    QVERIFY(c.l4tRelease.empty());
    QCOMPARE(c.nvpmodelId, -1);
    QVERIFY(c.thermalZones.empty());
    QVERIFY2(contains(c.note, "/etc/nv_tegra_release"), c.note.c_str());
    QVERIFY2(contains(c.note, "nvpmodel"), c.note.c_str());
    QVERIFY2(contains(c.note, "thermal zones"), c.note.c_str());
    QVERIFY(c.toJson()["nvpmodel"].is_null());
    QVERIFY(c.toJson()["maxTempC"].is_null());
    // A status naming a mode the conf does not list: the id is known, its name is not.
    rig.fake->write("/var/lib/nvpmodel/status", "pmode:0007\n");
    rig.fake->write("/etc/nvpmodel.conf", conf({{0, "MAXN"}}, 0));
    c = rig.board()->conditions();
    QCOMPARE(c.nvpmodelId, 7);
    QVERIFY(c.nvpmodelName.empty());
    QVERIFY2(contains(c.note, "nvpmodel mode 7"), c.note.c_str());
}

void TestBoardIdentity::l4tReleaseLinesOfEachGenerationParse() {
    for (const auto& i : identities())
        QCOMPARE(BoardConditionsReader::parseL4tRelease(i.releaseLine), i.expectedRelease);
    QCOMPARE(
        BoardConditionsReader::parseL4tRelease("# R32 (release), REVISION: 4.4, GCID: 23942405"),
        std::string("R32.4.4"));
    QCOMPARE(BoardConditionsReader::parseL4tRelease("Ubuntu 22.04"), std::string());
    // An unrecognised format is kept as is rather than dropped, and the note says why.
    Rig rig("xavier-nx");
    rig.fake->write("/etc/nv_tegra_release", "custom BSP 1.2\n");
    const BoardConditions c = rig.board()->conditions();
    QCOMPARE(c.l4tRelease, std::string("custom BSP 1.2"));
    QVERIFY2(contains(c.note, "format"), c.note.c_str());
}

void TestBoardIdentity::throttlingIsDetectedWhenAClockInForceDiffersFromThePinnedOne() {
    Rig rig("orin-nano");
    auto board = rig.board();
    const FrequencyTuple pinned{1497600, 624750, 2133000};
    board->setFrequencies(pinned);
    // The fake tree's cur_freq files are plain files: make them read what a real kernel shows
    // once the clocks settle. EMC "rate" was written by the pin itself.
    for (const auto& policy : rig.fake->policies())
        rig.fake->write(rig.fake->policyDir(policy) + "/scaling_cur_freq", "1497600\n");
    rig.fake->write(rig.fake->gpuDevfreqDir() + "/cur_freq", "624750000\n");
    auto observed =
        TupleConditions::observe(pinned, board->currentFrequencies(), {{"tj-thermal", 60.0}});
    QVERIFY(!observed.throttled);
    QVERIFY(observed.throttledDomains.empty());
    QCOMPARE(observed.inForce, pinned);

    // The PLL's rounded rate a few kHz off is not throttling.
    rig.fake->write(rig.fake->policyDir("policy0") + "/scaling_cur_freq", "1497000\n");
    QVERIFY(!TupleConditions::observe(pinned, board->currentFrequencies(), {}).throttled);

    // The thermal governor capped the GPU at 510 MHz.
    rig.fake->write(rig.fake->gpuDevfreqDir() + "/cur_freq", "510000000\n");
    observed =
        TupleConditions::observe(pinned, board->currentFrequencies(), {{"tj-thermal", 96.5}});
    QVERIFY(observed.throttled);
    QCOMPARE(observed.throttledDomains, std::vector<std::string>{"gpu"});
    QCOMPARE(observed.inForce.gpuKhz, int64_t(510000));
    QCOMPARE(observed.maxTempC(), 96.5);
    // And the CPU as well: both named.
    rig.fake->write(rig.fake->policyDir("policy0") + "/scaling_cur_freq", "1113600\n");
    observed = TupleConditions::observe(pinned, board->currentFrequencies(), {});
    QCOMPARE(observed.throttledDomains, (std::vector<std::string>{"cpu", "gpu"}));
    QVERIFY(std::isnan(observed.maxTempC()));
    const auto back = TupleConditions::fromJson(observed.toJson());
    QCOMPARE(back.toJson(), observed.toJson());
    board->restore();
}

void TestBoardIdentity::theRealAgentsProbeShowsIdentityAndConditions() {
    for (const std::string specId : {"orin-nano", "agx-xavier"}) {
        const Identity& id = identity(specId);
        Rig rig(specId);
        std::unique_ptr<QProcess> p(rig.edge({"probe"})); // --board auto: from the device tree
        QVERIFY(p->waitForFinished(30000));
        QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        const auto lines = jsonLines(p->readAllStandardOutput());
        QCOMPARE(lines.size(), size_t(1));
        const auto& result = lines[0]["result"];
        QCOMPARE(result["board"].get<std::string>(), specId);
        QCOMPARE(result["spec"]["name"].get<std::string>(), rig.spec.name);
        const auto& c = result["conditions"];
        QCOMPARE(c["boardModel"].get<std::string>(), id.model);
        QCOMPARE(c["l4tRelease"].get<std::string>(), id.expectedRelease);
        QCOMPARE(c["nvpmodel"]["id"].get<int>(), id.expectedModeId);
        QCOMPARE(c["nvpmodel"]["name"].get<std::string>(), id.expectedModeName);
        const auto zones = expectedZones(id);
        QCOMPARE(c["thermalZones"].size(), zones.size());
        QCOMPARE(c["thermalZones"][0]["type"].get<std::string>(), zones[0].type);
        QCOMPARE(c["thermalZones"][0]["tempC"].get<double>(), zones[0].tempC);
        QCOMPARE(c["maxTempC"].get<double>(),
                 maxTemperatureC(BoardConditions::fromJson(c).thermalZones));
    }
}

void TestBoardIdentity::theRealAgentsProfileReportsTemperaturesAndThrottlingPerTuple() {
    Rig rig("orin-nx");
    const auto before = rig.fake->restorableSnapshot();
    // The CPU reads back what will be pinned; the GPU stays at 306 MHz: a capped GPU.
    for (const auto& policy : rig.fake->policies())
        rig.fake->write(rig.fake->policyDir(policy) + "/scaling_cur_freq", "1190400\n");
    rig.fake->write(rig.fake->gpuDevfreqDir() + "/cur_freq", "306000000\n");
    std::unique_ptr<QProcess> p(rig.edge({"profile", "--model", "small_cnn", "--tuples",
                                          "list:1190400/918000/3199000,1190400/306000/665600",
                                          "--warmup", "0", "--repeat", "1"}));
    QVERIFY(p->waitForFinished(300000));
    QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
    const auto lines = jsonLines(p->readAllStandardOutput());
    size_t units = 0;
    std::vector<nlohmann::json> conditions;
    std::vector<std::string> order; // event names, to check where "conditions" comes
    for (const auto& l : lines) {
        const std::string event = l.value("event", std::string("result"));
        order.push_back(event);
        if (event == "start")
            units = l["data"]["units"].size();
        if (event == "conditions")
            conditions.push_back(l["data"]);
    }
    QVERIFY(units > 0);
    QCOMPARE(conditions.size(), size_t(2));
    // One per tuple, right before the tuple's last record, so a client stores them together.
    size_t layersSeen = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        if (order[i] == "layer")
            ++layersSeen;
        if (order[i] == "conditions") {
            QCOMPARE(layersSeen % units, units - 1);
            QCOMPARE(order[i + 1], std::string("layer"));
        }
    }
    const auto capped = TupleConditions::fromJson(conditions[0]);
    QCOMPARE(capped.pinned, (FrequencyTuple{1190400, 918000, 3199000}));
    QVERIFY(capped.throttled);
    QCOMPARE(capped.throttledDomains, std::vector<std::string>{"gpu"});
    QCOMPARE(capped.inForce.gpuKhz, int64_t(306000));
    QCOMPARE(capped.thermalZones.size(), expectedZones(identity("orin-nx")).size());
    QCOMPARE(capped.maxTempC(), 52.0);
    const auto atFloor = TupleConditions::fromJson(conditions[1]);
    QCOMPARE(atFloor.pinned, (FrequencyTuple{1190400, 306000, 665600}));
    QVERIFY2(!atFloor.throttled, conditions[1].dump().c_str());
    // The one-shot profile restores the board, and forgets the saved original.
    auto after = rig.fake->restorableSnapshot();
    for (const auto& policy : rig.fake->policies())
        after.erase(rig.fake->policyDir(policy) + "/scaling_cur_freq");
    auto expected = before;
    for (const auto& policy : rig.fake->policies())
        expected.erase(rig.fake->policyDir(policy) + "/scaling_cur_freq");
    expected.erase(rig.fake->gpuDevfreqDir() + "/cur_freq");
    after.erase(rig.fake->gpuDevfreqDir() + "/cur_freq");
    QVERIFY(after == expected);
    QVERIFY(QDir(rig.stateDir.path() + "/dvfo-edge").isEmpty());
}

void TestBoardIdentity::anEmulatedBoardSaysItIsEmulated() {
    for (const char* specId : {"orin-nano", "orin-nx", "agx-xavier"}) {
        QProcess p;
        p.start(qEnvironmentVariable("DVFO_EDGE"), {"--emulate", specId, "probe"});
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const auto j = nlohmann::json::parse(p.readAllStandardOutput().toStdString());
        QCOMPARE(j["result"]["spec"]["id"].get<std::string>(), std::string(specId));
        const auto& c = j["result"]["conditions"];
        QCOMPARE(c["l4tRelease"].get<std::string>(), std::string("emulated"));
        QVERIFY(c["nvpmodel"].is_null());
        QVERIFY2(contains(c["note"].get<std::string>(), "emulated"), c.dump().c_str());
    }
}

void TestBoardIdentity::dvfoProfileAndSessionsShowTheConditionsTheyStored() {
    QVERIFY2(!qEnvironmentVariable("DVFO_CLI").isEmpty(), "DVFO_CLI must be set");
    QTemporaryDir dir;
    const QString db = dir.filePath("w.db");
    const CliRun profile =
        runDvfoCli({"profile", "--board", "emulated:orin-nano", "--model", "small_cnn", "--tuples",
                    "list:1510400/624750/2133000,115200/306000/204000", "--warmup", "0", "--repeat",
                    "1", "--quiet", "--db", db});
    QVERIFY2(profile.code == 0, qPrintable(profile.err));
    QVERIFY2(profile.err.contains("Conditions: Jetson Orin Nano (8 GB) (emulated), emulated"),
             qPrintable(profile.err));
    QVERIFY2(profile.out.contains("Conditions over 2 tuples: hottest zone"),
             qPrintable(profile.out));
    QVERIFY2(profile.out.contains("throttled at 0"), qPrintable(profile.out));

    const CliRun list = runDvfoCli({"sessions", "--db", db, "list"});
    QVERIFY2(list.code == 0, qPrintable(list.err));
    for (const char* column : {"L4T", "nvpmodel", "max C", "throttled"})
        QVERIFY2(list.out.contains(column), qPrintable(list.out));
    QVERIFY2(list.out.contains(" emulated ") && list.out.contains("0/2"), qPrintable(list.out));

    const CliRun show = runDvfoCli({"sessions", "--db", db, "show", "1"});
    QVERIFY2(show.code == 0, qPrintable(show.err));
    for (const char* line :
         {"board spec:      Jetson Orin Nano (8 GB) (orin-nano)", "L4T release:     emulated",
          "layers ran on:", "throttled at 0 of 2 tuples", "115200/306000/204000"})
        QVERIFY2(show.out.contains(QString::fromUtf8(line)),
                 qPrintable(line + QString(" not in:\n") + show.out));
    const CliRun missing = runDvfoCli({"sessions", "--db", db, "show", "9"});
    QCOMPARE(missing.code, 2);
    QVERIFY2(missing.err.contains("no session with id 9"), qPrintable(missing.err));
}

QTEST_GUILESS_MAIN(TestBoardIdentity)
#include "tst_boardidentity.moc"
