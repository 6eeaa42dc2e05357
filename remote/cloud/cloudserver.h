#pragma once
// dvfo-cloud's HTTP server: the cloud tail of an AttentionSplit behind the KServe v2 / Open
// Inference Protocol (see inferenceprotocol.h for the tensors).
//   GET  /v2/health/live, /v2/health/ready          200 {"live": true} / {"ready": true}
//   GET  /v2                                         server metadata
//   GET  /v2/models/NAME[/versions/1]                model metadata (inputs, outputs)
//   GET  /v2/models/NAME[/versions/1]/ready          200 {"name": NAME, "ready": true}
//   POST /v2/models/NAME[/versions/1]/infer          inference (JSON or binary tensors)
// Errors answer {"error": "..."}: 400 malformed request (names, datatypes, shapes, sizes),
// 404 unknown model / version / path, 413 body larger than maxBodyBytes, 500 internal.
// Requests are served concurrently by a pool of `threads` workers (cpp-httplib's ThreadPool).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace dvfo {

class AttentionSplit;

struct CloudServerOptions {
    std::string host = "127.0.0.1";
    int port = 8000; // 0 = any free port (see CloudServer::port())
    std::string modelName = "dvfo_cloud_tail";
    size_t maxBodyBytes = size_t(4) << 20;
    int threads = 4;
    int readTimeoutSeconds = 5;
    int writeTimeoutSeconds = 5;
};

class CloudServer {
public:
    CloudServer(std::shared_ptr<const AttentionSplit> model, CloudServerOptions options);
    ~CloudServer(); // stops and joins
    CloudServer(const CloudServer&) = delete;
    CloudServer& operator=(const CloudServer&) = delete;

    // Binds and serves on a background thread; returns the bound port. Throws std::runtime_error
    // if the address cannot be bound.
    int start();
    void stop();
    // Blocks until stop() is called (from another thread or a signal handler thread).
    void wait();

    int port() const;
    bool running() const;
    int64_t inferenceCount() const; // successful /infer requests
    std::string metadataJson() const; // what GET /v2/models/NAME returns

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

} // namespace dvfo
