#include "remote/cloud/cloudserver.h"

#include "core/emulation/emulationmodel.h"
#include "core/dnn/splitmodel.h"
#include "remote/cloud/cpphttplib.h"
#include "remote/cloud/inferenceprotocol.h"

#include <nlohmann/json.hpp>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
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
using Clock = std::chrono::steady_clock;

constexpr const char* kModelVersion = "1";
// /v2/models/NAME or /v2/models/NAME/versions/V, then an optional suffix.
constexpr const char* kModelPath = R"(/v2/models/([^/]+)(?:/versions/([^/]+))?)";
// Wire bytes allowed for the request line and headers on top of the body (and for chunk framing).
constexpr size_t kHeaderAllowance = 64 * 1024;

void sendJson(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(InferenceProtocol::dumpJson(body), InferenceProtocol::kJsonType);
}

void sendError(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(InferenceProtocol::errorJson(message), InferenceProtocol::kJsonType);
}

// How the request being served on this worker thread went on the wire, so that a handler can
// tell a timed-out or oversized body from a malformed one and ask for the connection to close.
struct Exchange {
    bool timedOut = false;
    bool overLimit = false;
    bool closeAfterResponse = false; // the rest of the request was not read: the stream is unusable
};
thread_local Exchange* currentExchange = nullptr;

void closeAfterResponse() {
    if (currentExchange)
        currentExchange->closeAfterResponse = true;
}

// httplib's socket stream with two limits it lacks: a deadline for receiving the whole request
// (a client dripping a byte every few seconds would otherwise hold a worker for hours) and a cap
// on the bytes read for it (chunked bodies and endless headers are not bounded by Content-Length).
class LimitedRequestStream : public httplib::Stream {
public:
    LimitedRequestStream(int sock, Clock::time_point deadline, size_t maxBytes, int readTimeoutMs,
                         int writeTimeoutMs, Exchange& exchange)
        : sock_(sock), deadline_(deadline), maxBytes_(maxBytes), readTimeoutMs_(readTimeoutMs),
          writeTimeoutMs_(writeTimeoutMs), exchange_(exchange) {}

    bool is_readable() const override { return position_ < filled_ || waitUntilReadable(); }

    bool is_writable() const override {
        pollfd p{sock_, POLLOUT, 0};
        return ::poll(&p, 1, writeTimeoutMs_) > 0 && !(p.revents & (POLLERR | POLLNVAL));
    }

    ssize_t read(char* ptr, size_t size) override {
        if (position_ == filled_) {
            if (received_ >= maxBytes_) {
                exchange_.overLimit = true;
                return -1;
            }
            if (!waitUntilReadable())
                return -1;
            const ssize_t n =
                ::recv(sock_, buffer_, std::min(sizeof buffer_, maxBytes_ - received_), 0);
            if (n <= 0)
                return n;
            received_ += size_t(n);
            position_ = 0;
            filled_ = size_t(n);
        }
        const size_t n = std::min(size, filled_ - position_);
        std::memcpy(ptr, buffer_ + position_, n);
        position_ += n;
        return ssize_t(n);
    }

    ssize_t write(const char* ptr, size_t size) override {
        if (!is_writable())
            return -1;
        return ::send(sock_, ptr, size, MSG_NOSIGNAL);
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        address(true, ip, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        address(false, ip, port);
    }
    int socket() const override { return sock_; }

private:
    // Waits for data up to the read timeout, but never past the request's deadline.
    bool waitUntilReadable() const {
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now())
                    .count();
            if (left <= 0) {
                exchange_.timedOut = true;
                return false;
            }
            pollfd p{sock_, POLLIN, 0};
            const int ready = ::poll(&p, 1, int(std::min<int64_t>(left, readTimeoutMs_)));
            if (ready > 0)
                return true;
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready == 0 && left <= readTimeoutMs_)
                continue; // the deadline came first: report it as such above
            return false;
        }
    }

    void address(bool remote, std::string& ip, int& port) const {
        sockaddr_storage addr{};
        socklen_t length = sizeof addr;
        const int got = remote ? ::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &length)
                               : ::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &length);
        char host[NI_MAXHOST] = {};
        char service[NI_MAXSERV] = {};
        if (got == 0 &&
            ::getnameinfo(reinterpret_cast<sockaddr*>(&addr), length, host, sizeof host, service,
                          sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
            ip = host;
            port = std::atoi(service);
        }
    }

    int sock_;
    Clock::time_point deadline_;
    size_t maxBytes_;
    int readTimeoutMs_;
    int writeTimeoutMs_;
    Exchange& exchange_;
    char buffer_[4096];
    size_t position_ = 0;
    size_t filled_ = 0;
    size_t received_ = 0;
};

