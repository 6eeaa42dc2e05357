// The runtime's line handlers and sockets on hostile input, in process: bounded line buffers,
// the input socket's line parser, the control socket's answers, socket modes and the peer check,
// telemetry records carrying invalid UTF-8.
#include "core/common/linebuffer.h"
#include "remote/edge/inputsource.h"
#include "remote/edge/runtimecontrolclient.h"
#include "remote/edge/runtimecontrolserver.h"
#include "remote/edge/telemetrywriter.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstring>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace dvfo;
using nlohmann::json;

namespace {

constexpr size_t kPixels = 784;

std::string imageLine(const std::string& value, size_t count, const std::string& extra = "") {
    std::string line = "{\"image\":[";
    for (size_t i = 0; i < count; ++i)
        line += (i ? "," : "") + value;
    return line + "]" + extra + "}";
}

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

mode_t modeOf(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : mode_t(0);
}

// In a child running as `uid`: connects to `path`, sends a status request and reports 0 when the
// server closed the connection without answering, 1 when it answered, 2 when it could not connect.
int answeredForUid(const std::string& path, uid_t uid) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::setgid(uid) != 0 || ::setuid(uid) != 0)
            ::_exit(3);
        const int fd = connectTo(path);
        if (fd < 0)
            ::_exit(2);
        const char request[] = "{\"op\":\"status\"}\n";
        (void)!::send(fd, request, sizeof request - 1, MSG_NOSIGNAL);
        pollfd p{fd, POLLIN, 0};
        char byte = 0;
        const bool answered = ::poll(&p, 1, 3000) > 0 && ::recv(fd, &byte, 1, 0) == 1;
        ::_exit(answered ? 1 : 0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

class TestServiceLimits : public QObject {
    Q_OBJECT

private slots:
    void lineBufferJoinsChunksAndDropsOverlongLines() {
        LineBuffer lines(8);
        std::string line;
        lines.append("abc", 3);
        QCOMPARE(lines.next(line), LineBuffer::Status::NeedMore);
        lines.append("de\r\n012345678", 13);
        QCOMPARE(lines.next(line), LineBuffer::Status::Line);
        QCOMPARE(line, std::string("abcde"));
        QCOMPARE(lines.next(line),
                 LineBuffer::Status::NeedMore); // 9 bytes: 8 and the \r of a \r\n to come
        lines.append("ABCDEFGHIJ", 10);
        QCOMPARE(lines.next(line), LineBuffer::Status::Overlong); // reported once ...
        QCOMPARE(lines.next(line), LineBuffer::Status::NeedMore);
        lines.append("KLMNOP\nok\n", 10); // ... and dropped up to its newline
        QCOMPARE(lines.next(line), LineBuffer::Status::Line);
        QCOMPARE(line, std::string("ok"));
        lines.append("123456789\nx\n",
                     12); // overlong but complete: dropped, the next line survives
        QCOMPARE(lines.next(line), LineBuffer::Status::Overlong);
        QCOMPARE(lines.next(line), LineBuffer::Status::Line);
        QCOMPARE(line, std::string("x"));
    }

    void readBoundedLineSkipsAnOverlongLineAndKeepsTheNext() {
        std::istringstream in("short\r\n" + std::string(100, 'x') + "\nlast");
        std::string line;
        QCOMPARE(readBoundedLine(in, line, 10), ReadLineStatus::Line);
        QCOMPARE(line, std::string("short"));
        QCOMPARE(readBoundedLine(in, line, 10), ReadLineStatus::Overlong);
        QCOMPARE(readBoundedLine(in, line, 10), ReadLineStatus::Line);
        QCOMPARE(line, std::string("last"));
        QCOMPARE(readBoundedLine(in, line, 10), ReadLineStatus::End);
    }

    void inputLinesThatAreNotImagesAreRejectedWithAReason() {
        // Reproduced: {"image":["a"]} (784 strings) threw from json::get<float> and stopped the
        // runtime.
        const std::vector<std::string> bad = {
            "{\"image\":[\"a\"]}",
            imageLine("\"a\"", kPixels),
            imageLine("1", kPixels, ",\"label\":\"x\""),
            imageLine("1", kPixels, ",\"label\":-2"),
            imageLine("1", kPixels, ",\"label\":1.5"),
            imageLine("1e300", kPixels),
            imageLine("-1", kPixels),
            imageLine("[1]", kPixels),
            imageLine("1", kPixels - 1),
            "[1,2]",
            "\xff",
            "",
            "{\"image\":{}}",
        };
        for (const std::string& line : bad) {
            std::string error;
            QVERIFY2(!parseSocketInputLine(line, kPixels, error), line.substr(0, 60).c_str());
            QVERIFY(!error.empty());
        }
    }

    void aValidInputLineIsNormalisedWithItsLabel() {
        std::string error;
        const auto pixels255 =
            parseSocketInputLine(imageLine("255", kPixels, ",\"label\":6"), kPixels, error);
        QVERIFY2(pixels255, error.c_str());
        QCOMPARE(pixels255->label, 6);
        QCOMPARE(pixels255->image.size(), kPixels);
        const auto pixels01 = parseSocketInputLine(imageLine("1.0", kPixels), kPixels, error);
        QVERIFY(pixels01);
        QCOMPARE(pixels01->label, -1);
        QCOMPARE(pixels01->image[0],
                 pixels255->image[0]); // 255 of 255 and 1.0 of 1 are the same pixel
    }

    void controlAnswersToInvalidUtf8AndThrowingHandlersAreValidJson() {
        // Reproduced: one "\xff" line made the error answer's dump throw and aborted the runtime.
        const RuntimeControlServer::Handler echo = [](const json& request) {
            if (request.value("op", "") == "throw")
                throw 42; // not even a std::exception
            return json{{"text", "page \xff"}};
        };
        for (const std::string& line : {std::string("\xff"), std::string("{\"op\":\"x\"}"),
                                        std::string("{\"op\":\"throw\"}"), std::string("5")}) {
            const std::string answer = RuntimeControlServer::answerLine(line, echo);
            QVERIFY(!answer.empty() && answer.back() == '\n');
            const json j = json::parse(answer);
            QVERIFY(j.contains("ok"));
        }
        QCOMPARE(json::parse(RuntimeControlServer::answerLine("{}", echo))["result"]["text"]
                     .get<std::string>(),
                 std::string("page \xef\xbf\xbd"));
        QCOMPARE(json::parse(RuntimeControlServer::answerLine("\xff", echo))["ok"].get<bool>(),
                 false);
    }

    void theControlSocketIsPrivateAndKeepsServingAfterBadLines() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/runtime.sock").toStdString();
        const mode_t oldMask = ::umask(0); // the mode must not follow the umask (0755 was seen)
        RuntimeControlServer server(path, [](const json&) { return json{{"state", "running"}}; });
        server.start();
        ::umask(oldMask);
        QCOMPARE(int(modeOf(path)), 0600);

        const int fd = connectTo(path);
        QVERIFY(fd >= 0);
        const std::string lines =
            "\xff\n" + std::string(RuntimeControlServer::kMaxRequestLine + 10, 'x') + "\n";
        (void)!::send(fd, lines.data(), lines.size(), MSG_NOSIGNAL);
        std::string answers;
        char buffer[4096];
        for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
            answers.append(buffer, size_t(n)); // the server closes after the overlong line
        ::close(fd);
        std::istringstream in(answers);
        std::string line;
        int errors = 0;
        while (std::getline(in, line))
            errors += json::parse(line)["ok"].get<bool>() ? 0 : 1;
        QCOMPARE(errors, 2);
        QCOMPARE(RuntimeControlClient(path, 2000).status()["state"].get<std::string>(),
                 std::string("running"));
    }

    void peersOfAnotherUserAreRefused() {
        if (::geteuid() != 0)
            QSKIP("needs root to connect as another user");
        QTemporaryDir dir;
        ::chmod(dir.path().toLocal8Bit().constData(), 0755);
        const std::string path = (dir.path() + "/runtime.sock").toStdString();
        RuntimeControlServer server(path, [](const json&) { return json::object(); });
        server.start();
        QCOMPARE(answeredForUid(path, 65534), 2); // 0600: nobody cannot even connect
        ::chmod(path.c_str(), 0666);              // past the mode, the peer check still refuses
        QCOMPARE(answeredForUid(path, 65534), 0);
        QCOMPARE(answeredForUid(path, 0), 1);
    }

    void theInputSocketIsPrivateAndSkipsBadLines() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/input.sock").toStdString();
        const mode_t oldMask = ::umask(0);
        auto source = InputSource::create("socket:" + path, 28, 28);
        ::umask(oldMask);
        QCOMPARE(int(modeOf(path)), 0600);
        const int fd = connectTo(path);
        QVERIFY(fd >= 0);
        const std::string lines = "{\"image\":[\"a\"]}\n" + imageLine("\"a\"", kPixels) + "\n" +
                                  std::string(kMaxInputLine + 100, '[') + "\n" +
                                  imageLine("0.5", kPixels, ",\"label\":3") + "\n";
        std::thread writer([&] { (void)!::send(fd, lines.data(), lines.size(), MSG_NOSIGNAL); });
        std::atomic<bool> stop{false};
        const auto sample = source->next(stop);
        writer.join();
        ::close(fd);
        QVERIFY(sample);
        QCOMPARE(sample->label, 3);
        QCOMPARE(sample->image.size(), kPixels);
    }

    void telemetryRecordsWithInvalidUtf8AreWrittenAndReadBack() {
        // Reproduced: a cloud's non-UTF-8 error page in "fallbackReason" made the dump throw.
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/telemetry.jsonl").toStdString();
        TelemetryWriter writer(path, path + ".1");
        writer.write({{"fallbackReason", "cloud answered HTTP 502: \xff\xfe<html>"}});
        writer.write({{"n", 2}});
        const auto records = TelemetryWriter::readSince(path, path + ".1", 0, 10);
        QCOMPARE(records.size(), size_t(2));
        QVERIFY(records[0]["fallbackReason"].get<std::string>().find("\xef\xbf\xbd") !=
                std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestServiceLimits)
#include "tst_servicelimits.moc"
