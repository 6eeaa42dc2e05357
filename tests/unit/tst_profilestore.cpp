#include "core/workspace/profilestore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

using namespace dvfo;

namespace {

constexpr int kLayers = 30;

LayerRecord makeRecord(const FrequencyTuple& t, int layer, double salt = 0) {
    LayerRecord r;
    r.tuple = t;
    r.layerIndex = layer;
    r.layerName = "features." + std::to_string(layer) + ".conv";
    r.kind = layer % 3 == 0 ? "Conv2d" : "ReLU";
    // Thirds have no finite binary expansion: they catch any rounding on the way through.
    const double base = double(t.cpuKhz % 1000 + t.gpuKhz % 97 + layer + 1) / 3.0 + salt;
    r.latency = {base, base * 0.9, base * 1.1, 50 + layer};
    r.powerMw = {{"VDD_IN", 5000.0 / 3 + layer}, {"VDD_CPU_GPU_CV", 1234.5678901234567}};
    r.energyMj = {{"VDD_IN", base * 1.7}, {"VDD_CPU_GPU_CV", base / 7}};
    r.totalEnergyMj = base * 1.7;
    r.emulated = layer % 2 == 1;
    return r;
}

std::vector<LayerRecord> makeTuple(const FrequencyTuple& t, double salt = 0) {
    std::vector<LayerRecord> out;
    for (int i = 0; i < kLayers; ++i)
        out.push_back(makeRecord(t, i, salt));
    return out;
}

// Exact comparison: QCOMPARE on doubles is fuzzy, and the store promises bit-exact round trips.
bool sameRecord(const LayerRecord& a, const LayerRecord& b) {
    return a.tuple == b.tuple && a.layerIndex == b.layerIndex && a.layerName == b.layerName &&
           a.kind == b.kind && a.latency.medianMs == b.latency.medianMs &&
           a.latency.p10Ms == b.latency.p10Ms && a.latency.p90Ms == b.latency.p90Ms &&
           a.latency.n == b.latency.n && a.powerMw == b.powerMw && a.energyMj == b.energyMj &&
           a.totalEnergyMj == b.totalEnergyMj && a.emulated == b.emulated;
}

void sortRecords(std::vector<LayerRecord>& v) {
    std::sort(v.begin(), v.end(), [](const LayerRecord& a, const LayerRecord& b) {
        if (a.tuple != b.tuple)
            return a.tuple < b.tuple;
        return a.layerIndex < b.layerIndex;
    });
}

#define VERIFY_SAME_RECORDS(actual, expected)                                                      \
    do {                                                                                           \
        const auto& a_ = (actual);                                                                 \
        const auto& e_ = (expected);                                                               \
        QCOMPARE(a_.size(), e_.size());                                                            \
        for (size_t i_ = 0; i_ < a_.size(); ++i_)                                                  \
            QVERIFY2(sameRecord(a_[i_], e_[i_]),                                                   \
                     qPrintable(QString("record %1 differs:\n  got      %2\n  expected %3")        \
                                    .arg(i_)                                                       \
                                    .arg(QString::fromStdString(a_[i_].toJson().dump()))           \
                                    .arg(QString::fromStdString(e_[i_].toJson().dump()))));        \
    } while (0)

SessionInfo sampleSession() {
    SessionInfo s;
    s.name = "resnet18 sweep";
    s.boardId = "xavier-nx";
    s.boardName = "lab-nx-2";
    s.model = "resnet18";
    s.agentVersion = "0.1.0";
    s.settingsJson = R"({"repetitions": 50, "warmup": 5})";
    return s;
}

// Raw SQLite access, to look underneath the store.
struct RawDb {
    sqlite3* db = nullptr;
    explicit RawDb(const std::string& path) { sqlite3_open(path.c_str(), &db); }
    ~RawDb() { sqlite3_close(db); }
    int64_t scalar(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        int64_t v = -1;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
    }
    bool exec(const std::string& sql) {
        return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    }
};

std::vector<FrequencyTuple> sweepTuples() {
    std::vector<FrequencyTuple> out;
    for (int64_t c : {102000, 403200, 825600, 1190400, 1420800, 1728000, 1907200, 2035200})
        for (int64_t g : {114750, 306000, 510000, 714000, 930750, 1109250})
            for (int64_t e : {204000, 800000, 1600000, 1866000, 2133000})
                out.push_back({c, g, e});
    return out; // 240 tuples
}

} // namespace

