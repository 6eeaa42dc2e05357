// The agent's protocol handling, in process: AgentServer over string streams with an emulated board.
#include "core/protocol.h"
#include "remote/edge/agentserver.h"
#include "remote/edge/emulatedboard.h"

#include <QtTest>
#include <sstream>

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
        QCOMPARE(code(R"({"v":99,"id":1,"op":"probe"})"), std::string(protocol::code::kUnsupportedVersion));
        QCOMPARE(code(R"({"v":1,"id":"x","op":"probe"})"), std::string(protocol::code::kMalformed));
        QCOMPARE(code(R"({"v":1,"id":1,"op":"probe","params":[]})"), std::string(protocol::code::kMalformed));
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
        QVERIFY_THROWS_EXCEPTION(protocol::ProtocolError, protocol::parseMessage(R"({"v":1,"id":1})"));
    }

    void malformedLinesGetErrorsAndServingGoesOn() {
        auto board = makeBoard();
        const auto msgs = runSession(board, "garbage\n" + req(2, "frobnicate") + "{\"v\":1,\"id\":3}\n" + req(4, "hello"));
        QCOMPARE(msgs.front().event, std::string("hello"));
        QCOMPARE(answer(msgs, 0).errorCode, std::string(protocol::code::kMalformed));
        QCOMPARE(answer(msgs, 2).errorCode, std::string(protocol::code::kUnknownOp));
        QCOMPARE(answer(msgs, 3).errorCode, std::string(protocol::code::kMalformed));
        QCOMPARE(int(answer(msgs, 4).kind), int(protocol::Message::Kind::Result));
        QCOMPARE(answer(msgs, 4).body["protocol"].get<int>(), protocol::kVersion);
    }

    void setFreqValidatesAndInputCloseRestores() {
        auto board = makeBoard();
        const auto msgs = runSession(board, req(1, "set-freq", {{"tuple", "1907200/1109250/1700000"}}) +
                                                req(2, "set-freq", {{"tuple", "115200/114750/204000"}}) +
                                                req(3, "governors") + req(4, "set-freq", {{"tuple", "bad"}}));
        QCOMPARE(answer(msgs, 1).errorCode, std::string(protocol::code::kInvalidTuple));
        QVERIFY(QString::fromStdString(answer(msgs, 1).errorMessage).contains("EMC"));
        QCOMPARE(answer(msgs, 2).body["tuple"].get<std::string>(), std::string("115200/114750/204000"));
        QCOMPARE(answer(msgs, 3).body["cpu"].get<std::string>(), std::string("userspace"));
        QCOMPARE(answer(msgs, 4).errorCode, std::string(protocol::code::kBadParams));
        // The session's input closed: the board is handed back to its governors.
        QCOMPARE(board.governors()["cpu"].get<std::string>(), std::string("schedutil"));
        QCOMPARE(board.currentFrequencies(), board.spec().maxTuple());
    }

    void profileRefusedOnceInputClosed() {
        auto board = makeBoard();
        const auto msgs = runSession(board, req(1, "profile", {{"model", "small_cnn"}, {"plan", "max"}}));
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
            QVERIFY(fast.latency.p10Ms <= fast.latency.medianMs && fast.latency.medianMs <= fast.latency.p90Ms);
            QVERIFY2(slow.latency.medianMs > fast.latency.medianMs, fast.layerName.c_str());
            QVERIFY(fast.totalEnergyMj > 0);
            QCOMPARE(fast.energyMj.size(), size_t(3));
        }
        // A sweep that ended hands the clocks back.
        QCOMPARE(board.governors()["gpu"].get<std::string>(), std::string("nvhost_podgov"));
    }

    void profileErrorsBeforeTouchingClocks() {
        auto board = makeBoard();
        const auto msgs = runRequests(board, req(1, "profile", {{"model", "alexnet"}, {"plan", "max"}}) +
                                                req(2, "profile", {{"model", "small_cnn"}, {"tuples", {"1/2/3"}}}) +
                                                req(3, "profile", {{"model", "small_cnn"}}) +
                                                req(4, "profile", {{"model", "small_cnn"}, {"plan", "grid:99x1x1"}}));
        QVERIFY2(answer(msgs, 1).errorCode == protocol::code::kUnknownModel, answer(msgs, 1).errorMessage.c_str());
        QCOMPARE(answer(msgs, 2).errorCode, std::string(protocol::code::kInvalidTuple));
        QCOMPARE(answer(msgs, 3).errorCode, std::string(protocol::code::kBadParams));
        QCOMPARE(answer(msgs, 4).errorCode, std::string(protocol::code::kBadParams));
        QVERIFY(QString::fromStdString(answer(msgs, 1).errorMessage).contains("resnet18"));
    }
};

QTEST_GUILESS_MAIN(TestAgentProtocol)
#include "tst_agentprotocol.moc"