// httplib::Server serving each connection through LimitedRequestStream. This replaces httplib's
// private keep-alive loop (Server::process_and_close_socket, virtual for this purpose) and keeps
// its semantics: up to keep_alive_max_count_ requests, each awaited for keep_alive_timeout_sec_.
class LimitedServer : public httplib::Server {
public:
    std::chrono::milliseconds requestTimeout{10000};
    size_t maxRequestBytes = size_t(4) << 20;

private:
    bool process_and_close_socket(socket_t sock) override {
        bool ok = false;
        bool unreadInput = false;
        for (size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
            if (!waitForRequest(sock))
                break;
            Exchange exchange;
            LimitedRequestStream stream(sock, Clock::now() + requestTimeout, maxRequestBytes,
                                        int(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000),
                                        int(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000),
                                        exchange);
            bool connectionClosed = false;
            currentExchange = &exchange;
            ok = process_request(stream, left == 1, connectionClosed, nullptr);
            currentExchange = nullptr;
            unreadInput = exchange.closeAfterResponse || exchange.timedOut || exchange.overLimit;
            if (!ok || connectionClosed || unreadInput)
                break;
        }
        if (unreadInput) {
            lingeringClose(sock);
        } else {
            ::shutdown(sock, SHUT_RDWR);
            ::close(sock);
        }
        return ok;
    }

    // Closing with unread request bytes makes the kernel send a reset, which can destroy the
    // answer (413, 408) before the client reads it: stop sending, then drain for a moment.
    static void lingeringClose(socket_t sock) {
        ::shutdown(sock, SHUT_WR);
        const auto until = Clock::now() + std::chrono::milliseconds(500);
        char sink[4096];
        size_t drained = 0;
        while (Clock::now() < until && drained < (size_t(1) << 20)) {
            pollfd p{sock, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            const ssize_t n = ::recv(sock, sink, sizeof sink, 0);
            if (n <= 0)
                break;
            drained += size_t(n);
        }
        ::close(sock);
    }

    // Idle keep-alive wait; polls in short steps so that stop() is seen promptly.
    bool waitForRequest(socket_t sock) const {
        const auto until = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
        while (svr_sock_ != INVALID_SOCKET && Clock::now() < until) {
            pollfd p{sock, POLLIN, 0};
            const int ready = ::poll(&p, 1, 50);
            if (ready > 0)
                return true;
            if (ready < 0 && errno != EINTR)
                return false;
        }
        return false;
    }
};

} // namespace

struct CloudServer::Impl {
    std::shared_ptr<const SplitModel> model;
    CloudServerOptions options;
    LimitedServer server;
    std::thread thread;
    std::atomic<int> port{0};
    std::atomic<int64_t> inferences{0};
    std::mutex mutex;
    std::condition_variable stopped;
    bool running = false;

