// What the runtime runs as it starts, given the pending marker a deploy leaves until its bundle
// passed its health check: an unconfirmed bundle never survives a restart its deploy did not make.
#include "remote/edge/pendingdeploy.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace dvfo;
namespace fs = std::filesystem;

class TestPendingDeploy : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int n_ = 0;

    // A root with bundles old@1 and new@2, current -> `current`, previous -> old@1.
    RuntimeLayout board(const std::string& current) {
        const std::string root = tmp_.filePath(QString::number(++n_)).toStdString();
        fs::create_directories(root + "/bundles/old@1");
        fs::create_directories(root + "/bundles/new@2");
        fs::create_directory_symlink("bundles/" + current, root + "/current");
        fs::create_directory_symlink("bundles/old@1", root + "/previous");
        return RuntimeLayout(root);
    }
    static void mark(const RuntimeLayout& l, const nlohmann::json& armed) {
        std::ofstream(l.pendingPath())
            << nlohmann::json{{"bundle", "new@2"}, {"fallback", "old@1"}, {"armed", armed}}.dump();
    }
    static std::string bootId() {
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::string id;
        std::getline(in, id);
        return id;
    }
    static std::string target(const RuntimeLayout& l) {
        return fs::read_symlink(l.currentDir()).filename().string();
    }

private slots:
    void withoutAMarkerTheCurrentBundleRuns() {
        const auto l = board("new@2");
        std::ostringstream log;
        QCOMPARE(PendingDeploy::bundleToRun(l, log), l.bundlesDir() + "/new@2");
        QVERIFY(log.str().empty());
    }

    void aMarkerOfADeployThatNeverSwitchedIsDropped() {
        const auto l = board("old@1");
        mark(l, false);
        std::ostringstream log;
        QCOMPARE(PendingDeploy::bundleToRun(l, log), l.bundlesDir() + "/old@1");
        QVERIFY(!fs::exists(l.pendingPath()));
    }

    void theDeploysOwnRestartStartsTheNewBundleOnceOnTrial() {
        const auto l = board("new@2");
        mark(l, bootId());
        std::ostringstream log;
        QCOMPARE(PendingDeploy::bundleToRun(l, log), l.bundlesDir() + "/new@2");
        QVERIFY(log.str().find("on trial") != std::string::npos);
        // The next start (a crash, a reboot, a killed deploy) before the health check passed:
        // back to the previous bundle.
        QCOMPARE(PendingDeploy::bundleToRun(l, log), l.bundlesDir() + "/old@1");
        QCOMPARE(target(l), std::string("old@1"));
        QVERIFY(!fs::exists(l.pendingPath()));
    }

    void anUnarmedUnconfirmedBundleFallsBackToThePreviousOne() {
        const auto l = board("new@2");
        mark(l, false); // the deploy stopped between its switch and its restart
        std::ostringstream log;
        QCOMPARE(PendingDeploy::bundleToRun(l, log), l.bundlesDir() + "/old@1");
        QCOMPARE(target(l), std::string("old@1"));
        QVERIFY(log.str().find("never passed its health check") != std::string::npos);
    }

    void anArmingFromAnotherBootDoesNotCount() {
        const auto l = board("new@2");
        mark(l, "00000000-0000-0000-0000-000000000000");
        std::ostringstream log;
        QCOMPARE(PendingDeploy::bundleToRun(l, log), l.bundlesDir() + "/old@1");
    }

    void anUnreadableMarkerFallsBackToPrevious() {
        const auto l = board("new@2");
        std::ofstream(l.pendingPath()) << "{not json";
        std::ostringstream log;
        QCOMPARE(PendingDeploy::bundleToRun(l, log), l.bundlesDir() + "/old@1");
    }

    void anUnconfirmedFirstBundleWithNothingToFallBackToDoesNotRun() {
        const auto l = board("new@2");
        fs::remove(l.root + "/previous");
        std::ofstream(l.pendingPath())
            << nlohmann::json{{"bundle", "new@2"}, {"fallback", ""}, {"armed", false}}.dump();
        std::ostringstream log;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, PendingDeploy::bundleToRun(l, log));
    }
};

QTEST_GUILESS_MAIN(TestPendingDeploy)
#include "tst_pendingdeploy.moc"
