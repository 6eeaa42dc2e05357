// The cloud tail server over real HTTP: an in-process CloudServer on a free port for the
// protocol cases, plus the dvfo-cloud executable itself (found next to dvfo-edge, whose path the
// test environment gives in DVFO_EDGE). The model is untrained: only plumbing is under test.
#include "core/attention/attentionsplit.h"
#include "core/dnn/channelsplit.h"
#include "core/attentionstudy/collaborativeinference.h"
#include "core/attentionstudy/fashionmnist.h"
#include "remote/cloud/cloudclient.h"
#include "remote/cloud/cloudserver.h"
#include "remote/cloud/cpphttplib.h"
#include "remote/cloud/inferenceprotocol.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

using namespace dvfo;
using nlohmann::json;

namespace {

constexpr const char* kModel = "dvfo_cloud_tail";
constexpr size_t kMaxBody = 64 * 1024;

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// A port that was free a moment ago and has nothing listening now.
int closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// Sends raw bytes and returns everything the server answers until it closes (or 5 s pass).
std::string rawExchange(int port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {};
    }
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string answer;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        answer.append(buffer, size_t(n));
        if (answer.find("\r\n\r\n") != std::string::npos && answer.find("}") != std::string::npos)
            break;
    }
    ::close(fd);
    return answer;
}

int connectLoopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends `request` from another thread (the server may stop reading it) and returns everything
// the server answers until it closes the connection (or 10 s pass).
std::string exchangeWhileSending(int port, const std::string& request) {
    const int fd = connectLoopback(port);
    if (fd < 0)
        return {};
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::thread writer([&] {
        for (size_t sent = 0; sent < request.size();) {
            const ssize_t n =
                ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            sent += size_t(n);
        }
    });
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
        answer.append(buffer, size_t(n));
    ::shutdown(fd, SHUT_RDWR);
    writer.join();
    ::close(fd);
    return answer;
}

