#include "remote/cloud/cloudserver.h"

#include "core/attentionsplit.h"
#include "remote/cloud/cpphttplib.h"
#include "remote/cloud/inferenceprotocol.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#ifndef DVFO_VERSION
#define DVFO_VERSION "dev"
#endif

namespace dvfo {

namespace {

using nlohmann::json;

constexpr const char* kModelVersion = "1";
// /v2/models/NAME or /v2/models/NAME/versions/V, then an optional suffix.
constexpr const char* kModelPath = R"(/v2/models/([^/]+)(?:/versions/([^/]+))?)";

void sendJson(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), InferenceProtocol::kJsonType);
}

void sendError(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(InferenceProtocol::errorJson(message), InferenceProtocol::kJsonType);
}

} // namespace

struct CloudServer::Impl {
    std::shared_ptr<const AttentionSplit> model;
    CloudServerOptions options;
    httplib::Server server;
    std::thread thread;
    std::atomic<int> port{0};
    std::atomic<int64_t> inferences{0};
    std::mutex mutex;
    std::condition_variable stopped;
    bool running = false;

    // Unknown model or version: 404. Returns false after answering.
    bool checkModel(const httplib::Request& req, httplib::Response& res) const {
        const std::string name = req.matches[1];
        const std::string version = req.matches.size() > 2 ? std::string(req.matches[2]) : std::string();
        if (name != options.modelName) {
            sendError(res, 404, "unknown model '" + name + "' (this server has '" + options.modelName + "')");
            return false;
        }
        if (!version.empty() && version != kModelVersion) {
            sendError(res, 404, "model '" + name + "' has no version '" + version + "' (only " + kModelVersion + ")");
            return false;
        }
        return true;
    }

    json metadata() const {
        const FeatureShape f = model->featureShape();
        return {
            {"name", options.modelName},
            {"versions", {kModelVersion}},
            {"platform", "libtorch_cpp"},
            {"inputs",
             {
                 {{"name", InferenceProtocol::kFeatures}, {"datatype", "INT8"}, {"shape", {-1, f.height, f.width}}},
                 {{"name", InferenceProtocol::kScales}, {"datatype", "FP32"}, {"shape", {-1}}},
                 {{"name", InferenceProtocol::kChannels}, {"datatype", "INT32"}, {"shape", {-1}}},
             }},
            {"outputs",
             {{{"name", InferenceProtocol::kLogits}, {"datatype", "FP32"}, {"shape", {model->classes()}}}}},
            {"parameters",
             {{"feature_channels", f.channels},
              {"model", model->config().model},
              {"split_layer", model->config().splitLayer},
              {"max_body_bytes", options.maxBodyBytes}}},
        };
    }

    void infer(const httplib::Request& req, httplib::Response& res) {
        if (!checkModel(req, res))
            return;
        try {
            const std::optional<size_t> headerLength = InferenceProtocol::parseHeaderLength(
                req.get_header_value(InferenceProtocol::kHeaderLength), req.body.size());
            const InferenceProtocol::Request request =
                InferenceProtocol::decodeRequest(req.body, headerLength, model->featureShape());
            const std::vector<float> logits = model->cloudTail(request.features);
            const InferenceProtocol::Body body =
                InferenceProtocol::encodeResponse(options.modelName, request.id, logits, request.binaryOutput);
            res.status = 200;
            if (body.headerLength)
                res.set_header(InferenceProtocol::kHeaderLength, std::to_string(*body.headerLength));
            res.set_content(body.data, body.contentType());
            ++inferences;
        } catch (const ProtocolError& e) {
            sendError(res, e.status(), e.what());
        }
    }

