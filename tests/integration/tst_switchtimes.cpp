// Switching cost end to end: the real board agent times clock changes on an emulated board
// (`dvfo-edge measure-switch`), `dvfo board probe` prints them, `dvfo profile` stores them with the
// session, `dvfo evaluate` charges them (or not, --switch-cost off) and the edge runtime realises
// the charge (`dvfo loop`).
#include "support/clirun.h"

#include "core/workspace/profilestore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace {

nlohmann::json lastJsonLine(const QString& out) {
    const QStringList lines = out.trimmed().split('\n');
    return nlohmann::json::parse(lines.last().toStdString(), nullptr, false);
}

nlohmann::json readJson(const QString& path) {
    std::ifstream in(path.toStdString());
    return nlohmann::json::parse(in);
}

std::map<std::string, nlohmann::json> byPolicy(const nlohmann::json& list) {
    std::map<std::string, nlohmann::json> rows;
    for (const auto& row : list)
        rows[row["policy"].get<std::string>()] = row;
    return rows;
}

} // namespace

class TestSwitchTimes : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString db_;

private slots:
    void theAgentTimesEachDomainOfAnEmulatedBoardAndReportsItsModel() {
        const CliRun r =
            runDvfoEdge({"--emulate", "xavier-nx", "measure-switch", "--transitions", "4"});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const nlohmann::json reply = lastJsonLine(r.out);
        QVERIFY2(reply.value("ok", false), qPrintable(r.out));
        const nlohmann::json& m = reply["result"];
        QVERIFY(m["emulated"].get<bool>());
        // Xavier NX's model: CPU 0.3, GPU 0.8, EMC 3 ms; the set-freq call really takes that long.
        QCOMPARE(m["model"]["emcMs"].get<double>(), 3.0);
        for (const char* d : {"cpu", "gpu", "emc"}) {
            QCOMPARE(m[d]["transitions"].get<int>(), 4);
            QCOMPARE(m[d]["timeouts"].get<int>(), 0);
            QVERIFY2(m[d]["medianMs"].get<double>() >=
                         m["model"][std::string(d) + "Ms"].get<double>(),
                     m.dump().c_str());
            QVERIFY(m[d]["p90Ms"].get<double>() >= m[d]["medianMs"].get<double>());
        }
        QVERIFY2(m["emc"]["medianMs"].get<double>() > m["gpu"]["medianMs"].get<double>(),
                 m.dump().c_str());
    }

    void aBadTransitionCountIsRefusedByName() {
        const CliRun r =
            runDvfoEdge({"--emulate", "xavier-nx", "measure-switch", "--transitions", "0"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.out.contains("transitions"), qPrintable(r.out + r.err));
    }

    void boardProbePrintsTheSwitchTimes() {
        const CliRun r = runDvfoCli({"board", "probe", "emulated:xavier-nx"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("Clock switch times"), qPrintable(r.out));
        QVERIFY2(r.out.contains("EMC") && r.out.contains("3.000"), qPrintable(r.out));
        QVERIFY2(r.out.contains("switching model"), qPrintable(r.out));
    }

    void aProfiledSessionKeepsItsSwitchTimesAndEvaluateChargesThem() {
        db_ = dir_.filePath("w.db");
        CliRun r = runDvfoCli({"profile", "--board", "emulated:xavier-nx", "--model", "small_cnn",
                               "--tuples", "grid:2x2x2", "--db", db_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        {
            dvfo::ProfileStore store(db_.toStdString());
            const auto c = nlohmann::json::parse(store.session(1).conditionsJson);
            QVERIFY2(c.contains("switchTimes"), c.dump().c_str());
            QCOMPARE(c["switchTimes"]["model"]["emcMs"].get<double>(), 3.0);
        }
        const QString on = dir_.filePath("on.json"), off = dir_.filePath("off.json");
        const QStringList common = {
            "evaluate",  "--db",    db_,
            "--session", "1",       "--eta",
            "0.7",       "--trace", "randomwalk:min=5,max=400,step=20,rtt=2",
            "--steps",   "200",     "--seeds",
            "1"};
        r = runDvfoCli(common + QStringList{"--json", on});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("Clock switches: CPU 0.30 ms, GPU 0.80 ms, EMC 3.00 ms"),
                 qPrintable(r.out));
        r = runDvfoCli(common + QStringList{"--switch-cost", "off", "--json", off});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("Clock switches: free"), qPrintable(r.out));
        const auto charged = byPolicy(readJson(on)["policies"]);
        const auto freeRows = byPolicy(readJson(off)["policies"]);
        QCOMPARE(readJson(on)["switch_times"]["emcMs"].get<double>(), 3.0);
        // The governor changes clocks with the load: it pays for it. Edge-only never changes.
        QVERIFY(charged.at("ondemand governor")["mean_cost"].get<double>() >
                freeRows.at("ondemand governor")["mean_cost"].get<double>());
        QCOMPARE(charged.at("edge-only (max clocks)")["mean_cost"].get<double>(),
                 freeRows.at("edge-only (max clocks)")["mean_cost"].get<double>());
        r = runDvfoCli(common + QStringList{"--switch-cost", "sometimes"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("sometimes"), qPrintable(r.err));
    }

    void theRuntimeRealisesTheSwitchesTheEnvironmentCharges() {
        QVERIFY(!db_.isEmpty());
        const QString json = dir_.filePath("loop.json");
        const CliRun r = runDvfoCli({"loop", "--db", db_, "--session", "1", "--eta", "0.7",
                                     "--trace", "randomwalk:min=5,max=400,step=20,rtt=2",
                                     "--inferences", "40", "--policies", "DVFS-only,ondemand",
                                     "--work-dir", dir_.filePath("work"), "--json", json});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const auto rows = byPolicy(readJson(json)["policies"]);
        // Nothing goes over the network: the emulation model prices both sides, switches included.
        const auto& dvfs = rows.at("DVFS-only");
        QVERIFY2(std::abs(dvfs["realised"]["mean_cost"].get<double>() -
                          dvfs["predicted"]["mean_cost"].get<double>()) <
                     1e-6 * dvfs["predicted"]["mean_cost"].get<double>(),
                 dvfs.dump().c_str());
        double switchedMs = 0;
        for (const char* name : {"DVFS-only", "ondemand"}) {
            std::ifstream in(
                dir_.filePath(QString("work/%1/root/runtime/telemetry.jsonl").arg(name))
                    .toStdString());
            for (std::string line; std::getline(in, line);) {
                const auto rec = nlohmann::json::parse(line);
                QVERIFY2(rec.contains("switchMs"), line.c_str());
                switchedMs += rec["switchMs"].get<double>();
            }
        }
        QVERIFY2(switchedMs > 0, "no policy changed clocks: the case tests nothing");
    }
};

QTEST_GUILESS_MAIN(TestSwitchTimes)
#include "tst_switchtimes.moc"
