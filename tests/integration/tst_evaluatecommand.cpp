// `dvfo evaluate` end to end: a real workspace database with a ResNet-18 grid session of the
// built-in Xavier NX, the real CLI binary, its table and JSON, and its errors.
#include "core/board/boardspec.h"
#include "core/workspace/profilestore.h"

#include "support/syntheticsession.h"
#include "support/clirun.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <nlohmann/json.hpp>

using namespace dvfo;

class TestEvaluateCommand : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString db_;

private slots:
    void initTestCase() {
        QVERIFY(!qEnvironmentVariable("DVFO_CLI").isEmpty());
        db_ = dir_.filePath("w.db");
        ProfileStore store(db_.toStdString());
        QCOMPARE(storeSyntheticResnet18Session(store), int64_t(1));
    }

    void printsTableAndJson() {
        const QString json = dir_.filePath("eval.json");
        const CliRun r = runDvfoCli({"evaluate", "--db", db_, "--session", "1", "--steps", "60",
                                     "--seeds", "1,2", "--eta", "0.8", "--slo-ms", "20", "--trace",
                                     "randomwalk:min=2,max=200,step=10,rtt=1", "--json", json});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* name :
             {"oracle", "edge-only (max clocks)", "cloud-only", "performance governor",
              "ondemand governor", "offload-only (max clocks)", "DVFS-only (no offload)",
              "model-based optimiser"})
            QVERIFY2(r.out.contains(name), name);
        QVERIFY(r.out.contains("8 measured of 2625 tuples"));
        QVERIFY(r.out.contains("Split after layer2.1 (128x28x28"));
        std::ifstream in(json.toStdString());
        const nlohmann::json j = nlohmann::json::parse(in);
        QCOMPARE(j["policies"].size(), size_t(8));
        QCOMPARE(j["policies"][0]["policy"].get<std::string>(), std::string("oracle"));
        QCOMPARE(j["policies"][0]["gap_to_oracle_pct"].get<double>(), 0.0);
        for (const auto& row : j["policies"]) {
            QCOMPARE(row["steps"].get<int>(), 120);
            QVERIFY(row["gap_to_oracle_pct"].get<double>() >= -1e-9);
        }
        QCOMPARE(j["observation"]["cpu_levels"].get<int>(), 25);
    }

    void suiteReportsEveryFamilyAndTheWorst() {
        const QString json = dir_.filePath("suite.json");
        const QString csv = dir_.filePath("outage.csv");
        std::ofstream(csv.toStdString())
            << "t_s,bandwidth_mbps,rtt_ms\n0,20,30\n0.5,0,30\n1,20,30\n";
        const CliRun r = runDvfoCli({"evaluate", "--db", db_, "--session", "1", "--suite",
                                     "--steps", "40", "--seeds", "1", "--eta", "0.7",
                                     "--suite-trace", "csv:" + csv, "--json", json});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* family : {"constant grid", "step changes", "walk, walking RTT", "WAN",
                                   "LAN", "MEC", "outages", "outage.csv"})
            QVERIFY2(r.out.contains(family), family);
        QVERIFY2(r.out.contains("Worst family for model-based optimiser"), qPrintable(r.out));
        std::ifstream in(json.toStdString());
        const nlohmann::json j = nlohmann::json::parse(in);
        QCOMPARE(j["suite"].size(), size_t(8));
        for (const auto& family : j["suite"]) {
            QCOMPARE(family["policies"][0]["policy"].get<std::string>(), std::string("oracle"));
            for (const auto& row : family["policies"])
                QVERIFY(row["gap_to_oracle_pct"].get<double>() >= -1e-9);
            QVERIFY(!family["best_baseline"].get<std::string>().empty());
        }
        const CliRun bad = runDvfoCli({"evaluate", "--db", db_, "--session", "1", "--suite",
                                       "--suite-trace", "mix:constant:5,5"});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("component 'constant:5,5' needs a weight"), qPrintable(bad.err));
    }

    void errorsAreClear() {
        CliRun r = runDvfoCli({"evaluate", "--db", db_, "--session", "7"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no session with id 7"), qPrintable(r.err));
        r = runDvfoCli(
            {"evaluate", "--db", db_, "--session", "1", "--trace", "csv:/nonexistent.csv"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("cannot open link trace file /nonexistent.csv"), qPrintable(r.err));
        r = runDvfoCli({"evaluate", "--db", db_, "--session", "1", "--split", "nope"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("has no layer 'nope'"), qPrintable(r.err));
        r = runDvfoCli(
            {"evaluate", "--db", db_, "--session", "1", "--policy", dir_.filePath("missing")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("policy.json"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestEvaluateCommand)
#include "tst_evaluatecommand.moc"
