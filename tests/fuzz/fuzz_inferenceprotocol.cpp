// The KServe v2 codecs (remote/cloud/inferenceprotocol.*): a request body as dvfo-cloud receives
// it and a response body as the edge receives it from a cloud that may be anyone (plain HTTP).
// The first byte chooses the codec and whether Inference-Header-Content-Length is set (from the
// next two bytes). decodeRequest may only throw InferenceRequestError, decodeResponse
// std::runtime_error; a decoded request must encode and decode back to the same features.
#include "remote/cloud/inferenceprotocol.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace dvfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3)
        return 0;
    const uint8_t mode = data[0];
    const size_t declared = size_t(data[1]) | size_t(data[2]) << 8;
    const std::string body(reinterpret_cast<const char*>(data + 3), size - 3);
    std::optional<size_t> headerLength;
    if (mode & 1) {
        try {
            headerLength =
                InferenceProtocol::parseHeaderLength(std::to_string(declared), body.size());
        } catch (const InferenceRequestError&) {
            return 0;
        }
    }
    if (mode & 2) {
        try {
            const InferenceProtocol::Response response =
                InferenceProtocol::decodeResponse(body, headerLength);
            if (response.logits.size() > size_t(InferenceProtocol::kMaxLogits))
                std::abort();
        } catch (const std::runtime_error&) {
        }
        return 0;
    }
    const FeatureShape shape{8, 2, 3}; // small, so that well-formed tensors are within reach
    try {
        const InferenceProtocol::Request request =
            InferenceProtocol::decodeRequest(body, headerLength, shape);
        for (const bool binary : {false, true}) {
            const InferenceProtocol::Body encoded =
                InferenceProtocol::encodeRequest(request.features, binary, false);
            const InferenceProtocol::Request again =
                InferenceProtocol::decodeRequest(encoded.data, encoded.headerLength, shape);
            const CompressedFeatures& a = request.features;
            const CompressedFeatures& b = again.features;
            if (a.data != b.data || a.channels != b.channels ||
                a.scales.size() != b.scales.size() ||
                std::memcmp(a.scales.data(), b.scales.data(), a.scales.size() * sizeof(float)) != 0)
                std::abort();
        }
        (void)InferenceProtocol::encodeResponse("m", request.id, {1.0f, 2.0f}, request.binaryOutput,
                                                1.5);
    } catch (const InferenceRequestError& e) {
        (void)InferenceProtocol::errorJson(e.what()); // what the server answers: must not throw
    }
    (void)InferenceProtocol::errorJson(body);
    return 0;
}
