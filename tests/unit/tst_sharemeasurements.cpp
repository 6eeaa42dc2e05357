// What the environment charges per share comes from measurement (issue 12): the profiler's share
// sweep measures, at every tuple, the first tail unit on the kept maps of each share and the bytes
// a real compression of the offloaded maps puts on the wire; the workspace stores them (schema
// version 4, a version-3 file migrates keeping its sessions), exports and imports them; the
// environment charges them, and a profile without them falls back to the roofline ratio and says
// so.
#include "core/workspace/profiletablefromstore.h"
#include "core/board/boardspec.h"
#include "core/rl/dvfoenvironment.h"
#include "core/emulation/emulationmodel.h"
#include "core/dnn/offloadmodel.h"
#include "core/workspace/profilestore.h"
#include "core/profile/profiletable.h"
#include "core/profile/sharerecord.h"
#include "core/dnn/splitmodel.h"
#include "remote/edge/emulatedboard.h"
#include "remote/edge/layerprofiler.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <sstream>

using namespace dvfo;

namespace {

const char* const kModel = "small_cnn";

// The emulated Xavier NX with a fixed host calibration (no LibTorch micro-benchmark).
std::unique_ptr<EmulatedBoard> emulatedNx() {
    HostCalibration host;
    host.flopsPerSecond = 2e10;
    host.bytesPerSecond = 1e10;
    host.dispatchSecondsPerOp = 5e-6;
    return std::make_unique<EmulatedBoard>(BoardSpec::builtin("xavier-nx"), host);
}

struct Sweep {
    std::vector<LayerRecord> layers;
    std::vector<ShareRecord> shares;
    std::vector<std::string> order; // "layer N" / "share K" as streamed
};

// Two tuples (a 2x1x1 grid), with the share sweep after the default split, as `dvfo profile` asks.
Sweep profileTwoTuples(EmulatedBoard& board) {
    std::mutex halMutex;
    LayerProfiler profiler(board, halMutex);
    const BoardSpec& spec = board.spec();
    ProfileRequest request;
    request.model = kModel;
    request.shareSplit = OffloadModel::defaultSplitLayer(kModel);
    request.tuples = {{spec.cpu.frequenciesKhz.front(), spec.gpu.frequenciesKhz.back(),
                       spec.emc.frequenciesKhz.back()},
                      spec.maxTuple()};
    Sweep sweep;
    std::atomic<bool> cancel{false};
    const bool finished = profiler.run(
        request, cancel,
        [](const std::vector<LayerInfo>&, const ExecutionDevice&, const std::string&) {},
        [](size_t, const FrequencyTuple&) {},
        [&](const LayerRecord& r) {
            sweep.layers.push_back(r);
            sweep.order.push_back("layer " + std::to_string(r.layerIndex));
        },
        [&](const ShareRecord& s) {
            sweep.shares.push_back(s);
            sweep.order.push_back("share " + std::to_string(s.shareIndex));
        });
    if (!finished)
        throw std::runtime_error("the sweep was cancelled");
    return sweep;
}

SessionInfo nxSession() {
    SessionInfo s;
    s.name = "small_cnn with shares";
    s.boardId = "xavier-nx";
    s.boardName = "emulated:xavier-nx";
    s.model = kModel;
    s.emulated = true;
    return s;
}

// Stores the sweep tuple by tuple, as `dvfo profile` does.
int64_t storeSweep(ProfileStore& store, const Sweep& sweep, bool withShares) {
    const int64_t id = store.createSession(nxSession());
    std::map<FrequencyTuple, std::vector<LayerRecord>> byTuple;
    for (const LayerRecord& r : sweep.layers)
        byTuple[r.tuple].push_back(r);
    for (const auto& [tuple, records] : byTuple) {
        std::vector<ShareRecord> shares;
        for (const ShareRecord& s : sweep.shares)
            if (s.unit.tuple == tuple)
                shares.push_back(s);
        if (withShares)
            store.addShareMeasurements(id, shares);
        store.addCompletedTuple(id, tuple, records);
    }
    store.setSessionStatus(id, SessionStatus::Completed);
    return id;
}

DvfoEnvironment environmentOf(ProfileTable table) {
    DvfoEnvironmentConfig config;
    config.energy = EnergyAccounting::Inference; // the stored energies as they are
    return DvfoEnvironment(std::move(table), OffloadModel::forZooModel(kModel, {}), config);
}

int levelOf(const std::vector<int64_t>& table, int64_t khz) {
    return int(std::find(table.begin(), table.end(), khz) - table.begin());
}

FactoredAction actionAt(const BoardSpec& spec, const FrequencyTuple& t, int share) {
    return {levelOf(spec.cpu.frequenciesKhz, t.cpuKhz), levelOf(spec.gpu.frequenciesKhz, t.gpuKhz),
            levelOf(spec.emc.frequenciesKhz, t.emcKhz), share};
}

bool close(double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

struct RawDb {
    sqlite3* db = nullptr;
    explicit RawDb(const std::string& path) { sqlite3_open(path.c_str(), &db); }
    ~RawDb() { sqlite3_close(db); }
    bool exec(const std::string& sql) {
        return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    }
};

} // namespace

class TestShareMeasurements : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    std::unique_ptr<EmulatedBoard> board;
    Sweep sweep;

