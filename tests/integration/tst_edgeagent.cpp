// The real dvfo-edge and dvfo binaries: agent sessions over a pipe, cancellation, a killed
// agent, clocks restored on SIGTERM and on a closed session (fake sysfs tree), the CLI sweep.
#include "core/dnn/dnnmodel.h"
#include "core/profile/layerrecord.h"
#include "core/workspace/profilestore.h"
#include "remote/protocol/protocol.h"
#include "remote/client/agentclient.h"
#include "remote/client/boardconnector.h"
#include "remote/client/localprocesstransport.h"
#include "support/fakesysfs.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <map>
#include <set>
#include <sys/wait.h>

using namespace dvfo;

namespace {
// Names the files that differ, so a failed restore says what was left behind.
QString snapshotDiff(const std::map<std::string, std::string>& a,
                     const std::map<std::string, std::string>& b) {
    QStringList out;
    for (const auto& [k, v] : a) {
        auto it = b.find(k);
        if (it == b.end())
            out << QString::fromStdString(k + " removed");
        else if (it->second != v)
            out << QString::fromStdString(k + ": " + v + " -> " + it->second);
    }
    for (const auto& [k, v] : b)
        if (!a.count(k))
            out << QString::fromStdString(k + " added");
    return out.join("; ");
}

std::string edge() {
    return qEnvironmentVariable("DVFO_EDGE").toStdString();
}

std::unique_ptr<AgentClient> sysfsAgent(const std::string& root, LocalProcessTransport** raw) {
    auto t = std::make_unique<LocalProcessTransport>(
        std::vector<std::string>{edge(), "--sysfs-root", root, "--board", "xavier-nx", "serve"},
        "fake sysfs");
    *raw = t.get();
    return std::make_unique<AgentClient>(std::move(t));
}

bool waitExited(pid_t pid, int ms) {
    for (int i = 0; i < ms / 10; ++i) {
        if (kill(pid, 0) != 0)
            return true;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return true;
        QTest::qWait(10);
    }
    return false;
}
} // namespace

