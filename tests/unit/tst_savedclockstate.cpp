// The original clocks survive the process that pinned them (SavedClockState + SysfsBoard), on
// fake sysfs trees: a fresh object restores what an earlier one found, after a "kill" too.
#include "remote/edge/savedclockstate.h"
#include "remote/edge/sysfsboard.h"
#include "support/fakesysfs.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <csignal>

using namespace dvfo;
using dvfo::test::FakeSysfs;

namespace {

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

bool fileExists(const std::string& path) {
    return std::filesystem::exists(path);
}

// A fake board plus a private runtime directory for its saved state.
struct Rig {
    QTemporaryDir treeDir, stateDir;
    BoardSpec spec;
    std::unique_ptr<FakeSysfs> fake;

    explicit Rig(const std::string& id = "xavier-nx") : spec(BoardSpec::builtin(id)) {
        if (!treeDir.isValid() || !stateDir.isValid())
            throw std::runtime_error("no temp dir");
        fake = std::make_unique<FakeSysfs>(spec, treeDir.path().toStdString());
    }
    // A new agent process, as far as the board is concerned: nothing in memory.
    std::unique_ptr<SysfsBoard> board() const {
        return std::make_unique<SysfsBoard>(spec, fake->root(), stateDir.path().toStdString());
    }
    // What a SIGKILL (or `dvfo-edge set-freq`, which skips its restore) leaves: the clocks pinned
    // and no destructor run.
    static void kill(std::unique_ptr<SysfsBoard> board) { (void)board.release(); }

    // The real agent on this tree, as its own process; XDG_RUNTIME_DIR points at the private
    // runtime directory, so its saved state is stateFile().
    std::unique_ptr<QProcess> edge(const QStringList& args) const {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_RUNTIME_DIR", stateDir.path());
        p->setProcessEnvironment(env);
        p->start(qEnvironmentVariable("DVFO_EDGE"),
                 QStringList{"--sysfs-root", QString::fromStdString(fake->root()), "--board",
                             QString::fromStdString(spec.id)} +
                     args);
        return p;
    }
    std::string stateFile() const {
        return SavedClockState(fake->root(), stateDir.path().toStdString() + "/dvfo-edge").path();
    }
};

// Runs the agent to its end; false (with its stderr) unless it exits 0.
bool runs(const Rig& rig, const QStringList& args, QByteArray* err = nullptr) {
    auto p = rig.edge(args);
    if (!p->waitForFinished(60000))
        return false;
    if (err)
        *err = p->readAllStandardError();
    return p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0;
}

// Sends one request to a serving agent and waits for its answer line.
nlohmann::json request(QProcess& agent, const nlohmann::json& req) {
    agent.write(QByteArray::fromStdString(req.dump() + "\n"));
    for (int i = 0; i < 600; ++i) {
        while (agent.canReadLine()) {
            const auto line = nlohmann::json::parse(agent.readLine().toStdString());
            if (line.contains("id") && line["id"] == req["id"] && !line.contains("event"))
                return line;
        }
        agent.waitForReadyRead(100);
    }
    throw std::runtime_error("no answer to " + req.dump());
}

} // namespace

class TestSavedClockState : public QObject {
    Q_OBJECT

private slots:
    void restoreInAFreshObjectPutsBackTheOriginalClocks();
    void theNextAgentAfterAKillRestoresTheTrueOriginalNotThePinnedState();
    void theOriginalIsOnDiskBeforeTheFirstWrite();
    void anAgentThatPinnedNothingLeavesAnotherProcessesPinAlone();
    void aCorruptStateFileIsAClearErrorAndNothingIsWritten();
    void aStateSavedForAnotherLayoutIsRefused();
    void aFailedRestoreKeepsTheStateForTheNextTry();
    void theFirstOfTwoWritersKeepsTheOriginal();
    void eachBoardRootHasItsOwnFile();
    void theStateDirectoryFollowsXdgRuntimeDir();
    void setFreqInOneAgentProcessAndRestoreInAnotherPutsBackTheOriginal();
    void afterASigkilledAgentTheNextAgentProcessRestoresTheTrueOriginal();
};