    // Unknown model or version: 404. Returns false after answering.
    bool checkModel(const httplib::Request& req, httplib::Response& res) const {
        const std::string name = req.matches[1];
        const std::string version =
            req.matches.size() > 2 ? std::string(req.matches[2]) : std::string();
        if (name != options.modelName) {
            sendError(res, 404,
                      "unknown model '" + name + "' (this server has '" + options.modelName + "')");
            return false;
        }
        if (!version.empty() && version != kModelVersion) {
            sendError(res, 404,
                      "model '" + name + "' has no version '" + version + "' (only " +
                          kModelVersion + ")");
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
                 {{"name", InferenceProtocol::kFeatures},
                  {"datatype", "INT8"},
                  {"shape", {-1, f.height, f.width}}},
                 {{"name", InferenceProtocol::kScales}, {"datatype", "FP32"}, {"shape", {-1}}},
                 {{"name", InferenceProtocol::kChannels}, {"datatype", "INT32"}, {"shape", {-1}}},
             }},
            {"outputs",
             {{{"name", InferenceProtocol::kLogits},
               {"datatype", "FP32"},
               {"shape", {model->classes()}}}}},
            {"parameters",
             {{"feature_channels", f.channels},
              {"model", model->modelName()},
              {"split_layer", model->splitLayerName()},
              {"ranking", model->rankingName()},
              {"max_body_bytes", options.maxBodyBytes}}},
        };
    }

    // Reads the body through `reader` (httplib inflates gzip/deflate/br first), at most
    // maxBodyBytes of it. Returns false after answering 413, 408 or 400.
    bool readBody(const httplib::ContentReader& reader, httplib::Response& res,
                  std::string& body) const {
        bool tooLarge = false;
        const bool complete = reader([&](const char* data, size_t size) {
            if (size > options.maxBodyBytes - body.size()) {
                tooLarge = true;
                return false;
            }
            body.append(data, size);
            return true;
        });
        if (complete)
            return true;
        closeAfterResponse();
        if (tooLarge || res.status == 413 || (currentExchange && currentExchange->overLimit))
            sendError(res, 413, bodyLimitMessage());
        else if (currentExchange && currentExchange->timedOut)
            sendError(res, 408,
                      "request not received within " +
                          std::to_string(options.requestTimeoutSeconds) + " s");
        else
            sendError(res, 400, "incomplete or undecodable request body");
        return false;
    }

    std::string bodyLimitMessage() const {
        return "request body exceeds the limit of " + std::to_string(options.maxBodyBytes) +
               " bytes";
    }

    void infer(const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader& reader) {
        if (!checkModel(req, res)) {
            closeAfterResponse(); // the body stays unread
            return;
        }
        std::string body;
        if (!readBody(reader, res, body))
            return;
        try {
            const std::optional<size_t> headerLength = InferenceProtocol::parseHeaderLength(
                req.get_header_value(InferenceProtocol::kHeaderLength), body.size());
            const InferenceProtocol::Request request =
                InferenceProtocol::decodeRequest(body, headerLength, model->featureShape());
            const auto start = Clock::now();
            const std::vector<float> logits = model->cloudTail(request.features);
            const double wallMs =
                std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            const bool emulating = options.emulatedComputeMs >= 0;
            const InferenceProtocol::Body answer = InferenceProtocol::encodeResponse(
                options.modelName, request.id, logits, request.binaryOutput,
                emulating ? options.emulatedComputeMs : wallMs, emulating ? wallMs : -1.0);
            res.status = 200;
            if (answer.headerLength)
                res.set_header(InferenceProtocol::kHeaderLength,
                               std::to_string(*answer.headerLength));
            res.set_content(answer.data, answer.contentType());
            ++inferences;
        } catch (const InferenceRequestError& e) {
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
                     {{"name", "dvfo-cloud"},
                      {"version", DVFO_VERSION},
                      {"extensions", {"binary_tensor_data"}}});
        });
        server.Get(std::string(kModelPath) + "/ready",
                   [this](const httplib::Request& req, httplib::Response& res) {
                       if (checkModel(req, res))
                           sendJson(res, 200, {{"name", options.modelName}, {"ready", true}});
                   });
        server.Get(kModelPath, [this](const httplib::Request& req, httplib::Response& res) {
            if (checkModel(req, res))
                sendJson(res, 200, metadata());
        });
        server.Post(std::string(kModelPath) + "/infer",
                    [this](const httplib::Request& req, httplib::Response& res,
                           const httplib::ContentReader& reader) { infer(req, res, reader); });
        // The edge runtime's bandwidth probe: the body is read (that is the measurement) and
        // dropped; the answer is small so the round trip is the upload.
        server.Post("/v2/dvfo/probe", [this](const httplib::Request&, httplib::Response& res,
                                             const httplib::ContentReader& reader) {
            std::string body;
            if (readBody(reader, res, body))
                sendJson(res, 200, {{"bytes", body.size()}});
        });
        // Any other POST: answered without reading the body (httplib would read it whole,
        // inflated, before finding no route).
        server.Post(".*", [](const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader&) {
            closeAfterResponse();
            sendError(res, 404, "no such endpoint: " + req.method + " " + req.path);
        });
        // Checked from the headers alone, before any body is read. The protocol has no other
        // methods; httplib would read the bodies of PUT, PATCH, DELETE and PRI unbounded.
        server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            if (req.method != "GET" && req.method != "HEAD" && req.method != "POST") {
                closeAfterResponse();
                sendError(res, 405, "method " + req.method + " is not allowed (GET and POST only)");
                return httplib::Server::HandlerResponse::Handled;
            }
            if (req.has_header("Content-Length") &&
                req.get_header_value<uint64_t>("Content-Length") > options.maxBodyBytes) {
                closeAfterResponse();
                sendError(res, 413, bodyLimitMessage());
                return httplib::Server::HandlerResponse::Handled;
            }
            return httplib::Server::HandlerResponse::Unhandled;
        });

        // httplib answers 404 (no route) and 413 (body over the limit) itself with an empty body;
        // give those the protocol's JSON error too.
        const httplib::Server::HandlerWithResponse errorHandler = [this](
                                                                      const httplib::Request& req,
                                                                      httplib::Response& res) {
            if (!res.body.empty())
                return httplib::Server::HandlerResponse::Unhandled;
            // httplib answers 400 to a request line or headers it could not read; say why.
            if (currentExchange && currentExchange->timedOut)
                res.status = 408;
            else if (currentExchange && currentExchange->overLimit)
                res.status = 413;
            if (res.status == 408)
                res.set_content(InferenceProtocol::errorJson(
                                    "request not received within " +
                                    std::to_string(options.requestTimeoutSeconds) + " s"),
                                InferenceProtocol::kJsonType);
            else if (res.status == 413)
                res.set_content(InferenceProtocol::errorJson(bodyLimitMessage()),
                                InferenceProtocol::kJsonType);
            else if (res.status == 404)
                res.set_content(InferenceProtocol::errorJson("no such endpoint: " + req.method +
                                                             " " + req.path),
                                InferenceProtocol::kJsonType);
            else
                res.set_content(InferenceProtocol::errorJson("HTTP " + std::to_string(res.status)),
                                InferenceProtocol::kJsonType);
            return httplib::Server::HandlerResponse::Handled;
        };
        server.set_error_handler(errorHandler);
        server.set_exception_handler(
            [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
                closeAfterResponse(); // the body may be half read
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

CloudServer::CloudServer(std::shared_ptr<const SplitModel> model, CloudServerOptions options)
    : d_(std::make_unique<Impl>()) {
    if (!model)
        throw std::invalid_argument("cloud server needs a model");
    if (options.threads < 1)
        throw std::invalid_argument("cloud server needs at least one worker thread");
    if (options.requestTimeoutSeconds < 1)
        throw std::invalid_argument("cloud server needs a request timeout of at least 1 s");
    d_->model = std::move(model);
    d_->options = std::move(options);
    const int threads = d_->options.threads;
    d_->server.new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
    d_->server.set_payload_max_length(d_->options.maxBodyBytes);
    d_->server.maxRequestBytes = 2 * d_->options.maxBodyBytes + kHeaderAllowance;
    d_->server.requestTimeout = std::chrono::seconds(d_->options.requestTimeoutSeconds);
    d_->server.set_tcp_nodelay(true); // small responses: no Nagle / delayed-ACK stalls
    d_->server.set_read_timeout(d_->options.readTimeoutSeconds, 0);
    d_->server.set_write_timeout(d_->options.writeTimeoutSeconds, 0);
    d_->setupRoutes();
}

CloudServer::~CloudServer() {
    stop();
}

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
        if (d_->stopped.wait_for(lock, std::chrono::milliseconds(10),
                                 [this] { return !d_->running; }))
            break;
    }
    d_->thread.join();
}

void CloudServer::wait() {
    std::unique_lock<std::mutex> lock(d_->mutex);
    d_->stopped.wait(lock, [this] { return !d_->running; });
}

int CloudServer::port() const {
    return d_->port;
}

bool CloudServer::running() const {
    return d_->server.is_running();
}

int64_t CloudServer::inferenceCount() const {
    return d_->inferences;
}

std::string CloudServer::metadataJson() const {
    return InferenceProtocol::dumpJson(d_->metadata());
}

double emulatedTailMs(const SplitModel& model, const std::string& boardSpecId, double speedup) {
    if (!(speedup > 0))
        throw std::invalid_argument("the cloud speed-up must be > 0");
    const EmulationModel board(BoardSpec::builtin(boardSpecId));
    const BoardSpec& b = board.spec();
    const FrequencyTuple max{b.cpu.frequenciesKhz.back(), b.gpu.frequenciesKhz.back(),
                             b.emc.frequenciesKhz.back()};
    double ms = 0;
    for (const LayerInfo& unit : model.tailUnits())
        ms += board.unitTiming(unit, max).totalS * 1e3;
    return ms / speedup;
}

} // namespace dvfo
