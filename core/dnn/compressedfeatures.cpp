#include "core/dnn/compressedfeatures.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace dvfo {

namespace {

// Bounds that keep every size computation far from overflow and reject absurd headers before
// anything is allocated.
constexpr int64_t kMaxDimension = 1 << 16;
constexpr int64_t kMaxElements = int64_t(1) << 28;

void checkShape(const FeatureShape& shape) {
    if (shape.channels < 1 || shape.height < 1 || shape.width < 1 ||
        shape.channels > kMaxDimension || shape.height > kMaxDimension ||
        shape.width > kMaxDimension || shape.elements() > kMaxElements)
        throw std::invalid_argument(
            "compressed features: invalid shape " + std::to_string(shape.channels) + "x" +
            std::to_string(shape.height) + "x" + std::to_string(shape.width));
}

void putU32(std::vector<uint8_t>& out, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(uint8_t(v >> (8 * i)));
}

uint32_t getU32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

} // namespace

int8_t CompressedFeatures::quantise(float x, float scale) {
    if (!(scale > 0.0f))
        return 0;
    const float q = std::nearbyint(x / scale);
    return int8_t(std::clamp(q, -127.0f, 127.0f));
}

CompressedFeatures CompressedFeatures::compress(const float* sample, const FeatureShape& shape,
                                                const std::vector<int32_t>& offloaded,
                                                float zeroSkipThreshold) {
    checkShape(shape);
    CompressedFeatures out;
    out.shape = shape;
    const int64_t map = shape.mapSize();
    std::vector<bool> seen(size_t(shape.channels), false);
    out.channels.reserve(offloaded.size());
    out.scales.reserve(offloaded.size());
    out.data.reserve(offloaded.size() * size_t(map));
    for (int32_t c : offloaded) {
        if (c < 0 || c >= shape.channels)
            throw std::invalid_argument("compressed features: channel " + std::to_string(c) +
                                        " out of range 0.." + std::to_string(shape.channels - 1));
        if (seen[size_t(c)])
            throw std::invalid_argument("compressed features: channel " + std::to_string(c) +
                                        " offloaded twice");
        seen[size_t(c)] = true;
        const float* src = sample + int64_t(c) * map;
        float maxAbs = 0.0f;
        for (int64_t i = 0; i < map; ++i)
            maxAbs = std::max(maxAbs, std::fabs(src[i]));
        if (zeroSkipThreshold > 0.0f && maxAbs < zeroSkipThreshold) {
            ++out.skippedChannels;
            continue;
        }
        const float scale = scaleFor(maxAbs);
        out.channels.push_back(c);
        out.scales.push_back(scale);
        for (int64_t i = 0; i < map; ++i)
            out.data.push_back(quantise(src[i], scale));
    }
    return out;
}

void CompressedFeatures::decompressInto(float* dense) const {
    validate();
    const int64_t map = shape.mapSize();
    for (size_t k = 0; k < channels.size(); ++k) {
        float* dst = dense + int64_t(channels[k]) * map;
        const int8_t* src = data.data() + int64_t(k) * map;
        for (int64_t i = 0; i < map; ++i)
            dst[i] = dequantise(src[i], scales[k]);
    }
}

std::vector<float> CompressedFeatures::decompress() const {
    std::vector<float> dense(size_t(std::max<int64_t>(0, shape.elements())), 0.0f);
    decompressInto(dense.data());
    return dense;
}