void TestSavedClockState::restoreInAFreshObjectPutsBackTheOriginalClocks() {
    Rig rig;
    const auto before = rig.fake->restorableSnapshot();
    auto first = rig.board();
    const std::string statePath = first->savedStatePath();
    first->setFrequencies({1190400, 599250, 1331200});
    Rig::kill(std::move(first));
    QVERIFY(rig.fake->restorableSnapshot() != before);
    QVERIFY(fileExists(statePath));

    auto second = rig.board();
    second->restore();
    QCOMPARE(rig.fake->restorableSnapshot(), before);
    QVERIFY2(!fileExists(statePath), "a complete restore forgets the saved state");
    second->restore(); // nothing left to do: no error, no write
    QCOMPARE(rig.fake->restorableSnapshot(), before);
}

void TestSavedClockState::theNextAgentAfterAKillRestoresTheTrueOriginalNotThePinnedState() {
    Rig rig("agx-orin");
    const auto before = rig.fake->restorableSnapshot();
    auto killed = rig.board();
    killed->setFrequencies({1497600, 918000, 2133000});
    Rig::kill(std::move(killed));

    auto next = rig.board();
    QCOMPARE(next->governors()["emc"], nlohmann::json("locked")); // what it finds is pinned
    next->setFrequencies({729600, 612000, 665600});
    next->restore();
    QCOMPARE(rig.fake->restorableSnapshot(), before);
    QCOMPARE(next->governors(),
             (nlohmann::json{{"cpu", "schedutil"}, {"gpu", "nvhost_podgov"}, {"emc", "auto"}}));

    // The destructor of an agent that loaded the state restores the original as well.
    {
        auto pinner = rig.board();
        pinner->setFrequencies({1497600, 918000, 2133000});
        Rig::kill(std::move(pinner));
        auto resumed = rig.board();
        resumed->setFrequencies({729600, 612000, 665600});
    }
    QCOMPARE(rig.fake->restorableSnapshot(), before);
}

void TestSavedClockState::theOriginalIsOnDiskBeforeTheFirstWrite() {
    Rig rig;
    auto board = rig.board();
    const std::string statePath = board->savedStatePath();
    const std::string policy0 = rig.fake->path(rig.fake->policyDir(rig.fake->policies().front()));
    int writes = 0;
    std::string stateAtFirstWrite;
    board->setWriteObserver([&](const std::string&, const std::string&) {
        if (writes++ == 0 && fileExists(statePath)) {
            std::ifstream in(statePath);
            stateAtFirstWrite.assign(std::istreambuf_iterator<char>(in), {});
        }
        return 0;
    });
    board->setFrequencies({1190400, 599250, 1331200});
    QVERIFY(writes > 0);
    QVERIFY2(!stateAtFirstWrite.empty(), "no saved state when the first write happened");
    const auto doc = nlohmann::json::parse(stateAtFirstWrite);
    QCOMPARE(doc["format"], nlohmann::json("dvfo-edge-clock-state"));
    QCOMPARE(doc["root"], nlohmann::json(rig.fake->root()));
    QCOMPARE(doc["state"]["cpu"][0]["dir"], nlohmann::json(policy0));
    QCOMPARE(doc["state"]["cpu"][0]["governor"], nlohmann::json("schedutil"));
    QCOMPARE(doc["state"]["emc"]["lock"], nlohmann::json("0"));
    // Written by rename-free link of a temp file: no temp file is left behind.
    int entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(rig.stateDir.path().toStdString())) {
        (void)e;
        ++entries;
    }
    QCOMPARE(entries, 1);
    board->restore();
}

void TestSavedClockState::anAgentThatPinnedNothingLeavesAnotherProcessesPinAlone() {
    Rig rig;
    auto setFreq = rig.board();
    setFreq->setFrequencies({1190400, 599250, 1331200});
    Rig::kill(std::move(setFreq)); // `dvfo-edge set-freq` keeps the clocks pinned on purpose
    const auto pinned = rig.fake->restorableSnapshot();
    {
        auto probe = rig.board(); // `dvfo-edge probe`: reads, then ends normally
        probe->governors();
        probe->readPower();
    }
    QCOMPARE(rig.fake->restorableSnapshot(), pinned);
    QVERIFY(fileExists(rig.board()->savedStatePath()));
}