    std::string file(const char* name) const { return dir.filePath(name).toStdString(); }

private slots:
    void initTestCase() {
        QVERIFY(dir.isValid());
        board = emulatedNx();
        sweep = profileTwoTuples(*board);
    }

    void theSweepMeasuresEveryShareAtEveryTupleRightAfterTheFirstTailUnit() {
        const auto model = DnnModel::create(kModel);
        const OffloadModel offload = OffloadModel::forZooModel(kModel, {});
        const int first = offload.splitIndex() + 1;
        const int layers = int(model->layers().size());
        QCOMPARE(sweep.layers.size(), size_t(2 * layers));
        QCOMPARE(sweep.shares.size(), size_t(2 * LayerProfiler::kShareRecords));
        // Per tuple: the layers up to the first tail unit, its 10 shares, the rest.
        for (int tuple = 0; tuple < 2; ++tuple) {
            const size_t base = size_t(tuple) * size_t(layers + LayerProfiler::kShareRecords);
            QCOMPARE(sweep.order[base + size_t(first)], "layer " + std::to_string(first));
            for (int k = 1; k <= LayerProfiler::kShareRecords; ++k)
                QCOMPARE(sweep.order[base + size_t(first + k)], "share " + std::to_string(k));
            QCOMPARE(sweep.order[base + size_t(first + 11)], "layer " + std::to_string(first + 1));
        }
        const EmulationModel emulation(board->spec());
        const FeatureShape shape = offload.featureShape();
        for (const ShareRecord& s : sweep.shares) {
            const QByteArray what = QByteArray::fromStdString(s.toJson().dump());
            QCOMPARE(s.splitLayer, offload.splitLayer());
            QCOMPARE(s.unit.layerName, offload.firstTailUnit().name);
            QCOMPARE(s.unit.layerIndex, first);
            QCOMPARE(s.channels, int(shape.channels));
            QCOMPARE(s.keptChannels,
                     int(shape.channels) - offload.share(s.shareIndex).offloadedChannels);
            // A real compression of the offloaded maps: int8 maps, a scale and an index each.
            QCOMPARE(s.wireBytes,
                     double((shape.channels - s.keptChannels) * (shape.mapSize() + 8)));
            if (s.shareIndex == 10) {
                QCOMPARE(s.keptChannels, 0);
                QCOMPARE(s.unit.latency.medianMs, 0.0);
                QCOMPARE(s.unit.totalEnergyMj, 0.0);
                continue;
            }
            // The emulated board prices the unit as it ran: cut to the kept maps.
            const LayerInfo kept = offload.firstTailUnitOnKept(s.shareIndex);
            QVERIFY2(close(s.unit.latency.medianMs,
                           emulation.unitTiming(kept, s.unit.tuple).totalS * 1e3),
                     what.constData());
            // Energy through the emulated INA3221 over the unit's own window.
            QVERIFY2(s.unit.windowMs >= 20 - 1e-6 && s.unit.powerSamples >= 20, what.constData());
            const double modelMj = emulation.unitEnergyMj(kept, s.unit.tuple);
            QVERIFY2(std::abs(s.unit.totalEnergyMj - modelMj) < 0.05 * modelMj, what.constData());
        }
        // Fewer kept maps, a cheaper first unit (it has a cut form in small_cnn).
        QVERIFY(offload.firstTailUnitSliceable() > 0);
        QVERIFY(sweep.shares[8].unit.latency.medianMs < sweep.shares[0].unit.latency.medianMs);
    }