std::string gzip(const std::string& data) {
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
                 Z_DEFAULT_STRATEGY); // 16: gzip wrapper
    std::string out(deflateBound(&z, uLong(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string statusLine(const std::string& answer) {
    return answer.substr(0, answer.find("\r\n"));
}

} // namespace

class TestCloudServer : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void healthAndMetadata();
    void goodRequestJsonAndBinary();
    void clientRoundTripBothEncodings();
    void wrongShapeIs400();
    void wrongDatatypeIs400();
    void otherMalformedRequestsAre400();
    void oversizedBodyIs413();
    void unknownModelIs404();
    void concurrentRequests();
    void collaborativeInferenceOverHttp();
    void serverDownFallsBackToEdgeOnly();
    void serverErrorFallsBackToEdgeOnly();
    void dvfoCloudExecutable();

    void aPercentEncodedInvalidUtf8PathIs404AndTheServerKeepsServing();
    void aJsonBodyWithInvalidUtf8Is400();
    void aChunkedBodyOverTheLimitIs413();
    void aGzipBodyInflatingOverTheLimitIs413();
    void otherMethodsAre405AndTheirBodiesAreNotRead();
    void slowClientsCannotHoldTheWorkers();
    void inferenceAnswersReportTheServersComputeTime();
    void aRogueCloudIsAnErrorForTheClientNotACrash();

private:
    httplib::Result post(const std::string& path, const InferenceProtocol::Body& body);
    CompressedFeatures sampleFeatures(double share, int index = 0) const;
    json errorOf(const httplib::Result& result) const;

    std::shared_ptr<AttentionSplit> m_model;
    std::unique_ptr<CloudServer> m_server;
    int m_port = 0;
    std::vector<float> m_images; // 8 test images
    QTemporaryDir m_dir;
};

void TestCloudServer::initTestCase() {
    AttentionSplitConfig config;
    config.seed = 21;
    m_model = std::shared_ptr<AttentionSplit>(AttentionSplit::create(config).release());
    const FashionMnist test =
        FashionMnist::load(FashionMnist::defaultDirectory(), FashionMnist::Split::Test, 8);
    m_images.assign(test.images().begin(), test.images().end());
    CloudServerOptions options;
    options.port = 0;
    options.maxBodyBytes = kMaxBody;
    options.threads = 4;
    m_server = std::make_unique<CloudServer>(m_model, options);
    m_port = m_server->start();
    QVERIFY(m_port > 0);
    QVERIFY(m_dir.isValid());
}

void TestCloudServer::cleanupTestCase() {
    if (m_server)
        m_server->stop();
}

httplib::Result TestCloudServer::post(const std::string& path,
                                      const InferenceProtocol::Body& body) {
    httplib::Client client("127.0.0.1", m_port);
    client.set_read_timeout(10, 0);
    httplib::Headers headers;
    if (body.headerLength)
        headers.emplace(InferenceProtocol::kHeaderLength, std::to_string(*body.headerLength));
    return client.Post(path, headers, body.data, body.contentType());
}

CompressedFeatures TestCloudServer::sampleFeatures(double share, int index) const {
    const std::vector<float> image(m_images.begin() + index * 784,
                                   m_images.begin() + (index + 1) * 784);
    const auto head = m_model->edgeHead(image, 1);
    const ChannelSplit split = ChannelSplit::rank(head.channelWeights.data(), 32, share);
    return CompressedFeatures::compress(head.features.data(), m_model->featureShape(),
                                        split.offloaded);
}

json TestCloudServer::errorOf(const httplib::Result& result) const {
    if (!result)
        return {};
    try {
        return json::parse(result->body);
    } catch (const json::exception&) {
        return {};
    }
}

void TestCloudServer::healthAndMetadata() {
    httplib::Client client("127.0.0.1", m_port);
    auto live = client.Get("/v2/health/live");
    QVERIFY(live);
    QCOMPARE(live->status, 200);
    QCOMPARE(json::parse(live->body)["live"], json(true));
    auto ready = client.Get("/v2/health/ready");
    QVERIFY(ready);
    QCOMPARE(ready->status, 200);
    QCOMPARE(json::parse(ready->body)["ready"], json(true));
    auto modelReady = client.Get(std::string("/v2/models/") + kModel + "/ready");
    QVERIFY(modelReady);
    QCOMPARE(modelReady->status, 200);

    auto meta = client.Get(std::string("/v2/models/") + kModel);
    QVERIFY(meta);
    QCOMPARE(meta->status, 200);
    const json m = json::parse(meta->body);
    QCOMPARE(m["name"], json(kModel));
    QCOMPARE(m["inputs"].size(), size_t(3));
    QCOMPARE(m["inputs"][0],
             json({{"name", "features"}, {"datatype", "INT8"}, {"shape", {-1, 14, 14}}}));
    QCOMPARE(m["inputs"][1], json({{"name", "scales"}, {"datatype", "FP32"}, {"shape", {-1}}}));
    QCOMPARE(m["inputs"][2], json({{"name", "channels"}, {"datatype", "INT32"}, {"shape", {-1}}}));
    QCOMPARE(m["outputs"][0], json({{"name", "logits"}, {"datatype", "FP32"}, {"shape", {10}}}));
    auto versioned = client.Get(std::string("/v2/models/") + kModel + "/versions/1");
    QVERIFY(versioned);
    QCOMPARE(versioned->status, 200);
    auto noSuchPath = client.Get("/v2/nothing/here");
    QVERIFY(noSuchPath);
    QCOMPARE(noSuchPath->status, 404);
    QVERIFY(json::parse(noSuchPath->body).contains("error"));
}

void TestCloudServer::goodRequestJsonAndBinary() {
    const CompressedFeatures cf = sampleFeatures(0.5);
    QCOMPARE(cf.sentChannels(), int64_t(16));
    const std::vector<float> expected = m_model->cloudTail(cf);
    const std::string path = std::string("/v2/models/") + kModel + "/infer";

    // JSON tensors in, JSON out.
    auto jsonResult = post(path, InferenceProtocol::encodeRequest(cf, false, false, "req-json"));
    QVERIFY(jsonResult);
    QCOMPARE(jsonResult->status, 200);
    const json response = json::parse(jsonResult->body);
    QCOMPARE(response["id"], json("req-json"));
    QCOMPARE(response["model_name"], json(kModel));
    QCOMPARE(response["outputs"][0]["datatype"], json("FP32"));
    QCOMPARE(response["outputs"][0]["shape"], json({10}));
    QVERIFY(sameBits(InferenceProtocol::decodeResponse(jsonResult->body, std::nullopt).logits,
                     expected));

    // Binary tensors in (the extension), binary logits out.
    const InferenceProtocol::Body binary = InferenceProtocol::encodeRequest(cf, true, true);
    QCOMPARE(binary.data.size() - *binary.headerLength, size_t(cf.wireBytes()));
    auto binaryResult = post(path, binary);
    QVERIFY(binaryResult);
    QCOMPARE(binaryResult->status, 200);
    QVERIFY(binaryResult->has_header(InferenceProtocol::kHeaderLength));
    const size_t headerLength =
        std::stoul(binaryResult->get_header_value(InferenceProtocol::kHeaderLength));
    QCOMPARE(binaryResult->body.size(), headerLength + 40);
    QVERIFY(sameBits(InferenceProtocol::decodeResponse(binaryResult->body, headerLength).logits,
                     expected));

    // Binary in, JSON out; versioned path; nothing sent at all (k = 0).
    auto mixed = post(std::string("/v2/models/") + kModel + "/versions/1/infer",
                      InferenceProtocol::encodeRequest(cf, true, false));
    QVERIFY(mixed);
    QCOMPARE(mixed->status, 200);
    QVERIFY(
        sameBits(InferenceProtocol::decodeResponse(mixed->body, std::nullopt).logits, expected));
    const CompressedFeatures none = sampleFeatures(0.0);
    QCOMPARE(none.sentChannels(), int64_t(0));
    auto empty = post(path, InferenceProtocol::encodeRequest(none, true, true));
    QVERIFY(empty);
    QCOMPARE(empty->status, 200);
}

void TestCloudServer::clientRoundTripBothEncodings() {
    const CompressedFeatures cf = sampleFeatures(0.3, 2);
    const std::vector<float> expected = m_model->cloudTail(cf);
    for (bool binary : {true, false}) {
        CloudClientOptions options =
            CloudClientOptions::fromAddress("http://127.0.0.1:" + std::to_string(m_port));
        options.binaryTensors = binary;
        CloudClient client(options);
        QVERIFY(client.live());
        QVERIFY(client.ready());
        QVERIFY(client.metadataJson().find("\"features\"") != std::string::npos);
        const CloudReply reply = client.infer(cf);
        QVERIFY(sameBits(reply.logits, expected));
        QVERIFY(reply.requestBytes > cf.wireBytes());
        if (binary)
            QVERIFY(reply.requestBytes <
                    cf.wireBytes() + 1000); // JSON header only on top of the tensors
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CloudClientOptions::fromAddress("https://x:1"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CloudClientOptions::fromAddress("localhost"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CloudClientOptions::fromAddress("h:70000"));
}

void TestCloudServer::wrongShapeIs400() {
    const CompressedFeatures cf = sampleFeatures(0.5);
    const std::string path = std::string("/v2/models/") + kModel + "/infer";
    json request = json::parse(InferenceProtocol::encodeRequest(cf, false, false).data);

    json wrongMap = request;
    wrongMap["inputs"][0]["shape"] = {16, 7, 28}; // same element count, wrong layout
    auto r1 = post(path, {wrongMap.dump(), std::nullopt});
    QVERIFY(r1);
    QCOMPARE(r1->status, 400);
    QVERIFY2(errorOf(r1)["error"].get<std::string>().find("shape") != std::string::npos,
             r1->body.c_str());

    json wrongScales = request;
    wrongScales["inputs"][1]["shape"] = {15};
    wrongScales["inputs"][1]["data"].erase(0);
    auto r2 = post(path, {wrongScales.dump(), std::nullopt});
    QVERIFY(r2);
    QCOMPARE(r2->status, 400);
    QVERIFY(errorOf(r2)["error"].get<std::string>().find("scales") != std::string::npos);

    json shortData = request;
    shortData["inputs"][0]["data"].erase(0);
    auto r3 = post(path, {shortData.dump(), std::nullopt});
    QVERIFY(r3);
    QCOMPARE(r3->status, 400);

    json tooMany = request; // more maps than the model has channels
    tooMany["inputs"][0]["shape"] = {33, 14, 14};
    auto r4 = post(path, {tooMany.dump(), std::nullopt});
    QVERIFY(r4);
    QCOMPARE(r4->status, 400);
}

void TestCloudServer::wrongDatatypeIs400() {
    const CompressedFeatures cf = sampleFeatures(0.5);
    const std::string path = std::string("/v2/models/") + kModel + "/infer";
    json request = json::parse(InferenceProtocol::encodeRequest(cf, false, false).data);
    json fp32 = request;
    fp32["inputs"][0]["datatype"] = "FP32";
    auto r1 = post(path, {fp32.dump(), std::nullopt});
    QVERIFY(r1);
    QCOMPARE(r1->status, 400);
    QVERIFY2(errorOf(r1)["error"].get<std::string>().find("INT8") != std::string::npos,
             r1->body.c_str());
    json int64Channels = request;
    int64Channels["inputs"][2]["datatype"] = "INT64";
    auto r2 = post(path, {int64Channels.dump(), std::nullopt});
    QVERIFY(r2);
    QCOMPARE(r2->status, 400);
    json outOfRange = request; // 300 is no INT8
    outOfRange["inputs"][0]["data"][0] = 300;
    auto r3 = post(path, {outOfRange.dump(), std::nullopt});
    QVERIFY(r3);
    QCOMPARE(r3->status, 400);
}

void TestCloudServer::otherMalformedRequestsAre400() {
    const CompressedFeatures cf = sampleFeatures(0.5);
    const std::string path = std::string("/v2/models/") + kModel + "/infer";
    auto expect400 = [&](const InferenceProtocol::Body& body, const char* fragment) {
        auto r = post(path, body);
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QCOMPARE(r->get_header_value("Content-Type"), std::string("application/json"));
        const std::string message = errorOf(r).value("error", "");
        QVERIFY2(message.find(fragment) != std::string::npos,
                 (message + " lacks " + fragment).c_str());
    };
    expect400({"{not json", std::nullopt}, "JSON");
    expect400({"[1,2]", std::nullopt}, "object");
    json request = json::parse(InferenceProtocol::encodeRequest(cf, false, false).data);
    json missing = request;
    missing["inputs"].erase(2);
    expect400({missing.dump(), std::nullopt}, "missing input 'channels'");
    json unknown = request;
    unknown["inputs"][2]["name"] = "extra";
    expect400({unknown.dump(), std::nullopt}, "unknown input");
    json duplicate = request;
    duplicate["inputs"][2]["data"][1] = duplicate["inputs"][2]["data"][0];
    expect400({duplicate.dump(), std::nullopt}, "repeated");
    json badChannel = request;
    badChannel["inputs"][2]["data"][0] = 32;
    expect400({badChannel.dump(), std::nullopt}, "out of range");
    json badScale = request;
    badScale["inputs"][1]["data"][0] = -1.0;
    expect400({badScale.dump(), std::nullopt}, "scale");
    json badOutput = request;
    badOutput["outputs"] = {{{"name", "probabilities"}}};
    expect400({badOutput.dump(), std::nullopt}, "output");

    // Binary extension: sizes must add up.
    InferenceProtocol::Body binary = InferenceProtocol::encodeRequest(cf, true, false);
    InferenceProtocol::Body truncated = binary;
    truncated.data.resize(truncated.data.size() - 3);
    expect400(truncated, "binary");
    InferenceProtocol::Body noHeader = binary;
    noHeader.headerLength.reset();
    auto r = post(path, noHeader); // the JSON header alone is not the body: rejected as JSON
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    InferenceProtocol::Body badLength = binary;
    badLength.headerLength = binary.data.size() + 5;
    expect400(badLength, "Inference-Header-Content-Length");
}

void TestCloudServer::oversizedBodyIs413() {
    // Declared too large: answered from the headers, before any body is read.
    const std::string path = std::string("/v2/models/") + kModel + "/infer";
    const std::string answer =
        rawExchange(m_port, "POST " + path +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\nContent-Length: " +
                                std::to_string(kMaxBody + 1) + "\r\nConnection: close\r\n\r\n");
    QVERIFY2(answer.rfind("HTTP/1.1 413", 0) == 0, answer.c_str());
    QVERIFY2(answer.find("\"error\"") != std::string::npos, answer.c_str());
    QVERIFY(answer.find(std::to_string(kMaxBody)) != std::string::npos);
    // At the limit is fine (and then fails as a request, not as a size).
    const std::string atLimit(kMaxBody, ' ');
    auto r = post(path, {atLimit, std::nullopt});
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    // The server keeps serving afterwards.
    httplib::Client client("127.0.0.1", m_port);
    auto live = client.Get("/v2/health/live");
    QVERIFY(live && live->status == 200);
}

void TestCloudServer::unknownModelIs404() {
    const CompressedFeatures cf = sampleFeatures(0.5);
    auto r = post("/v2/models/resnet9000/infer", InferenceProtocol::encodeRequest(cf, true, true));
    QVERIFY(r);
    QCOMPARE(r->status, 404);
    QVERIFY(errorOf(r)["error"].get<std::string>().find("resnet9000") != std::string::npos);
    httplib::Client client("127.0.0.1", m_port);
    auto meta = client.Get("/v2/models/resnet9000");
    QVERIFY(meta);
    QCOMPARE(meta->status, 404);
    auto version = client.Get(std::string("/v2/models/") + kModel + "/versions/7");
    QVERIFY(version);
    QCOMPARE(version->status, 404);
}

void TestCloudServer::concurrentRequests() {
    constexpr int kThreads = 6, kPerThread = 8;
    std::vector<CompressedFeatures> inputs;
    std::vector<std::vector<float>> expected;
    for (int i = 0; i < kThreads; ++i) {
        inputs.push_back(sampleFeatures(0.1 * (i + 1), i));
        expected.push_back(m_model->cloudTail(inputs.back()));
    }
    const int64_t before = m_server->inferenceCount();
    std::atomic<int> ok{0}, wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            CloudClientOptions options;
            options.port = m_port;
            options.readTimeoutSeconds = 20;
            CloudClient client(options);
            for (int i = 0; i < kPerThread; ++i) {
                try {
                    const CloudReply reply = client.infer(inputs[size_t(t)]);
                    (sameBits(reply.logits, expected[size_t(t)]) ? ok : wrong)++;
                } catch (const std::exception&) {
                    wrong++;
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    QCOMPARE(wrong.load(), 0);
    QCOMPARE(ok.load(), kThreads * kPerThread);
    QCOMPARE(m_server->inferenceCount() - before, int64_t(kThreads * kPerThread));
}

void TestCloudServer::collaborativeInferenceOverHttp() {
    CloudClientOptions options;
    options.port = m_port;
    CloudClient client(options);
    CollaborativeOptions run;
    run.share = 0.5;
    const auto results = CollaborativeInference(*m_model, &client).run(m_images, 8, run);
    for (const auto& r : results) {
        QVERIFY2(!r.fellBack, r.fallbackReason.c_str());
        QVERIFY(r.cloudUsed);
        QCOMPARE(r.keptChannels, 16);
        QCOMPARE(r.wireBytes, int64_t(16 * (196 + 8)));
        QVERIFY(r.requestBytes > r.wireBytes);
        QCOMPARE(r.logits.size(), size_t(10));
    }
    // Same answers as with the cloud tail called directly.
    class Direct : public CloudEndpoint {
    public:
        explicit Direct(const AttentionSplit& m) : m_(m) {}
        CloudReply infer(const CompressedFeatures& f) override {
            CloudReply reply;
            reply.logits = m_.cloudTail(f);
            return reply;
        }
        std::string describe() const override { return "direct"; }
        const AttentionSplit& m_;
    } direct(*m_model);
    const auto local = CollaborativeInference(*m_model, &direct).run(m_images, 8, run);
    for (size_t i = 0; i < 8; ++i)
        QVERIFY(sameBits(results[i].logits, local[i].logits));
}

void TestCloudServer::serverDownFallsBackToEdgeOnly() {
    CloudClientOptions options;
    options.port = closedPort();
    options.connectTimeoutSeconds = 0.5;
    CloudClient client(options);
    QVERIFY(!client.live());
    CollaborativeOptions run;
    run.share = 0.7;
    const auto start = std::chrono::steady_clock::now();
    const auto results = CollaborativeInference(*m_model, &client).run(m_images, 8, run);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::vector<float> edgeOnly = m_model->edgeOnly(m_images, 8);
    for (size_t i = 0; i < 8; ++i) {
        const auto& r = results[i];
        QVERIFY(r.fellBack);
        QVERIFY(!r.cloudUsed);
        QVERIFY(!r.fallbackReason.empty());
        QCOMPARE(r.logits.size(), size_t(10));
        QVERIFY(sameBits(r.logits, std::vector<float>(edgeOnly.begin() + long(i) * 10,
                                                      edgeOnly.begin() + long(i + 1) * 10)));
        QVERIFY(r.predicted >= 0 && r.predicted < 10);
    }
    QVERIFY2(results[0].fallbackReason.find("unreachable") != std::string::npos,
             results[0].fallbackReason.c_str());
    QVERIFY2(
        seconds < 5.0,
        qPrintable(QString("fallback took %1 s").arg(seconds))); // one failed connect, not eight
}

void TestCloudServer::serverErrorFallsBackToEdgeOnly() {
    CloudClientOptions options;
    options.port = m_port;
    options.modelName = "not_served_here"; // every infer answers 404
    CloudClient client(options);
    CollaborativeOptions run;
    run.share = 0.4;
    const std::vector<float> four(m_images.begin(), m_images.begin() + 4 * 784);
    const auto results = CollaborativeInference(*m_model, &client).run(four, 4, run);
    for (const auto& r : results) {
        QVERIFY(r.fellBack);
        QCOMPARE(r.logits.size(), size_t(10));
    }
    QVERIFY2(results[0].fallbackReason.find("404") != std::string::npos,
             results[0].fallbackReason.c_str());
}

void TestCloudServer::dvfoCloudExecutable() {
    const QByteArray edge = qgetenv("DVFO_EDGE");
    if (edge.isEmpty())
        QSKIP("DVFO_EDGE not set (run through ctest)");
    const QString binary = QFileInfo(QString::fromLocal8Bit(edge)).absolutePath() + "/dvfo-cloud";
    QVERIFY2(QFileInfo(binary).isExecutable(),
             qPrintable(binary + " missing: build the dvfo-cloud target"));
    const std::string checkpoint = (m_dir.path() + "/ckpt").toStdString();
    m_model->save(checkpoint);

    QProcess process;
    process.setProgram(binary);
    process.setArguments({"--checkpoint", QString::fromStdString(checkpoint), "--host", "127.0.0.1",
                          "--port", "0", "--threads", "2", "--max-body-bytes", "100000"});
    process.start();
    QVERIFY(process.waitForStarted(5000));
    QString banner;
    QElapsedTimer timer;
    timer.start();
    while (!banner.contains("http://") && timer.elapsed() < 30000) {
        process.waitForReadyRead(500);
        banner += QString::fromUtf8(process.readAllStandardOutput());
        if (process.state() == QProcess::NotRunning)
            break;
    }
    QVERIFY2(banner.contains("http://127.0.0.1:"),
             qPrintable(banner + process.readAllStandardError()));
    const QRegularExpressionMatch match =
        QRegularExpression("127\\.0\\.0\\.1:(\\d+)").match(banner);
    QVERIFY(match.hasMatch());
    CloudClientOptions options;
    options.port = match.captured(1).toInt();
    CloudClient client(options);
    QVERIFY(client.live());
    QVERIFY(client.ready());
    const CompressedFeatures cf = sampleFeatures(0.5, 3);
    QVERIFY(sameBits(client.infer(cf).logits, m_model->cloudTail(cf)));
    // Reproduced: this one request used to abort the process.
    httplib::Client raw("127.0.0.1", options.port);
    auto invalidUtf8 = raw.Get("/%ff");
    QVERIFY(invalidUtf8);
    QCOMPARE(invalidUtf8->status, 404);
    QVERIFY(client.live());
    QCOMPARE(process.state(), QProcess::Running);

    process.terminate(); // SIGTERM: clean stop
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(!client.live());

    // A bad checkpoint is reported, not served.
    QProcess bad;
    bad.start(binary, {"--checkpoint", m_dir.path() + "/nothing", "--port", "0"});
    QVERIFY(bad.waitForFinished(20000));
    QCOMPARE(bad.exitCode(), 1);
    QVERIFY(QString::fromUtf8(bad.readAllStandardError()).contains("no checkpoint"));
}

void TestCloudServer::aPercentEncodedInvalidUtf8PathIs404AndTheServerKeepsServing() {
    // Reproduced: GET /%ff aborted dvfo-cloud (the 404 message was dumped strictly, outside
    // httplib's try block). The executable is checked too, in dvfoCloudExecutable.
    httplib::Client client("127.0.0.1", m_port);
    for (const char* path : {"/%ff", "/v2/models/%ff%fe", "/v2/models/%ff/ready",
                             "/v2/models/dvfo_cloud_tail/versions/%c3"}) {
        auto r = client.Get(path);
        QVERIFY2(r, path);
        QCOMPARE(r->status, 404);
        QVERIFY2(errorOf(r)["error"].get<std::string>().find("\xef\xbf\xbd") != std::string::npos,
                 (std::string(path) + ": " + r->body).c_str());
    }
    auto infer = post(std::string("/v2/models/%ff/infer"), {"{}", std::nullopt});
    QVERIFY(infer);
    QCOMPARE(infer->status, 404);
    auto live = client.Get("/v2/health/live");
    QVERIFY(live && live->status == 200);
}

void TestCloudServer::aJsonBodyWithInvalidUtf8Is400() {
    // Reproduced: the parse error quoted the bad bytes, its dump threw, and the answer was 500.
    const std::string path = std::string("/v2/models/") + kModel + "/infer";
    for (const std::string& body : {std::string("{\"id\":\"\xff\"}"), std::string("\xff\xfe"),
                                    std::string("{\"inputs\":[{\"name\":\"\xc3\"}]}")}) {
        auto r = post(path, {body, std::nullopt});
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QVERIFY(errorOf(r).contains("error"));
    }
}

void TestCloudServer::aChunkedBodyOverTheLimitIs413() {
    // Reproduced: --max-body-bytes was only compared with Content-Length; 5 MiB chunked passed.
    const std::string path = std::string("/v2/models/") + kModel + "/infer";
    std::string request = "POST " + path +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(16 * 1024, ' ');
    for (size_t sent = 0; sent < 20 * kMaxBody; sent += chunk.size())
        request += "4000\r\n" + chunk + "\r\n";
    request += "0\r\n\r\n";
    const std::string answer = exchangeWhileSending(m_port, request);
    QVERIFY2(statusLine(answer) == "HTTP/1.1 413 Payload Too Large", answer.substr(0, 300).c_str());
    QVERIFY(answer.find(std::to_string(kMaxBody)) != std::string::npos);
    // A chunked body within the limit is still read (and then judged as a request).
    const std::string small = "POST " + path +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                              "Connection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    const std::string smallAnswer = exchangeWhileSending(m_port, small);
    QVERIFY2(statusLine(smallAnswer) == "HTTP/1.1 400 Bad Request", smallAnswer.c_str());
    QVERIFY(smallAnswer.find("missing input") != std::string::npos ||
            smallAnswer.find("inputs") != std::string::npos);
}

void TestCloudServer::aGzipBodyInflatingOverTheLimitIs413() {
    // Reproduced: 900 bytes of gzip inflating to 900 KB were accepted (4 GiB was possible).
    const std::string path = std::string("/v2/models/") + kModel + "/infer";
    const std::string bomb = gzip(std::string(900 * 1000, ' '));
    QVERIFY(bomb.size() < 2000);
    const std::string answer = exchangeWhileSending(
        m_port, "POST " + path +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Content-Encoding: gzip\r\nContent-Length: " +
                    std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
    QVERIFY2(statusLine(answer) == "HTTP/1.1 413 Payload Too Large", answer.substr(0, 300).c_str());
    // A compressed request within the limit is served.
    const CompressedFeatures cf = sampleFeatures(0.5);
    const std::string json = InferenceProtocol::encodeRequest(cf, false, false).data;
    const std::string packed = gzip(json);
    const std::string ok = exchangeWhileSending(
        m_port, "POST " + path +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Content-Encoding: gzip\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(packed.size()) + "\r\n\r\n" + packed);
    QVERIFY2(statusLine(ok) == "HTTP/1.1 200 OK", ok.substr(0, 300).c_str());
}

void TestCloudServer::otherMethodsAre405AndTheirBodiesAreNotRead() {
    const std::string bomb = gzip(std::string(900 * 1000, ' '));
    for (const std::string method : {"PUT", "PATCH", "DELETE", "PRI"}) {
        const std::string answer =
            exchangeWhileSending(m_port, method + " /v2/models/" + kModel +
                                             "/infer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                             "Content-Encoding: gzip\r\nContent-Length: " +
                                             std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
        QVERIFY2(statusLine(answer).rfind("HTTP/1.1 405", 0) == 0,
                 (method + ": " + answer.substr(0, 200)).c_str());
    }
    // A POST elsewhere is 404 without its body being read either.
    const std::string answer = exchangeWhileSending(
        m_port,
        "POST /v2/elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
            std::string(4 * kMaxBody, 'x'));
    QVERIFY2(statusLine(answer).rfind("HTTP/1.1 404", 0) == 0, answer.substr(0, 200).c_str());
}

void TestCloudServer::slowClientsCannotHoldTheWorkers() {
    // Reproduced: clients sending a byte every few seconds held all the workers indefinitely.
    CloudServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.requestTimeoutSeconds = 1;
    CloudServer server(m_model, options);
    const int port = server.start();
    const std::string infer = std::string("/v2/models/") + kModel + "/infer";
    const std::vector<std::string> slowStarts = {
        "GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n", // headers never end
        "POST " + infer +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{", // body never ends
        "POST " + infer +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nff\r\n{"}; // chunk
                                                                                          // never
                                                                                          // ends
    std::vector<std::string> answers(slowStarts.size());
    std::vector<std::thread> drippers;
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < slowStarts.size(); ++i) {
        drippers.emplace_back([&, i] {
            const int fd = connectLoopback(port);
            ::send(fd, slowStarts[i].data(), slowStarts[i].size(), MSG_NOSIGNAL);
            // One byte every 200 ms for up to 6 s, well inside the 5 s read timeout each time.
            for (int n = 0; n < 30; ++n) {
                pollfd p{fd, POLLIN, 0};
                if (::poll(&p, 1, 200) > 0)
                    break; // answered or closed
                ::send(fd, "a", 1, MSG_NOSIGNAL);
            }
            char buffer[1024];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0)
                answers[i].assign(buffer, size_t(n));
            ::close(fd);
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(10, 0);
    auto live = client.Get("/v2/health/live");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (auto& thread : drippers)
        thread.join();
    QVERIFY(live && live->status == 200);
    QVERIFY2(seconds < 4.0,
             qPrintable(QString("a normal request waited %1 s behind slow clients").arg(seconds)));
    for (const std::string& answer : answers)
        QVERIFY2(statusLine(answer) == "HTTP/1.1 408 Request Timeout", answer.c_str());
}

void TestCloudServer::inferenceAnswersReportTheServersComputeTime() {
    const CompressedFeatures cf = sampleFeatures(0.5, 1);
    for (bool binary : {true, false}) {
        CloudClientOptions options;
        options.port = m_port;
        options.binaryTensors = binary;
        CloudClient client(options);
        const CloudReply reply = client.infer(cf);
        QVERIFY2(reply.computeMs >= 0 && reply.computeMs < 10000,
                 qPrintable(QString::number(reply.computeMs)));
    }
    auto raw = post(std::string("/v2/models/") + kModel + "/infer",
                    InferenceProtocol::encodeRequest(cf, false, false));
    QVERIFY(raw && raw->status == 200);
    QVERIFY(json::parse(raw->body)["parameters"]["compute_ms"].is_number());
}

void TestCloudServer::aRogueCloudIsAnErrorForTheClientNotACrash() {
    // Plain HTTP: whoever answers in place of the cloud. Reproduced under ASan: binary sizes
    // that wrap around made decodeResponse read outside the body and crash the runtime.
    std::atomic<int> mode{0};
    httplib::Server rogue;
    rogue.Post(".*", [&](const httplib::Request&, httplib::Response& res) {
        switch (mode.load()) {
        case 0: // a proxy's error page that is not UTF-8
            res.status = 502;
            res.set_content("\xff\xfe<html>bad gateway \xc3", "text/html");
            break;
        case 1: { // binary sizes that wrap the offset around
            const json header = {
                {"outputs",
                 {{{"name", "x"}, {"parameters", {{"binary_data_size", UINT64_MAX - 19}}}},
                  {{"name", "logits"},
                   {"datatype", "FP32"},
                   {"shape", {10}},
                   {"parameters", {{"binary_data_size", 40}}}}}}};
            const std::string text = header.dump();
            res.set_header(InferenceProtocol::kHeaderLength, std::to_string(text.size()));
            res.set_content(text + std::string(40, '\0'), InferenceProtocol::kBinaryType);
            break;
        }
        case 2: // far more than any logits
            res.set_content(std::string(3 << 20, ' '), "application/json");
            break;
        default: // an Inference-Header-Content-Length that is no number
            res.set_header(InferenceProtocol::kHeaderLength, "-5");
            res.set_content("{}", "application/json");
        }
    });
    rogue.Get(".*", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(3 << 20, ' '),
                        "application/json"); // health and metadata: endless
    });
    const int port = rogue.bind_to_any_port("127.0.0.1");
    std::thread serving([&] { rogue.listen_after_bind(); });
    while (!rogue.is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CloudClientOptions options;
    options.port = port;
    CloudClient client(options);
    std::string problems;
    if (client.live())
        problems += "a 3 MiB health answer counted as live; ";
    try {
        client.metadataJson();
        problems += "3 MiB of metadata were accepted; ";
    } catch (const CloudError& e) {
        if (std::string(e.what()).find("exceeds") == std::string::npos)
            problems += std::string("unexpected metadata error: ") + e.what() + "; ";
    }
    const CompressedFeatures cf = sampleFeatures(0.5);
    const std::vector<std::string> expected = {"HTTP 502", "bad response", "exceeds",
                                               "bad response"};
    for (int m = 0; m < 4; ++m) {
        mode = m;
        try {
            client.infer(cf);
            problems += "rogue answer " + std::to_string(m) + " was accepted; ";
        } catch (const CloudError& e) {
            const std::string what = e.what();
            if (what.find(expected[size_t(m)]) == std::string::npos)
                problems += "unexpected error: " + what + "; ";
            // The message goes into telemetry and status files: it must be valid UTF-8.
            try {
                (void)json(what).dump();
            } catch (const json::exception&) {
                problems += "error " + std::to_string(m) + " is not valid UTF-8; ";
            }
        }
    }
    rogue.stop();
    serving.join();
    QVERIFY2(problems.empty(), problems.c_str());
}

QTEST_GUILESS_MAIN(TestCloudServer)
#include "tst_cloudserver.moc"
