// DVFO environment side: profile interpolation, link traces, offload model, reward formulas,
// the oracle on a hand-checkable profile, baselines and the evaluator.
#include "core/workspace/profiletablefromstore.h"
#include "core/rl/baselinepolicies.h"
#include "core/rl/dvfoenvironment.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/rl/dvfoobservation.h"
#include "core/link/linkestimator.h"
#include "core/link/linktrace.h"
#include "core/dnn/offloadmodel.h"
#include "core/rl/policyevaluator.h"
#include "core/workspace/profilestore.h"
#include "core/profile/profiletable.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

using namespace dvfo;

namespace {

BoardSpec tinyBoard() {
    BoardSpec b;
    b.id = "tiny";
    b.name = "Tiny";
    b.cpu.frequenciesKhz = {1000, 2000};
    b.gpu.frequenciesKhz = {500, 1000};
    b.emc.frequenciesKhz = {1600};
    b.emulation.radioNanojoulePerByte = 1000; // 1 uJ per byte: 12 B per map -> 0.012 mJ per map
    return b;
}

LayerRecord record(const FrequencyTuple& t, int layer, const std::string& name, double ms,
                   double mj) {
    LayerRecord r;
    r.tuple = t;
    r.layerIndex = layer;
    r.layerName = name;
    r.kind = "conv";
    r.latency.medianMs = ms;
    r.latency.n = 1;
    r.totalEnergyMj = mj;
    return r;
}

// Two layers at the 2x2x1 tuples of tinyBoard(): (head ms, head mJ, tail ms, tail mJ).
std::vector<LayerRecord> tinyRecords() {
    const std::map<std::pair<int64_t, int64_t>, std::array<double, 4>> costs = {
        {{1000, 500}, {4, 4, 8, 6}},
        {{1000, 1000}, {3, 5, 6, 7}},
        {{2000, 500}, {3, 4.5, 7, 7}},
        {{2000, 1000}, {2, 6, 4, 8}},
    };
    std::vector<LayerRecord> out;
    for (const auto& [cg, c] : costs) {
        const FrequencyTuple t{cg.first, cg.second, 1600};
        out.push_back(record(t, 0, "head", c[0], c[1]));
        out.push_back(record(t, 1, "tail", c[2], c[3]));
    }
    return out;
}

// Head outputs 10 maps of 2x2: k offloaded maps cost k * (4 + 4 + 4) = 12k bytes.
std::vector<LayerInfo> tinyLayers() {
    LayerInfo head, tail;
    head.name = "head";
    head.flops = 100;
    head.outputShape = {1, 10, 2, 2};
    tail.name = "tail";
    tail.flops = 300;
    tail.outputShape = {1, 10};
    return {head, tail};
}

OffloadParams tinyParams() {
    OffloadParams p;
    p.splitLayer = "head";
    p.cloudSpeedup = 4; // cloud time = s * 4 ms / 4 = s ms
    p.fusionMs = 0.5;
    return p;
}

DvfoEnvironment tinyEnv(double eta = 0.5, double sloMs = 0,
                        LinkTrace trace = LinkTrace::constant(8, 1)) {
    DvfoEnvironmentConfig c;
    c.eta = eta;
    c.sloMs = sloMs;
    c.sloPenalty = 1;
    c.episodeSteps = 20;
    c.controlPeriodMs = 20;
    c.trace = std::move(trace);
    return DvfoEnvironment(ProfileTable(tinyBoard(), "tiny", tinyRecords()),
                           OffloadModel("tiny", tinyLayers(), tinyParams()), c);
}

// Independent brute force over env.evaluate(): the reference for bestAction().
std::pair<FactoredAction, double> bruteForce(const DvfoEnvironment& env, const LinkSample& link,
                                             const FactoredAction& prev, double d) {
    const std::vector<int> b = env.branchSizes();
    FactoredAction best;
    double bestCost = INFINITY;
    for (int c = 0; c < b[0]; ++c)
        for (int g = 0; g < b[1]; ++g)
            for (int m = 0; m < b[2]; ++m)
                for (int k = 0; k < b[3]; ++k) {
                    const double cost = env.evaluate(link, prev, {c, g, m, k}, d).cost;
                    if (cost < bestCost)
                        bestCost = cost, best = {c, g, m, k};
                }
    return {best, bestCost};
}

bool near(double a, double b, double tol = 1e-9) {
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

// A grid session of a built-in board whose latency is a/c + b/g + e/m + k per layer: linear in the
// periods, so the 1/f interpolation must reproduce it exactly at every table tuple.
double separableLatency(const FrequencyTuple& t, int layer) {
    return (layer + 1) *
           (2e3 / double(t.cpuKhz) + 5e5 / double(t.gpuKhz) + 8e5 / double(t.emcKhz) + 0.1);
}
double separableEnergy(const FrequencyTuple& t, int layer) {
    return (layer + 1) *
           (1.0 + 1e-6 * double(t.cpuKhz) + 2e-6 * double(t.gpuKhz) + 5e-7 * double(t.emcKhz));
}

std::vector<int64_t> pick(const std::vector<int64_t>& table, std::vector<size_t> idx) {
    std::vector<int64_t> out;
    for (size_t i : idx)
        out.push_back(table[i]);
    return out;
}

} // namespace

class TestDvfoEnvironment : public QObject {
    Q_OBJECT

private slots:
    // ---- ProfileTable ----
    void profileExactAtMeasuredTuples() {
        const ProfileTable p(tinyBoard(), "tiny", tinyRecords());
        QCOMPARE(p.layerCount(), 2);
        QCOMPARE(p.tupleCount(), 4);
        for (const LayerRecord& r : tinyRecords()) {
            QVERIFY(p.isMeasured(r.tuple));
            QCOMPARE(p.layer(r.tuple, r.layerIndex).latencyMs, r.latency.medianMs);
            QCOMPARE(p.layer(r.tuple, r.layerIndex).energyMj, r.totalEnergyMj);
        }
        QCOMPARE(p.whole({2000, 1000, 1600}).latencyMs, 6.0);
        QCOMPARE(p.whole({2000, 1000, 1600}).energyMj, 14.0);
        QVERIFY_THROWS_EXCEPTION(InvalidTupleError, p.whole({1500, 1000, 1600}));
    }

