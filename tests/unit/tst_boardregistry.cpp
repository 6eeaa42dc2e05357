// boards.json: the old "acceptNewHostKey" flag is dropped on load with a one-time notice and the
// file rewritten; writes are atomic and under a lock, so processes adding boards at the same time
// keep every board.
#include "core/board/boardregistry.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace dvfo;

class TestBoardRegistry : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    std::string path(const std::string& rel) const {
        return tmp_.filePath(QString::fromStdString(rel)).toStdString();
    }
    static std::string read(const std::string& p) {
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

private slots:
    void theOldTrustOnFirstUseFlagIsDroppedOnceWithANotice() {
        const std::string file = path("old/boards.json");
        QDir().mkpath(QString::fromStdString(path("old")));
        std::ofstream(file) << R"({"version":1,"boards":[{"name":"nx1","host":"10.0.0.5",)"
                            << R"("acceptNewHostKey":true},{"name":"nx2","host":"10.0.0.6"}]})";
        std::vector<std::string> notices;
        BoardRegistry::setNoticeHandler([&](const std::string& n) { notices.push_back(n); });
        {
            BoardRegistry r(file);
            QCOMPARE(r.boards().size(), size_t(2));
        }
        QCOMPARE(notices.size(), size_t(1));
        QVERIFY2(notices.front().find("acceptNewHostKey") != std::string::npos,
                 notices.front().c_str());
        QVERIFY(read(file).find("acceptNewHostKey") == std::string::npos);
        QVERIFY(read(file).find("nx2") != std::string::npos);
        BoardRegistry again(file); // one time only
        QCOMPARE(notices.size(), size_t(1));
        BoardRegistry::setNoticeHandler({});
    }

    void noticesGivenBeforeAHandlerIsSetReachIt() {
        const std::string file = path("early/boards.json");
        QDir().mkpath(QString::fromStdString(path("early")));
        std::ofstream(file) << R"({"boards":[{"name":"a","host":"h","acceptNewHostKey":false}]})";
        BoardRegistry r(file); // before the studio's log exists: stderr, and kept
        std::vector<std::string> notices;
        BoardRegistry::setNoticeHandler([&](const std::string& n) { notices.push_back(n); });
        QCOMPARE(notices.size(), size_t(1));
        BoardRegistry::setNoticeHandler({});
    }

    void concurrentWritersKeepEveryBoard() {
        const std::string file = path("many/boards.json");
        constexpr int kProcesses = 4, kBoards = 15;
        std::vector<pid_t> children;
        for (int p = 0; p < kProcesses; ++p) {
            const pid_t pid = ::fork();
            if (pid == 0) {
                for (int b = 0; b < kBoards; ++b) {
                    BoardEntry e;
                    e.name = "p" + std::to_string(p) + "b" + std::to_string(b);
                    e.host = "10.0." + std::to_string(p) + "." + std::to_string(b);
                    BoardRegistry(file).modify([&](BoardRegistry& r) { r.upsert(e); });
                }
                ::_exit(0);
            }
            children.push_back(pid);
        }
        for (pid_t pid : children) {
            int status = 0;
            ::waitpid(pid, &status, 0);
            QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        QCOMPARE(BoardRegistry(file).boards().size(), size_t(kProcesses * kBoards));
        QVERIFY(!QFile::exists(QString::fromStdString(file + ".tmp")));
    }
};

QTEST_GUILESS_MAIN(TestBoardRegistry)
#include "tst_boardregistry.moc"
