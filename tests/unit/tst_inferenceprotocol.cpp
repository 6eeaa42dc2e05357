// The KServe v2 codecs on hostile input: sizes that wrap around, invalid UTF-8, numbers out of
// float range, and the "compute_ms" response parameter. No server: the codecs alone.
#include "remote/cloud/inferenceprotocol.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>

using namespace dvfo;
using nlohmann::json;

namespace {

const FeatureShape kShape{32, 14, 14};
constexpr uint64_t kWrap = std::numeric_limits<uint64_t>::max(); // 2^64 - 1

// A binary request whose header declares `sizes` for features [1, 14, 14], scales [1],
// channels [1], followed by `binaryBytes` bytes.
std::string binaryRequest(uint64_t featuresSize, uint64_t scalesSize, uint64_t channelsSize,
                          size_t binaryBytes, size_t& headerLength) {
    const json header = {{"inputs",
                          {{{"name", "features"},
                            {"datatype", "INT8"},
                            {"shape", {1, 14, 14}},
                            {"parameters", {{"binary_data_size", featuresSize}}}},
                           {{"name", "scales"},
                            {"datatype", "FP32"},
                            {"shape", {1}},
                            {"parameters", {{"binary_data_size", scalesSize}}}},
                           {{"name", "channels"},
                            {"datatype", "INT32"},
                            {"shape", {1}},
                            {"parameters", {{"binary_data_size", channelsSize}}}}}}};
    std::string body = header.dump();
    headerLength = body.size();
    body.append(binaryBytes, '\0');
    return body;
}

} // namespace

class TestInferenceProtocol : public QObject {
    Q_OBJECT

private slots:
    void binaryDataSizesWhoseSumWrapsAroundAreRejected() {
        // Reproduced under ASan: 196 + (2^64 - 188) wraps to 8, which matched the 8 bytes sent,
        // and the features copy read 196 bytes from an 8-byte tail.
        size_t headerLength = 0;
        const std::string body = binaryRequest(196, kWrap - 187, 0, 8, headerLength);
        try {
            InferenceProtocol::decodeRequest(body, headerLength, kShape);
            QFAIL("a request whose binary sizes wrap around was accepted");
        } catch (const InferenceRequestError& e) {
            QCOMPARE(e.status(), 400);
            QVERIFY2(std::string(e.what()).find("exceeds the body") != std::string::npos, e.what());
        }
    }

    void binaryDataSizesThatFitAreStillAccepted() {
        size_t headerLength = 0;
        std::string body = binaryRequest(196, 4, 4, 204, headerLength);
        const float scale = 0.5f;
        std::memcpy(&body[headerLength + 196], &scale, 4);
        const auto request = InferenceProtocol::decodeRequest(body, headerLength, kShape);
        QCOMPARE(request.features.channels.size(), size_t(1));
        QCOMPARE(request.features.scales.at(0), 0.5f);
    }

