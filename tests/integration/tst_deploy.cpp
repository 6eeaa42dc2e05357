// Deployment of policy bundles to boards over a real sshd on loopback: deploy and health
// check, a bundle that fails its health check rolled back automatically, a corrupt bundle refused
// before anything is sent, two boards at once with one failing, telemetry through the agent op,
// explicit rollback and the CLI with its history.
#include "core/attention/attentionsplit.h"
#include "core/board/boardregistry.h"
#include "core/bundle/policybundle.h"
#include "remote/client/boardconnector.h"
#include "remote/client/bundledeployer.h"
#include "remote/client/fleetdeployer.h"
#include "support/deploytesthelpers.h"
#include "support/sshdfixture.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace dvfo;
using deploytest::describe;
using deploytest::linkTarget;
namespace fs = std::filesystem;

class TestDeploy : public QObject {
    Q_OBJECT
    SshdFixture sshd_;
    QTemporaryDir tmp_;
    std::string attention_;
    std::vector<std::string> roots_; // runtime roots whose runtimes cleanup stops

    std::string path(const std::string& rel) const {
        return tmp_.filePath(QString::fromStdString(rel)).toStdString();
    }

    BoardEntry board(const std::string& name) {
        BoardEntry e;
        e.name = name;
        e.host = sshd_.host();
        e.port = sshd_.port();
        e.user = sshd_.user();
        e.identityFile = sshd_.clientKey();
        e.agentPath = path(name + "/bin/dvfo-edge");
        e.emulate = "xavier-nx";
        e.group = "lab";
        return e;
    }
    ConnectOptions connect() {
        ConnectOptions o = ConnectOptions::defaults();
        o.knownHostsFile = path("known_hosts");
        o.sshConfigFile.clear();
        o.studioKnownHostsFile = path("studio_known_hosts");
        o.acceptNewHostKey = true;
        return o;
    }
    DeployOptions deployOptions(const std::string& name, std::vector<std::string>* log = nullptr) {
        DeployOptions o;
        o.runtimeRoot = path(name + "/root");
        o.healthWaitMs = 60000; // the runtime loads LibTorch; this machine is shared
        o.input = "synthetic:20";
        if (std::find(roots_.begin(), roots_.end(), o.runtimeRoot) == roots_.end())
            roots_.push_back(o.runtimeRoot);
        auto mutex = std::make_shared<std::mutex>();
        if (log)
            o.progress = [log, mutex](const std::string& b, const std::string& step,
                                      const std::string& msg) {
                std::lock_guard<std::mutex> lock(*mutex);
                log->push_back(b + " " + step + " " + msg);
            };
        return o;
    }
    std::string makeBundle(const std::string& version, const std::string& tuple,
                           const std::string& board = "xavier-nx") {
        return deploytest::makeFixedPolicyBundle(tmp_.path().toStdString(), attention_, version,
                                                 tuple, board);
    }
    nlohmann::json agentCall(const BoardEntry& e, const std::string& op,
                             const nlohmann::json& params) {
        auto agent = connectBoard(e, connect());
        auto r = agent->call(op, params);
        agent->close();
        return r;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        QVERIFY2(sshd_.start(), sshd_.error().c_str());
        attention_ = path("attention");
        AttentionSplit::create({"small_cnn", "", 1})->save(attention_);
    }

    void cleanupTestCase() {
        // The runtimes are detached from sshd on purpose (they outlive SSH sessions): stop them.
        for (const auto& root : roots_) {
            QProcess p;
            p.start(qEnvironmentVariable("DVFO_EDGE"),
                    {"runtime", "stop", "--root", QString::fromStdString(root)});
            p.waitForFinished(30000);
        }
    }