void TestSavedClockState::aCorruptStateFileIsAClearErrorAndNothingIsWritten() {
    Rig rig;
    const auto before = rig.fake->restorableSnapshot();
    auto board = rig.board();
    std::filesystem::create_directories(rig.stateDir.path().toStdString());
    {
        std::ofstream out(board->savedStatePath());
        out << "{\"format\": \"dvfo-edge-clock-state\", \"version\": 1, \"root\": ";
    }
    int writes = 0;
    board->setWriteObserver([&](const std::string&, const std::string&) {
        ++writes;
        return 0;
    });
    try {
        board->setFrequencies({1190400, 599250, 1331200});
        QFAIL("a corrupt state file must not be replaced by a fresh snapshot");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), board->savedStatePath()), e.what());
        QVERIFY2(contains(e.what(), "unreadable"), e.what());
        QVERIFY2(contains(e.what(), "delete the file"), e.what());
    }
    QCOMPARE(writes, 0);
    QVERIFY_THROWS_EXCEPTION(HalError, board->restore());
    QCOMPARE(rig.fake->restorableSnapshot(), before);
    QVERIFY(fileExists(board->savedStatePath())); // kept for the person to inspect
}

void TestSavedClockState::aStateSavedForAnotherLayoutIsRefused() {
    Rig rig;
    auto board = rig.board();
    board->setFrequencies({1190400, 599250, 1331200});
    Rig::kill(std::move(board));
    // The same root now holds a tree with another CPU layout (a different board template).
    auto other = rig.board();
    const std::string statePath = other->savedStatePath();
    std::ifstream in(statePath);
    auto doc = nlohmann::json::parse(in);
    doc["state"]["cpu"][0]["dir"] = "/sys/devices/system/cpu/cpufreq/policy9";
    std::ofstream(statePath, std::ios::trunc) << doc.dump();
    try {
        other->restore();
        QFAIL("a state saved for another layout must not be applied");
    } catch (const HalError& e) {
        QVERIFY2(contains(e.what(), "another layout"), e.what());
        QVERIFY2(contains(e.what(), "policy9"), e.what());
    }
}

void TestSavedClockState::aFailedRestoreKeepsTheStateForTheNextTry() {
    Rig rig;
    const auto before = rig.fake->restorableSnapshot();
    auto board = rig.board();
    board->setFrequencies({1190400, 599250, 1331200});
    Rig::kill(std::move(board));

    auto failing = rig.board();
    failing->setWriteObserver([](const std::string& p, const std::string&) {
        return contains(p, "scaling_governor") ? EACCES : 0;
    });
    QVERIFY_THROWS_EXCEPTION(HalError, failing->restore());
    QVERIFY(fileExists(failing->savedStatePath()));
    Rig::kill(std::move(failing));

    rig.board()->restore();
    QCOMPARE(rig.fake->restorableSnapshot(), before);
}

void TestSavedClockState::theFirstOfTwoWritersKeepsTheOriginal() {
    QTemporaryDir dir;
    SavedClockState a("/fake/root", dir.path().toStdString() + "/nested/dvfo-edge");
    SavedClockState b("/fake/root", dir.path().toStdString() + "/nested/dvfo-edge");
    QCOMPARE(a.path(), b.path());
    QVERIFY(!a.load());
    const nlohmann::json original{{"governor", "schedutil"}};
    QCOMPARE(a.store(original), original);
    // The second agent found the board pinned; what it would store is not the original.
    QCOMPARE(b.store(nlohmann::json{{"governor", "userspace"}}), original);
    QCOMPARE(*b.load(), original);
    const auto mode =
        std::filesystem::status(dir.path().toStdString() + "/nested/dvfo-edge").permissions();
    QCOMPARE(mode & std::filesystem::perms::all, std::filesystem::perms::owner_all);
    b.remove();
    QVERIFY(!a.load());
    a.remove(); // already gone: fine
}

void TestSavedClockState::eachBoardRootHasItsOwnFile() {
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    QCOMPARE(SavedClockState("/", d).path(), d + "/clocks.json");
    QVERIFY(SavedClockState("/tmp/a", d).path() != SavedClockState("/tmp/b", d).path());
    SavedClockState("/tmp/a", d).store({{"x", 1}});
    // A file carrying another root is refused even if it sits under this root's name.
    std::filesystem::copy_file(SavedClockState("/tmp/a", d).path(),
                               SavedClockState("/tmp/b", d).path());
    QVERIFY_THROWS_EXCEPTION(HalError, SavedClockState("/tmp/b", d).load());
}

