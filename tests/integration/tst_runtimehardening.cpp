// The real edge runtime (`dvfo-edge --emulate xavier-nx run`) on hostile input: its control and
// input sockets (mode, bad lines, overlong lines) and a rogue cloud (a non-UTF-8 error page,
// binary sizes that wrap around, an endless body). It must answer or skip, keep running, and
// stop cleanly on SIGTERM.
#include "core/attention/attentionsplit.h"
#include "core/bundle/policybundle.h"
#include "remote/cloud/cpphttplib.h"
#include "remote/cloud/inferenceprotocol.h"
#include "remote/edge/inputsource.h"
#include "remote/edge/runtimecontrolclient.h"
#include "remote/edge/runtimelayout.h"
#include "remote/edge/telemetrywriter.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace dvfo;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

int connectTo(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void sendAll(int fd, const std::string& data) {
    for (size_t sent = 0; sent < data.size();) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        sent += size_t(n);
    }
}

std::string imageLine(const std::string& value, const std::string& extra = "") {
    std::string line = "{\"image\":[";
    for (int i = 0; i < 784; ++i)
        line += (i ? "," : "") + value;
    return line + "]" + extra + "}\n";
}

mode_t modeOf(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : mode_t(0);
}

} // namespace

class TestRuntimeHardening : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    std::string path(const std::string& rel) const {
        return tmp_.filePath(QString::fromStdString(rel)).toStdString();
    }