    void theEnvironmentChargesTheStoredShareMeasurements() {
        // A board whose cut unit runs 30 % slower than its roofline says and whose maps
        // compress to other sizes: the charge must follow the measurement, not the model.
        Sweep board = sweep;
        for (ShareRecord& s : board.shares) {
            s.unit.latency.medianMs *= 1.3;
            s.unit.totalEnergyMj *= 1.2;
            s.wireBytes += 100 * s.shareIndex;
        }
        const std::string path = file("shares.db");
        int64_t id = 0;
        {
            ProfileStore store(path);
            id = storeSweep(store, board, true);
        }
        const ProfileStore store(path); // read back from the file
        const std::vector<ShareRecord> stored = store.shareMeasurements(id);
        QCOMPARE(stored.size(), board.shares.size());
        const DvfoEnvironment env = environmentOf(profileTableFromStore(store, id));
        QVERIFY2(env.edgeTailMeasured(), env.edgeTailSource().c_str());
        const BoardSpec& spec = env.profile().board();
        const int split = env.offload().splitIndex() + 1;
        const int layers = env.profile().layerCount();
        for (const ShareRecord& s : stored) {
            const FactoredAction a = actionAt(spec, s.unit.tuple, s.shareIndex);
            QCOMPARE(env.wireBytes(s.shareIndex), s.wireBytes);
            const LayerCost charged = env.edgeTailCharge(a);
            if (s.shareIndex == 10) {
                QCOMPARE(charged.latencyMs, 0.0);
                continue;
            }
            // tail - first + the first unit as measured on the kept maps, from the stored layers.
            double tailMs = 0, tailMj = 0;
            for (const LayerRecord& r : store.measurements(id, s.unit.tuple))
                if (r.layerIndex > split) {
                    tailMs += r.latency.medianMs;
                    tailMj += r.totalEnergyMj;
                }
            QVERIFY(layers > split + 1);
            QVERIFY2(close(charged.latencyMs, tailMs + s.unit.latency.medianMs),
                     qPrintable(QString("share %1: charged %2 ms, measured %3 ms")
                                    .arg(s.shareIndex)
                                    .arg(charged.latencyMs)
                                    .arg(tailMs + s.unit.latency.medianMs)));
            QVERIFY(close(charged.energyMj, tailMj + s.unit.totalEnergyMj));
        }
        // The policy's constant for a full offload is the measured bytes too.
        QCOMPARE(env.modelConstants().fullOffloadBytes, stored.back().wireBytes);
    }

    void aProfileWithoutShareMeasurementsFallsBackToTheRooflineRatioAndSaysSo() {
        const std::string path = file("old-agent.db");
        ProfileStore store(path);
        const int64_t id = storeSweep(store, sweep, false);
        const ProfileTable table = profileTableFromStore(store, id);
        QVERIFY(!table.hasShareMeasurements());
        const DvfoEnvironment env = environmentOf(table);
        QVERIFY(!env.edgeTailMeasured());
        QVERIFY2(env.edgeTailSource().find("roofline ratio") == 0 &&
                     env.edgeTailSource().find("no share measurements") != std::string::npos,
                 env.edgeTailSource().c_str());
        // The roofline ratio: tail - first * (1 - r) with r from the emulation model.
        const EmulationModel roofline(table.board());
        const FrequencyTuple t = sweep.layers.front().tuple;
        const int first = env.offload().splitIndex() + 1;
        const LayerCost tail = table.range(t, first, table.layerCount());
        const LayerCost unit = table.range(t, first, first + 1);
        const int k = 5;
        const double r = roofline.unitTiming(env.offload().firstTailUnitOnKept(k), t).totalS /
                         roofline.unitTiming(env.offload().firstTailUnit(), t).totalS;
        const LayerCost charged = env.edgeTailCharge(actionAt(table.board(), t, k));
        QVERIFY(close(charged.latencyMs, tail.latencyMs - unit.latencyMs * (1 - r)));
        QCOMPARE(env.wireBytes(k), env.offload().share(k).wireBytes);
    }

