// SweepDriver, the sweep shared by `dvfo profile` and the Profile view, fed a scripted agent event
// stream (the events dvfo-edge sends: start, tuple, conditions, share, layer) against a real
// SQLite workspace in a temporary directory: what it stores, when, and what it plans next.
#include "core/board/boardspec.h"
#include "core/board/clockswitchtimes.h"
#include "core/workspace/profilestore.h"
#include "core/workflow/sweepdriver.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace dvfo;

namespace {
const BoardSpec kNx = BoardSpec::builtin("xavier-nx");
const char* kUnits[] = {"conv", "pool", "fc"};
constexpr int kUnitCount = 3;

nlohmann::json probe() {
    return {{"spec", kNx.toJson()}, {"version", "scripted"}, {"emulated", true}};
}

// The i-th tuple down the CPU table at the highest GPU and EMC clocks.
FrequencyTuple tupleAt(size_t i) {
    return {kNx.cpu.frequenciesKhz[kNx.cpu.frequenciesKhz.size() - 1 - i],
            kNx.gpu.frequenciesKhz.back(), kNx.emc.frequenciesKhz.back()};
}

std::string listPlan(size_t n) {
    std::string plan = "list:";
    for (size_t i = 0; i < n; ++i)
        plan += (i ? "," : "") + tupleAt(i).toString();
    return plan;
}

// A unit's record whose latency and energy grow as the CPU clock falls.
LayerRecord layer(const FrequencyTuple& t, int index) {
    LayerRecord r;
    r.tuple = t;
    r.layerIndex = index;
    r.layerName = kUnits[index];
    r.kind = index == 2 ? "classifier" : "conv";
    const double ms = (1.0 + index) * 1e6 / double(t.cpuKhz);
    r.latency = {ms, ms * 0.9, ms * 1.1, 3};
    r.totalEnergyMj = ms * 2.0;
    r.energyMj = {{"VDD_IN", r.totalEnergyMj}};
    r.powerMw = {{"VDD_IN", 2000.0}};
    r.emulated = true;
    return r;
}

nlohmann::json startEvent() {
    nlohmann::json units = nlohmann::json::array();
    for (const char* name : kUnits)
        units.push_back({{"name", name}});
    return {{"units", units}, {"executionDevice", "cpu"}, {"shareSplit", "conv"}};
}

nlohmann::json shareEvent(const FrequencyTuple& t, int share) {
    ShareRecord s;
    s.unit = layer(t, 1);
    s.shareIndex = share;
    s.channels = 10;
    s.keptChannels = 10 - share;
    s.wireBytes = 100.0 * share;
    s.splitLayer = "conv";
    return s.toJson();
}

nlohmann::json conditionsEvent(const FrequencyTuple& t) {
    return TupleConditions::observe(t, t, {}).toJson();
}

// What the agent sends for one tuple: its index, its conditions, two shares, then `layers` units.
void sendTuple(SweepDriver& d, const FrequencyTuple& t, int index, int layers = kUnitCount) {
    d.handleEvent("tuple", {{"tuple", t.toString()}, {"index", index}});
    d.handleEvent("conditions", conditionsEvent(t));
    d.handleEvent("share", shareEvent(t, 1));
    d.handleEvent("share", shareEvent(t, 2));
    for (int i = 0; i < layers; ++i)
        d.handleEvent("layer", layer(t, i).toJson());
}

SweepSettings settingsFor(const std::string& plan) {
    SweepSettings s;
    s.board = "emulated:xavier-nx";
    s.model = "small_cnn";
    s.plan = plan;
    s.warmup = 0;
    s.repeat = 3;
    return s;
}
} // namespace

class TestSweepDriver : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    int files_ = 0;

    std::string freshWorkspace() {
        return dir_.filePath(QStringLiteral("w%1.db").arg(++files_)).toStdString();
    }