    void deployRunsHealthyAndRollsBackAFailingBundle() {
        const BoardEntry e = board("nx1");
        std::vector<std::string> log;
        const std::string good = makeBundle("good-1", "max");
        BundleDeployer deployer(e, connect(), deployOptions("nx1", &log));
        const DeployResult first = deployer.deploy(good);
        QVERIFY2(first.ok(), describe(first).c_str());
        QCOMPARE(first.steps.size(), size_t(7));
        QCOMPARE(first.previousVersion, std::string());
        const std::string root = path("nx1/root");
        QCOMPARE(linkTarget(root + "/current"), std::string("good-1"));
        QVERIFY(!fs::exists(root + "/staging"));
        bool sawUpload = false;
        for (const auto& l : log)
            sawUpload |= l.find("nx1 upload attention/weights.pt") == 0;
        QVERIFY(sawUpload);

        auto status = agentCall(e, "runtime-status", {{"root", root}});
        QVERIFY2(status.value("running", false), status.dump().c_str());
        QCOMPARE(status["state"].get<std::string>(), std::string("running"));
        QCOMPARE(status["bundleVersion"].get<std::string>(), std::string("good-1"));
        const int firstPid = status["pid"].get<int>();

        // A bundle whose policy cannot be loaded on the board: valid files, failing health check.
        const std::string broken = makeBundle("broken-2", "1/2/3");
        const DeployResult second = deployer.deploy(broken);
        QCOMPARE(second.status, DeploymentStatus::RolledBack);
        QVERIFY2(second.message.find("health") != std::string::npos &&
                     second.message.find("tuple '1/2/3' is not usable") != std::string::npos &&
                     second.message.find("rolled back to good-1") != std::string::npos,
                 describe(second).c_str());
        QCOMPARE(second.previousVersion, std::string("good-1"));
        QCOMPARE(second.steps.back().step, std::string("rollback"));
        QVERIFY(second.steps.back().ok);
        QCOMPARE(linkTarget(root + "/current"), std::string("good-1"));
        QVERIFY(deploytest::hasBundleDirectory(root, "broken-2")); // kept, for inspection
        status = agentCall(e, "runtime-status", {{"root", root}});
        QCOMPARE(status["state"].get<std::string>(), std::string("running"));
        QCOMPARE(status["bundleVersion"].get<std::string>(), std::string("good-1"));
        QVERIFY(status["pid"].get<int>() != firstPid); // restarted with the old bundle

        // Telemetry through the normal agent session.
        const nlohmann::json t = deploytest::awaitTelemetry(
            [&](const nlohmann::json& p) { return agentCall(e, "telemetry", p); }, {{"root", root}},
            3);
        const std::string problem =
            deploytest::telemetryProblem(t, 3, "good-1", "1907200/1109250/1600000");
        QVERIFY2(problem.empty(), problem.c_str());
        QCOMPARE(t["records"].back()["action"].size(), size_t(4));
        const int64_t last = t["lastSeq"].get<int64_t>();
        const auto newer = agentCall(e, "telemetry", {{"root", root}, {"since", last}});
        for (const auto& r : newer["records"])
            QVERIFY(r["seq"].get<int64_t>() > last);

        // Explicit rollback: nothing older than good-1 was running before, so `previous` is what
        // the failed deploy left: good-1 itself. Deploy another good bundle and roll back to
        // good-1.
        const DeployResult third = deployer.deploy(makeBundle("good-3", "max"));
        QVERIFY2(third.ok(), describe(third).c_str());
        QCOMPARE(linkTarget(root + "/previous"), std::string("good-1"));
        const DeployResult back = deployer.rollback();
        QVERIFY2(back.ok(), describe(back).c_str());
        QCOMPARE(back.version, std::string("good-1"));
        QCOMPARE(linkTarget(root + "/current"), std::string("good-1"));
        QCOMPARE(linkTarget(root + "/previous"), std::string("good-3"));
        status = agentCall(e, "runtime-status", {{"root", root}});
        QCOMPARE(status["bundleVersion"].get<std::string>(), std::string("good-1"));
    }