class TestEdgeAgent : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY2(!edge().empty(), "DVFO_EDGE must point at the dvfo-edge binary");
    }

    void versionLine() {
        QProcess p;
        p.start(QString::fromStdString(edge()), {"--version"});
        QVERIFY(p.waitForFinished(10000));
        QVERIFY(
            p.readAllStandardOutput().startsWith("dvfo-edge " DVFO_VERSION " protocol 1 arch "));
    }

    void oneShotProbeAndErrors() {
        QProcess p;
        p.start(QString::fromStdString(edge()), {"--emulate", "jetson-tx2", "probe"});
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 0);
        const auto j = nlohmann::json::parse(p.readAllStandardOutput().toStdString());
        QCOMPARE(j["result"]["spec"]["id"].get<std::string>(), std::string("jetson-tx2"));
        QCOMPARE(j["result"]["power"]["rails"].size(), size_t(6));

        p.start(QString::fromStdString(edge()), {"--emulate", "jetson-tx2", "set-freq", "1/2/3"});
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardOutput().contains("invalid_tuple"));
    }

    void sessionOverPipeProfilesAndCancels() {
        auto agent = connectBoard("emulated:xavier-nx");
        QCOMPARE(agent->hello()["board"].get<std::string>(), std::string("xavier-nx"));
        std::vector<LayerRecord> recs;
        const auto result =
            agent->call("profile",
                        {{"model", "small_cnn"},
                         {"tuples", {"1907200/1109250/1600000", "729600/510000/665600"}},
                         {"repeat", 2}},
                        [&](const std::string& ev, const nlohmann::json& d) {
                            if (ev == "layer")
                                recs.push_back(LayerRecord::fromJson(d));
                        });
        const size_t units = DnnModel::create("small_cnn")->layers().size();
        QCOMPARE(recs.size(), 2 * units);
        QCOMPARE(result["records"].get<size_t>(), 2 * units);

        // Cancel a long sweep after a few records: the agent stops, restores, keeps serving.
        std::atomic<bool> cancel{false};
        size_t seen = 0;
        QElapsedTimer timer;
        timer.start();
        try {
            agent->call(
                "profile", {{"model", "small_cnn"}, {"plan", "all"}, {"repeat", 1}, {"warmup", 0}},
                [&](const std::string& ev, const nlohmann::json&) {
                    if (ev == "layer" && ++seen == 5)
                        cancel = true;
                },
                &cancel);
            QFAIL("a cancelled profile must end with an error");
        } catch (const AgentError& e) {
            QCOMPARE(e.code(), std::string("cancelled"));
        }
        QVERIFY(timer.elapsed() < 20000);
        QVERIFY(seen < 1875 * units);
        const auto gov = agent->call("governors");
        QCOMPARE(gov["cpu"].get<std::string>(), std::string("schedutil"));
        // Errors are answers, not broken sessions.
        QVERIFY_THROWS_EXCEPTION(AgentError, agent->call("set-freq", {{"tuple", "1/2/3"}}));
        QCOMPARE(agent->call("hello")["protocol"].get<int>(), 1);
    }

    void killedAgentIsReportedPromptly() {
        auto t = std::make_unique<LocalProcessTransport>(
            std::vector<std::string>{edge(), "--emulate", "xavier-nx", "serve"},
            "emulated xavier-nx");
        const pid_t pid = t->pid();
        AgentClient agent(std::move(t));
        QElapsedTimer timer;
        timer.start();
        try {
            agent.call("profile", {{"model", "small_cnn"}, {"plan", "all"}, {"repeat", 1}},
                       [&](const std::string& ev, const nlohmann::json&) {
                           if (ev == "layer")
                               kill(pid, SIGKILL);
                       });
            QFAIL("a killed agent must surface as an error");
        } catch (const TransportError& e) {
            QVERIFY2(QString(e.what()).contains("signal 9"), e.what());
        }
        QVERIFY(timer.elapsed() < 10000);
    }

    void sysfsClocksRestoredOnSigterm() {
        QTemporaryDir dir;
        test::FakeSysfs fake(BoardSpec::builtin("xavier-nx"), dir.path().toStdString());
        const auto before = fake.restorableSnapshot();
        LocalProcessTransport* raw = nullptr;
        auto agent = sysfsAgent(fake.root(), &raw);
        agent->call("set-freq", {{"tuple", "115200/114750/204000"}});
        QVERIFY(fake.restorableSnapshot() != before);
        QCOMPARE(agent->call("governors")["cpu"].get<std::string>(), std::string("userspace"));
        kill(raw->pid(), SIGTERM);
        QTRY_VERIFY2_WITH_TIMEOUT(fake.restorableSnapshot() == before,
                                  qPrintable(snapshotDiff(before, fake.restorableSnapshot())),
                                  5000);
        QVERIFY_THROWS_EXCEPTION(TransportError, agent->call("hello"));
    }

    void sysfsClocksRestoredWhenSessionCloses() {
        QTemporaryDir dir;
        test::FakeSysfs fake(BoardSpec::builtin("xavier-nx"), dir.path().toStdString());
        const auto before = fake.restorableSnapshot();
        LocalProcessTransport* raw = nullptr;
        auto agent = sysfsAgent(fake.root(), &raw);
        agent->call("set-freq", {{"tuple", "1420800/599250/1065600"}});
        QVERIFY(fake.restorableSnapshot() != before);
        const pid_t pid = raw->pid();
        agent->close(); // stdin EOF, as when an SSH connection drops
        QVERIFY(waitExited(pid, 5000));
        QVERIFY2(fake.restorableSnapshot() == before,
                 qPrintable(snapshotDiff(before, fake.restorableSnapshot())));
    }

    void aCancelWithAStringIdIsAnsweredAndTheAgentKeepsServing() {
        // Reproduced: this cancel aborted the agent (exit 134) and skipped the clock restore.
        QProcess p;
        p.start(QString::fromStdString(edge()), {"--emulate", "xavier-nx", "serve"});
        QVERIFY(p.waitForStarted(10000));
        p.write("{\"v\":1,\"id\":2,\"op\":\"cancel\",\"params\":{\"id\":\"7\"}}\n"
                "\xff\n"
                "{\"v\":1,\"id\":3,\"op\":\"hello\"}\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        std::map<int64_t, protocol::Message> answers;
        for (const QByteArray& line : p.readAllStandardOutput().split('\n'))
            if (!line.isEmpty()) {
                const auto m = protocol::parseMessage(line.toStdString());
                if (m.kind != protocol::Message::Kind::Event)
                    answers[m.id] = m;
            }
        QCOMPARE(answers[2].errorCode, std::string(protocol::code::kBadParams));
        QCOMPARE(answers[0].errorCode, std::string(protocol::code::kMalformed)); // the \xff line
        QCOMPARE(int(answers[3].kind), int(protocol::Message::Kind::Result));
    }

    void aRestoreThatFailsWhenTheSessionEndsIsReportedAndTheAgentExits() {
        QTemporaryDir dir;
        test::FakeSysfs fake(BoardSpec::builtin("xavier-nx"), dir.path().toStdString());
        QProcess p;
        p.start(
            QString::fromStdString(edge()),
            {"--sysfs-root", QString::fromStdString(fake.root()), "--board", "xavier-nx", "serve"});
        QVERIFY(p.waitForStarted(10000));
        p.write("{\"v\":1,\"id\":1,\"op\":\"set-freq\",\"params\":{\"tuple\":\"115200/114750/"
                "204000\"}}\n");
        QByteArray out;
        while (!out.contains("\"id\":1") && p.waitForReadyRead(10000))
            out += p.readAllStandardOutput();
        QVERIFY2(out.contains("\"ok\":true"), out.constData());
        // The governor file turns into a directory: the restore at the end cannot put it back.
        fake.replaceByDirectory(fake.policyDir(fake.policies().front()) + "/scaling_governor");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(20000));
        out += p.readAllStandardOutput();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(out.contains("\"event\":\"restore-failed\""), out.constData());
        QVERIFY(p.readAllStandardError().contains(
            "restoring the board at the end of the session failed"));
    }

    void cliProfilesEveryUnitAtEveryTuple() {
        QTemporaryDir dir;
        const QString csv = dir.filePath("p.csv");
        QProcess p;
        p.start(qEnvironmentVariable("DVFO_CLI"),
                {"profile", "--board", "emulated:xavier-nx", "--model", "resnet18", "--tuples",
                 "grid:2x1x2", "--warmup", "0", "--repeat", "1", "--csv", csv, "--quiet", "--db",
                 dir.filePath("w.db")});
        QVERIFY(p.waitForFinished(300000));
        const QString out = p.readAllStandardOutput();
        QVERIFY2(p.exitCode() == 0, qPrintable(p.readAllStandardError()));
        QVERIFY(out.contains("Per-layer summary over 4 tuples"));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString(f.readAll()).split('\n', Qt::SkipEmptyParts);
        const auto layers = DnnModel::create("resnet18")->layers();
        QCOMPARE(lines.size(), int(1 + 4 * layers.size()));
        std::set<std::pair<QString, int>> seen;
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList c = lines[i].split(',');
            seen.insert({c[2] + "/" + c[3] + "/" + c[4], c[5].toInt()});
            QCOMPARE(c[6].toStdString(), layers[size_t(c[5].toInt())].name);
            QVERIFY(c[8].toDouble() > 0);
        }
        QCOMPARE(seen.size(), size_t(4 * layers.size()));
    }

    void cliSweepKilledThenResumedHasEveryMeasurementOnce() {
        QTemporaryDir dir;
        const QString db = dir.filePath("workspace.db");
        QProcess p;
        p.start(qEnvironmentVariable("DVFO_CLI"),
                {"profile", "--board", "emulated:xavier-nx", "--model", "resnet18", "--tuples",
                 "grid:5x3x3", "--repeat", "5", "--quiet", "--db", db});
        QVERIFY(p.waitForStarted());
        size_t completedAtKill = 0;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 120000 && p.state() == QProcess::Running) {
            if (QFile::exists(db)) {
                ProfileStore store(db.toStdString());
                const auto sessions = store.sessions();
                if (!sessions.empty() &&
                    (completedAtKill = store.completedTuples(sessions[0].id).size()) >= 2) {
                    ::kill(pid_t(p.processId()), SIGKILL); // no chance to clean up
                    break;
                }
            }
            QTest::qWait(5);
        }
        p.waitForFinished(10000);
        QVERIFY2(completedAtKill >= 2 && completedAtKill < 45, "the sweep must be killed half way");
        QProcess r;
        r.start(qEnvironmentVariable("DVFO_CLI"),
                {"profile", "--resume", "1", "--quiet", "--db", db});
        QVERIFY(r.waitForFinished(300000));
        QVERIFY2(r.exitCode() == 0, qPrintable(r.readAllStandardError()));
        ProfileStore store(db.toStdString());
        const auto recs = store.measurements(1);
        const size_t units = DnnModel::create("resnet18")->layers().size();
        QCOMPARE(store.completedTuples(1).size(), size_t(45));
        QCOMPARE(recs.size(), 45 * units);
        std::set<std::pair<std::string, int>> keys;
        for (const auto& rec : recs)
            keys.insert({rec.tuple.toString(), rec.layerIndex});
        QCOMPARE(keys.size(), recs.size());
        QCOMPARE(toString(store.session(1).status), "completed");
    }

    void cliReportsBadInput() {
        QProcess p;
        p.start(qEnvironmentVariable("DVFO_CLI"),
                {"profile", "--board", "emulated:xavier-nx", "--model", "small_cnn", "--tuples",
                 "list:1900000/1109250/1600000", "--no-store"});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY(p.exitCode() != 0);
        const QString err = p.readAllStandardError();
        QVERIFY2(err.contains("1881600") && err.contains("1907200"), qPrintable(err));

        p.start(qEnvironmentVariable("DVFO_CLI"),
                {"profile", "--board", "emulated:jetson-xx", "--no-store"});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY(p.exitCode() != 0);
        QVERIFY(p.readAllStandardError().contains("unknown board"));
    }
};

QTEST_GUILESS_MAIN(TestEdgeAgent)
#include "tst_edgeagent.moc"
