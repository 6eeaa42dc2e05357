// Crash consistency of deployments over SSH: the connection to the board is dropped (every sshd
// session process killed) at each kill point of a deploy, in turn. After each, the runtime is
// restarted as a reboot would restart it, and it must run a bundle that passed its health check:
// the previous one, or the new one once its deploy confirmed it. The next deploy must find the
// board unlocked; while a deploy holds the board's lock, another one waits and then gives up.
#include "core/attention/attentionsplit.h"
#include "remote/client/boardconnector.h"
#include "remote/client/bundledeployer.h"
#include "support/deploytesthelpers.h"
#include "support/sshdfixture.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

using namespace dvfo;
using deploytest::describe;
using deploytest::linkTarget;
namespace fs = std::filesystem;

class TestDeployKill : public QObject {
    Q_OBJECT
    SshdFixture sshd_;
    QTemporaryDir tmp_;
    std::string attention_;

    std::string path(const std::string& rel) const {
        return tmp_.filePath(QString::fromStdString(rel)).toStdString();
    }
    BoardEntry board() {
        BoardEntry e;
        e.name = "killnx";
        e.host = sshd_.host();
        e.port = sshd_.port();
        e.user = sshd_.user();
        e.identityFile = sshd_.clientKey();
        e.agentPath = path("killnx/bin/dvfo-edge");
        e.emulate = "xavier-nx";
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
    DeployOptions options() {
        DeployOptions o;
        o.runtimeRoot = path("killnx/root");
        o.healthWaitMs = 60000;
        o.input = "synthetic:20";
        return o;
    }
    std::string makeBundle(const std::string& version) {
        return deploytest::makeFixedPolicyBundle(tmp_.path().toStdString(), attention_, version,
                                                 "max", "xavier-nx");
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        QVERIFY2(sshd_.start(), sshd_.error().c_str());
        attention_ = path("attention");
        AttentionSplit::create({"small_cnn", "", 1})->save(attention_);
    }

    void cleanupTestCase() {
        deploytest::runEdge("--emulate xavier-nx runtime stop --root '" + path("killnx/root") +
                            "'");
    }

    void aSecondDeployWaitsForTheBoardsLockAndGivesUpNamingTheHolder() {
        const std::string root = path("killnx/root");
        QProcess holder; // another deploy in progress: it holds the lock while its input is open
        holder.start(qEnvironmentVariable("DVFO_EDGE"), {"--emulate", "xavier-nx", "deploy-lock",
                                                         "--root", QString::fromStdString(root)});
        QVERIFY(holder.waitForReadyRead(30000));
        QCOMPARE(holder.readLine().trimmed(), QByteArray("locked"));
        DeployOptions o = options();
        o.lockWaitMs = 1500;
        const DeployResult r =
            BundleDeployer(board(), connect(), o).deploy(makeBundle("locked-out"));
        QCOMPARE(r.status, DeploymentStatus::Failed);
        QCOMPARE(r.steps.back().step, std::string("lock"));
        QVERIFY2(r.message.find("another deploy to this board is in progress (pid " +
                                std::to_string(holder.processId())) != std::string::npos,
                 describe(r).c_str());
        QVERIFY(!fs::exists(root + "/staging") && !fs::exists(root + "/current"));
        holder.closeWriteChannel(); // its connection ends: the lock goes with it
        QVERIFY(holder.waitForFinished(10000));
        QCOMPARE(holder.exitCode(), 0);
    }

    void aDroppedConnectionAtEveryStepLeavesTheBoardOnAHealthyBundle() {
        const std::string root = path("killnx/root");
        const DeployResult first =
            BundleDeployer(board(), connect(), options()).deploy(makeBundle("drop-0"));
        QVERIFY2(first.ok(), describe(first).c_str());
        std::string confirmed = "drop-0";
        int index = 0;
        for (const std::string& point : BundleDeployer::kKillPoints) {
            const std::string version = "drop-" + std::to_string(++index);
            QElapsedTimer timer;
            timer.start();
            DeployOptions o = options();
            bool dropped = false;
            o.checkpoint = [&](const std::string&, const std::string& at) {
                if (at == point && !dropped) {
                    dropped = true;
                    sshd_.dropConnections();
                }
            };
            const DeployResult r =
                BundleDeployer(board(), connect(), o).deploy(makeBundle(version));
            QVERIFY2(dropped, (point + ": never reached\n" + describe(r)).c_str());
            // Once confirmed, the new bundle is the board's; before that, a restart the deploy
            // did not make falls back to the bundle that ran before.
            const std::string expected = point == "confirm" ? version : confirmed;
            const nlohmann::json after = deploytest::restartLikeAReboot(root, "xavier-nx");
            QVERIFY2(after.value("healthy", false),
                     (point + ": " + after.dump() + "\n" + describe(r)).c_str());
            QCOMPARE(after["status"]["bundleVersion"].get<std::string>(), expected);
            QCOMPARE(linkTarget(root + "/current"), expected);
            QVERIFY2(!fs::exists(root + "/pending"), point.c_str());
            confirmed = expected;
            qInfo("kill point %s: %s after the reboot (%lld ms)", point.c_str(), expected.c_str(),
                  timer.elapsed());
        }
        // The board is not left locked or half-staged: a plain deploy goes through.
        const DeployResult last =
            BundleDeployer(board(), connect(), options()).deploy(makeBundle("drop-last"));
        QVERIFY2(last.ok(), describe(last).c_str());
        QCOMPARE(linkTarget(root + "/previous"), confirmed);
    }
};

QTEST_GUILESS_MAIN(TestDeployKill)
#include "tst_deploykill.moc"