    void corruptOrForeignBundleIsRefusedBeforeAnythingIsSent() {
        const BoardEntry e = board("nx2");
        const std::string dir = makeBundle("corrupt-1", "max");
        {
            std::fstream f(dir + "/attention/weights.pt",
                           std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(64);
            f.write("\x01\x02\x03", 3);
        }
        BundleDeployer deployer(e, connect(), deployOptions("nx2"));
        DeployResult r = deployer.deploy(dir);
        QCOMPARE(r.status, DeploymentStatus::Failed);
        QCOMPARE(r.steps.back().step, std::string("check"));
        QVERIFY2(r.message.find("checksum mismatch for attention/weights.pt") != std::string::npos,
                 describe(r).c_str());
        QVERIFY(!fs::exists(path("nx2/root/staging")) && !fs::exists(path("nx2/root/bundles")));

        r = deployer.deploy(makeBundle("nano-1", "max", "jetson-nano"));
        QCOMPARE(r.status, DeploymentStatus::Failed);
        QVERIFY2(r.message.find("is for board 'jetson-nano' but the target is 'xavier-nx'") !=
                     std::string::npos,
                 describe(r).c_str());
        QVERIFY(!fs::exists(path("nx2/root/current")));
    }

    void fleetDeploysConcurrentlyAndOneFailureDoesNotStopTheOther() {
        BoardEntry ok = board("fleet-ok");
        BoardEntry down = board("fleet-down");
        // A port nobody listens on: bind, read the port, close.
        const int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        socklen_t len = sizeof a;
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
        ::close(s);
        down.port = ntohs(a.sin_port);
        std::vector<std::string> log;
        DeployOptions o = deployOptions("fleet", &log);
        FleetDeployer fleet({down, ok}, connect(), o, 2);
        const auto results = fleet.deploy(makeBundle("fleet-1", "max"));
        QCOMPARE(results.size(), size_t(2));
        QCOMPARE(results[0].board, std::string("fleet-down"));
        QCOMPARE(results[0].status, DeploymentStatus::Failed);
        QVERIFY2(results[0].message.find("cannot connect") != std::string::npos,
                 describe(results[0]).c_str());
        QVERIFY2(results[1].ok(), describe(results[1]).c_str());
        QCOMPARE(FleetDeployer::summary(results), std::string("2 boards: 1 failed, 1 succeeded"));
        QCOMPARE(linkTarget(path("fleet/root/current")), std::string("fleet-1"));
    }

    void cliCreatesDeploysAndKeepsHistory() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", QString::fromStdString(path("clihome")));
        env.insert("XDG_CONFIG_HOME", QString::fromStdString(path("clihome/config")));
        env.insert("XDG_DATA_HOME", QString::fromStdString(path("clihome/data")));
        fs::create_directories(path("clihome/.ssh"));
        auto cli = [&](const QStringList& args, QString* out) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(qEnvironmentVariable("DVFO_CLI"), args);
            p.closeWriteChannel();
            if (!p.waitForFinished(300000))
                return -1;
            *out = p.readAllStandardOutput() + p.readAllStandardError();
            return p.exitCode();
        };
        QString out;
        const std::string policy = path("policies/cli");
        fs::create_directories(policy);
        std::ofstream(policy + "/policy.json")
            << R"({"format":"dvfo-fixed-policy","tuple":"max","share":0})";
        QCOMPARE(cli({"board", "add", "clinx", "--host", "127.0.0.1", "--port",
                      QString::number(sshd_.port()), "--user", QString::fromStdString(sshd_.user()),
                      "--identity", QString::fromStdString(sshd_.clientKey()), "--agent-path",
                      QString::fromStdString(path("clinx/bin/dvfo-edge")), "--emulate", "xavier-nx",
                      "--group", "lab"},
                     &out),
                 0);
        QCOMPARE(cli({"bundle", "create", "--policy", QString::fromStdString(policy), "--attention",
                      QString::fromStdString(attention_), "--board", "emulated:xavier-nx",
                      "--version", "cli-1"},
                     &out),
                 0);
        QVERIFY2(out.contains("bundle 1: cli-1"), qPrintable(out));
        QCOMPARE(cli({"bundle", "list"}, &out), 0);
        QVERIFY(out.contains("cli-1") && out.contains("small_cnn"));
        QCOMPARE(cli({"bundle", "validate", "cli-1", "--board", "jetson-nano"}, &out), 1);
        QVERIFY2(out.contains("but the target is 'jetson-nano'"), qPrintable(out));
        const QString root = QString::fromStdString(path("clinx/root"));
        roots_.push_back(root.toStdString());
        QCOMPARE(cli({"deploy", "--bundle", "1", "--group", "lab", "--runtime-root", root,
                      "--accept-new", "--health-wait-ms", "60000"},
                     &out),
                 0);
        QVERIFY2(out.contains("1 board: 1 succeeded"), qPrintable(out));
        QCOMPARE(cli({"telemetry", "--board", "clinx", "--runtime-root", root, "--status"}, &out),
                 0);
        QVERIFY2(out.contains("\"bundleVersion\": \"cli-1\""), qPrintable(out));
        QCOMPARE(cli({"deploy", "--rollback", "--board", "clinx", "--runtime-root", root}, &out),
                 1);
        QVERIFY2(out.contains("nothing to roll back to"), qPrintable(out));
        QCOMPARE(cli({"deploy", "--history", "--board", "clinx"}, &out), 0);
        QVERIFY2(out.contains("deploy") && out.contains("succeeded") && out.contains("rollback") &&
                     out.contains("failed"),
                 qPrintable(out));
        QCOMPARE(cli({"deploy", "--bundle", "77", "--board", "clinx"}, &out), 2);
        QVERIFY2(out.contains("no bundle '77'"), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestDeploy)
#include "tst_deploy.moc"
