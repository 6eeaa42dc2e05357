#pragma once
// The edge side of dvfo-cloud: a CloudEndpoint speaking the KServe v2 protocol over HTTP
// (cpp-httplib), binary tensor extension by default. One keep-alive connection, calls
// serialised by a mutex.
#include "core/dnn/cloudendpoint.h"

#include <cstddef>
#include <memory>
#include <string>

namespace dvfo {

struct CloudClientOptions {
    std::string host = "127.0.0.1";
    int port = 8000;
    std::string modelName = "dvfo_cloud_tail";
    double connectTimeoutSeconds = 1.0;
    double readTimeoutSeconds = 5.0;
    double writeTimeoutSeconds = 5.0;
    bool binaryTensors = true; // false: JSON "data" arrays both ways
    // Longest response body read (after inflating); logits are a few hundred bytes.
    size_t maxResponseBytes = size_t(1) << 20;

    // "host:port" or "http://host:port" (no TLS); keeps the other fields. Throws
    // std::invalid_argument for anything else.
    static CloudClientOptions fromAddress(const std::string& address);
};

class CloudClient : public CloudEndpoint {
public:
    explicit CloudClient(CloudClientOptions options);
    ~CloudClient() override;

    // Throws CloudError: connection refused or timed out, HTTP status other than 200 (with the
    // server's {"error"} message, made valid UTF-8), or a malformed, oversized or too slow
    // response. CloudReply::computeMs is the server's "compute_ms" when it reports one.
    CloudReply infer(const CompressedFeatures& features) override;
    std::string describe() const override;

    bool live();                // GET /v2/health/live == 200; false on any failure
    bool ready();               // GET /v2/health/ready == 200
    std::string metadataJson(); // GET /v2/models/NAME; throws CloudError

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

} // namespace dvfo
