#pragma once
// The cloud tail's wire format: the KServe v2 / Open Inference Protocol over HTTP, with JSON
// tensors or the binary tensor data extension. Shared by dvfo-cloud and the edge client.
//
// Request (one sample; k = channels sent, may be 0; H, W from the model metadata):
//   features  INT8  [k, H, W]  quantised feature maps, in the order of `channels`
//   scales    FP32  [k]        per-map scale, value = q * scale
//   channels  INT32 [k]        channel index of each map (unique, 0..C-1); the others are zero
// Response: logits FP32 [classes].
// JSON tensors carry "data" (flat, or nested row-major arrays). Binary tensors carry
// "parameters": {"binary_data_size": bytes} and no "data"; their bytes follow the JSON header
// in input order, little endian, and the HTTP header Inference-Header-Content-Length gives the
// JSON header's length. The client asks for a binary output with
// "outputs": [{"name": "logits", "parameters": {"binary_data": true}}] (or the request-level
// parameter "binary_data_output": true).
#include "core/compressedfeatures.h"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

// A request the server rejects, with the HTTP status to answer (400 bad request, 404 unknown).
class ProtocolError : public std::runtime_error {
public:
    ProtocolError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
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

    // Client side.
    static Body encodeRequest(const CompressedFeatures& features, bool binaryInputs, bool binaryOutput,
                              const std::string& id = "");
    // Throws std::runtime_error for a malformed response or one without FP32 logits.
    static std::vector<float> decodeResponse(const std::string& body, std::optional<size_t> headerLength);

    // Server side: throws ProtocolError(400, ...) for anything that is not a well-formed request
    // for tensors of `expected` shape (names, datatypes, shapes, sizes, channel indices, scales).
    static Request decodeRequest(const std::string& body, std::optional<size_t> headerLength,
                                 const FeatureShape& expected);
    static Body encodeResponse(const std::string& modelName, const std::string& id, const std::vector<float>& logits,
                               bool binaryOutput);

    // {"error": message}
    static std::string errorJson(const std::string& message);
    // Parses the Inference-Header-Content-Length value; throws ProtocolError(400) if invalid.
    static std::optional<size_t> parseHeaderLength(const std::string& value, size_t bodySize);
};

} // namespace dvfo
