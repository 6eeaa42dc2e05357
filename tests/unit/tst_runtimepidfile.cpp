// The runtime's pid file rules: it lives on a tmpfs (not under the runtime root, so a reboot
// clears it), it counts only while flock'ed, and a pid is signalled only when /proc/PID/exe is a
// dvfo-edge runtime. A stale pid, or the pid of an unrelated process, is never signalled.
#include "remote/edge/runtimelayout.h"
#include "remote/edge/runtimepidfile.h"
#include "remote/edge/runtimeservice.h"
#include "remote/edge/systemdruntimeunit.h"

#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace dvfo;

class TestRuntimePidFile : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    pid_t sleeper_ = -1;

    std::string root() const { return tmp_.filePath("root").toStdString(); }
    static bool alive(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) == 0; }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        qputenv("DVFO_EDGE_RUN_DIR", tmp_.filePath("run").toUtf8());
    }

    void init() {
        sleeper_ = ::fork();
        if (sleeper_ == 0) {
            ::execlp("sleep", "sleep", "60", nullptr);
            ::_exit(127);
        }
        QVERIFY(sleeper_ > 0);
    }

    void cleanup() {
        ::kill(sleeper_, SIGKILL);
        ::waitpid(sleeper_, nullptr, 0);
    }

    void pidFilesLiveInTheRunDirectoryOnePerRoot() {
        const RuntimeLayout a(root()), b(root() + "-other");
        QVERIFY(a.pidPath().rfind(tmp_.filePath("run").toStdString() + "/runtime-", 0) == 0);
        QVERIFY(a.pidPath() != b.pidPath());
        QCOMPARE(RuntimeLayout(root() + "/").pidPath(), a.pidPath()); // one root, one file
        qunsetenv("DVFO_EDGE_RUN_DIR");
        if (::geteuid() == 0)
            QCOMPARE(RuntimeLayout::runDirectory(), std::string("/run/dvfo-edge"));
        qputenv("DVFO_EDGE_RUN_DIR", tmp_.filePath("run").toUtf8());
    }

    void aStalePidOfAnUnrelatedProcessIsNeverSignalled() {
        const RuntimeLayout layout(root());
        std::ofstream(layout.pidPath()) << sleeper_ << "\n"; // e.g. left from before a reboot
        RuntimeService service(layout);
        QCOMPARE(service.runningPid(), 0);
        QVERIFY(!service.stop(200));
        QTest::qWait(100);
        QVERIFY(alive(sleeper_));
        ::unlink(layout.pidPath().c_str());
    }

    void aLockedPidFileNamingAnotherProgramIsRefusedNotSignalled() {
        const RuntimeLayout layout(root());
        const int fd = ::open(layout.pidPath().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX), 0);
        const std::string text = std::to_string(sleeper_) + "\n";
        QVERIFY(::write(fd, text.data(), text.size()) == ssize_t(text.size()));
        RuntimeService service(layout);
        QCOMPARE(service.runningPid(), 0);
        bool refused = false;
        try {
            service.stop(200);
        } catch (const std::runtime_error& e) {
            refused = std::string(e.what()).find("not dvfo-edge") != std::string::npos;
            QVERIFY2(refused, e.what());
        }
        QVERIFY(refused);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, service.start({"/bin/true"}));
        QTest::qWait(100);
        QVERIFY(alive(sleeper_));
        ::close(fd);
        ::unlink(layout.pidPath().c_str());
    }

    void aSecondClaimOfTheSameRootIsRefused() {
        const std::string path = RuntimeLayout(root()).pidPath();
        RuntimePidFile first(path);
        first.claim();
        RuntimePidFile second(path);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, second.claim());
        // Held, but by this test program, not by a dvfo-edge runtime: not trusted.
        const auto holder = first.holder();
        QCOMPARE(holder.pid, 0);
        QCOMPARE(holder.unverifiedPid, int(::getpid()));
    }

    void theLockGoesWithTheProcessHoweverItDies() {
        const std::string path = RuntimeLayout(root()).pidPath();
        const pid_t child = ::fork();
        if (child == 0) {
            RuntimePidFile f(path);
            f.claim();
            ::pause();
            ::_exit(0);
        }
        QTRY_COMPARE(RuntimePidFile(path).holder().unverifiedPid, int(child));
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        const auto after = RuntimePidFile(path).holder();
        QCOMPARE(after.pid + after.unverifiedPid, 0);
    }

    void theSystemdUnitsRootIsReadFromItsCommandLine() {
        using namespace std::string_literals;
        QCOMPARE(
            SystemdRuntimeUnit::rootOfCommandLine(
                "/usr/bin/dvfo-edge\0run\0--root\0/var/lib/dvfo-edge\0--input\0synthetic\0"s, "/"),
            std::string("/var/lib/dvfo-edge"));
        QCOMPARE(SystemdRuntimeUnit::rootOfCommandLine("dvfo-edge\0run\0--root=rel\0"s, "/srv"),
                 std::string("/srv/rel"));
        QCOMPARE(SystemdRuntimeUnit::rootOfCommandLine("dvfo-edge\0run\0"s, "/"), std::string());
        // No systemd unit runs a temp directory's root.
        QVERIFY(!SystemdRuntimeUnit().managesRoot(root()));
    }
};

QTEST_GUILESS_MAIN(TestRuntimePidFile)
#include "tst_runtimepidfile.moc"