private slots:
    void eachTupleIsStoredWithItsSharesAndConditionsWhenItsLastLayerArrives() {
        ProfileStore store(freshWorkspace());
        std::vector<FrequencyTuple> announced;
        std::vector<std::string> unitsSeen;
        size_t layersSeen = 0;
        SweepDriver::Listener listener;
        listener.stageStarted = [&](const SweepStageStart& s) {
            unitsSeen = s.unitNames;
            QCOMPARE(s.executionDevice, std::string("cpu"));
            QVERIFY(s.measuresShares);
        };
        listener.layerMeasured = [&](const LayerRecord&) { ++layersSeen; };
        listener.tupleStored = [&](const FrequencyTuple& t) { announced.push_back(t); };
        SweepDriver d(&store, settingsFor(listPlan(2)), listener);

        const auto first = d.begin(probe());
        QCOMPARE(first, (std::vector<FrequencyTuple>{tupleAt(0), tupleAt(1)}));
        const int64_t id = d.sessionId();
        QVERIFY(id > 0);
        QCOMPARE(store.session(id).status, SessionStatus::Running);
        QCOMPARE(nlohmann::json::parse(store.session(id).settingsJson).value("plan", ""),
                 listPlan(2));
        d.beginStage(first);
        const nlohmann::json request = d.stageRequest();
        QCOMPARE(request.at("tuples").size(), size_t(2));
        QCOMPARE(request.at("model"), nlohmann::json("small_cnn"));
        QVERIFY2(request.contains("shareSplit"), request.dump().c_str());

        d.handleEvent("start", startEvent());
        QCOMPARE(unitsSeen, (std::vector<std::string>{"conv", "pool", "fc"}));
        QCOMPARE(d.unitCount(), size_t(kUnitCount));
        // Everything but the tuple's last layer: nothing is stored yet.
        sendTuple(d, tupleAt(0), 0, kUnitCount - 1);
        QVERIFY(store.completedTuples(id).empty());
        QVERIFY(store.shareMeasurements(id).empty());
        QVERIFY(announced.empty());
        d.handleEvent("layer", layer(tupleAt(0), kUnitCount - 1).toJson());
        QCOMPARE(store.completedTuples(id), (std::set<FrequencyTuple>{tupleAt(0)}));
        QCOMPARE(store.measurements(id).size(), size_t(kUnitCount));
        QCOMPARE(store.shareMeasurements(id).size(), size_t(2));
        QCOMPARE(store.tupleConditions(id).count(tupleAt(0)), size_t(1));
        QCOMPARE(announced, (std::vector<FrequencyTuple>{tupleAt(0)}));

        sendTuple(d, tupleAt(1), 1);
        QCOMPARE(store.completedTuples(id).size(), size_t(2));
        QCOMPARE(announced.size(), size_t(2));
        QCOMPARE(layersSeen, size_t(2 * kUnitCount));
        QCOMPARE(d.storedTupleCount(), size_t(2));
        QCOMPARE(d.shareMeasurementCount(), size_t(4));
        // The whole-model cost is the sum over the tuple's layers.
        double ms = 0, mj = 0;
        for (int i = 0; i < kUnitCount; ++i) {
            ms += layer(tupleAt(1), i).latency.medianMs;
            mj += layer(tupleAt(1), i).totalEnergyMj;
        }
        QCOMPARE(d.costs().at(tupleAt(1)).latencyMs, ms);
        QCOMPARE(d.costs().at(tupleAt(1)).energyMj, mj);
        QVERIFY(d.refinement().empty()); // a list plan has no refinement stage
        d.finish(SessionStatus::Completed);
        QCOMPARE(store.session(id).status, SessionStatus::Completed);
        QCOMPARE(
            nlohmann::json::parse(store.session(id).conditionsJson).value("executionDevice", ""),
            std::string("cpu"));
    }

    void anIncompleteTupleIsNotStored() {
        ProfileStore store(freshWorkspace());
        SweepDriver d(&store, settingsFor(listPlan(2)));
        d.beginStage(d.begin(probe()));
        d.handleEvent("start", startEvent());
        sendTuple(d, tupleAt(0), 0);
        sendTuple(d, tupleAt(1), 1, kUnitCount - 1); // the request ends before its last layer
        d.finish(SessionStatus::Failed);
        const int64_t id = d.sessionId();
        QCOMPARE(store.completedTuples(id), (std::set<FrequencyTuple>{tupleAt(0)}));
        QCOMPARE(store.measurements(id, tupleAt(1)).size(), size_t(0));
        for (const ShareRecord& s : store.shareMeasurements(id))
            QCOMPARE(s.unit.tuple, tupleAt(0));
        QCOMPARE(d.costs().count(tupleAt(1)), size_t(0));
        QCOMPARE(store.session(id).status, SessionStatus::Failed);
    }

    void anAdaptivePlanPlansARefinementStageAfterTheFirst() {
        ProfileStore store(freshWorkspace());
        SweepDriver d(&store, settingsFor("adaptive:3x2x1+4"));
        const auto coarse = d.begin(probe());
        QVERIFY(d.isAdaptive());
        QCOMPARE(coarse.size(), size_t(6));
        QCOMPARE(d.remainingRefinements(), size_t(4));
        d.beginStage(coarse);
        QCOMPARE(d.stage(), 1);
        d.handleEvent("start", startEvent());
        for (size_t i = 0; i < coarse.size(); ++i)
            sendTuple(d, coarse[i], int(i));
        QCOMPARE(store.completedTuples(d.sessionId()).size(), coarse.size());

        // Latency and energy scale with 1/CPU clock: the CPU edges change most and are refined.
        const auto refinement = d.refinement();
        QVERIFY(!refinement.empty());
        QVERIFY(refinement.size() <= 4);
        for (const auto& t : refinement)
            QVERIFY2(std::find(coarse.begin(), coarse.end(), t) == coarse.end(),
                     t.toString().c_str());
        d.beginStage(refinement);
        QCOMPARE(d.stage(), 2);
        QCOMPARE(d.stageRequest().at("tuples").size(), refinement.size());
        d.handleEvent("start", startEvent());
        for (size_t i = 0; i < refinement.size(); ++i)
            sendTuple(d, refinement[i], int(i));
        QCOMPARE(store.completedTuples(d.sessionId()).size(), coarse.size() + refinement.size());
        QCOMPARE(d.remainingRefinements(), 4 - refinement.size());
    }

    void cancelKeepsFinishedTuplesAndResumeMeasuresOnlyTheMissing() {
        const std::string path = freshWorkspace();
        ProfileStore store(path);
        int64_t id = 0;
        {
            SweepDriver d(&store, settingsFor(listPlan(3)));
            d.beginStage(d.begin(probe()));
            d.handleEvent("start", startEvent());
            sendTuple(d, tupleAt(0), 0);
            sendTuple(d, tupleAt(1), 1, 1); // cancelled in the middle of the second tuple
            d.finish(SessionStatus::Cancelled);
            id = d.sessionId();
        }
        QCOMPARE(store.session(id).status, SessionStatus::Cancelled);
        QCOMPARE(store.completedTuples(id), (std::set<FrequencyTuple>{tupleAt(0)}));

        // Resume from the stored settings (another process may do it: a second connection).
        ProfileStore other(path);
        const SweepSettings settings = SweepSettings::ofSession(other, id, SweepSettings{});
        QCOMPARE(settings.plan, listPlan(3));
        QCOMPARE(settings.repeat, 3);
        QCOMPARE(settings.resumeSession, id);
        SweepDriver d(&other, settings);
        QCOMPARE(d.alreadyMeasured(), (std::set<FrequencyTuple>{tupleAt(0)}));
        const auto missing = d.begin(probe());
        QCOMPARE(missing, (std::vector<FrequencyTuple>{tupleAt(1), tupleAt(2)}));
        QCOMPARE(d.sessionId(), id);
        QCOMPARE(other.session(id).status, SessionStatus::Running);
        d.beginStage(missing);
        d.handleEvent("start", startEvent());
        sendTuple(d, tupleAt(1), 0);
        sendTuple(d, tupleAt(2), 1);
        d.finish(SessionStatus::Completed);
        QCOMPARE(other.completedTuples(id).size(), size_t(3));
        QCOMPARE(other.sessions().size(), size_t(1));

        // Resuming a complete session measures nothing and marks it completed.
        SweepDriver again(&other, SweepSettings::ofSession(other, id, SweepSettings{}));
        QVERIFY(again.begin(probe()).empty());
        QCOMPARE(other.session(id).status, SessionStatus::Completed);
    }

    void aMalformedEventIsRefusedWithAnErrorNamingIt() {
        ProfileStore store(freshWorkspace());
        SweepDriver d(&store, settingsFor(listPlan(1)));
        d.beginStage(d.begin(probe()));
        try {
            d.handleEvent("start", {{"executionDevice", "cpu"}}); // no units
            QFAIL("a start event without units was accepted");
        } catch (const SweepEventError& e) {
            QCOMPARE(e.event(), std::string("start"));
            QVERIFY2(QString(e.what()).contains("\"start\" event"), e.what());
        }
        d.handleEvent("start", startEvent());
        try {
            d.handleEvent("layer", {{"tuple", "fast"}, {"layerIndex", 0}});
            QFAIL("a layer event with a bad tuple was accepted");
        } catch (const SweepEventError& e) {
            QCOMPARE(e.event(), std::string("layer"));
            QVERIFY2(QString(e.what()).contains("\"layer\" event"), e.what());
        }
        QVERIFY_EXCEPTION_THROWN(d.handleEvent("share", shareEvent(tupleAt(0), 11)),
                                 SweepEventError);
        QVERIFY_EXCEPTION_THROWN(d.handleEvent("tuple", {{"index", 0}}), SweepEventError);
        // The bad events cost nothing: the tuple still completes and is stored.
        sendTuple(d, tupleAt(0), 0);
        QCOMPARE(store.completedTuples(d.sessionId()).size(), size_t(1));
        QCOMPARE(store.shareMeasurements(d.sessionId()).size(), size_t(2));
    }

    void aTupleTheStoreRefusesIsReportedWithItsName() {
        ProfileStore store(freshWorkspace());
        SweepDriver d(&store, settingsFor(listPlan(2)));
        d.beginStage(d.begin(probe()));
        d.handleEvent("start", startEvent());
        d.handleEvent("layer", layer(tupleAt(0), 0).toJson());
        d.handleEvent("layer", layer(tupleAt(0), 1).toJson());
        try {
            // The last unit arrives labelled with another tuple: the store refuses the mix.
            d.handleEvent("layer", layer(tupleAt(1), 2).toJson());
            QFAIL("a tuple mixing two tuples' layers was stored");
        } catch (const SweepStoreError& e) {
            QCOMPARE(e.tuple(), tupleAt(0));
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(tupleAt(0).toString())),
                     e.what());
        }
        QVERIFY(store.completedTuples(d.sessionId()).empty());
    }

    void aPlanTheBoardCannotMeetCreatesNoSession() {
        ProfileStore store(freshWorkspace());
        SweepDriver d(&store, settingsFor("grid:99x1x1"));
        QVERIFY_EXCEPTION_THROWN(d.begin(probe()), std::exception);
        QCOMPARE(d.sessionId(), int64_t(0));
        QVERIFY(store.sessions().empty());
    }

    void theSessionKeepsTheMeasuredSwitchTimesOnce() {
        const std::string path = freshWorkspace();
        ProfileStore store(path);
        SweepDriver d(&store, settingsFor(listPlan(2)));
        QVERIFY(!d.wantsSwitchTimes()); // no session before begin()
        d.beginStage(d.begin(probe()));
        QVERIFY(d.wantsSwitchTimes());
        // A reply training could not read is refused by name and not kept.
        try {
            d.storeSwitchTimes({{"cpu", {{"medianMs", 0.2}}}, {"gpu", {{"medianMs", 0.4}}}});
            QFAIL("a reply without the EMC was stored");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("'emc'") != std::string::npos, e.what());
        }
        QVERIFY(d.wantsSwitchTimes());
        const nlohmann::json reply = {{"cpu", {{"medianMs", 0.2}, {"p90Ms", 0.3}}},
                                      {"gpu", {{"medianMs", 0.4}, {"p90Ms", 0.5}}},
                                      {"emc", {{"medianMs", 3.5}, {"p90Ms", 4.0}}}};
        d.storeSwitchTimes(reply);
        QVERIFY(!d.wantsSwitchTimes());
        d.handleEvent("start", startEvent()); // the start event's patch keeps them
        sendTuple(d, tupleAt(0), 0);
        const ClockSwitchTimes charged =
            ClockSwitchTimes::forSession(store.session(d.sessionId()).conditionsJson, kNx);
        QCOMPARE(charged.source, std::string("measured"));
        QCOMPARE(charged.emcMs, 3.5);
        QCOMPARE(charged.cpuMs, 0.2);
        d.finish(SessionStatus::Cancelled);
        // Resuming a session that has them does not measure again; one without them does.
        SweepDriver resumed(&store, SweepSettings::ofSession(store, d.sessionId(), {}));
        QVERIFY(!resumed.begin(probe()).empty());
        QVERIFY(!resumed.wantsSwitchTimes());
        store.updateSessionConditions(d.sessionId(), {{"switchTimes", nullptr}});
        QVERIFY(resumed.wantsSwitchTimes());
        QVERIFY2(SweepDriver::switchTimesNotMeasured("unknown op").find("board's model") !=
                     std::string::npos,
                 "the note says what is charged instead");
        // Without a store there is no session to keep them.
        SweepDriver unstored(nullptr, settingsFor(listPlan(1)));
        unstored.begin(probe());
        QVERIFY(!unstored.wantsSwitchTimes());
    }

    void withoutAStoreTheSweepRunsAndRecordsNothing() {
        std::vector<FrequencyTuple> announced;
        SweepDriver::Listener listener;
        listener.tupleStored = [&](const FrequencyTuple& t) { announced.push_back(t); };
        SweepSettings settings = settingsFor(listPlan(1));
        settings.shares = false;
        SweepDriver d(nullptr, settings, listener);
        d.beginStage(d.begin(probe()));
        QVERIFY(!d.stageRequest().contains("shareSplit"));
        d.handleEvent("start", startEvent());
        sendTuple(d, tupleAt(0), 0);
        QCOMPARE(announced, (std::vector<FrequencyTuple>{tupleAt(0)}));
        QCOMPARE(d.sessionId(), int64_t(0));
        QCOMPARE(d.costs().size(), size_t(1));
        d.finish(SessionStatus::Completed); // nothing to record: no error
        settings.resumeSession = 1;
        QVERIFY_EXCEPTION_THROWN(SweepDriver(nullptr, settings), std::invalid_argument);
    }
};

QTEST_GUILESS_MAIN(TestSweepDriver)
#include "tst_sweepdriver.moc"
