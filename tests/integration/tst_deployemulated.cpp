// Deployment to the built-in emulated boards, with no sshd anywhere: the same deploy steps as for
// SSH boards through this machine's shell, the runtime in each emulated board's own default root
// (under a private $HOME), read back through the board's ordinary agent session. Deploy, health
// check and telemetry; a failing health check rolled back to the bundle that keeps running; a
// corrupt bundle refused before anything is written; and the CLI: deploy, --rollback, history,
// telemetry, --all leaving the emulated boards out.
#include "core/attention/attentionsplit.h"
#include "core/board/boardspec.h"
#include "remote/client/boardconnector.h"
#include "remote/client/bundledeployer.h"
#include "remote/edge/runtimelayout.h"
#include "remote/edge/runtimeservice.h"
#include "support/deploytesthelpers.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace dvfo;
using deploytest::describe;
using deploytest::linkTarget;
namespace fs = std::filesystem;

class TestDeployEmulated : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string attention_;

    std::string path(const std::string& rel) const {
        return tmp_.filePath(QString::fromStdString(rel)).toStdString();
    }
    std::string makeBundle(const std::string& version, const std::string& tuple,
                           const std::string& board) {
        return deploytest::makeFixedPolicyBundle(path("work"), attention_, version, tuple, board);
    }
    static DeployOptions deployOptions() {
        DeployOptions o;        // runtimeRoot left empty: the emulated board's own default root
        o.healthWaitMs = 60000; // the runtime loads LibTorch; this machine is shared
        o.input = "synthetic:20";
        return o;
    }
    static DeployResult deploy(const std::string& board, const std::string& bundleDir) {
        return BundleDeployer(emulatedBoardEntry(board), ConnectOptions::defaults(),
                              deployOptions())
            .deploy(bundleDir);
    }
    // Through the board's agent session as the Fleet view polls it: no "root", so the agent
    // answers for its own default root.
    static nlohmann::json agentCall(const std::string& board, const std::string& op,
                                    const nlohmann::json& params = nlohmann::json::object()) {
        auto agent = connectBoard(board);
        auto answer = agent->call(op, params);
        agent->close();
        return answer;
    }
    int cli(const QStringList& args, QString* out) const {
        QProcess p;
        p.start(qEnvironmentVariable("DVFO_CLI"), args);
        p.closeWriteChannel();
        if (!p.waitForFinished(300000))
            return -1;
        *out = p.readAllStandardOutput() + p.readAllStandardError();
        return p.exitCode();
    }
    static void stopRuntime(const std::string& boardId) {
        RuntimeService(RuntimeLayout(RuntimeLayout::defaultRoot(boardId))).stop();
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        // Every default root, the CLI's workspace and board list live in this test's directory.
        qputenv("HOME", QByteArray::fromStdString(path("home")));
        qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(path("home/.config")));
        qputenv("XDG_DATA_HOME", QByteArray::fromStdString(path("home/.local/share")));
        fs::create_directories(path("home"));
        attention_ = path("attention");
        AttentionSplit::create({"small_cnn", "", 1})->save(attention_);
    }

    void cleanupTestCase() {
        // The runtimes detach from whoever starts them (they outlive a session): stop them all.
        for (const std::string& id : BoardSpec::builtinIds()) {
            stopRuntime(id);
            QCOMPARE(RuntimeService(RuntimeLayout(RuntimeLayout::defaultRoot(id))).runningPid(), 0);
        }
    }

    void deploysToTheEmulatedBoardsOwnRootAndReportsTelemetry() {
        const DeployResult r =
            deploy("emulated:xavier-nx", makeBundle("good-1", "max", "xavier-nx"));
        QVERIFY2(r.ok(), describe(r).c_str());
        QCOMPARE(r.board, std::string("emulated:xavier-nx"));
        QCOMPARE(r.steps.size(), size_t(7));
        const std::string root = path("home/.local/share/dvfo-edge/emulated-xavier-nx");
        QCOMPARE(RuntimeLayout::defaultRoot("xavier-nx"), root);
        QCOMPARE(linkTarget(root + "/current"), std::string("good-1"));
        QVERIFY(!fs::exists(root + "/staging"));
        QVERIFY(!fs::exists(path("home/.local/share/dvfo-edge/current"))); // not the shared root

        const auto status = agentCall("emulated:xavier-nx", "runtime-status");
        QVERIFY2(status.value("running", false), status.dump().c_str());
        QCOMPARE(status["bundleVersion"].get<std::string>(), std::string("good-1"));

        const auto telemetry = deploytest::awaitTelemetry(
            [](const nlohmann::json& p) { return agentCall("emulated:xavier-nx", "telemetry", p); },
            nlohmann::json::object(), 3);
        const std::string problem =
            deploytest::telemetryProblem(telemetry, 3, "good-1", "1907200/1109250/1600000");
        QVERIFY2(problem.empty(), problem.c_str());
    }

    void failingHealthCheckRollsBackAndTheOldBundleKeepsRunning() {
        const std::string root = RuntimeLayout::defaultRoot("xavier-nx");
        const int oldPid = agentCall("emulated:xavier-nx", "runtime-status")["pid"].get<int>();
        const DeployResult r =
            deploy("emulated:xavier-nx", makeBundle("broken-2", "1/2/3", "xavier-nx"));
        QCOMPARE(r.status, DeploymentStatus::RolledBack);
        QVERIFY2(r.message.find("health") != std::string::npos &&
                     r.message.find("tuple '1/2/3' is not usable") != std::string::npos &&
                     r.message.find("rolled back to good-1") != std::string::npos,
                 describe(r).c_str());
        QCOMPARE(r.steps.back().step, std::string("rollback"));
        QVERIFY(r.steps.back().ok);
        QCOMPARE(linkTarget(root + "/current"), std::string("good-1"));
        QVERIFY(deploytest::hasBundleDirectory(root, "broken-2")); // kept, for inspection
        const auto status = agentCall("emulated:xavier-nx", "runtime-status");
        QVERIFY2(status.value("running", false), status.dump().c_str());
        QCOMPARE(status["bundleVersion"].get<std::string>(), std::string("good-1"));
        QVERIFY(status["pid"].get<int>() != oldPid); // restarted with the old bundle
        stopRuntime("xavier-nx");                    // spare the machine for the next tests
    }

    void corruptBundleIsRefusedBeforeAnythingIsWritten() {
        const std::string dir = makeBundle("corrupt-1", "max", "agx-orin");
        {
            std::fstream f(dir + "/attention/weights.pt",
                           std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(64);
            f.write("\x01\x02\x03", 3);
        }
        const DeployResult r = deploy("emulated:agx-orin", dir);
        QCOMPARE(r.status, DeploymentStatus::Failed);
        QCOMPARE(r.steps.back().step, std::string("check"));
        QVERIFY2(r.message.find("checksum mismatch for attention/weights.pt") != std::string::npos,
                 describe(r).c_str());
        QVERIFY(!fs::exists(RuntimeLayout::defaultRoot("agx-orin")));
    }

    // The whole loop with a learned policy: profile -> train (TorchScript DQN) -> bundle ->
    // deploy; the runtime loads the DQN and its decisions show in the telemetry.
    void deploysAPolicyTrainedByDvfoTrain() {
        const QString db = QString::fromStdString(path("loop/workspace.db"));
        const QString policy = QString::fromStdString(path("loop/policy"));
        fs::create_directories(path("loop"));
        QString out;
        QVERIFY2(cli({"profile", "--db", db, "--board", "emulated:jetson-tx2", "--model",
                      "small_cnn", "--tuples", "grid:2x2x2", "--repeat", "2"},
                     &out) == 0,
                 qPrintable(out));
        QVERIFY2(cli({"train", "--db", db, "--session", "1", "--steps", "1200", "--episode-steps",
                      "50", "--no-evaluate", "--out", policy},
                     &out) == 0,
                 qPrintable(out));
        QVERIFY(fs::exists(path("loop/policy/policy.pt")));
        QVERIFY2(cli({"bundle", "--db", db, "create", "--policy", policy, "--attention",
                      QString::fromStdString(attention_), "--board", "emulated:jetson-tx2",
                      "--session", "1", "--run", "1", "--version", "dqn-1"},
                     &out) == 0,
                 qPrintable(out));
        QVERIFY2(cli({"deploy", "--db", db, "--board", "emulated:jetson-tx2", "--bundle", "1",
                      "--health-wait-ms", "60000", "--input", "synthetic:20"},
                     &out) == 0,
                 qPrintable(out));
        QVERIFY2(out.contains("1 board: 1 succeeded"), qPrintable(out));

        const auto status = agentCall("emulated:jetson-tx2", "runtime-status");
        QVERIFY2(status.value("running", false), status.dump().c_str());
        QVERIFY2(status.value("policy", std::string()).find("dvfo-dqn") != std::string::npos,
                 status.dump().c_str());
        const auto telemetry = deploytest::awaitTelemetry(
            [](const nlohmann::json& p) {
                return agentCall("emulated:jetson-tx2", "telemetry", p);
            },
            nlohmann::json::object(), 5);
        QVERIFY2(telemetry["records"].size() >= 5, telemetry.dump().c_str());
        const BoardSpec tx2 = BoardSpec::builtin("jetson-tx2");
        for (const auto& r : telemetry["records"]) {
            QCOMPARE(r.value("bundle", std::string()), std::string("dqn-1"));
            // Every decision is a tuple of the board's tables, applied through the HAL.
            const FrequencyTuple t = FrequencyTuple::parse(r.at("tuple").get<std::string>());
            QVERIFY2(tx2.contains(t), r.dump().c_str());
        }
        stopRuntime("jetson-tx2");
    }

    void cliDeploysRollsBackAndKeepsHistory() {
        const QString db = QString::fromStdString(path("work/workspace.db"));
        QString out;
        for (const QString version : {"cli-1", "cli-2"}) {
            const std::string policy = path("work/policies/" + version.toStdString());
            fs::create_directories(policy);
            std::ofstream(policy + "/policy.json")
                << R"({"format":"dvfo-fixed-policy","tuple":"max","share":0})";
            const int rc =
                cli({"bundle", "--db", db, "create", "--policy", QString::fromStdString(policy),
                     "--attention", QString::fromStdString(attention_), "--board",
                     "emulated:jetson-nano", "--version", version},
                    &out);
            QVERIFY2(rc == 0, qPrintable(out));
        }
        const QStringList deployArgs = {
            "deploy",           "--db",  db,        "--board",     "emulated:jetson-nano",
            "--health-wait-ms", "60000", "--input", "synthetic:20"};
        QVERIFY2(cli(deployArgs + QStringList{"--bundle", "1"}, &out) == 0, qPrintable(out));
        QVERIFY2(out.contains("1 board: 1 succeeded"), qPrintable(out));
        QVERIFY2(cli(deployArgs + QStringList{"--bundle", "2"}, &out) == 0, qPrintable(out));
        const std::string root = RuntimeLayout::defaultRoot("jetson-nano");
        QCOMPARE(linkTarget(root + "/current"), std::string("cli-2"));

        QVERIFY2(cli({"deploy", "--db", db, "--rollback", "--board", "emulated:jetson-nano",
                      "--health-wait-ms", "60000"},
                     &out) == 0,
                 qPrintable(out));
        QVERIFY2(out.contains("rolled back from cli-2 to cli-1"), qPrintable(out));
        QCOMPARE(linkTarget(root + "/current"), std::string("cli-1"));
        QCOMPARE(linkTarget(root + "/previous"), std::string("cli-2"));
        QCOMPARE(cli({"telemetry", "--board", "emulated:jetson-nano", "--status"}, &out), 0);
        QVERIFY2(out.contains("\"bundleVersion\": \"cli-1\"") && out.contains("\"running\": true"),
                 qPrintable(out));

        QCOMPARE(cli({"deploy", "--db", db, "--history", "--board", "emulated:jetson-nano"}, &out),
                 0);
        QCOMPARE(out.count("succeeded"), 3);
        QVERIFY2(out.contains("rollback") && out.contains("cli-2"), qPrintable(out));
        stopRuntime("jetson-nano");

        // --all is the registered boards only: with none registered, nothing is deployed.
        QCOMPARE(cli({"deploy", "--db", db, "--all", "--bundle", "1"}, &out), 2);
        QVERIFY2(out.contains("no boards registered"), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestDeployEmulated)
#include "tst_deployemulated.moc"
