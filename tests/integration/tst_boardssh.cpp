// Boards over a real OpenSSH server on loopback: agent upload when missing, probe and profile
// through SSH, host-key trust in the CLI, and a connection killed mid-profile.
#include "core/board/boardregistry.h"
#include "core/profile/layerrecord.h"
#include "remote/client/agentinstaller.h"
#include "remote/client/boardconnector.h"
#include "remote/client/sshboardshell.h"
#include "support/fakesysfs.h"
#include "support/sshdfixture.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <fstream>

using namespace dvfo;

class TestBoardSsh : public QObject {
    Q_OBJECT
    SshdFixture sshd_;
    QTemporaryDir home_;

    BoardEntry entry(const std::string& name, const std::string& agentDir) {
        BoardEntry e;
        e.name = name;
        e.host = sshd_.host();
        e.port = sshd_.port();
        e.user = sshd_.user();
        e.identityFile = sshd_.clientKey();
        e.agentPath = agentDir + "/bin/dvfo-edge";
        e.emulate = "xavier-nx";
        return e;
    }
    ConnectOptions options(bool acceptNew) {
        ConnectOptions o = ConnectOptions::defaults();
        o.knownHostsFile = home_.filePath(".ssh/known_hosts").toStdString();
        o.sshConfigFile.clear();
        o.studioKnownHostsFile = home_.filePath("studio_known_hosts").toStdString();
        o.acceptNewHostKey = acceptNew;
        return o;
    }
    QProcessEnvironment cliEnv() {
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", home_.path());
        env.insert("XDG_CONFIG_HOME", home_.filePath("config"));
        env.insert("XDG_DATA_HOME", home_.filePath("data"));
        return env;
    }
    int cli(const QStringList& args, QString* out = nullptr, QString* err = nullptr) {
        QProcess p;
        p.setProcessEnvironment(cliEnv());
        p.start(qEnvironmentVariable("DVFO_CLI"), args);
        p.closeWriteChannel();
        if (!p.waitForFinished(180000))
            return -1;
        if (out)
            *out = p.readAllStandardOutput();
        if (err)
            *err = p.readAllStandardError();
        return p.exitCode();
    }

private slots:
    void initTestCase() {
        QVERIFY2(sshd_.start(), sshd_.error().c_str());
        QDir(home_.path()).mkpath(".ssh");
    }

    void uploadsAgentWhenMissingThenProbesAndProfiles() {
        QTemporaryDir boardDir;
        const BoardEntry e = entry("rig", boardDir.path().toStdString());
        QVERIFY(!QFile::exists(QString::fromStdString(e.agentPath)));
        std::vector<std::string> status;
        ConnectOptions o = options(true);
        o.status = [&](const std::string& s) { status.push_back(s); };
        auto agent = connectBoard(e, o);
        QVERIFY(QFileInfo(QString::fromStdString(e.agentPath)).isExecutable());
        bool uploaded = false;
        for (const auto& s : status)
            uploaded |= s.find("uploading") != std::string::npos;
        QVERIFY(uploaded);
        QCOMPARE(agent->hello()["board"].get<std::string>(), std::string("xavier-nx"));
        const auto probe = agent->call("probe");
        QCOMPARE(probe["spec"]["cpu"]["frequenciesKhz"].size(), size_t(25));
        std::vector<LayerRecord> recs;
        agent->call("profile", {{"model", "small_cnn"}, {"plan", "grid:1x1x2"}, {"repeat", 2}},
                    [&](const std::string& ev, const nlohmann::json& d) {
                        if (ev == "layer")
                            recs.push_back(LayerRecord::fromJson(d));
                    });
        QVERIFY(recs.size() >= 8);
        QCOMPARE(recs.front().tuple.cpuKhz, int64_t(1907200));
        agent->close();

        // Second connection: the agent is current, nothing is uploaded again.
        status.clear();
        auto again = connectBoard(e, o);
        for (const auto& s : status)
            QVERIFY2(s.find("uploading") == std::string::npos, s.c_str());
        QCOMPARE(again->call("hello")["protocol"].get<int>(), 1);
    }