    void setupRoutes() {
        server.Get("/v2/health/live", [](const httplib::Request&, httplib::Response& res) {
            sendJson(res, 200, {{"live", true}});
        });
        server.Get("/v2/health/ready", [](const httplib::Request&, httplib::Response& res) {
            sendJson(res, 200, {{"ready", true}}); // the model is loaded before the server starts
        });
        server.Get("/v2", [](const httplib::Request&, httplib::Response& res) {
            sendJson(res, 200,
                     {{"name", "dvfo-cloud"}, {"version", DVFO_VERSION}, {"extensions", {"binary_tensor_data"}}});
        });
        server.Get(std::string(kModelPath) + "/ready", [this](const httplib::Request& req, httplib::Response& res) {
            if (checkModel(req, res))
                sendJson(res, 200, {{"name", options.modelName}, {"ready", true}});
        });
        server.Get(kModelPath, [this](const httplib::Request& req, httplib::Response& res) {
            if (checkModel(req, res))
                sendJson(res, 200, metadata());
        });
        server.Post(std::string(kModelPath) + "/infer",
                    [this](const httplib::Request& req, httplib::Response& res) { infer(req, res); });

        // httplib answers 404 (no route) and 413 (body over the limit) itself with an empty body;
        // give those the protocol's JSON error too.
        const httplib::Server::HandlerWithResponse errorHandler = [this](const httplib::Request& req,
                                                                           httplib::Response& res) {
            if (!res.body.empty())
                return httplib::Server::HandlerResponse::Unhandled;
            if (res.status == 413)
                res.set_content(InferenceProtocol::errorJson("request body exceeds the limit of " +
                                                             std::to_string(options.maxBodyBytes) + " bytes"),
                                InferenceProtocol::kJsonType);
            else if (res.status == 404)
                res.set_content(InferenceProtocol::errorJson("no such endpoint: " + req.method + " " + req.path),
                                InferenceProtocol::kJsonType);
            else
                res.set_content(InferenceProtocol::errorJson("HTTP " + std::to_string(res.status)),
                                InferenceProtocol::kJsonType);
            return httplib::Server::HandlerResponse::Handled;
        };
        server.set_error_handler(errorHandler);
        server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
            std::string message = "internal error";
            try {
                if (ep)
                    std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                message = std::string("internal error: ") + e.what();
            } catch (...) {
            }
            sendError(res, 500, message);
        });
    }
};

CloudServer::CloudServer(std::shared_ptr<const AttentionSplit> model, CloudServerOptions options)
    : d_(std::make_unique<Impl>()) {
    if (!model)
        throw std::invalid_argument("cloud server needs a model");
    if (options.threads < 1)
        throw std::invalid_argument("cloud server needs at least one worker thread");
    d_->model = std::move(model);
    d_->options = std::move(options);
    const int threads = d_->options.threads;
    d_->server.new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
    d_->server.set_payload_max_length(d_->options.maxBodyBytes);
    d_->server.set_tcp_nodelay(true); // small responses: no Nagle / delayed-ACK stalls
    d_->server.set_read_timeout(d_->options.readTimeoutSeconds, 0);
    d_->server.set_write_timeout(d_->options.writeTimeoutSeconds, 0);
    d_->setupRoutes();
}

CloudServer::~CloudServer() { stop(); }

int CloudServer::start() {
    std::lock_guard<std::mutex> lock(d_->mutex);
    if (d_->running)
        return d_->port;
    int port = d_->options.port;
    if (port == 0) {
        port = d_->server.bind_to_any_port(d_->options.host);
        if (port < 0)
            throw std::runtime_error("cannot bind " + d_->options.host + " to a free port");
    } else if (!d_->server.bind_to_port(d_->options.host, port)) {
        throw std::runtime_error("cannot bind " + d_->options.host + ":" + std::to_string(port) +
                                 " (in use or not a local address?)");
    }
    d_->port = port;
    d_->running = true;
    d_->thread = std::thread([this] {
        d_->server.listen_after_bind();
        std::lock_guard<std::mutex> lock(d_->mutex);
        d_->running = false;
        d_->stopped.notify_all();
    });
    return port;
}

void CloudServer::stop() {
    if (!d_->thread.joinable())
        return;
    // httplib's stop() is a no-op until listen_after_bind() has really started, so a stop right
    // after start() must be repeated until the serving thread is seen to end.
    for (;;) {
        d_->server.stop();
        std::unique_lock<std::mutex> lock(d_->mutex);
        if (d_->stopped.wait_for(lock, std::chrono::milliseconds(10), [this] { return !d_->running; }))
            break;
    }
    d_->thread.join();
}

void CloudServer::wait() {
    std::unique_lock<std::mutex> lock(d_->mutex);
    d_->stopped.wait(lock, [this] { return !d_->running; });
}

int CloudServer::port() const { return d_->port; }

bool CloudServer::running() const { return d_->server.is_running(); }

int64_t CloudServer::inferenceCount() const { return d_->inferences; }

std::string CloudServer::metadataJson() const { return d_->metadata().dump(); }

} // namespace dvfo
