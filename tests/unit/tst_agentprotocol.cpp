// The agent's protocol handling, in process: AgentServer over string streams with an emulated
// board.
#include "remote/protocol/protocol.h"
#include "remote/edge/agentserver.h"
#include "remote/edge/emulatedboard.h"

#include <QtTest>
#include <sstream>
#include <string>

using namespace dvfo;
using nlohmann::json;

namespace {
std::vector<protocol::Message> runSession(BoardHal& hal, const std::string& input) {
    std::istringstream in(input);
    std::ostringstream out;
    AgentServer server(hal, in, out);
    server.serve();
    std::vector<protocol::Message> msgs;
    std::istringstream lines(out.str());
    std::string line;
    while (std::getline(lines, line))
        msgs.push_back(protocol::parseMessage(line));
    return msgs;
}

// Executes each request to completion, as a live session does while its input stays open.
// (serve() on a finished stream would see the input closed and refuse to start profiles.)
std::vector<protocol::Message> runRequests(BoardHal& hal, const std::string& input) {
    std::istringstream none;
    std::ostringstream out;
    AgentServer server(hal, none, out);
    std::istringstream reqs(input);
    std::string line;
    while (std::getline(reqs, line))
        server.execute(protocol::parseRequest(line));
    std::vector<protocol::Message> msgs;
    std::istringstream lines(out.str());
    while (std::getline(lines, line))
        msgs.push_back(protocol::parseMessage(line));
    return msgs;
}

const protocol::Message& answer(const std::vector<protocol::Message>& msgs, int64_t id) {
    for (const auto& m : msgs)
        if (m.id == id && m.kind != protocol::Message::Kind::Event)
            return m;
    throw std::runtime_error("no answer for id " + std::to_string(id));
}

std::string req(int64_t id, const std::string& op, const json& params = json::object()) {
    return protocol::requestLine({id, op, params}) + "\n";
}

EmulatedBoard makeBoard() {
    // A fixed host calibration keeps the test independent of this machine's speed.
    return EmulatedBoard(BoardSpec::builtin("xavier-nx"), HostCalibration{50e9, 10e9, 5e-6});
}
} // namespace

class TestAgentProtocol : public QObject {
    Q_OBJECT
private slots:
    void aCancelWhoseIdIsNotAnIntegerIsAnsweredAndTheAgentGoesOn();
    void aLineOfInvalidUtf8IsAnsweredWithValidJson();
    void aRequestLineOverTheLimitIsAnsweredAndSkipped();
    void aRestoreThatFailsWhenTheSessionEndsIsReportedAndServeReturns();
    void linesCarryingInvalidUtf8AreWrittenWithReplacementCharacters();
    void agentLinesWithFieldsOfTheWrongTypeAreMalformed();
    void numbersBeyondDoubleRangeAreMalformedNotFatal();
    void integerParamsMustBeIntegersInRange();

    void parsesRequestsAndRejectsMalformedOnes() {
        const auto r = protocol::parseRequest(R"({"v":1,"id":3,"op":"probe","params":{"a":1}})");
        QCOMPARE(r.id, int64_t(3));
        QCOMPARE(r.op, std::string("probe"));
        QCOMPARE(r.params["a"].get<int>(), 1);
        auto code = [](const std::string& line) {
            try {
                protocol::parseRequest(line);
            } catch (const protocol::ProtocolError& e) {
                return e.code();
            }
            return std::string("accepted");
        };
        QCOMPARE(code("{not json"), std::string(protocol::code::kMalformed));
        QCOMPARE(code("[1,2]"), std::string(protocol::code::kMalformed));
        QCOMPARE(code(R"({"id":1,"op":"probe"})"), std::string(protocol::code::kMalformed));
        QCOMPARE(code(R"({"v":99,"id":1,"op":"probe"})"),
                 std::string(protocol::code::kUnsupportedVersion));
        QCOMPARE(code(R"({"v":1,"id":"x","op":"probe"})"), std::string(protocol::code::kMalformed));
        QCOMPARE(code(R"({"v":1,"id":1,"op":"probe","params":[]})"),
                 std::string(protocol::code::kMalformed));
        QCOMPARE(code(R"({"v":1,"id":1})"), std::string(protocol::code::kMalformed));
    }