    void olderAgentIsReplaced() {
        QTemporaryDir boardDir;
        const BoardEntry e = entry("old", boardDir.path().toStdString());
        QDir().mkpath(boardDir.filePath("bin"));
        {
            std::ofstream f(e.agentPath);
            f << "#!/bin/sh\necho \"dvfo-edge 0.0.1 protocol 1 arch $(uname -m)\"\n";
        }
        QFile::setPermissions(QString::fromStdString(e.agentPath),
                              QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        auto session = openSsh(e, options(true));
        SshBoardShell shell(*session);
        AgentInstaller installer(shell, e.agentPath);
        QCOMPARE(installer.query().version, std::string("0.0.1"));
        QCOMPARE(installer.ensure().version, std::string(DVFO_VERSION));
    }

    void installerRefusesForeignArchitecture() {
        QCOMPARE(AgentInstaller::parseVersionLine("dvfo-edge 1.2.3 protocol 4 arch aarch64").arch,
                 std::string("aarch64"));
        QVERIFY(!AgentInstaller::parseVersionLine("bash: dvfo-edge: command not found").present);
        QCOMPARE(AgentInstaller::compareVersions("0.10.0", "0.9.9"), 1);
        QCOMPARE(AgentInstaller::compareVersions("0.1", "0.1.0"), 0);
        QCOMPARE(AgentInstaller::compareVersions("0.1.0", "0.2.0"), -1);
    }

    void cliNeedsTheCheckedFingerprintForAnUnknownHostThenRemembers() {
        QTemporaryDir boardDir;
        QString out, err;
        QCOMPARE(cli({"board", "add", "nx1", "--host", "127.0.0.1", "--port",
                      QString::number(sshd_.port()), "--user", QString::fromStdString(sshd_.user()),
                      "--identity", QString::fromStdString(sshd_.clientKey()), "--agent-path",
                      boardDir.filePath("bin/dvfo-edge"), "--emulate", "jetson-nano"},
                     &out, &err),
                 0);
        QCOMPARE(cli({"board", "probe", "nx1"}, &out, &err), 4);
        QVERIFY2(err.contains("--accept-fingerprint " +
                              QString::fromStdString(sshd_.hostKeyFingerprint())),
                 qPrintable(err));
        // Only the key the user checked is trusted: another fingerprint saves nothing.
        QCOMPARE(cli({"board", "probe", "nx1", "--accept-fingerprint", "SHA256:notTheBoardsKey"},
                     &out, &err),
                 4);
        QVERIFY2(err.contains("not SHA256:notTheBoardsKey"), qPrintable(err));
        QCOMPARE(cli({"board", "probe", "nx1"}, &out, &err), 4);
        QCOMPARE(cli({"board", "probe", "nx1", "--accept-fingerprint",
                      QString::fromStdString(sshd_.hostKeyFingerprint())},
                     &out, &err),
                 0);
        QVERIFY2(out.contains("Jetson Nano") && out.contains("POM_5V_IN"), qPrintable(out + err));
        QCOMPARE(cli({"board", "probe", "nx1"}, &out, &err), 0); // key saved
        QCOMPARE(cli({"board", "list"}, &out, &err), 0);
        QVERIFY(out.contains("nx1") && out.contains("emulated:agx-orin"));
        // Profiling goes through the same path as emulated boards.
        QCOMPARE(cli({"profile", "--board", "nx1", "--model", "small_cnn", "--tuples", "max",
                      "--repeat", "1", "--quiet"},
                     &out, &err),
                 0);
        QVERIFY2(out.contains("Per-layer summary over 1 tuples"), qPrintable(out + err));
        // Nothing secret in the saved board list.
        QFile f(home_.filePath("config/dvfo/boards.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray saved = f.readAll();
        QVERIFY(saved.contains("nx1") && !saved.toLower().contains("password"));
        QCOMPARE(cli({"board", "remove", "nx1"}, &out, &err), 0);
        QCOMPARE(cli({"board", "probe", "nx1"}, &out, &err), 3);
        QVERIFY(err.contains("unknown board"));
    }

    void changedHostKeyIsRefused() {
        QTemporaryDir boardDir;
        const BoardEntry e = entry("changing", boardDir.path().toStdString());
        openSsh(e, options(true)); // trust on first use, saved to the studio's known_hosts
        QVERIFY(sshd_.regenerateHostKey());
        QVERIFY(sshd_.restart());
        try {
            openSsh(e, options(true)); // even --accept-new never accepts a changed key
            QFAIL("a changed host key must be refused");
        } catch (const SshError& err) {
            QCOMPARE(int(err.kind()), int(SshError::Kind::HostKeyChanged));
            QVERIFY2(
                QString(err.what()).contains(QString::fromStdString(sshd_.hostKeyFingerprint())),
                err.what());
        }
        QFile::remove(home_.filePath("studio_known_hosts"));
    }

    void killedConnectionMidProfileFailsFastAndBoardRestores() {
        QTemporaryDir boardDir, sysfs;
        test::FakeSysfs fake(BoardSpec::builtin("xavier-nx"), sysfs.path().toStdString());
        // dvfo-edge tells the board from <root>/proc/device-tree/model, as on a Jetson.
        QDir().mkpath(sysfs.filePath("proc/device-tree"));
        {
            std::ofstream model(sysfs.filePath("proc/device-tree/model").toStdString());
            model << "NVIDIA Jetson Xavier NX Developer Kit" << '\0';
        }
        const auto before = fake.restorableSnapshot();
        BoardEntry e = entry("sysfs", boardDir.path().toStdString());
        e.emulate.clear();
        e.sysfsRoot = fake.root();
        auto agent = connectBoard(e, options(true)); // uploads the agent (it is missing)
        QCOMPARE(agent->hello()["board"].get<std::string>(), std::string("xavier-nx"));
        QVERIFY(!agent->hello()["emulated"].get<bool>());
        const int agentPid = agent->hello()["pid"].get<int>();
        agent->call("set-freq", {{"tuple", "115200/114750/204000"}});
        QVERIFY(fake.restorableSnapshot() != before);
        QElapsedTimer timer;
        timer.start();
        try {
            agent->call("profile", {{"model", "small_cnn"}, {"plan", "all"}, {"repeat", 1}},
                        [&](const std::string& ev, const nlohmann::json&) {
                            if (ev != "layer")
                                return;
                            // Kill the agent's sshd session process: the TCP connection drops and
                            // the agent's stdin closes, as when a cable is pulled.
                            std::ifstream stat("/proc/" + std::to_string(agentPid) + "/stat");
                            std::string pid, comm, state;
                            int ppid = 0;
                            stat >> pid >> comm >> state >> ppid;
                            if (ppid > 1)
                                ::kill(ppid, SIGKILL);
                        });
            QFAIL("a dropped connection must surface as an error");
        } catch (const std::exception& ex) {
            QVERIFY2(timer.elapsed() < 30000, ex.what());
        }
        QTRY_VERIFY_WITH_TIMEOUT(fake.restorableSnapshot() == before, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(::kill(agentPid, 0) != 0, 10000);
    }
};

QTEST_GUILESS_MAIN(TestBoardSsh)
#include "tst_boardssh.moc"