void TestSavedClockState::theStateDirectoryFollowsXdgRuntimeDir() {
    const QByteArray saved = qgetenv("XDG_RUNTIME_DIR");
    qputenv("XDG_RUNTIME_DIR", "/run/user/1234");
    QCOMPARE(SavedClockState::defaultDirectory(), std::string("/run/user/1234/dvfo-edge"));
    qunsetenv("XDG_RUNTIME_DIR");
    QCOMPARE(SavedClockState::defaultDirectory(), std::string("/run/dvfo-edge"));
    qputenv("XDG_RUNTIME_DIR", "relative/dir"); // not a usable runtime dir: ignored
    QCOMPARE(SavedClockState::defaultDirectory(), std::string("/run/dvfo-edge"));
    if (saved.isNull())
        qunsetenv("XDG_RUNTIME_DIR");
    else
        qputenv("XDG_RUNTIME_DIR", saved);
}

void TestSavedClockState::setFreqInOneAgentProcessAndRestoreInAnotherPutsBackTheOriginal() {
    QVERIFY2(!qEnvironmentVariable("DVFO_EDGE").isEmpty(), "DVFO_EDGE must be set");
    Rig rig("orin-nano");
    const auto before = rig.fake->restorableSnapshot();
    QByteArray err;
    QVERIFY2(runs(rig, {"set-freq", "1497600/624750/2133000"}, &err), err.constData());
    const auto pinned = rig.fake->restorableSnapshot();
    QVERIFY(pinned != before);
    QVERIFY2(fileExists(rig.stateFile()), rig.stateFile().c_str());
    // A probe in between reads the board and leaves the pin (and the saved original) alone.
    QVERIFY2(runs(rig, {"probe"}, &err), err.constData());
    QCOMPARE(rig.fake->restorableSnapshot(), pinned);
    // A second set-freq keeps the first process's original, not the pinned state it finds.
    QVERIFY2(runs(rig, {"set-freq", "729600/306000/665600"}, &err), err.constData());
    QVERIFY2(runs(rig, {"restore"}, &err), err.constData());
    QCOMPARE(rig.fake->restorableSnapshot(), before);
    QVERIFY2(!fileExists(rig.stateFile()), "a complete restore forgets the saved original");
}

void TestSavedClockState::afterASigkilledAgentTheNextAgentProcessRestoresTheTrueOriginal() {
    QVERIFY2(!qEnvironmentVariable("DVFO_EDGE").isEmpty(), "DVFO_EDGE must be set");
    Rig rig("agx-xavier");
    const auto before = rig.fake->restorableSnapshot();
    {
        auto agent = rig.edge({"serve"});
        QVERIFY(agent->waitForStarted(10000));
        const auto answer = request(*agent, {{"v", 1},
                                             {"id", 7},
                                             {"op", "set-freq"},
                                             {"params", {{"tuple", "2265600/1377000/2133000"}}}});
        QVERIFY2(answer.value("ok", false), answer.dump().c_str());
        ::kill(pid_t(agent->processId()), SIGKILL); // no signal handler, no destructor
        QVERIFY(agent->waitForFinished(10000));
        QCOMPARE(agent->exitStatus(), QProcess::CrashExit);
    }
    QVERIFY(rig.fake->restorableSnapshot() != before);
    QVERIFY(fileExists(rig.stateFile()));
    {
        // The next agent finds the board pinned; it pins again and ends its session normally.
        auto agent = rig.edge({"serve"});
        QVERIFY(agent->waitForStarted(10000));
        const auto answer = request(*agent, {{"v", 1},
                                             {"id", 1},
                                             {"op", "set-freq"},
                                             {"params", {{"tuple", "1190400/624750/1065600"}}}});
        QVERIFY2(answer.value("ok", false), answer.dump().c_str());
        agent->closeWriteChannel(); // end of session: the agent restores
        QVERIFY(agent->waitForFinished(30000));
        QVERIFY2(agent->exitCode() == 0, agent->readAllStandardError().constData());
    }
    QCOMPARE(rig.fake->restorableSnapshot(), before);
    QVERIFY(!fileExists(rig.stateFile()));
}

QTEST_GUILESS_MAIN(TestSavedClockState)
#include "tst_savedclockstate.moc"