    void messageKinds() {
        const auto ev = protocol::parseMessage(protocol::eventLine(4, "layer", {{"x", 1}}));
        QCOMPARE(int(ev.kind), int(protocol::Message::Kind::Event));
        QCOMPARE(ev.event, std::string("layer"));
        QCOMPARE(ev.id, int64_t(4));
        const auto err = protocol::parseMessage(protocol::errorLine(5, "invalid_tuple", "nope"));
        QCOMPARE(int(err.kind), int(protocol::Message::Kind::Error));
        QCOMPARE(err.errorCode, std::string("invalid_tuple"));
        QCOMPARE(err.errorMessage, std::string("nope"));
        QVERIFY_THROWS_EXCEPTION(protocol::ProtocolError,
                                 protocol::parseMessage(R"({"v":1,"id":1})"));
    }

    void malformedLinesGetErrorsAndServingGoesOn() {
        auto board = makeBoard();
        const auto msgs = runSession(board, "garbage\n" + req(2, "frobnicate") +
                                                "{\"v\":1,\"id\":3}\n" + req(4, "hello"));
        QCOMPARE(msgs.front().event, std::string("hello"));
        QCOMPARE(answer(msgs, 0).errorCode, std::string(protocol::code::kMalformed));
        QCOMPARE(answer(msgs, 2).errorCode, std::string(protocol::code::kUnknownOp));
        QCOMPARE(answer(msgs, 3).errorCode, std::string(protocol::code::kMalformed));
        QCOMPARE(int(answer(msgs, 4).kind), int(protocol::Message::Kind::Result));
        QCOMPARE(answer(msgs, 4).body["protocol"].get<int>(), protocol::kVersion);
    }

    void setFreqValidatesAndInputCloseRestores() {
        auto board = makeBoard();
        const auto msgs =
            runSession(board, req(1, "set-freq", {{"tuple", "1907200/1109250/1700000"}}) +
                                  req(2, "set-freq", {{"tuple", "115200/114750/204000"}}) +
                                  req(3, "governors") + req(4, "set-freq", {{"tuple", "bad"}}));
        QCOMPARE(answer(msgs, 1).errorCode, std::string(protocol::code::kInvalidTuple));
        QVERIFY(QString::fromStdString(answer(msgs, 1).errorMessage).contains("EMC"));
        QCOMPARE(answer(msgs, 2).body["tuple"].get<std::string>(),
                 std::string("115200/114750/204000"));
        QCOMPARE(answer(msgs, 3).body["cpu"].get<std::string>(), std::string("userspace"));
        QCOMPARE(answer(msgs, 4).errorCode, std::string(protocol::code::kBadParams));
        // The session's input closed: the board is handed back to its governors.
        QCOMPARE(board.governors()["cpu"].get<std::string>(), std::string("schedutil"));
        QCOMPARE(board.currentFrequencies(), board.spec().maxTuple());
    }

    void profileRefusedOnceInputClosed() {
        auto board = makeBoard();
        const auto msgs =
            runSession(board, req(1, "profile", {{"model", "small_cnn"}, {"plan", "max"}}));
        QCOMPARE(answer(msgs, 1).errorCode, std::string(protocol::code::kCancelled));
        QCOMPARE(board.governors()["cpu"].get<std::string>(), std::string("schedutil"));
    }

    void probeDescribesBoard() {
        auto board = makeBoard();
        const auto msgs = runSession(board, req(1, "probe") + req(2, "read-power"));
        const json& p = answer(msgs, 1).body;
        QCOMPARE(p["board"].get<std::string>(), std::string("xavier-nx"));
        QVERIFY(p["emulated"].get<bool>());
        QCOMPARE(BoardSpec::fromJson(p["spec"]).tupleCount(), board.spec().tupleCount());
        QVERIFY(p["models"].size() >= 4);
        const json& power = answer(msgs, 2).body;
        QCOMPARE(power["rails"].size(), size_t(3));
        QVERIFY(power["totalMw"].get<double>() > 4000);
    }

