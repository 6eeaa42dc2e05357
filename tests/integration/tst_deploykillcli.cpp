// Crash consistency of deployments, the CLI killed: `dvfo deploy` to a board over SSH is stopped
// at each kill point in turn (DVFO_DEPLOY_PAUSE_AT) and killed with SIGKILL. After each, the
// runtime is restarted as a reboot would restart it, and it must run a bundle that passed its
// health check: the previous one, or the new one once its deploy confirmed it. The history keeps
// the killed deploy's row ("running"), and the next deploy finds the board unlocked.
#include "core/attention/attentionsplit.h"
#include "remote/client/bundledeployer.h"
#include "support/deploytesthelpers.h"
#include "support/sshdfixture.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <filesystem>
#include <fstream>

using namespace dvfo;
using deploytest::linkTarget;
namespace fs = std::filesystem;

class TestDeployKillCli : public QObject {
    Q_OBJECT
    SshdFixture sshd_;
    QTemporaryDir tmp_;
    QProcessEnvironment env_;

    std::string path(const std::string& rel) const {
        return tmp_.filePath(QString::fromStdString(rel)).toStdString();
    }
    QString root() const { return QString::fromStdString(path("clikill/root")); }
    int cli(const QStringList& args, QString* out) {
        QProcess p;
        p.setProcessEnvironment(env_);
        p.start(qEnvironmentVariable("DVFO_CLI"), args);
        p.closeWriteChannel();
        if (!p.waitForFinished(300000))
            return -1;
        *out = p.readAllStandardOutput() + p.readAllStandardError();
        return p.exitCode();
    }
    QStringList deployArgs(const QString& version) const {
        return {"deploy",           "--bundle",       version,   "--board",
                "clikill",          "--runtime-root", root(),    "--accept-new",
                "--health-wait-ms", "60000",          "--input", "synthetic:20"};
    }
    void createBundle(const QString& version) {
        QString out;
        QCOMPARE(cli({"bundle", "create", "--policy", QString::fromStdString(path("policy")),
                      "--attention", QString::fromStdString(path("attention")), "--board",
                      "emulated:xavier-nx", "--version", version},
                     &out),
                 0);
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        QVERIFY2(sshd_.start(), sshd_.error().c_str());
        AttentionSplit::create({"small_cnn", "", 1})->save(path("attention"));
        fs::create_directories(path("policy"));
        std::ofstream(path("policy/policy.json"))
            << R"({"format":"dvfo-fixed-policy","tuple":"max","share":0})";
        env_ = QProcessEnvironment::systemEnvironment();
        env_.insert("HOME", QString::fromStdString(path("home")));
        env_.insert("XDG_CONFIG_HOME", QString::fromStdString(path("home/config")));
        env_.insert("XDG_DATA_HOME", QString::fromStdString(path("home/data")));
        fs::create_directories(path("home/.ssh"));
        QString out;
        QCOMPARE(
            cli({"board", "add", "clikill", "--host", "127.0.0.1", "--port",
                 QString::number(sshd_.port()), "--user", QString::fromStdString(sshd_.user()),
                 "--identity", QString::fromStdString(sshd_.clientKey()), "--agent-path",
                 QString::fromStdString(path("clikill/bin/dvfo-edge")), "--emulate", "xavier-nx"},
                &out),
            0);
    }

    void cleanupTestCase() {
        deploytest::runEdge("--emulate xavier-nx runtime stop --root '" + root().toStdString() +
                            "'");
    }

    void aDeployKilledAtEveryStepLeavesTheBoardOnAHealthyBundle() {
        QString out;
        createBundle("cli-0");
        QCOMPARE(cli(deployArgs("cli-0"), &out), 0);
        std::string confirmed = "cli-0";
        int index = 0;
        for (const std::string& point : BundleDeployer::kKillPoints) {
            const QString version = QStringLiteral("cli-%1").arg(++index);
            createBundle(version);
            QElapsedTimer timer;
            timer.start();
            QProcess p;
            QProcessEnvironment env = env_;
            env.insert("DVFO_DEPLOY_PAUSE_AT", QString::fromStdString(point));
            p.setProcessEnvironment(env);
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(qEnvironmentVariable("DVFO_CLI"), deployArgs(version));
            QByteArray log;
            const QByteArray paused = "deploy paused at " + QByteArray::fromStdString(point) + " ";
            while (!log.contains(paused) && p.state() != QProcess::NotRunning &&
                   timer.elapsed() < 180000) {
                p.waitForReadyRead(200);
                log += p.readAll();
            }
            QVERIFY2(log.contains(paused),
                     (point + ": never paused\n" + log.toStdString()).c_str());
            ::kill(pid_t(p.processId()), SIGKILL);
            p.waitForFinished(10000);

            const std::string expected = point == "confirm" ? version.toStdString() : confirmed;
            const nlohmann::json after =
                deploytest::restartLikeAReboot(root().toStdString(), "xavier-nx");
            QVERIFY2(after.value("healthy", false), (point + ": " + after.dump()).c_str());
            QCOMPARE(after["status"]["bundleVersion"].get<std::string>(), expected);
            QCOMPARE(linkTarget(root().toStdString() + "/current"), expected);
            confirmed = expected;
            qInfo("kill point %s: %s after the reboot (%lld ms)", point.c_str(), expected.c_str(),
                  timer.elapsed());
        }
        // Each killed deploy left its history row, still "running": it was written before the
        // first step.
        QCOMPARE(cli({"deploy", "--history", "--board", "clikill"}, &out), 0);
        // (the status column, followed by the start time)
        QCOMPARE(out.count(QRegularExpression(QStringLiteral("running +\\d{4}-"))),
                 int(BundleDeployer::kKillPoints.size()));
        // Not locked, nothing half-staged in the way: a plain deploy goes through.
        createBundle("cli-last");
        QCOMPARE(cli(deployArgs("cli-last"), &out), 0);
        QVERIFY2(out.contains("1 board: 1 succeeded"), qPrintable(out));
        QCOMPARE(linkTarget(root().toStdString() + "/previous"), confirmed);
    }
};

QTEST_GUILESS_MAIN(TestDeployKillCli)
#include "tst_deploykillcli.moc"
