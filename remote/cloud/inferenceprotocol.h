#pragma once
// The cloud tail's wire format: the KServe v2 / Open Inference Protocol over HTTP, with JSON
// tensors or the binary tensor data extension. Shared by dvfo-cloud and the edge client.
//
// Request (one sample; k = channels sent, may be 0; H, W from the model metadata):
//   features  INT8  [k, H, W]  quantised feature maps, in the order of `channels`
//   scales    FP32  [k]        per-map scale, value = q * scale
//   channels  INT32 [k]        channel index of each map (unique, 0..C-1); the others are zero
// Response: logits FP32 [classes], and "parameters": {"compute_ms": x}, the wall time of the
// model's forward pass for this request on the server.
// JSON tensors carry "data" (flat, or nested row-major arrays). Binary tensors carry
// "parameters": {"binary_data_size": bytes} and no "data"; their bytes follow the JSON header
// in input order, little endian, and the HTTP header Inference-Header-Content-Length gives the
// JSON header's length. The client asks for a binary output with
// "outputs": [{"name": "logits", "parameters": {"binary_data": true}}] (or the request-level
// parameter "binary_data_output": true).
#include "core/dnn/compressedfeatures.h"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

// A KServe v2 request the cloud server rejects, with the HTTP status to answer (400 bad request,
// 404 unknown). Not the agent protocol's protocol::ProtocolError.
class InferenceRequestError : public std::runtime_error {
public:
    InferenceRequestError(int status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

class InferenceProtocol {
public:
    static constexpr const char* kFeatures = "features";
    static constexpr const char* kScales = "scales";
    static constexpr const char* kChannels = "channels";
    static constexpr const char* kLogits = "logits";
    static constexpr const char* kHeaderLength = "Inference-Header-Content-Length";
    static constexpr const char* kJsonType = "application/json";
    static constexpr const char* kBinaryType = "application/octet-stream";

    struct Body {
        std::string data;
        std::optional<size_t> headerLength; // set for the binary extension
        std::string contentType() const { return headerLength ? kBinaryType : kJsonType; }
    };

    struct Request {
        CompressedFeatures features;
        std::string id;
        bool binaryOutput = false;
    };

    struct Response {
        std::vector<float> logits;
        double computeMs = -1; // the server's forward pass; -1 = not reported
        // The server's real wall time when it reports an emulated computeMs; -1 = not reported.
        double wallMs = -1;
    };

    // Largest logits tensor a response may declare (elements).
    static constexpr int64_t kMaxLogits = int64_t(1) << 20;

    // Client side.
    static Body encodeRequest(const CompressedFeatures& features, bool binaryInputs,
                              bool binaryOutput, const std::string& id = "");
    // Throws std::runtime_error for a malformed response or one without FP32 logits. The body
    // comes from the network: every size in it is checked against the body before use.
    static Response decodeResponse(const std::string& body, std::optional<size_t> headerLength);

    // Server side: throws InferenceRequestError(400, ...) for anything that is not a well-formed
    // request for tensors of `expected` shape (names, datatypes, shapes, sizes, channel indices,
    // scales).
    static Request decodeRequest(const std::string& body, std::optional<size_t> headerLength,
                                 const FeatureShape& expected);
    // computeMs < 0 leaves "compute_ms" out, wallMs < 0 "wall_ms" (an emulating server reports
    // its emulated compute time and its real wall time).
    static Body encodeResponse(const std::string& modelName, const std::string& id,
                               const std::vector<float>& logits, bool binaryOutput,
                               double computeMs = -1, double wallMs = -1);

    // {"error": message}; bytes of `message` that are not UTF-8 (a path, a quoted request)
    // become U+FFFD, so this never throws.
    static std::string errorJson(const std::string& message);
    // JSON text of `j` with invalid UTF-8 replaced, never throwing; what every reply uses.
    static std::string dumpJson(const nlohmann::json& j);
    // Parses the Inference-Header-Content-Length value; throws InferenceRequestError(400) if
    // invalid.
    static std::optional<size_t> parseHeaderLength(const std::string& value, size_t bodySize);
};

} // namespace dvfo