private slots:
    void theRuntimeSurvivesBadSocketLinesAndARogueCloud() {
        QVERIFY(tmp_.isValid());
        const QString edge = qEnvironmentVariable("DVFO_EDGE");
        QVERIFY2(!edge.isEmpty(), "DVFO_EDGE must point at the dvfo-edge binary");

        // A bundle that offloads half the maps, as `current` of a runtime root.
        const std::string root = path("root");
        const std::string attention = path("attention");
        AttentionSplit::create({"small_cnn", "", 1})->save(attention);
        fs::create_directories(path("policy"));
        fs::create_directories(root + "/bundles");
        std::ofstream(path("policy/policy.json")) << json{
            {"format", "dvfo-fixed-policy"},
            {"version", 1},
            {"tuple", "max"},
            {"share", 0.5}}.dump();
        BundleCreateOptions bundle;
        bundle.policyDir = path("policy");
        bundle.attentionDir = attention;
        bundle.outDir = root + "/bundles/v1";
        bundle.boardSpecId = "xavier-nx";
        bundle.version = "v1";
        PolicyBundle::create(bundle);
        fs::create_directory_symlink("bundles/v1", root + "/current");

        // The rogue cloud: ready to the link probe, then a different bad answer to each inference.
        std::atomic<int> mode{0};
        httplib::Server rogue;
        rogue.Get(".*", [](const httplib::Request&, httplib::Response& res) {
            res.set_content("{}", "application/json");
        });
        // The link probe's upload is answered properly, so that the runtime offloads at all.
        rogue.Post("/v2/dvfo/probe", [](const httplib::Request&, httplib::Response& res) {
            res.set_content("{}", "application/json");
        });
        rogue.Post(".*", [&](const httplib::Request&, httplib::Response& res) {
            if (mode == 0) { // an error page that is not UTF-8 (reproduced: stopped the runtime)
                res.status = 502;
                res.set_content("\xff\xfe<html>bad gateway \xc3", "text/html");
            } else if (mode ==
                       1) { // binary sizes that wrap around (reproduced under ASan: a crash)
                const json header = {
                    {"outputs",
                     {{{"name", "x"}, {"parameters", {{"binary_data_size", UINT64_MAX - 19}}}},
                      {{"name", "logits"},
                       {"datatype", "FP32"},
                       {"shape", {10}},
                       {"parameters", {{"binary_data_size", 40}}}}}}};
                res.set_header(InferenceProtocol::kHeaderLength,
                               std::to_string(header.dump().size()));
                res.set_content(header.dump() + std::string(40, '\0'),
                                InferenceProtocol::kBinaryType);
            } else { // far more than logits
                res.set_content(std::string(3 << 20, ' '), "application/json");
            }
        });
        const int port = rogue.bind_to_any_port("127.0.0.1");
        std::thread serving([&] { rogue.listen_after_bind(); });
        struct StopRogue {
            httplib::Server& server;
            std::thread& thread;
            ~StopRogue() {
                server.stop();
                thread.join();
            }
        } stopRogue{rogue, serving};

        const std::string input = root + "/input.sock";
        const mode_t oldMask =
            ::umask(0); // the sockets' mode must not follow the umask (0755 was seen)
        QProcess runtime;
        runtime.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        runtime.start(edge,
                      {"--emulate", "xavier-nx", "run", "--root", QString::fromStdString(root),
                       "--input", QString::fromStdString("socket:" + input), "--cloud",
                       QString("http://127.0.0.1:%1").arg(port)});
        ::umask(oldMask);
        QVERIFY(runtime.waitForStarted(10000));
        const RuntimeLayout layout(root);
        RuntimeControlClient control(layout.socketPath(), 2000);
        std::string state;
        for (int i = 0; i < 600 && state != "running" && runtime.state() == QProcess::Running;
             ++i) {
            try {
                state = control.status().value("state", "");
            } catch (const std::exception&) {
            }
            QTest::qWait(100);
        }
        QCOMPARE(state, std::string("running"));
        QCOMPARE(int(modeOf(layout.socketPath())), 0600);
        QCOMPARE(int(modeOf(input)), 0600);

        // Control socket: a line of invalid UTF-8 (reproduced: aborted the runtime).
        const int controlFd = connectTo(layout.socketPath());
        QVERIFY(controlFd >= 0);
        sendAll(controlFd, "\xff\n");
        char buffer[4096] = {};
        const ssize_t n = ::recv(controlFd, buffer, sizeof buffer - 1, 0);
        ::close(controlFd);
        QVERIFY(n > 0);
        QCOMPARE(json::parse(std::string(buffer, size_t(n)))["ok"].get<bool>(), false);
        QCOMPARE(control.status()["state"].get<std::string>(), std::string("running"));

        // Input socket: lines that are not images are skipped (reproduced: {"image":["a"]} stopped
        // the runtime), then each good line goes to the rogue cloud and falls back to the edge.
        const int inputFd = connectTo(input);
        QVERIFY(inputFd >= 0);
        sendAll(inputFd, "{\"image\":[\"a\"]}\n" + imageLine("\"a\"") +
                             imageLine("0.5", ",\"label\":\"x\"") +
                             std::string(kMaxInputLine + 10, '[') + "\n\xff\n");
        // Each good line is offloaded to the rogue cloud once the runtime sees the link up;
        // every bad answer must end in an edge-only fallback.
        size_t count = 0;
        const std::vector<std::string> reasons = {"502", "bad response", "exceeds"};
        for (int m = 0; m < 3; ++m) {
            mode = m;
            json fallback;
            for (int attempt = 0; attempt < 60 && fallback.is_null(); ++attempt) {
                sendAll(inputFd, imageLine("0.5", ",\"label\":3"));
                std::vector<json> records;
                for (int i = 0; i < 50 && records.size() <= count; ++i) {
                    QTest::qWait(50);
                    records = TelemetryWriter::readSince(layout.telemetryPath(),
                                                         layout.rotatedTelemetryPath(), 0, 1000);
                }
                QVERIFY2(records.size() == count + 1, "the runtime stopped taking inputs");
                count = records.size();
                const json& r = records.back();
                QCOMPARE(r["label"].get<int>(), 3);
                if (r.value("fellBack", false))
                    fallback = r;
            }
            QVERIFY2(!fallback.is_null(),
                     qPrintable(QString("rogue answer %1 was never tried").arg(m)));
            const std::string reason = fallback.value("fallbackReason", "");
            QVERIFY2(reason.find(reasons[size_t(m)]) != std::string::npos, fallback.dump().c_str());
            (void)fallback.dump(); // strict: the reason is valid UTF-8
        }
        ::close(inputFd);
        QCOMPARE(runtime.state(), QProcess::Running);
        QCOMPARE(control.status()["inferences"].get<size_t>(), count);

        ::kill(pid_t(runtime.processId()), SIGTERM);
        QVERIFY(runtime.waitForFinished(20000));
        QCOMPARE(runtime.exitStatus(), QProcess::NormalExit);
        QCOMPARE(runtime.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeHardening)
#include "tst_runtimehardening.moc"