    void profileStreamsEveryUnitAtEveryTuple() {
        auto board = makeBoard();
        const json params{{"model", "small_cnn"},
                          {"tuples", {"1907200/1109250/1600000", "115200/114750/204000"}},
                          {"warmup", 0},
                          {"repeat", 3}};
        const auto msgs = runRequests(board, req(7, "profile", params));
        size_t units = 0;
        std::vector<LayerRecord> recs;
        for (const auto& m : msgs) {
            if (m.kind == protocol::Message::Kind::Event && m.event == "start")
                units = m.body["units"].size();
            if (m.kind == protocol::Message::Kind::Event && m.event == "layer")
                recs.push_back(LayerRecord::fromJson(m.body));
        }
        QVERIFY2(units >= 4, answer(msgs, 7).errorMessage.c_str());
        QCOMPARE(recs.size(), 2 * units);
        QCOMPARE(answer(msgs, 7).body["records"].get<size_t>(), 2 * units);
        for (size_t i = 0; i < units; ++i) {
            const LayerRecord& fast = recs[i];
            const LayerRecord& slow = recs[units + i];
            QCOMPARE(fast.layerIndex, int(i));
            QVERIFY(fast.emulated);
            QCOMPARE(fast.latency.n, 3);
            QVERIFY(fast.latency.p10Ms <= fast.latency.medianMs &&
                    fast.latency.medianMs <= fast.latency.p90Ms);
            QVERIFY2(slow.latency.medianMs > fast.latency.medianMs, fast.layerName.c_str());
            QVERIFY(fast.totalEnergyMj > 0);
            QCOMPARE(fast.energyMj.size(), size_t(3));
        }
        // A sweep that ended hands the clocks back.
        QCOMPARE(board.governors()["gpu"].get<std::string>(), std::string("nvhost_podgov"));
    }

    void profileErrorsBeforeTouchingClocks() {
        auto board = makeBoard();
        const auto msgs = runRequests(
            board, req(1, "profile", {{"model", "alexnet"}, {"plan", "max"}}) +
                       req(2, "profile", {{"model", "small_cnn"}, {"tuples", {"1/2/3"}}}) +
                       req(3, "profile", {{"model", "small_cnn"}}) +
                       req(4, "profile", {{"model", "small_cnn"}, {"plan", "grid:99x1x1"}}));
        QVERIFY2(answer(msgs, 1).errorCode == protocol::code::kUnknownModel,
                 answer(msgs, 1).errorMessage.c_str());
        QCOMPARE(answer(msgs, 2).errorCode, std::string(protocol::code::kInvalidTuple));
        QCOMPARE(answer(msgs, 3).errorCode, std::string(protocol::code::kBadParams));
        QCOMPARE(answer(msgs, 4).errorCode, std::string(protocol::code::kBadParams));
        QVERIFY(QString::fromStdString(answer(msgs, 1).errorMessage).contains("resnet18"));
    }
};

// An emulated board whose restore() fails, like a sysfs write refused by the kernel.
class BoardThatCannotRestore : public EmulatedBoard {
public:
    BoardThatCannotRestore() : EmulatedBoard(BoardSpec::builtin("xavier-nx")) {}
    void restore() override {
        throw HalError("write /sys/devices/gpu/min_freq: Device or resource busy");
    }
};

