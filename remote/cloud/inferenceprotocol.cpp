#include "remote/cloud/inferenceprotocol.h"

#include "core/dnn/tensorshape.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>

// Binary tensors are little endian on the wire and copied with memcpy.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the binary tensor extension code assumes a little-endian host");

namespace dvfo {

namespace {

using nlohmann::json;

constexpr const char* kVersion = "1";

InferenceRequestError bad(const std::string& message) {
    return InferenceRequestError(400, message);
}

struct TensorSpec {
    std::string datatype;
    std::vector<int64_t> shape;
    const json* data = nullptr;
    std::optional<size_t> binarySize;
    size_t binaryOffset = 0;
};

// Row-major flattening of JSON "data" (flat or nested arrays).
void flatten(const json& value, std::vector<const json*>& out, int depth = 0) {
    if (depth > 8)
        throw bad("tensor data nested too deeply");
    if (value.is_array()) {
        for (const json& v : value)
            flatten(v, out, depth + 1);
    } else {
        out.push_back(&value);
    }
}

template <typename T>
std::vector<T> readTensor(const std::string& name, const TensorSpec& spec, const std::string& body,
                          size_t binaryBase) {
    const int64_t count = elementCount(spec.shape);
    std::vector<T> values(static_cast<size_t>(count));
    if (spec.binarySize) {
        if (*spec.binarySize != size_t(count) * sizeof(T))
            throw bad("input '" + name + "': binary_data_size is " +
                      std::to_string(*spec.binarySize) + " bytes but shape " +
                      shapeText(spec.shape) + " of " + spec.datatype + " needs " +
                      std::to_string(size_t(count) * sizeof(T)));
        if (count > 0)
            std::memcpy(values.data(), body.data() + binaryBase + spec.binaryOffset,
                        size_t(count) * sizeof(T));
        return values;
    }
    std::vector<const json*> flat;
    flatten(*spec.data, flat);
    if (int64_t(flat.size()) != count)
        throw bad("input '" + name + "': shape " + shapeText(spec.shape) + " needs " +
                  std::to_string(count) + " values, data has " + std::to_string(flat.size()));
    for (size_t i = 0; i < flat.size(); ++i) {
        const json& v = *flat[i];
        if constexpr (std::is_floating_point_v<T>) {
            // Range-checked as double: a value beyond float's range would be undefined as a float.
            if (!v.is_number() ||
                !(std::fabs(v.get<double>()) <= double(std::numeric_limits<T>::max())))
                throw bad("input '" + name + "': element " + std::to_string(i) +
                          " is not a finite " + spec.datatype + " number");
            values[i] = T(v.get<double>());
        } else {
            if (!v.is_number_integer())
                throw bad("input '" + name + "': element " + std::to_string(i) +
                          " is not an integer");
            const int64_t x = v.get<int64_t>();
            if (x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max())
                throw bad("input '" + name + "': element " + std::to_string(i) + " (" +
                          std::to_string(x) + ") out of range for " + spec.datatype);
            values[i] = T(x);
        }
    }
    return values;
}

json parseJson(const std::string& text, const char* what) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) { // parse_error, or out_of_range for a number like 1e999
        throw bad(std::string(what) + " is not valid JSON: " + e.what());
    }
}

} // namespace