void CompressedFeatures::validate() const {
    checkShape(shape);
    if (scales.size() != channels.size())
        throw std::invalid_argument("compressed features: " + std::to_string(channels.size()) +
                                    " channels but " + std::to_string(scales.size()) + " scales");
    if (int64_t(channels.size()) > shape.channels)
        throw std::invalid_argument("compressed features: more channels sent than the tensor has");
    if (int64_t(data.size()) != int64_t(channels.size()) * shape.mapSize())
        throw std::invalid_argument("compressed features: payload has " +
                                    std::to_string(data.size()) + " values, expected " +
                                    std::to_string(channels.size()) + " x " +
                                    std::to_string(shape.mapSize()));
    std::vector<bool> seen(size_t(shape.channels), false);
    for (size_t k = 0; k < channels.size(); ++k) {
        const int32_t c = channels[k];
        if (c < 0 || c >= shape.channels)
            throw std::invalid_argument("compressed features: channel index " + std::to_string(c) +
                                        " out of range 0.." + std::to_string(shape.channels - 1));
        if (seen[size_t(c)])
            throw std::invalid_argument("compressed features: channel index " + std::to_string(c) +
                                        " repeated");
        seen[size_t(c)] = true;
        if (!std::isfinite(scales[k]) || scales[k] < 0.0f)
            throw std::invalid_argument("compressed features: invalid scale for channel " +
                                        std::to_string(c));
    }
}

std::vector<uint8_t> CompressedFeatures::encode() const {
    validate();
    std::vector<uint8_t> out;
    out.reserve(kHeaderBytes + size_t(wireBytes()));
    putU32(out, kMagic);
    out.push_back(uint8_t(kVersion & 0xff));
    out.push_back(uint8_t(kVersion >> 8));
    out.push_back(0);
    out.push_back(0);
    putU32(out, uint32_t(shape.channels));
    putU32(out, uint32_t(shape.height));
    putU32(out, uint32_t(shape.width));
    putU32(out, uint32_t(channels.size()));
    for (int32_t c : channels)
        putU32(out, uint32_t(c));
    for (float s : scales) {
        uint32_t bits = 0;
        std::memcpy(&bits, &s, sizeof bits);
        putU32(out, bits);
    }
    for (int8_t q : data)
        out.push_back(uint8_t(q));
    return out;
}

CompressedFeatures CompressedFeatures::decode(const uint8_t* bytes, size_t size) {
    if (size < kHeaderBytes)
        throw std::invalid_argument("compressed features: truncated header (" +
                                    std::to_string(size) + " of " + std::to_string(kHeaderBytes) +
                                    " bytes)");
    if (getU32(bytes) != kMagic)
        throw std::invalid_argument("compressed features: bad magic");
    const uint16_t version = uint16_t(bytes[4] | bytes[5] << 8);
    if (version != kVersion)
        throw std::invalid_argument("compressed features: unsupported version " +
                                    std::to_string(version));
    CompressedFeatures out;
    out.shape.channels = getU32(bytes + 8);
    out.shape.height = getU32(bytes + 12);
    out.shape.width = getU32(bytes + 16);
    checkShape(out.shape);
    const uint64_t count = getU32(bytes + 20);
    if (int64_t(count) > out.shape.channels)
        throw std::invalid_argument("compressed features: " + std::to_string(count) +
                                    " channels sent but the tensor has " +
                                    std::to_string(out.shape.channels));
    const uint64_t expected = kHeaderBytes + count * (8 + uint64_t(out.shape.mapSize()));
    if (size != expected)
        throw std::invalid_argument(
            "compressed features: " + std::string(size < expected ? "truncated" : "oversized") +
            " blob (" + std::to_string(size) + " bytes, expected " + std::to_string(expected) +
            ")");
    const uint8_t* p = bytes + kHeaderBytes;
    out.channels.resize(count);
    for (uint64_t k = 0; k < count; ++k, p += 4)
        out.channels[k] = int32_t(getU32(p));
    out.scales.resize(count);
    for (uint64_t k = 0; k < count; ++k, p += 4) {
        const uint32_t bits = getU32(p);
        std::memcpy(&out.scales[k], &bits, sizeof bits);
    }
    out.data.resize(count * uint64_t(out.shape.mapSize()));
    std::memcpy(out.data.data(), p, out.data.size());
    out.validate();
    return out;
}

} // namespace dvfo