void TestAgentProtocol::aCancelWhoseIdIsNotAnIntegerIsAnsweredAndTheAgentGoesOn() {
    // Reproduced: "id":"7" used to throw a json type_error on the reader thread and abort the
    // agent.
    EmulatedBoard hal(BoardSpec::builtin("xavier-nx"));
    const auto msgs =
        runSession(hal, "{\"v\":1,\"id\":2,\"op\":\"cancel\",\"params\":{\"id\":\"7\"}}\n"
                        "{\"v\":1,\"id\":4,\"op\":\"cancel\"}\n"
                        "{\"v\":1,\"id\":3,\"op\":\"hello\"}\n");
    QCOMPARE(msgs.size(), size_t(4)); // hello event, two errors, hello result
    QCOMPARE(msgs[1].id, int64_t(2));
    QCOMPARE(int(msgs[1].kind), int(protocol::Message::Kind::Error));
    QCOMPARE(msgs[1].errorCode, std::string(protocol::code::kBadParams));
    QCOMPARE(msgs[2].id, int64_t(4));
    QCOMPARE(msgs[2].errorCode, std::string(protocol::code::kBadParams));
    QCOMPARE(msgs[3].id, int64_t(3));
    QCOMPARE(int(msgs[3].kind), int(protocol::Message::Kind::Result));
}

void TestAgentProtocol::aLineOfInvalidUtf8IsAnsweredWithValidJson() {
    EmulatedBoard hal(BoardSpec::builtin("xavier-nx"));
    const auto msgs = runSession(
        hal,
        "\xff\xfe{\n{\"v\":1,\"id\":5,\"op\":\"\xff\"}\n{\"v\":1,\"id\":6,\"op\":\"hello\"}\n");
    QCOMPARE(msgs.size(), size_t(4));
    QCOMPARE(msgs[1].errorCode, std::string(protocol::code::kMalformed));
    QVERIFY(msgs[1].errorMessage.find("\xef\xbf\xbd") !=
            std::string::npos); // U+FFFD for the bad bytes
    QCOMPARE(msgs[2].errorCode,
             std::string(protocol::code::kMalformed)); // JSON strings must be UTF-8
    QCOMPARE(msgs[3].id, int64_t(6));
    QCOMPARE(int(msgs[3].kind), int(protocol::Message::Kind::Result));
}

void TestAgentProtocol::aRequestLineOverTheLimitIsAnsweredAndSkipped() {
    EmulatedBoard hal(BoardSpec::builtin("xavier-nx"));
    const std::string huge = "{\"v\":1,\"id\":8,\"op\":\"hello\",\"params\":{\"x\":\"" +
                             std::string(AgentServer::kMaxRequestLine, 'a') + "\"}}";
    const auto msgs = runSession(hal, huge + "\n{\"v\":1,\"id\":9,\"op\":\"hello\"}\n");
    QCOMPARE(msgs.size(), size_t(3));
    QCOMPARE(msgs[1].errorCode, std::string(protocol::code::kMalformed));
    QVERIFY(msgs[1].errorMessage.find("longer than") != std::string::npos);
    QCOMPARE(msgs[2].id, int64_t(9));
}

void TestAgentProtocol::aRestoreThatFailsWhenTheSessionEndsIsReportedAndServeReturns() {
    BoardThatCannotRestore hal;
    std::istringstream in("{\"v\":1,\"id\":1,\"op\":\"hello\"}\n");
    std::ostringstream out;
    AgentServer server(hal, in, out);
    QCOMPARE(server.serve(), 1);
    std::vector<protocol::Message> msgs;
    std::istringstream lines(out.str());
    std::string line;
    while (std::getline(lines, line))
        msgs.push_back(protocol::parseMessage(line));
    QCOMPARE(msgs.size(), size_t(3));
    QCOMPARE(int(msgs[1].kind), int(protocol::Message::Kind::Result));
    QCOMPARE(int(msgs[2].kind), int(protocol::Message::Kind::Event));
    QCOMPARE(msgs[2].event, std::string("restore-failed"));
    QVERIFY(msgs[2].body["message"].get<std::string>().find("Device or resource busy") !=
            std::string::npos);
}

void TestAgentProtocol::linesCarryingInvalidUtf8AreWrittenWithReplacementCharacters() {
    const std::string bad = "page \xff\xfe end";
    for (const std::string& line :
         {protocol::resultLine(1, {{"text", bad}}), protocol::errorLine(1, "x", bad),
          protocol::eventLine(1, "e", {{"text", bad}}),
          protocol::requestLine({1, "op", {{"text", bad}}})}) {
        const json j = json::parse(line); // valid UTF-8 JSON
        QVERIFY(j.dump().find("page \xef\xbf\xbd") != std::string::npos);
    }
}

