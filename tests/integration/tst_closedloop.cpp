// `dvfo loop` end to end on a small model: a real profile of small_cnn on the emulated Xavier NX
// (dvfo profile), a trained policy (dvfo train), then the real edge runtime (dvfo-edge run) and a
// real dvfo-cloud for the policy and every baseline, compared with the environment's prediction.
#include "support/clirun.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace {

nlohmann::json readJson(const QString& path) {
    std::ifstream in(path.toStdString());
    return nlohmann::json::parse(in);
}

double relativeError(const nlohmann::json& row, const char* key) {
    const double p = row["predicted"][key].get<double>(), r = row["realised"][key].get<double>();
    return std::abs(r - p) / std::max(p, 1e-9);
}

void checkOffloading(const nlohmann::json& row) {
    QVERIFY2(relativeError(row, "mean_energy_mj") < 0.02, row.dump().c_str());
    const double extra = row["realised"]["mean_latency_ms"].get<double>() -
                         row["predicted"]["mean_latency_ms"].get<double>();
    QVERIFY2(extra > -0.05 && extra < 5.0, row.dump().c_str());
}

} // namespace

class TestClosedLoop : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString db_;

private slots:
    void initTestCase() {
        QVERIFY(!qEnvironmentVariable("DVFO_CLI").isEmpty());
        db_ = dir_.filePath("w.db");
        CliRun r = runDvfoCli({"profile", "--board", "emulated:xavier-nx", "--model", "small_cnn",
                               "--tuples", "grid:2x2x2", "--db", db_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = runDvfoCli({"train", "--db", db_, "--session", "1", "--eta", "0.7", "--trace",
                        "randomwalk:min=5,max=400,step=20,rtt=2", "--steps", "2500", "--out",
                        dir_.filePath("policy")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void realisedCostFollowsThePredictionForThePolicyAndEveryBaseline() {
        const QString json = dir_.filePath("loop.json");
        const CliRun r =
            runDvfoCli({"loop", "--db", db_, "--session", "1", "--policy", dir_.filePath("policy"),
                        "--eta", "0.7", "--trace", "randomwalk:min=5,max=400,step=20,rtt=2",
                        "--inferences", "60", "--work-dir", dir_.filePath("work"), "--json", json});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("real cost"), qPrintable(r.out));
        const nlohmann::json j = readJson(json);
        std::map<std::string, nlohmann::json> rows;
        for (const auto& row : j["policies"])
            rows[row["policy"].get<std::string>()] = row;
        for (const char* name : {"dvfo-dqn", "edge-only", "cloud-only", "DVFS-only", "offload-only",
                                 "model-based", "ondemand"}) {
            QVERIFY2(rows.count(name), name);
            const auto& row = rows[name];
            QCOMPARE(row["inferences"].get<int64_t>(), int64_t(60));
            for (const char* key : {"mean_energy_mj", "mean_latency_ms", "mean_cost"})
                QVERIFY(row["predicted"][key].get<double>() > 0 &&
                        row["realised"][key].get<double>() > 0);
        }
        // Policies that never offload on this link (small_cnn's edge is faster than any round
        // trip) see the network only through their decisions: close to the prediction.
        for (const char* name : {"dvfo-dqn", "ondemand", "model-based"})
            QVERIFY2(relativeError(rows[name], "mean_cost") < 0.25, rows[name].dump().c_str());
        // What never touches the network is the emulation model on both sides: the same numbers.
        for (const char* name : {"edge-only", "DVFS-only"}) {
            QVERIFY2(relativeError(rows[name], "mean_cost") < 1e-6, name);
            QCOMPARE(rows[name]["offloads"].get<int64_t>(), int64_t(0));
        }
        // Cloud-only really offloads every inference; what it computes and sends is priced as
        // predicted, and the network time is the trace's plus what this loaded machine adds to a
        // loopback round trip (never less).
        QCOMPARE(rows["cloud-only"]["offloads"].get<int64_t>(), int64_t(60));
        checkOffloading(rows["cloud-only"]);
        // The runtime puts the environment's prediction next to every inference it realised when
        // its policy carries the cost model (trained and model-based policies): what the Fleet
        // view shows for a running board.
        for (const char* name : {"dvfo-dqn", "model-based"}) {
            std::ifstream in(
                dir_.filePath(QString("work/%1/root/runtime/telemetry.jsonl").arg(name))
                    .toStdString());
            int n = 0;
            double realised = 0;
            for (std::string line; std::getline(in, line); ++n) {
                const auto r = nlohmann::json::parse(line);
                QVERIFY2(r.contains("predictedCost") && r.contains("cost"), line.c_str());
                realised += r["cost"].get<double>();
            }
            QCOMPARE(n, 60);
            QVERIFY(std::abs(realised / n - rows[name]["realised"]["mean_cost"].get<double>()) <
                    1e-9);
        }
        QVERIFY(rows["edge-only"]["probe_bytes"].get<int64_t>() > 0);
    }

    void anOutageFallsBackToTheEdgeAndNothingCrashes() {
        const QString json = dir_.filePath("outage.json");
        // Up for 10 steps, down for 10, up again.
        const CliRun r = runDvfoCli({"loop", "--db", db_, "--session", "1", "--eta", "0.7",
                                     "--trace", "step:50,2;0,2@10;50,2@20", "--inferences", "30",
                                     "--policies", "cloud-only,edge-only", "--json", json});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const nlohmann::json j = readJson(json);
        QCOMPARE(j["policies"].size(), size_t(2));
        const auto& cloud = j["policies"][1];
        QCOMPARE(cloud["policy"].get<std::string>(), std::string("cloud-only"));
        // The first request into the outage fails and falls back; then the board knows the link is
        // down and stays on the edge until a probe finds it up again.
        QCOMPARE(cloud["fallbacks"].get<int64_t>(), int64_t(1));
        QVERIFY2(cloud["offloads"].get<int64_t>() >= 18, cloud.dump().c_str());
        checkOffloading(cloud);
    }

    void badInputGetsAClearError() {
        CliRun r = runDvfoCli({"loop", "--db", db_, "--session", "9", "--inferences", "5"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("session"), qPrintable(r.err));
        r = runDvfoCli({"loop", "--db", db_, "--session", "1", "--inferences", "5", "--policies",
                        "telepathy"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("unknown policy 'telepathy'"), qPrintable(r.err));
        r = runDvfoCli({"loop", "--db", db_, "--session", "1", "--inferences", "5", "--trace",
                        "csv:/nonexistent.csv"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("nonexistent.csv"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestClosedLoop)
#include "tst_closedloop.moc"