class TestProfileStore : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir;
    std::string file(const char* name) const { return dir.filePath(name).toStdString(); }

    template <class F> static QString errorOf(F&& fn) {
        try {
            fn();
        } catch (const ProfileStoreError& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }

private slots:
    void initTestCase() { QVERIFY(dir.isValid()); }

    void defaultPathFollowsXdg() {
        const QByteArray oldXdg = qgetenv("XDG_DATA_HOME"), oldHome = qgetenv("HOME");
        const QString base = dir.filePath("xdg");
        qputenv("XDG_DATA_HOME", base.toUtf8());
        QCOMPARE(QString::fromStdString(ProfileStore::defaultPath()), base + "/dvfo/workspace.db");
        QVERIFY(QFileInfo(base + "/dvfo").isDir());

        const QString home = dir.filePath("home");
        qputenv("XDG_DATA_HOME", "relative/is/ignored");
        qputenv("HOME", home.toUtf8());
        QCOMPARE(QString::fromStdString(ProfileStore::defaultPath()),
                 home + "/.local/share/dvfo/workspace.db");
        QVERIFY(QFileInfo(home + "/.local/share/dvfo").isDir());

        oldXdg.isNull() ? qunsetenv("XDG_DATA_HOME") : qputenv("XDG_DATA_HOME", oldXdg);
        qputenv("HOME", oldHome);
    }

    void migratesEmptyFile() {
        for (const char* name : {"fresh.db", "zero-bytes.db"}) {
            if (std::string(name) == "zero-bytes.db")
                std::ofstream(file(name)).close();
            {
                ProfileStore store(file(name));
                QCOMPARE(store.schemaVersion(), ProfileStore::latestSchemaVersion());
                QVERIFY(ProfileStore::latestSchemaVersion() >= 1);
            }
            RawDb raw(file(name));
            for (const char* table :
                 {"boards", "sessions", "tuples", "layer_measurements", "power_samples"})
                QVERIFY2(raw.scalar(std::string("SELECT count(*) FROM sqlite_master WHERE type = "
                                                "'table' AND name = '") +
                                    table + "'") == 1,
                         table);
            QCOMPARE(raw.scalar("PRAGMA user_version"),
                     int64_t(ProfileStore::latestSchemaVersion()));
            QCOMPARE(raw.scalar("PRAGMA application_id"), int64_t(0x4456464F));
        }
    }

    void reopenIsANoOp() {
        const auto path = file("reopen.db");
        int64_t id = 0;
        {
            ProfileStore store(path);
            id = store.createSession(sampleSession());
            store.addCompletedTuple(id, {1, 2, 3}, makeTuple({1, 2, 3}));
        }
        const auto countObjects = [&] {
            return RawDb(path).scalar("SELECT count(*) FROM sqlite_master");
        };
        const int64_t objects = countObjects();
        for (int i = 0; i < 2; ++i) {
            ProfileStore store(path);
            QCOMPARE(store.schemaVersion(), ProfileStore::latestSchemaVersion());
            QCOMPARE(store.sessions().size(), size_t(1));
            QCOMPARE(store.measurements(id).size(), size_t(kLayers));
            QCOMPARE(store.completedTuples(id), (std::set<FrequencyTuple>{{1, 2, 3}}));
        }
        QCOMPARE(countObjects(), objects);
    }

    void refusesNewerSchema() {
        const auto path = file("newer.db");
        { ProfileStore store(path); }
        const int newer = ProfileStore::latestSchemaVersion() + 1;
        QVERIFY(RawDb(path).exec("PRAGMA user_version = " + std::to_string(newer)));
        const QString err = errorOf([&] { ProfileStore store(path); });
        QVERIFY2(err.contains(
                     QString("workspace schema version %1 is newer than this build supports (%2)")
                         .arg(newer)
                         .arg(ProfileStore::latestSchemaVersion())),
                 qPrintable(err));
        // Refusing must not touch the file.
        QCOMPARE(RawDb(path).scalar("PRAGMA user_version"), int64_t(newer));
    }

    void refusesForeignFiles() {
        const auto garbage = file("garbage.db");
        {
            std::ofstream out(garbage, std::ios::binary);
            for (int i = 0; i < 4096; ++i)
                out.put(char((i * 7919) % 251));
        }
        QString err = errorOf([&] { ProfileStore store(garbage); });
        QVERIFY2(err.contains("is not a DVFO workspace database"), qPrintable(err));
        QVERIFY2(err.contains("garbage.db"), qPrintable(err));

        const auto text = file("notes.txt");
        std::ofstream(text) << "just some notes, definitely not SQLite\n";
        err = errorOf([&] { ProfileStore store(text); });
        QVERIFY2(err.contains("is not a DVFO workspace database"), qPrintable(err));

        const auto other = file("other-app.db");
        QVERIFY(RawDb(other).exec("CREATE TABLE contacts (name TEXT)"));
        err = errorOf([&] { ProfileStore store(other); });
        QVERIFY2(err.contains("is not a DVFO workspace database"), qPrintable(err));
        QCOMPARE(RawDb(other).scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sessions'"),
                 int64_t(0));

        err = errorOf([&] { ProfileStore store(dir.filePath("no/such/dir/x.db").toStdString()); });
        QVERIFY2(err.contains("cannot open workspace database"), qPrintable(err));
    }

    void addAndReadMeasurements() {
        ProfileStore store(file("measure.db"));
        const int64_t id = store.createSession(sampleSession());
        const FrequencyTuple a{1907200, 1109250, 1600000}, b{102000, 114750, 204000};
        auto batchA = makeTuple(a), batchB = makeTuple(b);
        batchB[3].energyMj.erase("VDD_CPU_GPU_CV"); // rails may differ between records
        batchB[4].powerMw.clear();
        store.addMeasurements(id, batchA);
        store.addMeasurements(id, batchB);

        VERIFY_SAME_RECORDS(store.measurements(id, a), batchA);
        VERIFY_SAME_RECORDS(store.measurements(id, b), batchB);
        auto all = batchA;
        all.insert(all.end(), batchB.begin(), batchB.end());
        sortRecords(all);
        VERIFY_SAME_RECORDS(store.measurements(id), all);
        QVERIFY(store.measurements(id, {1, 1, 1}).empty());

        const SessionInfo s = store.session(id);
        QCOMPARE(s.measurementCount, int64_t(2 * kLayers));
        QCOMPARE(s.completedTupleCount, int64_t(0)); // started, not complete
        QCOMPARE(s.name, std::string("resnet18 sweep"));
        QCOMPARE(s.boardId, std::string("xavier-nx"));
        QCOMPARE(s.boardName, std::string("lab-nx-2"));
        QCOMPARE(s.settingsJson, std::string(R"({"repetitions":50,"warmup":5})"));
        QCOMPARE(s.status, SessionStatus::Running);
        QVERIFY(!s.startedAt.empty());
        QVERIFY(s.endedAt.empty());

        const std::vector<PowerSample> samples{
            {0, "VDD_IN", 4321.5}, {0, "VDD_SOC", 1.0 / 3}, {1.25, "VDD_IN", 4400}};
        store.addPowerSamples(id, samples);
        const auto back = store.powerSamples(id);
        QCOMPARE(back.size(), samples.size());
        for (size_t i = 0; i < back.size(); ++i)
            QVERIFY(back[i].tMs == samples[i].tMs && back[i].rail == samples[i].rail &&
                    back[i].mw == samples[i].mw);

        const QString err = errorOf([&] { store.addMeasurements(id + 100, batchA); });
        QVERIFY2(err.contains("no session with id"), qPrintable(err));
        QVERIFY(errorOf([&] { store.measurements(id + 100); }).contains("no session with id"));
        QVERIFY(errorOf([&] {
                    store.createSession([] {
                        SessionInfo s;
                        s.settingsJson = "{not json";
                        return s;
                    }());
                }).contains("not valid JSON"));
    }

    void reingestNeverDuplicates() {
        ProfileStore store(file("reingest.db"));
        const int64_t id = store.createSession(sampleSession());
        const FrequencyTuple t{825600, 510000, 1600000};
        store.addMeasurements(id, makeTuple(t));
        store.addMeasurements(id, makeTuple(t));
        QCOMPARE(store.measurements(id).size(), size_t(kLayers));
        // A re-measured tuple (resume after a crash before markTupleComplete) replaces the old
        // rows.
        const auto remeasured = makeTuple(t, 0.5);
        store.addCompletedTuple(id, t, remeasured);
        VERIFY_SAME_RECORDS(store.measurements(id), remeasured);
        QCOMPARE(RawDb(file("reingest.db")).scalar("SELECT count(*) FROM layer_measurements"),
                 int64_t(kLayers));
        QCOMPARE(RawDb(file("reingest.db")).scalar("SELECT count(*) FROM tuples"), int64_t(1));
    }

    void completedTuples() {
        ProfileStore store(file("complete.db"));
        const int64_t id = store.createSession(sampleSession());
        const int64_t other = store.createSession(sampleSession());
        const FrequencyTuple a{1, 10, 100}, b{2, 20, 200}, c{3, 30, 300};
        QVERIFY(store.completedTuples(id).empty());
        store.addMeasurements(id, makeTuple(a));
        store.markTupleComplete(id, a);
        store.addMeasurements(id, makeTuple(b)); // crashed before markTupleComplete
        QCOMPARE(store.completedTuples(id), (std::set<FrequencyTuple>{a}));
        store.addCompletedTuple(id, c, makeTuple(c));
        store.markTupleComplete(id, a); // idempotent
        QCOMPARE(store.completedTuples(id), (std::set<FrequencyTuple>{a, c}));
        QVERIFY(store.completedTuples(other).empty());
        QCOMPARE(store.session(id).completedTupleCount, int64_t(2));
        QCOMPARE(store.session(id).measurementCount, int64_t(3 * kLayers));

        const QString err = errorOf([&] { store.addCompletedTuple(id, a, makeTuple(b)); });
        QVERIFY2(err.contains("not at the tuple being completed"), qPrintable(err));
    }

    void sessionLifecycle() {
        const auto path = file("lifecycle.db");
        ProfileStore store(path);
        const int64_t keep = store.createSession(sampleSession());
        const int64_t drop = store.createSession(sampleSession());
        for (int64_t id : {keep, drop}) {
            store.addCompletedTuple(id, {1, 2, 3}, makeTuple({1, 2, 3}));
            store.addPowerSamples(id, {{0, "VDD_IN", 1000}});
        }

        store.renameSession(keep, "renamed, with comma");
        QCOMPARE(store.session(keep).name, std::string("renamed, with comma"));
        store.setSessionStatus(keep, SessionStatus::Completed);
        QCOMPARE(store.session(keep).status, SessionStatus::Completed);
        QVERIFY(!store.session(keep).endedAt.empty());
        store.setSessionStatus(keep, SessionStatus::Running); // resumed
        QVERIFY(store.session(keep).endedAt.empty());

        store.deleteSession(drop);
        QVERIFY(errorOf([&] { store.session(drop); }).contains("no session with id"));
        QVERIFY(errorOf([&] { store.deleteSession(drop); }).contains("no session with id"));
        QVERIFY(errorOf([&] { store.renameSession(drop, "x"); }).contains("no session with id"));
        RawDb raw(path);
        for (const char* table : {"tuples", "layer_measurements", "power_samples"}) {
            QCOMPARE(raw.scalar(std::string("SELECT count(*) FROM ") + table +
                                " WHERE session_id = " + std::to_string(drop)),
                     int64_t(0));
            QVERIFY(raw.scalar(std::string("SELECT count(*) FROM ") + table +
                               " WHERE session_id = " + std::to_string(keep)) > 0);
        }
        // Ids are not reused after a delete.
        QVERIFY(store.createSession(sampleSession()) > drop);
        QCOMPARE(store.sessions().size(), size_t(2));
        QCOMPARE(store.sessions().front().id, keep);
        QCOMPARE(store.sessions().front().measurementCount, int64_t(kLayers));
    }

    void boards() {
        ProfileStore store(file("boards.db"));
        StoredBoard b;
        b.name = "lab-nx-2";
        b.hostJson = R"({"host": "10.0.0.7", "user": "nvidia"})";
        b.specJson = R"({"id": "xavier-nx"})";
        const int64_t id = store.saveBoard(b);
        b.hostJson = R"({"host": "10.0.0.8"})";
        QCOMPARE(store.saveBoard(b), id); // same name: update in place
        const auto all = store.boards();
        QCOMPARE(all.size(), size_t(1));
        QCOMPARE(all[0].hostJson, std::string(R"({"host":"10.0.0.8"})"));
        QVERIFY(!all[0].createdAt.empty());
        store.removeBoard("lab-nx-2");
        QVERIFY(store.boards().empty());
        QVERIFY(errorOf([&] { store.removeBoard("lab-nx-2"); }).contains("no board named"));
    }

    void csvRoundTrip() {
        ProfileStore store(file("csv.db"));
        const int64_t id = store.createSession(sampleSession());
        std::vector<LayerRecord> records;
        for (const FrequencyTuple& t :
             {FrequencyTuple{1907200, 1109250, 1600000}, FrequencyTuple{102000, 114750, 204000}}) {
            auto batch = makeTuple(t);
            records.insert(records.end(), batch.begin(), batch.end());
        }
        // Text that needs quoting, doubles that need all 17 digits, sparse rails.
        records[0].layerName = "conv, \"quoted\"\nsecond line";
        records[1].kind = " leading and trailing ";
        records[2].kind = "";
        records[3].layerName = "Ω-block";
        records[4].latency = {0.1, 1e-300, 1e-310, 0};
        records[5].totalEnergyMj = 123456789.12345679;
        records[6].energyMj = {{"VDD,ODD", 2.0 / 3}};
        records[7].powerMw.clear();
        records[8].energyMj.clear();
        store.addMeasurements(id, records);

        std::stringstream csv;
        store.exportCsv(id, csv);
        const std::string text = csv.str();
        // Rails sorted by name (byte order), so the columns do not move between exports.
        QVERIFY2(
            text.rfind(
                "session,board,model,cpu_khz,gpu_khz,emc_khz,layer_index,layer_name,kind,median_ms,"
                "p10_ms,p90_ms,n,total_energy_mj,emulated,\"energy_mj:VDD,ODD\",energy_mj:VDD_CPU_"
                "GPU_CV,"
                "energy_mj:VDD_IN,power_mw:VDD_CPU_GPU_CV,power_mw:VDD_IN\n",
                0) == 0,
            text.substr(0, text.find('\n')).c_str());

        SessionInfo into;
        into.name = "imported";
        const int64_t copy = store.importCsv(csv, into);
        QVERIFY(copy != id);
        sortRecords(records);
        VERIFY_SAME_RECORDS(store.measurements(copy), records);
        const SessionInfo s = store.session(copy);
        QCOMPARE(s.name, std::string("imported"));
        QCOMPARE(s.boardId, std::string("xavier-nx")); // taken from the file
        QCOMPARE(s.model, std::string("resnet18"));
        QCOMPARE(s.status, SessionStatus::Completed);
        QVERIFY(s.emulated);
        QCOMPARE(store.completedTuples(copy).size(), size_t(2));

        // And the re-export is byte-identical apart from the session id column.
        std::stringstream again;
        store.exportCsv(copy, again);
        std::string expected = text;
        for (size_t pos = 0;
             (pos = expected.find("\n" + std::to_string(id) + ",", pos)) != std::string::npos;)
            expected.replace(pos + 1, std::to_string(id).size(), std::to_string(copy));
        QCOMPARE(again.str(), expected);
    }

    void jsonRoundTrip() {
        ProfileStore store(file("json.db"));
        SessionInfo info = sampleSession();
        info.emulated = true;
        const int64_t id = store.createSession(info);
        const FrequencyTuple a{1907200, 1109250, 1600000}, b{102000, 114750, 204000};
        store.addCompletedTuple(id, a, makeTuple(a));
        auto partial = makeTuple(b);
        partial[0].layerName = "needs \"escaping\"\t";
        store.addMeasurements(id, partial);
        store.addPowerSamples(id, {{0.5, "VDD_IN", 1.0 / 3}, {1.5, "VDD_SOC", 777}});
        store.setSessionStatus(id, SessionStatus::Failed);

        std::stringstream json;
        store.exportJson(id, json);
        const int64_t copy = store.importJson(json);

        const SessionInfo s0 = store.session(id), s1 = store.session(copy);
        QVERIFY(copy != id);
        QCOMPARE(s1.name, s0.name);
        QCOMPARE(s1.boardId, s0.boardId);
        QCOMPARE(s1.boardName, s0.boardName);
        QCOMPARE(s1.model, s0.model);
        QCOMPARE(s1.agentVersion, s0.agentVersion);
        QCOMPARE(s1.emulated, s0.emulated);
        QCOMPARE(s1.settingsJson, s0.settingsJson);
        QCOMPARE(s1.startedAt, s0.startedAt);
        QCOMPARE(s1.endedAt, s0.endedAt);
        QCOMPARE(s1.status, SessionStatus::Failed);
        QCOMPARE(s1.completedTupleCount, s0.completedTupleCount);
        QCOMPARE(s1.measurementCount, s0.measurementCount);
        QCOMPARE(store.completedTuples(copy), (std::set<FrequencyTuple>{a}));
        VERIFY_SAME_RECORDS(store.measurements(copy), store.measurements(id));
        const auto p0 = store.powerSamples(id), p1 = store.powerSamples(copy);
        QCOMPARE(p1.size(), p0.size());
        for (size_t i = 0; i < p0.size(); ++i)
            QVERIFY(p1[i].tMs == p0[i].tMs && p1[i].rail == p0[i].rail && p1[i].mw == p0[i].mw);

        std::stringstream notOurs("{\"hello\": 1}");
        QVERIFY(errorOf([&] { store.importJson(notOurs); }).contains("not a DVFO session export"));
        std::stringstream broken(
            "{\"format\": \"dvfo-session\", \"session\": {}, \"records\": [{\"tuple\": \"1/2\"}]}");
        QVERIFY(errorOf([&] { store.importJson(broken); }).contains("record 0"));
    }

    void boardConditionsAndPerTupleThrottlingSurviveTheStoreAndTheJsonExport() {
        const std::string path = file("conditions.db");
        ProfileStore store(path);
        SessionInfo info = sampleSession();
        BoardConditions bc;
        bc.boardModel = "NVIDIA Jetson Orin Nano Developer Kit";
        bc.l4tRelease = "R36.3.0";
        bc.nvpmodelId = 0;
        bc.nvpmodelName = "15W";
        bc.nvpmodelSource = "/var/lib/nvpmodel/status";
        bc.thermalZones = {{"cpu-thermal", 41.5}, {"gpu-thermal", 40.25}};
        nlohmann::json conditions = bc.toJson();
        conditions["boardId"] = "orin-nano";
        info.conditionsJson = conditions.dump();
        const int64_t id = store.createSession(info);
        // The profile's start event says where the layers run after the session exists.
        store.updateSessionConditions(
            id, {{"executionDevice", "cpu"},
                 {"warning", "GPU clocks swept while layers run on the CPU"}});

        const FrequencyTuple cool{1190400, 510000, 2133000}, hot{1510400, 624750, 2133000};
        const auto coolC =
            TupleConditions::observe(cool, cool, {{"cpu-thermal", 48.0}, {"gpu-thermal", 47.0}});
        // The thermal governor capped the GPU: it reads back 510 MHz instead of 624.75.
        const auto hotC = TupleConditions::observe(hot, {1510400, 510000, 2133000},
                                                   {{"cpu-thermal", 71.5}, {"gpu-thermal", 73.25}});
        QVERIFY(!coolC.throttled);
        QVERIFY(hotC.throttled);
        store.addCompletedTuple(id, cool, makeTuple(cool), coolC);
        store.addCompletedTuple(id, hot, makeTuple(hot), hotC);
        const FrequencyTuple older{729600, 306000, 665600}; // as an agent without conditions
        store.addCompletedTuple(id, older, makeTuple(older));
        QVERIFY(errorOf([&] {
                    store.addCompletedTuple(id, older, makeTuple(older), coolC);
                }).contains("not of the tuple being completed"));

        const SessionInfo s = store.session(id);
        const auto stored = nlohmann::json::parse(s.conditionsJson);
        QCOMPARE(stored.value("boardModel", ""), bc.boardModel);
        QCOMPARE(stored.value("l4tRelease", ""), std::string("R36.3.0"));
        QCOMPARE(stored["nvpmodel"].value("name", ""), std::string("15W"));
        QCOMPARE(stored.value("boardId", ""), std::string("orin-nano"));
        QCOMPARE(stored.value("executionDevice", ""), std::string("cpu"));
        QVERIFY(stored.contains("warning"));
        QCOMPARE(BoardConditions::fromJson(stored).thermalZones, bc.thermalZones);
        QCOMPARE(s.observedTupleCount, int64_t(2));
        QCOMPARE(s.throttledTupleCount, int64_t(1));
        QCOMPARE(s.maxTempC, 73.25);
        QCOMPARE(store.sessions().back().throttledTupleCount, int64_t(1));

        const auto perTuple = store.tupleConditions(id);
        QCOMPARE(perTuple.size(), size_t(2)); // the older tuple has none
        QCOMPARE(perTuple.at(hot).inForce, (FrequencyTuple{1510400, 510000, 2133000}));
        QCOMPARE(perTuple.at(hot).throttledDomains, std::vector<std::string>{"gpu"});
        QCOMPARE(perTuple.at(hot).thermalZones, hotC.thermalZones);
        QVERIFY(!perTuple.at(cool).throttled);
        QCOMPARE(RawDb(path).scalar("SELECT throttled FROM tuples WHERE gpu_khz = 624750"),
                 int64_t(1));
        QCOMPARE(RawDb(path).scalar("SELECT throttled IS NULL FROM tuples WHERE gpu_khz = 306000"),
                 int64_t(1));

        std::stringstream json;
        store.exportJson(id, json);
        const int64_t copy = store.importJson(json);
        const SessionInfo c = store.session(copy);
        QCOMPARE(nlohmann::json::parse(c.conditionsJson), stored);
        QCOMPARE(c.throttledTupleCount, int64_t(1));
        QCOMPARE(c.maxTempC, 73.25);
        const auto copied = store.tupleConditions(copy);
        QCOMPARE(copied.size(), perTuple.size());
        for (const auto& [t, tc] : perTuple)
            QCOMPARE(copied.at(t).toJson(), tc.toJson());
    }

    void aSchemaVersion2WorkspaceMigratesKeepingItsSessions() {
        // A version-2 workspace: the current schema without what version 3 added.
        const std::string path = file("v2.db");
        { ProfileStore create(path); }
        {
            RawDb raw(path);
            QVERIFY(raw.exec("ALTER TABLE sessions DROP COLUMN conditions_json"));
            QVERIFY(raw.exec("ALTER TABLE tuples DROP COLUMN max_temp_c"));
            QVERIFY(raw.exec("ALTER TABLE tuples DROP COLUMN throttled"));
            QVERIFY(raw.exec("ALTER TABLE tuples DROP COLUMN conditions_json"));
            QVERIFY(raw.exec("DROP TABLE share_measurements")); // version 4
            QVERIFY(raw.exec("PRAGMA user_version = 2"));
            QVERIFY(
                raw.exec("INSERT INTO sessions (name, board, board_spec_id, model, started_at, "
                         "status) VALUES "
                         "('old sweep', 'nx', 'xavier-nx', 'resnet18', '2026-01-01T00:00:00.000Z', "
                         "'completed')"));
            QVERIFY(raw.exec(
                "INSERT INTO tuples (session_id, cpu_khz, gpu_khz, emc_khz, completed) VALUES "
                "(1, 1190400, 599250, 1600000, 1)"));
            QCOMPARE(
                raw.scalar(
                    "SELECT count(*) FROM pragma_table_info('tuples') WHERE name = 'throttled'"),
                int64_t(0));
        }
        ProfileStore store(path);
        QVERIFY(ProfileStore::latestSchemaVersion() >= 3); // later steps add share measurements
        QCOMPARE(store.schemaVersion(), ProfileStore::latestSchemaVersion());
        const SessionInfo old = store.session(1);
        QCOMPARE(old.name, std::string("old sweep"));
        QCOMPARE(old.conditionsJson, std::string("{}"));
        QCOMPARE(old.completedTupleCount, int64_t(1));
        QCOMPARE(old.observedTupleCount, int64_t(0));
        QCOMPARE(old.throttledTupleCount, int64_t(0));
        QVERIFY(std::isnan(old.maxTempC));
        QVERIFY(store.tupleConditions(1).empty());
        // The old session takes conditions like a new one.
        const FrequencyTuple t{1190400, 599250, 1600000};
        store.setTupleConditions(
            1, TupleConditions::observe(t, {1113600, 599250, 1600000}, {{"CPU-therm", 88.5}}));
        QCOMPARE(store.session(1).throttledTupleCount, int64_t(1));
        QCOMPARE(store.session(1).maxTempC, 88.5);
        QCOMPARE(store.completedTuples(1), (std::set<FrequencyTuple>{t}));
    }

    void malformedCsvIsRejected_data() {
        QTest::addColumn<QString>("csv");
        QTest::addColumn<QString>("message");
        const QString head =
            "session,board,model,cpu_khz,gpu_khz,emc_khz,layer_index,layer_name,kind,median_ms,"
            "p10_ms,p90_ms,n,total_energy_mj,emulated,energy_mj:VDD_IN\n";
        const QString good = "1,nano,resnet,1,2,3,0,conv1,Conv2d,1.5,1.4,1.6,10,2.5,0,2.5\n";
        QTest::newRow("bad number")
            << head + good + "1,nano,resnet,1,2,3,1,conv2,Conv2d,abc,1,1,1,1,0,1\n"
            << "CSV line 3: column median_ms: 'abc' is not a number";
        QTest::newRow("field count") << head + good + good + "1,nano,resnet,1,2,3,1,conv2\n"
                                     << "CSV line 4: expected 16 fields, found 8";
        QTest::newRow("bad rail value")
            << head + good + "1,nano,resnet,1,2,3,1,conv2,Conv2d,1,1,1,1,1,0,12mJ\n"
            << "CSV line 3: column energy_mj:VDD_IN: '12mJ' is not a number";
        QTest::newRow("bad tuple") << head + "1,nano,resnet,1.5,2,3,0,conv1,Conv2d,1,1,1,1,1,0,1\n"
                                   << "CSV line 2: column cpu_khz: '1.5' is not an integer";
        QTest::newRow("bad flag") << head + "1,nano,resnet,1,2,3,0,conv1,Conv2d,1,1,1,1,1,maybe,1\n"
                                  << "CSV line 2: column emulated";
        QTest::newRow("quoted newline counts")
            << head + "1,nano,resnet,1,2,3,0,\"two\nlines\",Conv2d,1,1,1,1,1,0,1\n" +
                   "1,nano,resnet,1,2,3,1,x,Conv2d,1,1,1,1,1,0\n"
            << "CSV line 4: expected 16 fields, found 15";
        QTest::newRow("unterminated quote")
            << head + good + "1,nano,resnet,1,2,3,1,\"conv2,Conv2d,1,1,1,1,1,0,1\n"
            << "CSV line 3: unterminated quoted field";
        QTest::newRow("stray quote")
            << head + "1,nano,resnet,1,2,3,0,conv\"1,Conv2d,1,1,1,1,1,0,1\n"
            << "CSV line 2: quote inside an unquoted field";
        QTest::newRow("unknown column")
            << "session,cpu_khz,gpu_khz,emc_khz,layer_index,layer_name,median_ms,colour\n"
            << "CSV line 1: unknown column 'colour'";
        QTest::newRow("missing column")
            << "session,cpu_khz,gpu_khz,emc_khz,layer_index,layer_name\n"
            << "CSV line 1: missing column median_ms";
        QTest::newRow("empty") << ""
                               << "CSV is empty";
    }

    void malformedCsvIsRejected() {
        QFETCH(QString, csv);
        QFETCH(QString, message);
        ProfileStore store(file("malformed.db"));
        const size_t before = store.sessions().size();
        std::stringstream in(csv.toStdString());
        const QString err = errorOf([&] { store.importCsv(in, SessionInfo{}); });
        QVERIFY2(err.startsWith(message), qPrintable(err));
        QCOMPARE(store.sessions().size(), before); // all or nothing
    }

    // The profiler may be SIGKILLed mid-sweep. A child process plays the profiler (one transaction
    // per tuple, then markTupleComplete) and reports each completed tuple through a pipe; the test
    // kills it and checks, three times, that what was reported survived, that no tuple is half
    // written and nothing is duplicated; then a resume finishes the sweep.
    // A workspace being created by one connection (the CLI) while another opens it (the studio
    // polling): the opener must never take the half-seen new workspace for a foreign database.
    void openingWhileAnotherConnectionCreatesIt() {
        std::atomic<int> foreign{0};
        std::string firstError;
        for (int i = 0; i < 150 && foreign == 0; ++i) {
            const std::string path = dir.filePath(QString("race-%1.db").arg(i)).toStdString();
            std::atomic<bool> go{false};
            auto open = [&] {
                while (!go) {
                }
                for (int attempt = 0; attempt < 3; ++attempt) {
                    try {
                        ProfileStore store(path);
                        return;
                    } catch (const ProfileStoreError& e) {
                        if (std::string(e.what()).find("not a DVFO workspace") !=
                            std::string::npos) {
                            if (foreign++ == 0)
                                firstError = e.what();
                            return;
                        }
                        // "database is locked" beyond the busy timeout: try again
                    }
                }
            };
            std::thread creator(open), opener(open);
            go = true;
            creator.join();
            opener.join();
        }
        QVERIFY2(foreign == 0, firstError.c_str());
    }

    void survivesSigkillAndResumes() {
        const auto path = file("crash.db");
        const auto tuples = sweepTuples();
        int64_t id = 0;
        {
            ProfileStore store(path);
            id = store.createSession(sampleSession());
        }

        auto resume = [&](ProfileStore& store, bool combined, int progressFd) {
            const auto done = store.completedTuples(id);
            for (const auto& t : tuples) {
                if (done.count(t))
                    continue;
                if (combined) {
                    store.addCompletedTuple(id, t, makeTuple(t));
                } else {
                    store.addMeasurements(id, makeTuple(t));
                    store.markTupleComplete(id, t);
                }
                if (progressFd >= 0 && write(progressFd, "+", 1) != 1)
                    _exit(3);
            }
        };

        size_t reported = 0;
        for (int round = 0; round < 3; ++round) {
            int fds[2];
            QVERIFY(pipe(fds) == 0);
            const pid_t pid = fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                // Child: no QTest here, only the store, and _exit() so no parent state is flushed.
                close(fds[0]);
                try {
                    ProfileStore store(path);
                    resume(store, round == 1, fds[1]);
                } catch (const std::exception& e) {
                    fprintf(stderr, "child: %s\n", e.what());
                    _exit(2);
                }
                pause(); // finished everything (unexpected): wait for the kill like a hung profiler
                _exit(0);
            }
            close(fds[1]);
            // Let it complete a few tuples, then kill it at once: it is most likely
            // mid-transaction.
            size_t got = 0;
            char c;
            while (got < 8 && read(fds[0], &c, 1) == 1)
                ++got;
            kill(pid, SIGKILL);
            int status = 0;
            QCOMPARE(waitpid(pid, &status, 0), pid);
            // What it reported before the kill, and what is still in the pipe, was committed.
            while (read(fds[0], &c, 1) == 1)
                ++got;
            close(fds[0]);
            QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                     "the child died before it was killed");

            ProfileStore store(path);
            const auto completed = store.completedTuples(id);
            // Every reported tuple survived; one more may have committed just before its report.
            QVERIFY(completed.size() >= reported + got);
            QVERIFY(completed.size() <= reported + got + 1);
            reported = completed.size();
            std::map<FrequencyTuple, std::vector<LayerRecord>> byTuple;
            for (const auto& r : store.measurements(id))
                byTuple[r.tuple].push_back(r);
            for (const auto& t : completed)
                QVERIFY2(byTuple.count(t), t.toString().c_str());
            for (const auto& [t, layers] : byTuple) {
                // A batch is atomic: a tuple is absent or has every layer exactly once, intact.
                VERIFY_SAME_RECORDS(layers, makeTuple(t));
            }
            QVERIFY(byTuple.size() >= completed.size());
            QVERIFY(byTuple.size() <=
                    completed.size() + 1); // at most the one between the two calls
            QVERIFY(completed.size() < tuples.size());
        }

        ProfileStore store(path);
        resume(store, false, -1);
        QCOMPARE(store.completedTuples(id).size(), tuples.size());
        std::vector<LayerRecord> expected;
        for (const auto& t : tuples) {
            auto batch = makeTuple(t);
            expected.insert(expected.end(), batch.begin(), batch.end());
        }
        sortRecords(expected);
        VERIFY_SAME_RECORDS(store.measurements(id), expected);
        QCOMPARE(RawDb(path).scalar("SELECT count(*) FROM layer_measurements"),
                 int64_t(expected.size()));
        QCOMPARE(store.session(id).measurementCount, int64_t(expected.size()));
    }
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"