void TestAgentProtocol::agentLinesWithFieldsOfTheWrongTypeAreMalformed() {
    // A float id such as 7e23 (found by fuzzing) was converted to an integer: undefined behaviour.
    for (const std::string line :
         {"{\"v\":1,\"id\":\"7\",\"ok\":true}", "{\"v\":1,\"id\":7,\"ok\":false,\"error\":5}",
          "{\"v\":1,\"id\":711111111111111111111111,\"ok\":true}",
          "{\"v\":1,\"id\":1.5,\"event\":\"x\"}",
          "{\"v\":1,\"id\":7,\"ok\":false,\"error\":{\"code\":5}}"}) {
        try {
            protocol::parseMessage(line);
            QFAIL(("accepted " + line).c_str());
        } catch (const protocol::ProtocolError& e) {
            QCOMPARE(e.code(), std::string(protocol::code::kMalformed));
        }
    }
}

void TestAgentProtocol::numbersBeyondDoubleRangeAreMalformedNotFatal() {
    // Found by fuzzing: json::parse throws out_of_range (not parse_error) for 1e999, which
    // escaped the reader thread and aborted the agent.
    EmulatedBoard hal(BoardSpec::builtin("xavier-nx"));
    const auto msgs =
        runSession(hal, "1e999\n{\"v\":1,\"id\":2,\"op\":\"hello\",\"params\":{\"x\":-1e400}}\n"
                        "{\"v\":1,\"id\":3,\"op\":\"hello\"}\n");
    QCOMPARE(msgs.size(), size_t(4));
    QCOMPARE(msgs[1].errorCode, std::string(protocol::code::kMalformed));
    QCOMPARE(msgs[2].errorCode, std::string(protocol::code::kMalformed));
    QCOMPARE(msgs[3].id, int64_t(3));
    QVERIFY_THROWS_EXCEPTION(protocol::ProtocolError,
                             protocol::parseMessage("{\"v\":1,\"ok\":true,\"result\":1e999}"));
}

void TestAgentProtocol::integerParamsMustBeIntegersInRange() {
    EmulatedBoard hal(BoardSpec::builtin("xavier-nx"));
    // Executed one by one as in a live session (serve() on a finished stream refuses profiles).
    const auto answers =
        runRequests(hal, "{\"v\":1,\"id\":1,\"op\":\"telemetry\",\"params\":{\"since\":1e300}}\n"
                         "{\"v\":1,\"id\":2,\"op\":\"profile\",\"params\":{\"model\":\"resnet18\","
                         "\"plan\":\"max\",\"batch\":1000000}}\n"
                         "{\"v\":1,\"id\":3,\"op\":\"profile\",\"params\":{\"model\":\"resnet18\","
                         "\"plan\":\"max\",\"repeat\":2.5}}\n");
    QCOMPARE(answers.size(), size_t(3));
    for (size_t i = 0; i < 3; ++i) {
        QCOMPARE(answers[i].id, int64_t(i + 1));
        QVERIFY2(answers[i].errorCode == protocol::code::kBadParams,
                 answers[i].errorMessage.c_str());
    }
    QCOMPARE(protocol::integerParam(json{{"n", 7}}, "n", 1, 0, 10), int64_t(7));
    QCOMPARE(protocol::integerParam(json::object(), "n", 1, 0, 10), int64_t(1));
    QVERIFY_THROWS_EXCEPTION(protocol::ProtocolError,
                             protocol::integerParam(json{{"n", 11}}, "n", 1, 0, 10));
    QVERIFY_THROWS_EXCEPTION(protocol::ProtocolError,
                             protocol::integerParam(json{{"n", UINT64_MAX}}, "n", 1, 0, INT64_MAX));
}

QTEST_GUILESS_MAIN(TestAgentProtocol)
#include "tst_agentprotocol.moc"