    void aTupleMissingItsSharesFallsBackNamingTheTuple() {
        const std::string path = file("partial.db");
        ProfileStore store(path);
        Sweep partial = sweep;
        const FrequencyTuple dropped = partial.shares.back().unit.tuple;
        partial.shares.erase(std::remove_if(partial.shares.begin(), partial.shares.end(),
                                            [&](const ShareRecord& s) {
                                                return s.unit.tuple == dropped && s.shareIndex == 3;
                                            }),
                             partial.shares.end());
        const int64_t id = storeSweep(store, partial, true);
        const DvfoEnvironment env = environmentOf(profileTableFromStore(store, id));
        QVERIFY(!env.edgeTailMeasured());
        QVERIFY2(env.edgeTailSource().find(dropped.toString()) != std::string::npos &&
                     env.edgeTailSource().find("9 of 10") != std::string::npos,
                 env.edgeTailSource().c_str());
    }

    void aSchemaVersion3WorkspaceMigratesKeepingItsSessions() {
        const std::string path = file("v3.db");
        int64_t id = 0;
        {
            ProfileStore store(path);
            id = storeSweep(store, sweep, false);
        }
        {
            // A version-3 workspace: the current schema without the share measurements.
            RawDb raw(path);
            QVERIFY(raw.exec("DROP TABLE share_measurements"));
            QVERIFY(raw.exec("PRAGMA user_version = 3"));
        }
        ProfileStore store(path);
        QVERIFY(store.schemaVersion() >= 4);
        QCOMPARE(store.session(id).name, nxSession().name);
        QCOMPARE(store.measurements(id).size(), sweep.layers.size());
        QVERIFY(store.shareMeasurements(id).empty());
        QVERIFY(!profileTableFromStore(store, id).hasShareMeasurements());
        // The old session takes share measurements like a new one.
        store.addShareMeasurements(id, sweep.shares);
        QCOMPARE(store.shareMeasurements(id).size(), sweep.shares.size());
        QVERIFY(profileTableFromStore(store, id).hasShareMeasurements());
    }

    void exportAndImportKeepTheShareMeasurements() {
        ProfileStore store(file("exchange.db"));
        const int64_t id = storeSweep(store, sweep, true);
        std::stringstream json;
        store.exportJson(id, json);
        const int64_t copy = store.importJson(json);
        const auto a = store.shareMeasurements(id), b = store.shareMeasurements(copy);
        QCOMPARE(b.size(), a.size());
        for (size_t i = 0; i < a.size(); ++i)
            QCOMPARE(b[i].toJson(), a[i].toJson());
        // An export from before the share sweep imports with none.
        nlohmann::json old = nlohmann::json::parse(json.str());
        old.erase("shareRecords");
        std::stringstream oldJson(old.dump());
        QVERIFY(store.shareMeasurements(store.importJson(oldJson)).empty());
    }

    void aMalformedShareRecordIsRefusedNamingWhatIsWrong() {
        nlohmann::json j = sweep.shares.front().toJson();
        j["share"] = 11;
        try {
            (void)ShareRecord::fromJson(j);
            QFAIL("share index 11 was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("share index 11") != std::string::npos, e.what());
        }
        ProfileStore store(file("bad.db"));
        const int64_t id = store.createSession(nxSession());
        ShareRecord bad = sweep.shares.front();
        bad.shareIndex = 0;
        QVERIFY_EXCEPTION_THROWN(store.addShareMeasurements(id, {bad}), ProfileStoreError);
    }
};

QTEST_GUILESS_MAIN(TestShareMeasurements)
#include "tst_sharemeasurements.moc"