    void aResponseWhoseBinarySizesWrapAroundIsRejected() {
        // A rogue cloud: an output before the logits declares a size that moves the offset past
        // 2^64, so that offset + 40 looked small and the copy read before the body.
        for (const uint64_t skip : {kWrap - 19, kWrap, uint64_t(1) << 63}) {
            json header = {{"outputs",
                            {{{"name", "other"},
                              {"datatype", "INT8"},
                              {"shape", {1}},
                              {"parameters", {{"binary_data_size", skip}}}},
                             {{"name", "logits"},
                              {"datatype", "FP32"},
                              {"shape", {10}},
                              {"parameters", {{"binary_data_size", 40}}}}}}};
            std::string body = header.dump();
            const size_t headerLength = body.size();
            body.append(40, '\0');
            QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                     InferenceProtocol::decodeResponse(body, headerLength));
        }
    }

    void aResponseWithAHugeOrOverflowingShapeIsRejected() {
        for (const json& shape :
             {json{int64_t(1) << 40, int64_t(1) << 40}, json{-1}, json{1, "x"}, json::array()}) {
            const json header = {
                {"outputs",
                 {{{"name", "logits"}, {"datatype", "FP32"}, {"shape", shape}, {"data", {1}}}}}};
            QVERIFY_THROWS_EXCEPTION(
                std::runtime_error, InferenceProtocol::decodeResponse(header.dump(), std::nullopt));
        }
        const json outOfRange = {
            {"outputs",
             {{{"name", "logits"}, {"datatype", "FP32"}, {"shape", {1}}, {"data", {1e300}}}}}};
        QVERIFY_THROWS_EXCEPTION(
            std::runtime_error, InferenceProtocol::decodeResponse(outOfRange.dump(), std::nullopt));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 InferenceProtocol::decodeResponse("[1]", std::nullopt));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, InferenceProtocol::decodeResponse(
                                                         "{\"outputs\":[5]}", std::nullopt));
    }

    void requestValuesOutsideFloatRangeAre400() {
        const json request = {
            {"inputs",
             {{{"name", "features"},
               {"datatype", "INT8"},
               {"shape", {1, 14, 14}},
               {"data", std::vector<int>(196, 1)}},
              {{"name", "scales"}, {"datatype", "FP32"}, {"shape", {1}}, {"data", {1e300}}},
              {{"name", "channels"}, {"datatype", "INT32"}, {"shape", {1}}, {"data", {0}}}}}};
        try {
            InferenceProtocol::decodeRequest(request.dump(), std::nullopt, kShape);
            QFAIL("1e300 was accepted as FP32");
        } catch (const InferenceRequestError& e) {
            QCOMPARE(e.status(), 400);
        }
    }

    void numbersBeyondDoubleRangeAre400AndABadResponse() {
        // Found by fuzzing: json::parse throws out_of_range, not parse_error, for 1e999 (a 500).
        try {
            InferenceProtocol::decodeRequest("{\"inputs\":[1e999]}", std::nullopt, kShape);
            QFAIL("1e999 was accepted");
        } catch (const InferenceRequestError& e) {
            QCOMPARE(e.status(), 400);
        }
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 InferenceProtocol::decodeResponse("{\"x\":1e999}", std::nullopt));
    }

    void errorJsonReplacesInvalidUtf8InsteadOfThrowing() {
        // Reproduced: GET /%ff decoded to a path of one 0xff byte; dumping it threw outside
        // httplib's try block and aborted dvfo-cloud.
        const std::string text = InferenceProtocol::errorJson("no such endpoint: GET /\xff\xfe");
        const json j = json::parse(text);
        QCOMPARE(j["error"].get<std::string>(),
                 std::string("no such endpoint: GET /\xef\xbf\xbd\xef\xbf\xbd"));
    }

    void theResponseCarriesTheServersComputeTime() {
        const std::vector<float> logits(10, 0.25f);
        for (const bool binary : {false, true}) {
            const auto body = InferenceProtocol::encodeResponse("m", "7", logits, binary, 3.25);
            QCOMPARE(
                json::parse(body.data.substr(
                    0, body.headerLength.value_or(body.data.size())))["parameters"]["compute_ms"]
                    .get<double>(),
                3.25);
            const auto decoded = InferenceProtocol::decodeResponse(body.data, body.headerLength);
            QCOMPARE(decoded.computeMs, 3.25);
            QCOMPARE(decoded.logits, logits);
        }
        const auto without = InferenceProtocol::encodeResponse("m", "", logits, false);
        QVERIFY(!json::parse(without.data).contains("parameters"));
        QCOMPARE(InferenceProtocol::decodeResponse(without.data, std::nullopt).computeMs, -1.0);
    }

    void aComputeTimeThatIsNotANonNegativeNumberIsIgnored() {
        for (const json& value : {json(-2.0), json("5"), json(nullptr), json::array()}) {
            const json header = {
                {"parameters", {{"compute_ms", value}}},
                {"outputs",
                 {{{"name", "logits"}, {"datatype", "FP32"}, {"shape", {1}}, {"data", {1.0}}}}}};
            QCOMPARE(InferenceProtocol::decodeResponse(header.dump(), std::nullopt).computeMs,
                     -1.0);
        }
    }
};

QTEST_GUILESS_MAIN(TestInferenceProtocol)
#include "tst_inferenceprotocol.moc"