    void profileInterpolatesInPeriodSpace() {
        BoardSpec b = tinyBoard();
        b.cpu.frequenciesKhz = {1000, 1500, 2000};
        const ProfileTable p(b, "tiny", tinyRecords());
        QVERIFY(!p.isMeasured({1500, 500, 1600}));
        // Weight of 2000 at 1500: (1/1000 - 1/1500) / (1/1000 - 1/2000) = 2/3.
        const double head = p.layer({1500, 500, 1600}, 0).latencyMs;
        QVERIFY(near(head, 4.0 / 3 + 3.0 * 2 / 3));
        const double tailE = p.layer({1500, 1000, 1600}, 1).energyMj;
        QVERIFY(near(tailE, 7.0 / 3 + 8.0 * 2 / 3));
    }

    void profileFromStoreIsExactForPeriodLinearDataAndMonotone() {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath("w.db").toStdString());
        const BoardSpec nx = BoardSpec::builtin("xavier-nx");
        SessionInfo info;
        info.boardId = "xavier-nx";
        info.boardName = "emulated:xavier-nx";
        info.model = "synthetic";
        const int64_t session = store.createSession(info);
        const auto cpus = pick(nx.cpu.frequenciesKhz, {0, 8, nx.cpu.frequenciesKhz.size() - 1});
        const auto gpus = pick(nx.gpu.frequenciesKhz, {0, nx.gpu.frequenciesKhz.size() - 1});
        const auto emcs = pick(nx.emc.frequenciesKhz, {0, 3, nx.emc.frequenciesKhz.size() - 1});
        for (int64_t c : cpus)
            for (int64_t g : gpus)
                for (int64_t m : emcs) {
                    const FrequencyTuple t{c, g, m};
                    std::vector<LayerRecord> layers;
                    for (int l = 0; l < 3; ++l)
                        layers.push_back(record(t, l, "l" + std::to_string(l),
                                                separableLatency(t, l), separableEnergy(t, l)));
                    store.addCompletedTuple(session, t, layers);
                }
        const ProfileTable p = profileTableFromStore(store, session);
        QCOMPARE(p.model(), std::string("synthetic"));
        QCOMPARE(p.measuredTuples().size(), size_t(18));
        QCOMPARE(size_t(p.tupleCount()), nx.tupleCount());
        for (int c = 0; c < p.cpuLevels(); ++c)
            for (int g = 0; g < p.gpuLevels(); ++g)
                for (int m = 0; m < p.emcLevels(); ++m) {
                    const FrequencyTuple t = p.tupleAtLevels(c, g, m);
                    for (int l = 0; l < 3; ++l) {
                        const double got = p.layer(t, l).latencyMs;
                        if (!near(got, separableLatency(t, l), 1e-9))
                            QFAIL(qPrintable(QString("latency at %1 layer %2: %3 vs %4")
                                                 .arg(QString::fromStdString(t.toString()))
                                                 .arg(l)
                                                 .arg(got)
                                                 .arg(separableLatency(t, l))));
                    }
                    // Monotone: raising any one clock never makes the model slower.
                    const double here = p.whole(t).latencyMs;
                    if (c + 1 < p.cpuLevels())
                        QVERIFY(p.whole(p.tupleAtLevels(c + 1, g, m)).latencyMs <= here + 1e-12);
                    if (g + 1 < p.gpuLevels())
                        QVERIFY(p.whole(p.tupleAtLevels(c, g + 1, m)).latencyMs <= here + 1e-12);
                    if (m + 1 < p.emcLevels())
                        QVERIFY(p.whole(p.tupleAtLevels(c, g, m + 1)).latencyMs <= here + 1e-12);
                }
        // Measured tuples come back bit for bit.
        const FrequencyTuple m{cpus[1], gpus[0], emcs[1]};
        QCOMPARE(p.layer(m, 2).latencyMs, separableLatency(m, 2));
        QCOMPARE(p.layer(m, 2).energyMj, separableEnergy(m, 2));
    }

    void profileRejectsBadInput() {
        std::vector<LayerRecord> r = tinyRecords();
        r.pop_back(); // (2000,1000) loses its tail
        try {
            ProfileTable(tinyBoard(), "tiny", r);
            QFAIL("expected an error");
        } catch (const ProfileTableError& e) {
            QVERIFY2(std::string(e.what()).find("1 of 2 layers") != std::string::npos, e.what());
        }
        r.pop_back(); // (2000,1000) gone entirely: not a grid
        try {
            ProfileTable(tinyBoard(), "tiny", r);
            QFAIL("expected an error");
        } catch (const ProfileTableError& e) {
            QVERIFY2(std::string(e.what()).find("not a grid") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("2000/1000/1600") != std::string::npos, e.what());
        }
        r = tinyRecords();
        r[0].tuple.cpuKhz = 1234;
        QVERIFY_THROWS_EXCEPTION(InvalidTupleError, ProfileTable(tinyBoard(), "tiny", r));
        QVERIFY_THROWS_EXCEPTION(ProfileTableError, ProfileTable(tinyBoard(), "tiny", {}));
        r = tinyRecords();
        r[1].totalEnergyMj = -1;
        QVERIFY_THROWS_EXCEPTION(ProfileTableError, ProfileTable(tinyBoard(), "tiny", r));
    }

    // ---- LinkTrace ----
    void traceConstantAndSteps() {
        const auto c = LinkTrace::parse("constant:50,20", 10).realise(7, 3);
        QCOMPARE(c.size(), size_t(3));
        QCOMPARE(c[2].bandwidthMbps, 50.0);
        QCOMPARE(c[2].rttMs, 20.0);
        const auto s = LinkTrace::parse("step:100,10;5,40@2;50,20@4", 10).realise(1, 6);
        const double bw[] = {100, 100, 5, 5, 50, 50}, rtt[] = {10, 10, 40, 40, 20, 20};
        for (size_t i = 0; i < 6; ++i) {
            QCOMPARE(s[i].bandwidthMbps, bw[i]);
            QCOMPARE(s[i].rttMs, rtt[i]);
        }
        QCOMPARE(LinkTrace::parse("step:1,1", 10).length(), int64_t(0));
    }

