#include "remote/cloud/cloudclient.h"

#include "remote/cloud/cpphttplib.h"
#include "remote/cloud/inferenceprotocol.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <mutex>

namespace dvfo {

namespace {

void splitSeconds(double seconds, time_t& sec, time_t& usec) {
    seconds = std::max(0.0, seconds);
    sec = time_t(seconds);
    usec = time_t(std::lround((seconds - double(sec)) * 1e6));
}

// The server's {"error": ...} text if the body has one, else the body itself (shortened).
std::string errorText(const std::string& body) {
    try {
        const auto j = nlohmann::json::parse(body);
        if (j.is_object() && j.contains("error") && j["error"].is_string())
            return j["error"].get<std::string>();
    } catch (const nlohmann::json::exception&) {
    }
    return body.substr(0, 200);
}

} // namespace

CloudClientOptions CloudClientOptions::fromAddress(const std::string& address) {
    std::string rest = address;
    const std::string scheme = "http://";
    if (rest.compare(0, scheme.size(), scheme) == 0)
        rest = rest.substr(scheme.size());
    else if (rest.find("://") != std::string::npos)
        throw std::invalid_argument("cloud address '" + address + "': only http:// is supported");
    while (!rest.empty() && rest.back() == '/')
        rest.pop_back();
    const size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
        throw std::invalid_argument("cloud address '" + address + "' is not host:port");
    CloudClientOptions options;
    options.host = rest.substr(0, colon);
    const std::string portText = rest.substr(colon + 1);
    if (portText.find_first_not_of("0123456789") != std::string::npos || portText.size() > 5)
        throw std::invalid_argument("cloud address '" + address + "' has an invalid port");
    options.port = std::stoi(portText);
    if (options.port < 1 || options.port > 65535)
        throw std::invalid_argument("cloud address '" + address + "' has an invalid port");
    return options;
}

struct CloudClient::Impl {
    CloudClientOptions options;
    std::mutex mutex;
    httplib::Client client;
    std::atomic<uint64_t> requestId{0};

    explicit Impl(CloudClientOptions o) : options(std::move(o)), client(options.host, options.port) {
        time_t sec = 0, usec = 0;
        splitSeconds(options.connectTimeoutSeconds, sec, usec);
        client.set_connection_timeout(sec, usec);
        splitSeconds(options.readTimeoutSeconds, sec, usec);
        client.set_read_timeout(sec, usec);
        splitSeconds(options.writeTimeoutSeconds, sec, usec);
        client.set_write_timeout(sec, usec);
        client.set_keep_alive(true);
        // Small request bodies written after the headers would otherwise wait for the server's
        // delayed ACK (Nagle), adding ~40 ms to every call.
        client.set_tcp_nodelay(true);
    }

    std::string modelPath() const { return "/v2/models/" + options.modelName; }
    std::string where() const { return options.host + ":" + std::to_string(options.port); }
};

CloudClient::CloudClient(CloudClientOptions options) : d_(std::make_unique<Impl>(std::move(options))) {}

CloudClient::~CloudClient() = default;

std::string CloudClient::describe() const {
    return "http://" + d_->where() + d_->modelPath() + (d_->options.binaryTensors ? " (binary tensors)" : " (JSON)");
}

CloudReply CloudClient::infer(const CompressedFeatures& features) {
    const std::string id = std::to_string(++d_->requestId);
    const InferenceProtocol::Body body =
        InferenceProtocol::encodeRequest(features, d_->options.binaryTensors, d_->options.binaryTensors, id);
    httplib::Headers headers;
    if (body.headerLength)
        headers.emplace(InferenceProtocol::kHeaderLength, std::to_string(*body.headerLength));
    std::lock_guard<std::mutex> lock(d_->mutex);
    const httplib::Result result = d_->client.Post(d_->modelPath() + "/infer", headers, body.data, body.contentType());
    if (!result)
        throw CloudError("cloud " + d_->where() + " unreachable: " + httplib::to_string(result.error()));
    if (result->status != 200)
        throw CloudError("cloud " + d_->where() + " answered HTTP " + std::to_string(result->status) + ": " +
                         errorText(result->body));
    CloudReply reply;
    try {
        std::optional<size_t> headerLength;
        if (result->has_header(InferenceProtocol::kHeaderLength))
            headerLength = std::stoul(result->get_header_value(InferenceProtocol::kHeaderLength));
        reply.logits = InferenceProtocol::decodeResponse(result->body, headerLength);
    } catch (const std::exception& e) {
        throw CloudError("cloud " + d_->where() + " sent a bad response: " + e.what());
    }
    reply.requestBytes = int64_t(body.data.size());
    reply.responseBytes = int64_t(result->body.size());
    return reply;
}

bool CloudClient::live() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    const auto result = d_->client.Get("/v2/health/live");
    return result && result->status == 200;
}

bool CloudClient::ready() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    const auto result = d_->client.Get("/v2/health/ready");
    return result && result->status == 200;
}

std::string CloudClient::metadataJson() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    const auto result = d_->client.Get(d_->modelPath());
    if (!result)
        throw CloudError("cloud " + d_->where() + " unreachable: " + httplib::to_string(result.error()));
    if (result->status != 200)
        throw CloudError("cloud " + d_->where() + " answered HTTP " + std::to_string(result->status) + ": " +
                         errorText(result->body));
    return result->body;
}

} // namespace dvfo
