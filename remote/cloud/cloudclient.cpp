#include "remote/cloud/cloudclient.h"

#include "remote/cloud/cpphttplib.h"
#include "remote/cloud/inferenceprotocol.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>

namespace dvfo {

namespace {

void splitSeconds(double seconds, time_t& sec, time_t& usec) {
    seconds = std::max(0.0, seconds);
    sec = time_t(seconds);
    usec = time_t(std::lround((seconds - double(sec)) * 1e6));
}

// `text` with every byte that is not part of valid UTF-8 replaced by U+FFFD: what a server sends
// ends up in error messages, telemetry and status files, all JSON.
std::string validUtf8(const std::string& text) {
    const std::string quoted =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return nlohmann::json::parse(quoted).get<std::string>();
}

// The server's {"error": ...} text if the body has one, else the body itself (shortened).
std::string errorText(const std::string& body) {
    try {
        const auto j = nlohmann::json::parse(body);
        if (j.is_object() && j.contains("error") && j["error"].is_string())
            return j["error"].get<std::string>().substr(0, 500);
    } catch (const nlohmann::json::exception&) {
    }
    return validUtf8(body.substr(0, 200));
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

    explicit Impl(CloudClientOptions o)
        : options(std::move(o)), client(options.host, options.port) {
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

    // GET whose body is read into `body`, at most maxResponseBytes of it (the server is not
    // trusted to send a reasonable amount); more cancels the request (Error::Canceled).
    httplib::Result getBounded(const std::string& path, std::string& body) {
        return client.Get(path, [&](const char* data, size_t size) {
            if (size > options.maxResponseBytes - body.size())
                return false;
            body.append(data, size);
            return true;
        });
    }
    std::string where() const { return options.host + ":" + std::to_string(options.port); }
};

CloudClient::CloudClient(CloudClientOptions options)
    : d_(std::make_unique<Impl>(std::move(options))) {}

CloudClient::~CloudClient() = default;

std::string CloudClient::describe() const {
    return "http://" + d_->where() + d_->modelPath() +
           (d_->options.binaryTensors ? " (binary tensors)" : " (JSON)");
}

CloudReply CloudClient::infer(const CompressedFeatures& features) {
    const std::string id = std::to_string(++d_->requestId);
    const InferenceProtocol::Body body = InferenceProtocol::encodeRequest(
        features, d_->options.binaryTensors, d_->options.binaryTensors, id);
    httplib::Request request;
    request.method = "POST";
    request.path = d_->modelPath() + "/infer";
    if (body.headerLength)
        request.set_header(InferenceProtocol::kHeaderLength, std::to_string(*body.headerLength));
    request.set_header("Content-Type", body.contentType());
    request.body = body.data;
    // The answer is read into a bounded buffer within a deadline: the server is not trusted to
    // send a reasonable amount (inflated, if it compresses) or to send it at a reasonable pace.
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(d_->options.connectTimeoutSeconds +
                                                            d_->options.writeTimeoutSeconds +
                                                            d_->options.readTimeoutSeconds));
    std::string answer;
    std::string abandoned;
    request.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
        if (size > d_->options.maxResponseBytes - answer.size()) {
            abandoned =
                "its response exceeds " + std::to_string(d_->options.maxResponseBytes) + " bytes";
            return false;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            abandoned = "its response did not arrive in time";
            return false;
        }
        answer.append(data, size);
        return true;
    };
    httplib::Response response;
    httplib::Error error = httplib::Error::Success;
    std::lock_guard<std::mutex> lock(d_->mutex);
    if (!d_->client.send(request, response, error)) {
        if (!abandoned.empty()) {
            d_->client.stop(); // the rest of that response must not be read as the next one
            throw CloudError("cloud " + d_->where() + " abandoned: " + abandoned);
        }
        throw CloudError("cloud " + d_->where() + " unreachable: " + httplib::to_string(error));
    }
    if (response.status != 200)
        throw CloudError("cloud " + d_->where() + " answered HTTP " +
                         std::to_string(response.status) + ": " + errorText(answer));
    CloudReply reply;
    try {
        const std::optional<size_t> headerLength = InferenceProtocol::parseHeaderLength(
            response.get_header_value(InferenceProtocol::kHeaderLength), answer.size());
        InferenceProtocol::Response decoded =
            InferenceProtocol::decodeResponse(answer, headerLength);
        reply.logits = std::move(decoded.logits);
        reply.computeMs = decoded.computeMs;
        reply.serverWallMs = decoded.wallMs >= 0 ? decoded.wallMs : decoded.computeMs;
    } catch (const std::exception& e) {
        throw CloudError("cloud " + d_->where() + " sent a bad response: " + validUtf8(e.what()));
    }
    reply.requestBytes = int64_t(body.data.size());
    reply.responseBytes = int64_t(answer.size());
    return reply;
}

bool CloudClient::live() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    std::string body;
    const auto result = d_->getBounded("/v2/health/live", body);
    return result && result->status == 200;
}

bool CloudClient::ready() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    std::string body;
    const auto result = d_->getBounded("/v2/health/ready", body);
    return result && result->status == 200;
}

std::string CloudClient::metadataJson() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    std::string body;
    const auto result = d_->getBounded(d_->modelPath(), body);
    if (!result && result.error() == httplib::Error::Canceled)
        throw CloudError("cloud " + d_->where() + " abandoned: its response exceeds " +
                         std::to_string(d_->options.maxResponseBytes) + " bytes");
    if (!result)
        throw CloudError("cloud " + d_->where() +
                         " unreachable: " + httplib::to_string(result.error()));
    if (result->status != 200)
        throw CloudError("cloud " + d_->where() + " answered HTTP " +
                         std::to_string(result->status) + ": " + errorText(body));
    return validUtf8(body);
}

} // namespace dvfo
