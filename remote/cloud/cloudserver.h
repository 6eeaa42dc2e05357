#pragma once
// dvfo-cloud's HTTP server: the cloud tail of a split model (an attention checkpoint or a zoo
// model) behind the KServe v2 / Open Inference Protocol (see inferenceprotocol.h for the tensors).
//   POST /v2/dvfo/probe                              200 {"bytes": n}: the edge's link probe
//   GET  /v2/health/live, /v2/health/ready          200 {"live": true} / {"ready": true}
//   GET  /v2                                         server metadata
//   GET  /v2/models/NAME[/versions/1]                model metadata (inputs, outputs)
//   GET  /v2/models/NAME[/versions/1]/ready          200 {"name": NAME, "ready": true}
//   POST /v2/models/NAME[/versions/1]/infer          inference (JSON or binary tensors)
// Errors answer {"error": "..."}: 400 malformed request (names, datatypes, shapes, sizes),
// 404 unknown model / version / path, 405 other methods, 408 request not received within
// requestTimeoutSeconds, 413 body larger than maxBodyBytes (as sent, chunked, or once inflated
// from gzip/deflate/br), 500 internal. After a 404/405/408/413 whose body was not read the
// connection is closed. Requests are served concurrently by a pool of `threads` workers
// (cpp-httplib's ThreadPool); each request (line, headers, body) must arrive within
// requestTimeoutSeconds and within 2 * maxBodyBytes + 64 KiB on the wire, so a slow or endless
// client holds a worker for a bounded time.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace dvfo {

class SplitModel;

struct CloudServerOptions {
    std::string host = "127.0.0.1";
    int port = 8000; // 0 = any free port (see CloudServer::port())
    std::string modelName = "dvfo_cloud_tail";
    size_t maxBodyBytes = size_t(4) << 20;
    int threads = 4;
    int readTimeoutSeconds = 5;
    int writeTimeoutSeconds = 5;
    int requestTimeoutSeconds = 10; // to receive one whole request
    // >= 0: the server emulates a cloud GPU and reports this as each request's "compute_ms" (its
    // real forward-pass time goes into "wall_ms"); see emulatedTailMs().
    double emulatedComputeMs = -1;
};

// The cloud's compute time for `model`'s tail when it emulates a GPU `speedup` times faster than
// the edge board `boardSpecId` at its highest clocks: the tail's units on the board's emulation
// model at its max tuple, / speedup. DvfoEnvironment charges the same (tail at max / speedup).
// Throws for an unknown board or a speedup <= 0.
double emulatedTailMs(const SplitModel& model, const std::string& boardSpecId, double speedup);

class CloudServer {
public:
    CloudServer(std::shared_ptr<const SplitModel> model, CloudServerOptions options);
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
    int64_t inferenceCount() const;   // successful /infer requests
    std::string metadataJson() const; // what GET /v2/models/NAME returns

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

} // namespace dvfo
