// The live monitor end to end: the real dvfo-edge (emulated board) streaming samples over a pipe
// and over SSH to a real sshd on loopback, cancellation, limits, and `dvfo board monitor`.
// The rates and the agent's CPU time are printed (qInfo) for the README.
#include "core/board/boardspec.h"
#include "core/board/monitorseries.h"
#include "remote/client/agentclient.h"
#include "remote/client/boardconnector.h"
#include "remote/client/localprocesstransport.h"
#include "support/clirun.h"
#include "support/fakesysfs.h"
#include "support/sshdfixture.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace dvfo;

namespace {
std::string edge() {
    return qEnvironmentVariable("DVFO_EDGE").toStdString();
}

std::unique_ptr<AgentClient> pipeAgent(const std::string& board) {
    return std::make_unique<AgentClient>(std::make_unique<LocalProcessTransport>(
        std::vector<std::string>{edge(), "--emulate", board, "serve"}, "emulated " + board));
}

// User + system CPU seconds of a process on this machine (/proc/PID/stat fields 14 and 15).
double cpuSeconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = all.rfind(')');
    if (close == std::string::npos)
        return -1;
    std::istringstream rest(all.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::stod(field);
        if (i == 15)
            stime = std::stod(field);
    }
    return (utime + stime) / double(sysconf(_SC_CLK_TCK));
}

struct Run {
    std::vector<MonitorSample> samples;
    size_t lines = 0;
    nlohmann::json result;
    double agentCpuS = 0;
};

Run monitor(AgentClient& agent, int rateHz, double durationS) {
    Run r;
    const int pid = agent.hello().value("pid", 0);
    const double cpu0 = cpuSeconds(pid);
    r.result = agent.call("monitor", {{"rateHz", rateHz}, {"durationS", durationS}},
                          [&](const std::string& ev, const nlohmann::json& data) {
                              if (ev != "samples")
                                  return;
                              ++r.lines;
                              for (auto& s : parseMonitorBatch(data))
                                  r.samples.push_back(std::move(s));
                          });
    r.agentCpuS = cpuSeconds(pid) - cpu0;
    return r;
}

// Checks what a monitor of `durationS` at `rateHz` must show whatever the link: every tick's
// sample or a counted skip, increasing board time, no bursts, a few lines a second.
void checkStream(const Run& r, int rateHz, double durationS, const char* link) {
    const size_t due = size_t(rateHz * durationS + 0.5);
    QCOMPARE(size_t(r.result["samples"].get<uint64_t>()), r.samples.size());
    QCOMPARE(r.samples.size() + r.result["skipped"].get<size_t>(), due);
    // A generous bound: a functional check on a shared 2-core machine, not a timing target.
    QVERIFY2(r.samples.size() >= due / 2,
             qPrintable(QString("%1 of %2").arg(r.samples.size()).arg(due)));
    std::vector<double> gaps;
    for (size_t i = 1; i < r.samples.size(); ++i)
        gaps.push_back(r.samples[i].tMs - r.samples[i - 1].tMs);
    std::sort(gaps.begin(), gaps.end());
    const double periodMs = 1000.0 / rateHz;
    QVERIFY2(gaps.front() > periodMs * 0.4, qPrintable(QString::number(gaps.front())));
    const double median = gaps[gaps.size() / 2];
    QVERIFY2(median > periodMs * 0.8 && median < periodMs * 2.5,
             qPrintable(QString::number(median)));
    QVERIFY2(r.lines <= size_t(durationS * 20) + 3, qPrintable(QString::number(r.lines)));
    qInfo("%s: %d Hz asked, %zu samples in %.2f s = %.1f Hz achieved (%zu skipped), %zu lines, "
          "median gap %.2f ms, agent CPU %.1f %% of a core",
          link, rateHz, r.samples.size(), r.result["elapsedS"].get<double>(),
          r.result["achievedHz"].get<double>(), r.result["skipped"].get<size_t>(), r.lines, median,
          100 * r.agentCpuS / durationS);
}
} // namespace