std::string InferenceProtocol::dumpJson(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string InferenceProtocol::errorJson(const std::string& message) {
    return dumpJson(json{{"error", message}});
}

std::optional<size_t> InferenceProtocol::parseHeaderLength(const std::string& value,
                                                           size_t bodySize) {
    if (value.empty())
        return std::nullopt;
    size_t length = 0;
    for (char c : value) {
        if (c < '0' || c > '9' || length > bodySize)
            throw bad(std::string(kHeaderLength) + " must be a byte count within the body, got '" +
                      value + "'");
        length = length * 10 + size_t(c - '0');
    }
    if (length > bodySize || length == 0)
        throw bad(std::string(kHeaderLength) + " is " + value + " but the body has " +
                  std::to_string(bodySize) + " bytes");
    return length;
}

InferenceProtocol::Body InferenceProtocol::encodeRequest(const CompressedFeatures& f,
                                                         bool binaryInputs, bool binaryOutput,
                                                         const std::string& id) {
    f.validate();
    const int64_t k = f.sentChannels();
    json features = {
        {"name", kFeatures}, {"datatype", "INT8"}, {"shape", {k, f.shape.height, f.shape.width}}};
    json scales = {{"name", kScales}, {"datatype", "FP32"}, {"shape", {k}}};
    json channels = {{"name", kChannels}, {"datatype", "INT32"}, {"shape", {k}}};
    if (binaryInputs) {
        features["parameters"] = {{"binary_data_size", f.payloadBytes()}};
        scales["parameters"] = {{"binary_data_size", f.scaleBytes()}};
        channels["parameters"] = {{"binary_data_size", f.indexBytes()}};
    } else {
        features["data"] = f.data;
        scales["data"] = f.scales;
        channels["data"] = f.channels;
    }
    json request = {{"inputs", {features, scales, channels}}};
    if (!id.empty())
        request["id"] = id;
    request["outputs"] = {{{"name", kLogits}, {"parameters", {{"binary_data", binaryOutput}}}}};
    Body body;
    body.data = dumpJson(request);
    if (binaryInputs) {
        body.headerLength = body.data.size();
        body.data.append(reinterpret_cast<const char*>(f.data.data()), f.data.size());
        body.data.append(reinterpret_cast<const char*>(f.scales.data()),
                         f.scales.size() * sizeof(float));
        body.data.append(reinterpret_cast<const char*>(f.channels.data()),
                         f.channels.size() * sizeof(int32_t));
    }
    return body;
}

InferenceProtocol::Request InferenceProtocol::decodeRequest(const std::string& body,
                                                            std::optional<size_t> headerLength,
                                                            const FeatureShape& expected) {
    const size_t jsonLength = headerLength.value_or(body.size());
    if (jsonLength > body.size())
        throw bad("JSON header length exceeds the body");
    const json header = parseJson(body.substr(0, jsonLength), "request");
    if (!header.is_object())
        throw bad("request must be a JSON object");
    Request request;
    if (auto it = header.find("id"); it != header.end()) {
        if (!it->is_string())
            throw bad("\"id\" must be a string");
        request.id = it->get<std::string>();
    }
    const auto inputs = header.find("inputs");
    if (inputs == header.end() || !inputs->is_array())
        throw bad("request has no \"inputs\" array");

    const std::map<std::string, std::string> wanted = {
        {kFeatures, "INT8"}, {kScales, "FP32"}, {kChannels, "INT32"}};
    std::map<std::string, TensorSpec> specs;
    size_t binaryTotal = 0;
    for (const json& input : *inputs) {
        if (!input.is_object() || !input.contains("name") || !input["name"].is_string())
            throw bad("every input needs a \"name\"");
        const std::string name = input["name"].get<std::string>();
        const auto want = wanted.find(name);
        if (want == wanted.end())
            throw bad("unknown input '" + name + "' (expected features, scales, channels)");
        if (specs.count(name))
            throw bad("input '" + name + "' given twice");
        TensorSpec spec;
        if (!input.contains("datatype") || !input["datatype"].is_string())
            throw bad("input '" + name + "' needs a \"datatype\"");
        spec.datatype = input["datatype"].get<std::string>();
        if (spec.datatype != want->second)
            throw bad("input '" + name + "' must be " + want->second + ", got " + spec.datatype);
        if (!input.contains("shape") || !input["shape"].is_array())
            throw bad("input '" + name + "' needs a \"shape\" array");
        for (const json& d : input["shape"]) {
            if (!d.is_number_integer() || d.get<int64_t>() < 0 ||
                d.get<int64_t>() > (int64_t(1) << 24))
                throw bad("input '" + name + "': shape dimensions must be integers in 0..2^24");
            spec.shape.push_back(d.get<int64_t>());
        }
        if (auto params = input.find("parameters"); params != input.end() && params->is_object()) {
            if (auto size = params->find("binary_data_size"); size != params->end()) {
                if (!size->is_number_unsigned())
                    throw bad("input '" + name + "': binary_data_size must be a byte count");
                spec.binarySize = size->get<size_t>();
                // Compared with what is left before adding: a sum of sizes must not wrap around.
                if (*spec.binarySize > body.size() - jsonLength - binaryTotal)
                    throw bad("binary tensor data exceeds the body");
                spec.binaryOffset = binaryTotal;
                binaryTotal += *spec.binarySize;
            }
        }
        if (auto data = input.find("data"); data != input.end())
            spec.data = &*data;
        if (spec.binarySize && spec.data)
            throw bad("input '" + name + "' has both \"data\" and binary_data_size");
        if (!spec.binarySize && !spec.data)
            throw bad("input '" + name + "' has neither \"data\" nor binary_data_size");
        specs.emplace(name, std::move(spec));
    }
    for (const auto& [name, type] : wanted)
        if (!specs.count(name))
            throw bad("missing input '" + name + "'");
    if (binaryTotal > 0 && !headerLength)
        throw bad(std::string("binary tensor data needs the ") + kHeaderLength + " header");
    if (headerLength && binaryTotal != body.size() - jsonLength)
        throw bad("binary tensor data is " + std::to_string(body.size() - jsonLength) +
                  " bytes but the inputs declare " + std::to_string(binaryTotal));

    const TensorSpec& features = specs[kFeatures];
    const TensorSpec& scales = specs[kScales];
    const TensorSpec& channels = specs[kChannels];
    if (features.shape.size() != 3 || features.shape[1] != expected.height ||
        features.shape[2] != expected.width)
        throw bad("input 'features' must have shape [k, " + std::to_string(expected.height) + ", " +
                  std::to_string(expected.width) + "], got " + shapeText(features.shape));
    const int64_t k = features.shape[0];
    if (k > expected.channels)
        throw bad("input 'features' has " + std::to_string(k) + " maps but the model has " +
                  std::to_string(expected.channels) + " channels");
    if (scales.shape != std::vector<int64_t>{k})
        throw bad("input 'scales' must have shape [" + std::to_string(k) + "], got " +
                  shapeText(scales.shape));
    if (channels.shape != std::vector<int64_t>{k})
        throw bad("input 'channels' must have shape [" + std::to_string(k) + "], got " +
                  shapeText(channels.shape));

    CompressedFeatures& f = request.features;
    f.shape = expected;
    f.data = readTensor<int8_t>(kFeatures, features, body, jsonLength);
    f.scales = readTensor<float>(kScales, scales, body, jsonLength);
    f.channels = readTensor<int32_t>(kChannels, channels, body, jsonLength);
    try {
        f.validate();
    } catch (const std::invalid_argument& e) {
        throw bad(e.what());
    }

    if (auto params = header.find("parameters"); params != header.end() && params->is_object())
        if (auto b = params->find("binary_data_output"); b != params->end() && b->is_boolean())
            request.binaryOutput = b->get<bool>();
    if (auto outputs = header.find("outputs"); outputs != header.end()) {
        if (!outputs->is_array())
            throw bad("\"outputs\" must be an array");
        for (const json& output : *outputs) {
            if (!output.is_object() || !output.contains("name") || output["name"] != kLogits)
                throw bad(std::string("unknown output requested (the only output is '") + kLogits +
                          "')");
            if (auto params = output.find("parameters");
                params != output.end() && params->is_object())
                if (auto b = params->find("binary_data"); b != params->end() && b->is_boolean())
                    request.binaryOutput = b->get<bool>();
        }
    }
    return request;
}

InferenceProtocol::Body InferenceProtocol::encodeResponse(const std::string& modelName,
                                                          const std::string& id,
                                                          const std::vector<float>& logits,
                                                          bool binaryOutput, double computeMs,
                                                          double wallMs) {
    json output = {{"name", kLogits}, {"datatype", "FP32"}, {"shape", {int64_t(logits.size())}}};
    if (binaryOutput)
        output["parameters"] = {{"binary_data_size", logits.size() * sizeof(float)}};
    else
        output["data"] = logits;
    json response = {{"model_name", modelName}, {"model_version", kVersion}, {"outputs", {output}}};
    if (!id.empty())
        response["id"] = id;
    if (computeMs >= 0)
        response["parameters"] = {{"compute_ms", computeMs}};
    if (wallMs >= 0)
        response["parameters"]["wall_ms"] = wallMs;
    Body body;
    body.data = dumpJson(response);
    if (binaryOutput) {
        body.headerLength = body.data.size();
        body.data.append(reinterpret_cast<const char*>(logits.data()),
                         logits.size() * sizeof(float));
    }
    return body;
}

InferenceProtocol::Response InferenceProtocol::decodeResponse(const std::string& body,
                                                              std::optional<size_t> headerLength) {
    using std::runtime_error;
    const size_t jsonLength = headerLength.value_or(body.size());
    if (jsonLength > body.size())
        throw runtime_error("response header length exceeds the body");
    json header;
    try {
        header = json::parse(body.substr(0, jsonLength));
    } catch (const json::exception& e) { // parse_error, or out_of_range for a number like 1e999
        throw runtime_error(std::string("response is not valid JSON: ") + e.what());
    }
    if (!header.is_object())
        throw runtime_error("response is not a JSON object");
    Response response;
    if (auto params = header.find("parameters"); params != header.end() && params->is_object())
        if (auto ms = params->find("compute_ms"); ms != params->end() && ms->is_number())
            if (const double v = ms->get<double>(); std::isfinite(v) && v >= 0)
                response.computeMs = v;
    if (auto params = header.find("parameters"); params != header.end() && params->is_object())
        if (auto ms = params->find("wall_ms"); ms != params->end() && ms->is_number())
            if (const double v = ms->get<double>(); std::isfinite(v) && v >= 0)
                response.wallMs = v;
    const auto outputs = header.find("outputs");
    if (outputs == header.end() || !outputs->is_array())
        throw runtime_error("response has no \"outputs\" array");
    size_t offset = jsonLength; // where the next output's binary data starts; <= body.size()
    for (const json& output : *outputs) {
        if (!output.is_object())
            throw runtime_error("response output is not an object");
        std::optional<size_t> binarySize;
        if (auto params = output.find("parameters"); params != output.end() && params->is_object())
            if (auto size = params->find("binary_data_size");
                size != params->end() && size->is_number_unsigned())
                binarySize = size->get<size_t>();
        // Checked against what is left, before any offset arithmetic: sizes must not wrap around.
        if (binarySize && *binarySize > body.size() - offset)
            throw runtime_error("response binary data exceeds the body");
        const auto name = output.find("name");
        if (name == output.end() || *name != kLogits) {
            offset += binarySize.value_or(0);
            continue;
        }
        const auto datatype = output.find("datatype");
        if (datatype == output.end() || *datatype != "FP32")
            throw runtime_error("response logits are not FP32");
        const auto shape = output.find("shape");
        if (shape == output.end() || !shape->is_array() || shape->empty())
            throw runtime_error("response logits have an invalid shape");
        int64_t count = 1;
        for (const json& d : *shape) {
            // Bounded before multiplying, so the product cannot overflow.
            if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > kMaxLogits)
                throw runtime_error("response logits have an invalid shape");
            count *= d.get<int64_t>();
            if (count > kMaxLogits)
                throw runtime_error("response logits have an invalid shape");
        }
        response.logits.resize(static_cast<size_t>(count));
        if (binarySize) {
            if (*binarySize != size_t(count) * sizeof(float))
                throw runtime_error("response binary logits have the wrong size");
            if (count > 0)
                std::memcpy(response.logits.data(), body.data() + offset, *binarySize);
        } else {
            const auto data = output.find("data");
            if (data == output.end() || !data->is_array() || data->size() != size_t(count))
                throw runtime_error("response logits have no data of the declared shape");
            for (size_t i = 0; i < response.logits.size(); ++i) {
                const json& v = (*data)[i];
                // As double first: a value beyond float's range would be undefined as a float.
                if (!v.is_number() ||
                    !(std::fabs(v.get<double>()) <= std::numeric_limits<float>::max()))
                    throw runtime_error("response logits are not finite float numbers");
                response.logits[i] = float(v.get<double>());
            }
        }
        return response;
    }
    throw runtime_error(std::string("response has no '") + kLogits + "' output");
}

} // namespace dvfo