    void traceRandomWalkIsSeededAndBounded() {
        const LinkTrace t = LinkTrace::parse("randomwalk:seed=3,min=2,max=100,step=20,rtt=20", 10);
        const auto a = t.realise(1, 2000), b = t.realise(1, 2000), c = t.realise(2, 2000);
        QCOMPARE(a.size(), size_t(2000));
        bool differs = false, moved = false;
        double lo = 1e9, hi = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].bandwidthMbps, b[i].bandwidthMbps);
            differs |= a[i].bandwidthMbps != c[i].bandwidthMbps;
            moved |= i > 0 && a[i].bandwidthMbps != a[i - 1].bandwidthMbps;
            lo = std::min(lo, a[i].bandwidthMbps), hi = std::max(hi, a[i].bandwidthMbps);
            QCOMPARE(a[i].rttMs, 20.0);
        }
        QVERIFY(differs);
        QVERIFY(moved);
        QVERIFY(lo >= 2 && hi <= 100);
        QVERIFY2(hi - lo > 50, "a 2000-step walk with step 20 should roam most of [2, 100]");
        // The spec's seed offsets the episode seed.
        const auto d =
            LinkTrace::parse("randomwalk:seed=4,min=2,max=100,step=20,rtt=20", 10).realise(0, 5);
        const auto e = t.realise(1, 5);
        QCOMPARE(d[3].bandwidthMbps, e[3].bandwidthMbps);
        // Walking RTT stays in its range.
        for (const LinkSample& s :
             LinkTrace::parse("randomwalk:min=5,max=6,rtt=20,rttmin=10,rttmax=30,rttstep=5", 10)
                 .realise(9, 500))
            QVERIFY(s.rttMs >= 10 && s.rttMs <= 30);
    }

    void traceCsvSampleAndHold() {
        std::istringstream in("t_s,bandwidth_mbps,rtt_ms\n10.0,50,20\n10.025,40,25\n\n10.1,5,80\n");
        const LinkTrace t = LinkTrace::fromCsv(in, 20, "mem.csv");
        QCOMPARE(t.length(), int64_t(6)); // 0, 20, ..., 100 ms
        const auto s = t.realise(0, 100);
        QCOMPARE(s.size(), size_t(6));
        const double bw[] = {50, 50, 40, 40, 40, 5};
        for (size_t i = 0; i < 6; ++i)
            QCOMPARE(s[i].bandwidthMbps, bw[i]);
        QCOMPARE(s[5].rttMs, 80.0);
    }

    void traceErrorsNameTheProblem_data() {
        QTest::addColumn<QString>("csv");
        QTest::addColumn<QString>("needle");
        QTest::newRow("columns") << "t_s,bandwidth_mbps,rtt_ms\n0,1,2\n1,2\n"
                                 << "mem.csv:3: expected 3 columns";
        QTest::newRow("number") << "0,1,2\n1,x,3\n"
                                << "mem.csv:2: bandwidth_mbps 'x' is not a number";
        QTest::newRow("order") << "0,1,2\n1,1,2\n1,1,2\n"
                               << "mem.csv:3: t_s 1 is not after";
        QTest::newRow("six years") << "0,5,1\n200000000,5,1\n"
                                   << "more than 10000000 control periods";
        QTest::newRow("bandwidth") << "0,-1,2\n"
                                   << "mem.csv:1: bandwidth must be >= 0";
        QTest::newRow("header") << "time,bw,rtt\n0,1,2\n"
                                << "mem.csv:1: expected the header";
        QTest::newRow("empty") << "t_s,bandwidth_mbps,rtt_ms\n"
                               << "no data rows";
    }
    void traceErrorsNameTheProblem() {
        QFETCH(QString, csv);
        QFETCH(QString, needle);
        std::istringstream in(csv.toStdString());
        try {
            LinkTrace::fromCsv(in, 10, "mem.csv");
            QFAIL("expected an error");
        } catch (const LinkTraceError& e) {
            QVERIFY2(QString(e.what()).contains(needle), e.what());
        }
    }

    void traceSpecErrors() {
        for (const char* spec :
             {"constant:50", "constant:a,b", "step:1,1;2,2", "step:1,1;2,2@-1", "randomwalk:x=1",
              "randomwalk:min=10,max=5", "wavy:1", "csv:/nonexistent/trace.csv", "constant"}) {
            try {
                LinkTrace::parse(spec, 10);
                QFAIL(spec);
            } catch (const LinkTraceError& e) {
                QVERIFY2(!std::string(e.what()).empty(), spec);
            }
        }
    }

    // ---- OffloadModel ----
    void offloadBytesPerShare() {
        const OffloadModel m("tiny", tinyLayers(), tinyParams());
        QCOMPARE(m.splitIndex(), 0);
        QCOMPARE(m.featureShape().channels, int64_t(10));
        QCOMPARE(m.tailFlopsFraction(), 0.75);
        for (int k = 0; k < OffloadModel::kShares; ++k) {
            QCOMPARE(m.share(k).offloadedChannels, k);
            QCOMPARE(m.share(k).wireBytes, 12.0 * k);
            QCOMPARE(m.share(k).accuracy, -1.0);
        }
        OffloadParams bad = tinyParams();
        bad.splitLayer = "tail";
        QVERIFY_THROWS_EXCEPTION(OffloadModelError, OffloadModel("tiny", tinyLayers(), bad));
        bad.splitLayer = "nope";
        QVERIFY_THROWS_EXCEPTION(OffloadModelError, OffloadModel("tiny", tinyLayers(), bad));
    }

    void offloadZooDefaults() {
        const OffloadModel r = OffloadModel::forZooModel("resnet18", {});
        QCOMPARE(r.splitLayer(), std::string("layer2.1"));
        QVERIFY(r.featureShape() == (FeatureShape{128, 28, 28}));
        QCOMPARE(r.share(10).wireBytes, 128.0 * (784 + 8));
        QVERIFY(r.tailFlopsFraction() > 0.3 && r.tailFlopsFraction() < 0.7);
        const OffloadModel m = OffloadModel::forZooModel("mobilenet_v2", {});
        QVERIFY(m.featureShape() == (FeatureShape{32, 28, 28}));
    }

    void offloadAttentionReport() {
        OffloadModel m("tiny", tinyLayers(), tinyParams());
        nlohmann::json rows = nlohmann::json::array();
        for (int k = 0; k < 11; ++k)
            rows.push_back({{"share", k / 10.0},
                            {"accuracy", 0.9 - 0.01 * k},
                            {"mean_offloaded_channels", double(k)},
                            {"mean_sent_channels", k / 2.0},
                            {"mean_wire_bytes", 1.0}});
        nlohmann::json report = {{"model", "small_cnn"},
                                 {"split_layer", "pool1"},
                                 {"unsplit_accuracy", 0.9},
                                 {"shares", rows}};
        m.applyAttentionReport(report);
        QVERIFY(m.hasAccuracy());
        QCOMPARE(m.share(10).accuracy, 0.8);
        QCOMPARE(m.share(10).wireBytes, 60.0); // another model: half the maps were sent (zero-skip)
        report["model"] = "tiny";
        report["split_layer"] = "head";
        OffloadModel same("tiny", tinyLayers(), tinyParams());
        same.applyAttentionReport(report);
        QCOMPARE(same.share(4).wireBytes, 1.0); // the same split: measured bytes as they are
        report["shares"].erase(3);
        try {
            same.applyAttentionReport(report, "r.json");
            QFAIL("expected an error");
        } catch (const OffloadModelError& e) {
            QVERIFY2(std::string(e.what()).find("r.json: no row for share 0.3") !=
                         std::string::npos,
                     e.what());
        }
    }

    // ---- Observation ----
    void observationLayoutAndJson() {
        ObservationLayout l;
        l.cpuLevels = 5, l.gpuLevels = 3, l.emcLevels = 1;
        ObservationInputs in;
        in.bandwidthMbps = 50, in.rttMs = 20, in.bandwidthTrendMbps = -10, in.rttTrendMs = 5;
        in.cpuLevel = 2, in.gpuLevel = 2, in.emcLevel = 0, in.shareIndex = 5;
        in.model = {0.5, 125000, 10};
        const std::vector<float> o = buildObservation(in, l);
        // lg(x) = log2(1 + x) over lg(1000) and lg(300); trends are differences of those; 125 kB
        // at 50 Mbit/s take 20 ms, + 20 ms RTT = 4x the 10 ms edge latency.
        const double bw = std::log2(1001.0), rtt = std::log2(301.0);
        const std::vector<double> expected = {std::log2(51.0) / bw,
                                              std::log2(21.0) / rtt,
                                              (std::log2(51.0) - std::log2(61.0)) / bw,
                                              (std::log2(21.0) - std::log2(16.0)) / rtt,
                                              0.5,
                                              1.0,
                                              0.0,
                                              0.5,
                                              0.5,
                                              4.0,
                                              1.0};
        QCOMPARE(o.size(), expected.size());
        QCOMPARE(o.size(), size_t(ObservationLayout::kSize));
        for (size_t i = 0; i < o.size(); ++i)
            QVERIFY2(std::abs(o[i] - expected[i]) < 1e-6,
                     qPrintable(QString("element %1: %2").arg(i).arg(o[i])));
        in.bandwidthMbps = 0.01; // 100 s transfer: clipped
        QCOMPARE(buildObservation(in, l)[9], float(l.clip));
        // Down: no bandwidth, the transfer never ends, the link-up flag is 0.
        in.bandwidthMbps = 0, in.bandwidthTrendMbps = 0;
        const std::vector<float> down = buildObservation(in, l);
        QCOMPARE(down[0], 0.0f);
        QCOMPARE(down[9], float(l.clip));
        QCOMPARE(down[10], 0.0f);
        // The range the field has, 0.2 Mbit/s to 1 Gbit/s and 1 to 300 ms, stays unclipped.
        in.bandwidthMbps = 1000, in.rttMs = 300;
        QVERIFY(near(buildObservation(in, l)[0], 1.0, 1e-6));
        QVERIFY(near(buildObservation(in, l)[1], 1.0, 1e-6));
        const ObservationLayout back = ObservationLayout::fromJson(l.toJson());
        QCOMPARE(back.cpuLevels, 5);
        QCOMPARE(back.toJson(), l.toJson());
        nlohmann::json j = l.toJson();
        j.erase("rtt_scale_ms");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, ObservationLayout::fromJson(j));
        j = l.toJson();
        j["version"] = 99;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, ObservationLayout::fromJson(j));
        // Version 1 policies saw the future link: refused with the reason.
        j["version"] = 1;
        try {
            ObservationLayout::fromJson(j);
            QFAIL("a version 1 layout was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("train the policy again") != std::string::npos,
                     e.what());
        }
        // Model constants travel in the sidecar; missing ones are an error, not zeros.
        const ModelConstants m{0.5, 125000, 10};
        QVERIFY(ModelConstants::fromJson(m.toJson()) == m);
        nlohmann::json mj = m.toJson();
        mj.erase("edgeMaxLatencyMs");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, ModelConstants::fromJson(mj));
    }

    // ---- Link estimator: what a board knows ----
    void estimatorRecoversThePreviousStepsLinkFromItsMeasurements() {
        LinkEstimator e(50);
        QVERIFY(!e.known());
        QVERIFY(e.allowsOffload()); // nothing known yet: try
        QCOMPARE(e.estimate().bandwidthMbps, 0.0);
        // A board that offloaded nothing probes: RTT, and a bandwidth probe of 0.5 % of what the
        // link carried in one period (at least 256 B).
        e.observe(e.simulate({40, 12}, 0));
        QVERIFY(e.up());
        QVERIFY(near(e.estimate().bandwidthMbps, 40, 1e-9));
        QVERIFY(near(e.estimate().rttMs, 12, 1e-9));
        QCOMPARE(e.probeBytes(), int64_t(1250)); // 0.005 * 40 Mbit/s * 50 ms = 1250 B
        QVERIFY(e.wantsBandwidthProbe(1000));
        QVERIFY(!e.wantsBandwidthProbe(5000)); // the offload measured more than a probe would
        const LinkMeasurement m = e.simulate({8, 30}, 5000);
        QCOMPARE(m.bytes, int64_t(5000));
        QVERIFY(near(m.transferMs, 30 + 5000 * 8.0 / 8000));
        e.observe(m);
        QVERIFY(near(e.estimate().bandwidthMbps, 8, 1e-9));
        QVERIFY(near(e.estimate().rttMs, 30, 1e-9));
        // Outage: the request fails, the link is down, offloading stops until it comes back.
        e.observe(e.simulate({0, 30}, 5000));
        QVERIFY(!e.up());
        QVERIFY(!e.allowsOffload());
        QCOMPARE(e.estimate().bandwidthMbps, 0.0);
        e.observe(e.simulate({20, 5}, 0));
        QVERIFY(e.allowsOffload());
        QVERIFY(near(e.estimate().bandwidthMbps, 20, 1e-9));
        // Probe sizes stay within [256 B, 16 KiB].
        LinkEstimator slow(50);
        slow.observe(slow.simulate({0.2, 60}, 0));
        QCOMPARE(slow.probeBytes(), LinkEstimator::kMinProbeBytes);
        // A first 256 B probe on 1 Gbit/s is below the timer's resolution (2 us on the air): it
        // under-estimates, the next, larger probe resolves the rate.
        LinkEstimator fast(50);
        fast.observe(fast.simulate({1000, 1}, 0));
        QVERIFY(fast.estimate().bandwidthMbps < 1000);
        fast.observe(fast.simulate({1000, 1}, 0));
        QVERIFY(near(fast.estimate().bandwidthMbps, 1000, 1e-9));
        QCOMPARE(fast.probeBytes(), LinkEstimator::kMaxProbeBytes);
    }

    void environmentObservesTheLinkOneStepLateAndStopsOffloadingWhileItIsDown() {
        // Sample 0 and 1 up, 2 and 3 down, 4 up again.
        DvfoEnvironment env = tinyEnv(0.5, 0, LinkTrace::parse("step:8,1;0,1@2;16,1@4", 20));
        env.reset(1);
        QVERIFY(near(env.measuredLink().bandwidthMbps, 8, 1e-9)); // measured at start
        env.step({1, 1, 0, 10});                                  // costed under sample 0
        env.step({1, 1, 0, 10});                                  // sample 1
        QVERIFY(env.offloadAllowed()); // sample 1 was up: the board does not know yet
        // Sample 2 is down: the request fails at once and the whole tail runs on the edge.
        const ActionCost failed = env.evaluate({0, 1}, {1, 1, 0, 10});
        QVERIFY(near(failed.latencyMs, 2 + 4)); // head + tail, nothing overlapped
        QVERIFY(near(failed.energyMj, 6 + 8));
        const ActionCost failedHalf = env.evaluate({0, 1}, {1, 1, 0, 5});
        QVERIFY(near(failedHalf.latencyMs, 2 + 4 + 4)); // kept maps' tail, then the whole tail
        const RlStep s = env.step({1, 1, 0, 10});
        QVERIFY(near(s.latencyMs, 6));
        QVERIFY(!env.offloadAllowed());
        QCOMPARE(env.observationInputs().bandwidthMbps, 0.0);
        // Known down: the executed share is 0, whatever the policy asks; no failure cost.
        QCOMPARE(env.executed({1, 1, 0, 10}), (FactoredAction{1, 1, 0, 0}));
        const RlStep edge = env.step({1, 1, 0, 10}); // sample 3, down
        QVERIFY(near(edge.latencyMs, 6));
        QCOMPARE(env.previousAction()[3], 0);
        env.step({1, 1, 0, 0}); // sample 4: up again, measured after the step
        QVERIFY(env.offloadAllowed());
        QVERIFY(near(env.measuredLink().bandwidthMbps, 16, 1e-9));
        // The oracle knows the sample it is costed under; the board's view lags one step.
        QVERIFY(near(env.currentLink().bandwidthMbps, 16, 1e-9));
    }

    void mixturePicksOneComponentPerEpisodeByWeight() {
        // The step spec keeps its own ';' and '@': components start at a known kind.
        const LinkTrace mix = LinkTrace::parse("mix:constant:10,20@1;step:100,10;5,40@2@3", 50);
        QCOMPARE(mix.kind(), LinkTrace::Kind::Mixture);
        QCOMPARE(mix.length(), int64_t(0));
        int steps = 0;
        for (uint64_t seed = 1; seed <= 400; ++seed) {
            const auto samples = mix.realise(seed, 4);
            QCOMPARE(mix.realise(seed, 4)[3].bandwidthMbps, samples[3].bandwidthMbps); // seeded
            if (samples[0].bandwidthMbps == 100) {
                ++steps;
                QCOMPARE(samples[2].bandwidthMbps, 5.0);
            } else {
                QCOMPARE(samples[2].bandwidthMbps, 10.0);
            }
        }
        QVERIFY2(steps > 0.68 * 400 && steps < 0.82 * 400, qPrintable(QString::number(steps)));
        // A malformed item is named.
        const std::pair<const char*, const char*> bad[] = {
            {"mix:constant:10,20", "component 'constant:10,20' needs a weight"},
            {"mix:constant:10@1", "component 'constant:10@1'"},
            {"mix:constant:10,20@0", "weight 0"},
            {"mix:mix:constant:1,1@1@1", "do not nest"},
            {"dir:/nonexistent-dvfo-traces", "/nonexistent-dvfo-traces does not exist"},
        };
        for (const auto& [spec, message] : bad) {
            try {
                LinkTrace::parse(spec, 50);
                QFAIL(spec);
            } catch (const LinkTraceError& e) {
                QVERIFY2(std::string(e.what()).find(message) != std::string::npos, e.what());
            }
        }
        QTemporaryDir empty;
        QVERIFY_THROWS_EXCEPTION(LinkTraceError,
                                 LinkTrace::parse("dir:" + empty.path().toStdString(), 50));
        std::ofstream(empty.filePath("broken.csv").toStdString())
            << "t_s,bandwidth_mbps,rtt_ms\n0,x,1\n";
        try {
            LinkTrace::parse("dir:" + empty.path().toStdString(), 50);
            QFAIL("a broken csv in a trace directory was accepted");
        } catch (const LinkTraceError& e) {
            QVERIFY2(std::string(e.what()).find("broken.csv:2") != std::string::npos, e.what());
        }
    }

    void realTracesWithOutagesLoadAndEvaluate() {
        const QString dir =
            QString::fromLocal8Bit(qgetenv("DVFO_SOURCE_DIR")) + "/../shared/traces";
        const QStringList files = QDir(dir).entryList({"*.csv"});
        if (files.isEmpty())
            QSKIP("no ../shared/traces beside the source tree");
        for (const QString& f : files) {
            const std::string spec = "csv:" + (dir + "/" + f).toStdString();
            const LinkTrace trace = LinkTrace::parse(spec, 50);
            DvfoEnvironment env = tinyEnv(0.5, 0, trace);
            OraclePolicy oracle(env);
            CloudOnlyPolicy cloud(env);
            EvaluationSettings es;
            const auto rows = PolicyEvaluator(env, es).run({&oracle, &cloud});
            QVERIFY2(rows[1].meanCost >= rows[0].meanCost, qPrintable(f));
        }
        // The folder as one training distribution: each episode one of the real traces.
        const LinkTrace all = LinkTrace::parse("dir:" + dir.toStdString(), 50);
        QCOMPARE(all.kind(), LinkTrace::Kind::Mixture);
        QVERIFY(all.length() > 0);
        // 0 Mbit/s rows are outages, not errors.
        std::istringstream csv("t_s,bandwidth_mbps,rtt_ms\n0,5,20\n0.05,0,20\n0.1,4,20\n");
        const auto samples = LinkTrace::fromCsv(csv, 50, "outage.csv").realise(1, 10);
        QCOMPARE(samples.size(), size_t(3));
        QCOMPARE(samples[1].bandwidthMbps, 0.0);
    }

    // ---- Reward formulas (hand-computed; see DvfoEnvironment) ----
    void rewardFormulas() {
        DvfoEnvironment env = tinyEnv();
        QCOMPARE(env.branchSizes(), (std::vector<int>{2, 2, 1, 11}));
        QCOMPARE(env.referenceEnergyMj(), 14.0);
        QCOMPARE(env.referenceLatencyMs(), 6.0);
        const LinkSample link{8, 1}; // 8 Mbit/s: air time = bytes / 1000 ms
        // Edge-only at max: exactly the reference, cost 1.
        ActionCost c = env.evaluate(link, {1, 1, 0, 0});
        QCOMPARE(c.cost, 1.0);
        // Share 0.5 at max: 60 B, air 0.06, cloud = whole tail at max / 4 = 1, remote 2.06 <
        // the edge tail on the kept maps (offloaded ones zeroed: the whole tail, 4 ms):
        // L = 2 + 4 + 0.5 fusion = 6.5; E = 6 + 8 + 0.06 = 14.06.
        c = env.evaluate(link, {1, 1, 0, 5});
        QVERIFY(near(c.latencyMs, 6.5));
        QVERIFY(near(c.energyMj, 14.06));
        QVERIFY(near(c.cost, 0.5 * 14.06 / 14 + 0.5 * 6.5 / 6));
        QVERIFY(near(c.edgeBusyMs, 6.0));
        // Share 1 at (1000, 500): remote = 1 + 0.12 + 1 = 2.12, no fusion; L = 6.12, E = 4.12.
        c = env.evaluate(link, {0, 0, 0, 10});
        QVERIFY(near(c.latencyMs, 6.12));
        QVERIFY(near(c.energyMj, 4.12));
        // Thinking while moving: a quarter of the period under (1000, 500, share 0): E 10, L 12.
        c = env.evaluate(link, {0, 0, 0, 0}, {1, 1, 0, 0}, 0.25);
        QVERIFY(near(c.energyMj, 0.25 * 10 + 0.75 * 14));
        QVERIFY(near(c.latencyMs, 0.25 * 12 + 0.75 * 6));
        // eta = 1: energy only; SLO penalty adds 1 when L > SLO.
        DvfoEnvironment energyOnly = tinyEnv(1.0, 5.0);
        c = energyOnly.evaluate(link, {0, 0, 0, 10});
        QVERIFY(c.sloViolated);
        QVERIFY(near(c.cost, 4.12 / 14 + 1));
        c = energyOnly.evaluate(link, {1, 1, 0, 10});
        QVERIFY(!c.sloViolated);
        QVERIFY(near(c.cost, 6.12 / 14));
        // Transfer and wait power terms: 100 mW radio for 0.12 ms, 1000 mW waiting 2.12 ms.
        OffloadParams p = tinyParams();
        p.radioActiveMw = 100;
        p.waitPowerMw = 1000;
        DvfoEnvironment powered(ProfileTable(tinyBoard(), "tiny", tinyRecords()),
                                OffloadModel("tiny", tinyLayers(), p), DvfoEnvironmentConfig{});
        QVERIFY(
            near(powered.evaluate(link, {1, 1, 0, 10}).energyMj, 6.12 + 0.1 * 0.12 + 1.0 * 2.12));
        // Energy per period (20 ms) with 1 W idle: the reference idles 14 ms, (1000, 500) at share
        // 1 computes 4 ms and idles (waits included) 16 ms; the wait power is not added on top.
        DvfoEnvironmentConfig periodic;
        periodic.controlPeriodMs = 20;
        periodic.energy = EnergyAccounting::Period;
        periodic.idlePowerMw = 1000;
        DvfoEnvironment perPeriod(ProfileTable(tinyBoard(), "tiny", tinyRecords()),
                                  OffloadModel("tiny", tinyLayers(), p), periodic);
        QVERIFY(near(perPeriod.referenceEnergyMj(), 14 + 14));
        QVERIFY(near(perPeriod.evaluate(link, {0, 0, 0, 10}).energyMj, 4 + 0.12 + 0.1 * 0.12 + 16));
        QVERIFY(near(perPeriod.evaluate(link, {0, 0, 0, 0}).energyMj, 10 + 8)); // busy 12 ms
    }

    void energyAboveIdle() {
        // 500 mW idle floor: each part loses 0.5 mJ per ms. Max clocks: head 6 - 1 = 5, tail
        // 8 - 2 = 6, so E_ref = 11; (1000, 500) head 4 - 2 = 2, tail 6 - 4 = 2.
        DvfoEnvironmentConfig config;
        config.idlePowerMw = 500;
        DvfoEnvironment env(ProfileTable(tinyBoard(), "tiny", tinyRecords()),
                            OffloadModel("tiny", tinyLayers(), tinyParams()), config);
        QCOMPARE(env.energyAccounting(), EnergyAccounting::AboveIdle);
        QVERIFY(near(env.referenceEnergyMj(), 11));
        QCOMPARE(env.referenceLatencyMs(), 6.0); // latency is not touched
        const LinkSample link{8, 1};
        QVERIFY(near(env.evaluate(link, {0, 0, 0, 0}).energyMj, 4));
        QVERIFY(near(env.evaluate(link, {0, 0, 0, 10}).energyMj, 2 + 0.12)); // head + transfer
        // A floor above what a part draws clamps at 0 instead of going negative: at 2500 mW the
        // max-clock head keeps 6 - 5 = 1 mJ, its tail and the slow head nothing.
        config.idlePowerMw = 2500;
        DvfoEnvironment clamped(ProfileTable(tinyBoard(), "tiny", tinyRecords()),
                                OffloadModel("tiny", tinyLayers(), tinyParams()), config);
        QVERIFY(near(clamped.referenceEnergyMj(), 1));
        QVERIFY(near(clamped.evaluate(link, {0, 0, 0, 10}).energyMj, 0.12));
        // A floor above everything leaves nothing to normalise by: refused, not divided by zero.
        config.idlePowerMw = 5000;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 DvfoEnvironment(ProfileTable(tinyBoard(), "tiny", tinyRecords()),
                                                 OffloadModel("tiny", tinyLayers(), tinyParams()),
                                                 config));
        QVERIFY(env.describeEnergy().find("above idle (500 mW)") != std::string::npos);

        // The default floor is the board's: the input rail's static power, else the rails' sum.
        QCOMPARE(BoardSpec::builtin("xavier-nx").idlePowerMw(), 4300.0);
        BoardSpec noInput = tinyBoard();
        noInput.rails = {RailSpec{}, RailSpec{}};
        noInput.rails[0].name = "A", noInput.rails[0].staticMw = 100;
        noInput.rails[1].name = "B", noInput.rails[1].staticMw = 250;
        QCOMPARE(noInput.idlePowerMw(), 350.0);
        DvfoEnvironment boardFloor(ProfileTable(noInput, "tiny", tinyRecords()),
                                   OffloadModel("tiny", tinyLayers(), tinyParams()),
                                   DvfoEnvironmentConfig{});
        QCOMPARE(boardFloor.idlePowerMw(), 350.0);
        QVERIFY(near(boardFloor.referenceEnergyMj(), 14 - 0.35 * 6));

        for (auto a :
             {EnergyAccounting::AboveIdle, EnergyAccounting::Inference, EnergyAccounting::Period})
            QCOMPARE(parseEnergyAccounting(energyAccountingName(a)), a);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseEnergyAccounting("joules"));

        // Training settings carry the accounting; runs stored before it existed were per inference.
        DvfoTrainingSettings settings;
        QCOMPARE(settings.energy, std::string("above-idle"));
        settings.energy = "period";
        settings.idlePowerMw = 1200;
        const DvfoTrainingSettings back = DvfoTrainingSettings::fromJson(settings.toJson());
        QCOMPARE(back.energy, std::string("period"));
        QCOMPARE(back.idlePowerMw, 1200.0);
        settings.attentionReport = "/nonexistent/report.json";
        QCOMPARE(DvfoTrainingSettings::fromJson(settings.toJson()).attentionReport,
                 settings.attentionReport);

        QCOMPARE(DvfoTrainingSettings::fromJson(R"({"eta":0.5})").energy, std::string("inference"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 DvfoTrainingSettings::fromJson(R"({"energy":"joules"})"));
    }

    void stepRewardsAndObservation() {
        DvfoEnvironment env = tinyEnv(0.5, 0, LinkTrace::parse("step:8,1;16,3@2", 10));
        const double bwScale = std::log2(1001.0);
        const std::vector<float> o0 = env.reset(1);
        QCOMPARE(o0.size(), size_t(env.observationSize()));
        QVERIFY(near(o0[0], std::log2(9.0) / bwScale, 1e-6)); // sample 0, measured at start
        QCOMPARE(o0[4], 1.0f);                                // episodes start at max clocks
        QCOMPARE(o0[7], 0.0f);
        QCOMPARE(o0[10], 1.0f);
        RlStep s = env.step({1, 1, 0, 5});
        QVERIFY(near(s.reward, -(0.5 * 14.06 / 14 + 0.5 * 6.5 / 6)));
        QCOMPARE(s.observation[7], 0.5f);
        QVERIFY(!s.done);
        s = env.step({0, 0, 0, 0}, 0.5); // half the period still at share 0.5, max clocks
        QVERIFY(near(s.energyMj, 0.5 * 14.06 + 0.5 * 10));
        // Step 1 was on the first segment: the observation after it still shows 8 Mbit/s.
        QVERIFY(near(s.observation[0], std::log2(9.0) / bwScale, 1e-6));
        s = env.step({1, 1, 0, 0}); // step 2 is on the second segment; now the board knows
        QVERIFY(near(s.observation[0], std::log2(17.0) / bwScale, 1e-6));
        QCOMPARE(s.observation[2], 0.0f); // a trend needs trendSteps (5) steps of history
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env.step({2, 0, 0, 0}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env.step({0, 0, 0}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env.step({0, 0, 0, 11}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, env.step({0, 0, 0, 0}, 1.0));
        QCOMPARE(env.stepIndex(), int64_t(3)); // rejected actions change nothing
        int steps = 3;
        while (!env.done()) {
            s = env.step({1, 1, 0, 0});
            ++steps;
        }
        QVERIFY(s.done);
        QCOMPARE(steps, 20);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, env.step({1, 1, 0, 0}));
    }

    // ---- Oracle on the hand-checkable profile ----
    void oracleMatchesHandComputedBest() {
        const LinkSample link{8, 1};
        // eta 0.5: full offload at max clocks, cost 0.5 * 6.12 / 14 + 0.5 * 4.12 / 6.
        DvfoEnvironment env = tinyEnv(0.5);
        QCOMPARE(env.bestAction(link, env.maxClocks(), 0), (FactoredAction{1, 1, 0, 10}));
        QVERIFY(near(env.evaluate(link, {1, 1, 0, 10}).cost, 0.5 * 6.12 / 14 + 0.5 * 4.12 / 6));
        // eta 1 (energy only): the cheapest head (1000, 500) and everything offloaded, E = 4.12.
        DvfoEnvironment energy = tinyEnv(1.0);
        QCOMPARE(energy.bestAction(link, energy.maxClocks(), 0), (FactoredAction{0, 0, 0, 10}));
        // ... unless the SLO of 4.2 ms forbids its 6.12 ms: then max clocks, share 1 (4.12 ms).
        DvfoEnvironment slo = tinyEnv(1.0, 4.2);
        QCOMPARE(slo.bestAction(link, slo.maxClocks(), 0), (FactoredAction{1, 1, 0, 10}));
        // eta 0 (latency only): share 1 at max (4.12 ms) beats share 0.6 (6.5 ms: the edge's
        // tail on the kept maps costs the whole tail, then fusion).
        DvfoEnvironment latency = tinyEnv(0.0);
        QCOMPARE(latency.bestAction(link, latency.maxClocks(), 0), (FactoredAction{1, 1, 0, 10}));
        QVERIFY(near(latency.evaluate(link, {1, 1, 0, 6}).latencyMs, 2 + 4 + 0.5));
        // A slow link makes offloading pointless for latency: edge only at max clocks.
        QCOMPARE(latency.bestAction({0.01, 200}, latency.maxClocks(), 0),
                 (FactoredAction{1, 1, 0, 0}));
        // Agreement with an independent brute force over evaluate(), with and without delay.
        for (double eta : {0.0, 0.3, 0.5, 0.8, 1.0})
            for (const LinkSample& l :
                 {LinkSample{8, 1}, LinkSample{1, 5}, LinkSample{100, 0.1}, LinkSample{0.5, 50}})
                for (double d : {0.0, 0.3}) {
                    DvfoEnvironment e = tinyEnv(eta, 5.0);
                    const FactoredAction prev{0, 1, 0, 3};
                    const auto [best, cost] = bruteForce(e, l, prev, d);
                    const FactoredAction got = e.bestAction(l, prev, d);
                    QCOMPARE(got, best);
                    QVERIFY(near(e.evaluate(l, prev, got, d).cost, cost));
                }
    }

    // ---- Baselines ----
    void baselinesDoWhatTheirNamesSay() {
        DvfoEnvironment env =
            tinyEnv(0.5, 0, LinkTrace::parse("randomwalk:min=1,max=50,step=10,rtt=2", 10));
        const std::vector<float> obs = env.reset(5);
        QCOMPARE(EdgeOnlyMaxPolicy(env).decide(obs), (FactoredAction{1, 1, 0, 0}));
        QCOMPARE(CloudOnlyPolicy(env).decide(obs), (FactoredAction{1, 1, 0, 10}));
        OffloadOnlyPolicy offloadOnly(env);
        DvfsOnlyPolicy dvfsOnly(env);
        OraclePolicy oracle(env);
        ModelBasedPolicy modelBased(env);
        for (int i = 0; i < 10; ++i) {
            // The restricted searches and the model-based optimiser decide for the link the
            // board measured; only the oracle knows the sample the step is costed under.
            const LinkSample l = env.currentLink(), measured = env.measuredLink();
            const FactoredAction a = offloadOnly.decide(obs), b = dvfsOnly.decide(obs),
                                 o = oracle.decide(obs), m = modelBased.decide(obs);
            QCOMPARE(FactoredAction(a.begin(), a.begin() + 3), (FactoredAction{1, 1, 0}));
            QCOMPARE(b[3], 0);
            for (int k = 0; k < 11; ++k)
                QVERIFY(env.evaluate(measured, a).cost <=
                        env.evaluate(measured, {1, 1, 0, k}).cost);
            for (int c = 0; c < 2; ++c)
                for (int g = 0; g < 2; ++g)
                    QVERIFY(env.evaluate(measured, b).cost <=
                            env.evaluate(measured, {c, g, 0, 0}).cost);
            QCOMPARE(m, env.bestAction(measured, env.previousAction(), 0));
            QVERIFY(env.evaluate(l, o).cost <=
                    std::min({env.evaluate(l, a).cost, env.evaluate(l, b).cost,
                              env.evaluate(l, m).cost}));
            env.step(o);
        }
        // ondemand: fmin + load * (fmax - fmin), lowest table entry at or above it; max above 0.8.
        const std::vector<int64_t> table = {100, 200, 300, 400, 500};
        QCOMPARE(OndemandGovernorPolicy::ondemandLevel(table, 0.0, 0.8), 0);
        QCOMPARE(OndemandGovernorPolicy::ondemandLevel(table, 0.3, 0.8), 2); // 220 -> 300
        QCOMPARE(OndemandGovernorPolicy::ondemandLevel(table, 0.5, 0.8), 2); // 300
        QCOMPARE(OndemandGovernorPolicy::ondemandLevel(table, 0.81, 0.8), 4);
        // In the environment: period 20 ms, max clocks busy 6 ms -> load 0.3 -> CPU 1300 -> 2000,
        // GPU 650 -> 1000; at min clocks busy 12 ms -> load 0.6 -> still the upper levels.
        DvfoEnvironment gov = tinyEnv();
        std::vector<float> o = gov.reset(1);
        OndemandGovernorPolicy ondemand(gov);
        PerformanceGovernorPolicy performance(gov);
        QCOMPARE(ondemand.decide(o), gov.maxClocks()); // nothing measured yet
        gov.step({0, 0, 0, 0});
        QVERIFY(near(gov.lastCost().edgeBusyMs, 12));
        QCOMPARE(ondemand.decide(o), (FactoredAction{1, 1, 0, 0}));
        QCOMPARE(performance.decide(o), (FactoredAction{1, 1, 0, 0}));
        DvfoEnvironmentConfig slow;
        slow.controlPeriodMs = 200; // load 0.06: fmin + 0.06 (fmax - fmin) -> the next level up
        DvfoEnvironment idle(ProfileTable(tinyBoard(), "tiny", tinyRecords()),
                             OffloadModel("tiny", tinyLayers(), tinyParams()), slow);
        o = idle.reset(1);
        idle.step({0, 0, 0, 0});
        QCOMPARE(OndemandGovernorPolicy(idle).decide(o), (FactoredAction{1, 1, 0, 0}));
        idle.step(
            {1, 1, 0, 0}); // busy 6 of 200 ms: load 0.03 -> 1030 kHz -> level 1 of {1000, 2000}
        QCOMPARE(OndemandGovernorPolicy(idle).decide(o), (FactoredAction{1, 1, 0, 0}));
    }

    // ---- Evaluator ----
    void evaluatorGapIsZeroForTheOracle() {
        DvfoEnvironment env =
            tinyEnv(0.5, 7.0, LinkTrace::parse("randomwalk:min=0.5,max=40,step=8,rtt=2", 10));
        EdgeOnlyMaxPolicy edge(env);
        CloudOnlyPolicy cloud(env);
        OndemandGovernorPolicy ondemand(env);
        PerformanceGovernorPolicy performance(env);
        OffloadOnlyPolicy offloadOnly(env);
        DvfsOnlyPolicy dvfsOnly(env);
        OraclePolicy oracle(env);
        EvaluationSettings settings;
        settings.seeds = {1, 2};
        const auto rows =
            PolicyEvaluator(env, settings)
                .run({&oracle, &edge, &cloud, &ondemand, &performance, &offloadOnly, &dvfsOnly});
        QCOMPARE(rows.size(), size_t(7));
        QCOMPARE(rows[0].policy, std::string("oracle"));
        QCOMPARE(rows[0].gapToOraclePct, 0.0);
        QCOMPARE(rows[0].steps, int64_t(40));
        for (const PolicyEvaluation& r : rows) {
            QVERIFY2(r.gapToOraclePct >= -1e-9, r.policy.c_str());
            QVERIFY(r.meanEnergyMj > 0 && r.meanLatencyMs > 0);
        }
        // Edge-only at max is the reference: cost 1 per step plus its SLO violations (6 ms < 7 ms:
        // none).
        QVERIFY(near(rows[1].meanCost, 1.0));
        QCOMPARE(rows[1].sloViolations, int64_t(0));
        QVERIFY(near(rows[1].meanEnergyMj, 14));
        QVERIFY(near(rows[1].meanEdpMjS, 14 * 6 * 1e-3));
        // The same seeds give the same numbers.
        const auto again = PolicyEvaluator(env, settings).run({&oracle});
        QCOMPARE(again[0].meanCost, rows[0].meanCost);
        const nlohmann::json j = PolicyEvaluator::toJson(rows);
        QCOMPARE(j[0]["gap_to_oracle_pct"].get<double>(), 0.0);
        QVERIFY(j[0]["mean_accuracy"].is_null());
    }
};

QTEST_GUILESS_MAIN(TestDvfoEnvironment)
#include "tst_dvfoenvironment.moc"