class TestLiveMonitor : public QObject {
    Q_OBJECT
    QTemporaryDir home_;

private slots:
    void initTestCase() {
        QVERIFY2(!edge().empty(), "DVFO_EDGE must point at the dvfo-edge binary");
        qputenv("HOME", home_.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", home_.filePath("config").toUtf8());
        qputenv("XDG_DATA_HOME", home_.filePath("data").toUtf8());
    }

    void theAgentStreamsFiftyHertzOverAPipe() {
        auto agent = pipeAgent("xavier-nx");
        const Run r = monitor(*agent, 50, 1.0);
        checkStream(r, 50, 1.0, "pipe");
        const MonitorSample& s = r.samples.back();
        QCOMPARE(s.rails.size(), size_t(3));
        QCOMPARE(s.rails[0].name, std::string("VDD_IN"));
        QVERIFY(s.rails[0].mw > 1000);
        QCOMPARE(s.thermal.size(), size_t(4));
        QVERIFY(s.thermal[0].tempC > 25 && s.thermal[0].tempC < 90);
        QVERIFY(agent->hello().value("pid", 0) > 0);
    }

    void theAgentStreamsTwoHundredHertzOverAPipe() {
        auto agent = pipeAgent("xavier-nx");
        checkStream(monitor(*agent, 200, 1.0), 200, 1.0, "pipe");
    }

    void theSamplesShowTheClocksSetDuringTheSession() {
        auto agent = pipeAgent("jetson-nano");
        const auto min = BoardSpec::fromJson(agent->call("probe").at("spec")).minTuple();
        agent->call("set-freq", nlohmann::json{{"tuple", min.toString()}});
        const Run r = monitor(*agent, 50, 0.2);
        QVERIFY(!r.samples.empty());
        for (const auto& s : r.samples) {
            QCOMPARE(s.cpuKhz, min.cpuKhz);
            QCOMPARE(s.gpuKhz, min.gpuKhz);
            QCOMPARE(s.emcKhz, min.emcKhz);
        }
    }

    void aRealBoardsRailsAndThermalZonesAreReadFromItsFiles() {
        QTemporaryDir root;
        test::FakeSysfs fake(BoardSpec::builtin("xavier-nx"), root.path().toStdString());
        fake.setRail("VDD_IN", 5000, 1000); // 5 W
        fake.write("/sys/class/thermal/thermal_zone0/type", "CPU-therm\n");
        fake.write("/sys/class/thermal/thermal_zone0/temp", "47500\n");
        AgentClient agent(std::make_unique<LocalProcessTransport>(
            std::vector<std::string>{edge(), "--sysfs-root", root.path().toStdString(), "--board",
                                     "xavier-nx", "serve"},
            "fake sysfs"));
        Run r = monitor(agent, 50, 0.2);
        QVERIFY(!r.samples.empty());
        const MonitorSample& first = r.samples.front();
        QCOMPARE(first.rails[0].name, std::string("VDD_IN"));
        QVERIFY2(std::abs(first.rails[0].mw - 5000) < 1,
                 qPrintable(QString::number(first.rails[0].mw)));
        QCOMPARE(first.thermal.size(), size_t(1));
        QCOMPARE(first.thermal[0].type, std::string("CPU-therm"));
        QCOMPARE(first.thermal[0].tempC, 47.5);
        // The next run sees what the files say now: nothing is cached.
        fake.setRail("VDD_IN", 5000, 1500);
        fake.write("/sys/class/thermal/thermal_zone0/temp", "61000\n");
        r = monitor(agent, 50, 0.1);
        QVERIFY(std::abs(r.samples.back().rails[0].mw - 7500) < 1);
        QCOMPARE(r.samples.back().thermal[0].tempC, 61.0);
    }

    void anOpenEndedMonitorEndsOnCancelAndTheAgentKeepsServing() {
        auto agent = pipeAgent("xavier-nx");
        std::atomic<bool> cancel{false};
        size_t samples = 0;
        const auto result = agent->call(
            "monitor", {{"rateHz", 100}},
            [&](const std::string&, const nlohmann::json& data) {
                samples += parseMonitorBatch(data).size();
                if (samples >= 30)
                    cancel = true;
            },
            &cancel);
        QVERIFY(result["cancelled"].get<bool>());
        QCOMPARE(result["samples"].get<size_t>(), samples);
        QVERIFY(samples >= 30);
        QCOMPARE(agent->call("hello")["agent"].get<std::string>(), std::string("dvfo-edge"));
    }

    void ratesOutsideTheLimitsAreRefused() {
        auto agent = pipeAgent("xavier-nx");
        for (const nlohmann::json& params :
             {nlohmann::json{{"rateHz", 1000}}, nlohmann::json{{"rateHz", 0}},
              nlohmann::json{{"durationS", -1}}, nlohmann::json{{"durationS", "1"}}}) {
            try {
                agent->call("monitor", params);
                QFAIL(qPrintable(QString::fromStdString("accepted " + params.dump())));
            } catch (const AgentError& e) {
                QCOMPARE(e.code(), std::string("bad_params"));
            }
        }
    }

    void theAgentStreamsFiftyHertzOverSsh() {
        SshdFixture sshd;
        QVERIFY2(sshd.start(), sshd.error().c_str());
        QTemporaryDir boardDir;
        BoardEntry e;
        e.name = "monitor-rig";
        e.host = sshd.host();
        e.port = sshd.port();
        e.user = sshd.user();
        e.identityFile = sshd.clientKey();
        e.agentPath = boardDir.filePath("dvfo-edge").toStdString();
        e.emulate = "xavier-nx";
        ConnectOptions o = ConnectOptions::defaults();
        o.knownHostsFile = home_.filePath("known_hosts").toStdString();
        o.studioKnownHostsFile = home_.filePath("studio_known_hosts").toStdString();
        o.sshConfigFile.clear();
        o.acceptNewHostKey = true;
        auto agent = connectBoard(e, o);
        checkStream(monitor(*agent, 50, 1.0), 50, 1.0, "ssh 127.0.0.1");
        checkStream(monitor(*agent, 200, 1.0), 200, 1.0, "ssh 127.0.0.1");
    }

    void theCliPrintsEverySampleAsAJsonLine() {
        const CliRun r = runDvfoCli(
            {"board", "monitor", "emulated:xavier-nx", "--rate", "50", "--duration", "1", "--json"},
            60000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() >= 25 && lines.size() <= 50,
                 qPrintable(QString::number(lines.size())));
        MonitorSeries series;
        for (const auto& line : lines)
            series.append(MonitorSample::fromJson(nlohmann::json::parse(line.toStdString())));
        QCOMPARE(series.size(), size_t(lines.size()));
        QCOMPARE(series.railNames(),
                 (std::vector<std::string>{"VDD_IN", "VDD_CPU_GPU_CV", "VDD_SOC"}));
        QVERIFY2(r.err.contains(QString("%1 samples in").arg(lines.size())) &&
                     r.err.contains("Hz achieved"),
                 qPrintable(r.err));
    }

    void theCliShowsALiveLineWithClocksRailsAndTemperatures() {
        const CliRun r = runDvfoCli({"board", "monitor", "emulated:jetson-nano", "--rate", "100",
                                     "--duration", "1.2", "--every", "0.3"},
                                    60000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() >= 2 && lines.size() <= 6, qPrintable(r.out));
        QVERIFY2(lines.last().contains(" Hz  CPU ") && lines.last().contains("POM_5V_IN") &&
                     lines.last().contains("CPU-therm"),
                 qPrintable(lines.last()));
        const CliRun bad =
            runDvfoCli({"board", "monitor", "emulated:jetson-nano", "--rate", "500"}, 60000);
        QVERIFY(bad.code != 0);
    }
};

QTEST_GUILESS_MAIN(TestLiveMonitor)
#include "tst_livemonitor.moc"
