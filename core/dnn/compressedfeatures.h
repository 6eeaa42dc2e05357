#pragma once
// The offloaded part of a split feature tensor as it travels from the edge board to the cloud:
// int8 feature maps with one symmetric scale per channel and the channel indices they belong to.
// Pure C++ (no torch, no Qt), shared by the edge client, the cloud server and the evaluation.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dvfo {

// Shape of one sample's feature tensor at the split point (CxHxW, no batch).
struct FeatureShape {
    int64_t channels = 0;
    int64_t height = 0;
    int64_t width = 0;

    int64_t mapSize() const { return height * width; }
    int64_t elements() const { return channels * height * width; }
    bool operator==(const FeatureShape& o) const {
        return channels == o.channels && height == o.height && width == o.width;
    }
    bool operator!=(const FeatureShape& o) const { return !(*this == o); }
};

// Quantisation: per channel, scale = max|x| / 127 and q = clamp(round(x / scale), -127, 127)
// (symmetric, -128 unused so that q and -q are both representable); dequantised x' = q * scale,
// so |x - x'| <= scale / 2 up to float rounding. A channel of zeros has scale 0 and decodes to 0.
// Zero-skipping: with a threshold t > 0, an offloaded channel whose max|x| < t is not sent at all
// (the cloud sees zeros there); t <= 0 disables it.
//
// Bytes on the wire (wireBytes): exactly the three tensors the cloud receives:
//   int8 payload (H*W per sent channel) + float32 scales (4 per sent channel)
//   + int32 channel indices (4 per sent channel).
// encode() adds a fixed 24-byte header (magic, version, C, H, W, count) for a self-describing
// blob; the HTTP transport sends the three tensors instead and carries C, H, W in the model's
// metadata.
struct CompressedFeatures {
    FeatureShape shape;            // the full tensor on the edge
    std::vector<int32_t> channels; // indices of the sent channels, in send order
    std::vector<float> scales;     // one per sent channel
    std::vector<int8_t> data;      // channels.size() maps of H*W values, in the order of `channels`
    int32_t skippedChannels = 0;   // offloaded but zero-skipped; bookkeeping only, not sent

    static constexpr size_t kHeaderBytes = 24;
    static constexpr uint32_t kMagic = 0x46435644; // "DVCF" little endian
    static constexpr uint16_t kVersion = 1;

    // Compresses the channels `offloaded` of one sample (`sample` holds shape.elements() floats,
    // channel-major). Throws std::invalid_argument for out-of-range or duplicate channels.
    static CompressedFeatures compress(const float* sample, const FeatureShape& shape,
                                       const std::vector<int32_t>& offloaded,
                                       float zeroSkipThreshold = 0.0f);

    static float scaleFor(float maxAbs) { return maxAbs / 127.0f; }
    static int8_t quantise(float x, float scale);
    static float dequantise(int8_t q, float scale) { return float(q) * scale; }

    // Writes the sent channels into `dense` (shape.elements() floats); other channels untouched,
    // so callers zero-initialise it to get "offloaded channels only, others zero".
    void decompressInto(float* dense) const;
    std::vector<float> decompress() const;

    int64_t sentChannels() const { return int64_t(channels.size()); }
    int64_t payloadBytes() const { return int64_t(data.size()); }
    int64_t scaleBytes() const { return int64_t(scales.size() * sizeof(float)); }
    int64_t indexBytes() const { return int64_t(channels.size() * sizeof(int32_t)); }
    int64_t wireBytes() const { return payloadBytes() + scaleBytes() + indexBytes(); }
    // What the same channels would cost as raw float32 maps (no indices): the baseline.
    int64_t float32Bytes() const {
        return sentChannels() * shape.mapSize() * int64_t(sizeof(float));
    }

    // Throws std::invalid_argument unless sizes agree, channels are unique and in range, scales
    // are finite and >= 0 and the shape is sane.
    void validate() const;

    // Little-endian blob: header (magic u32, version u16, reserved u16, C u32, H u32, W u32,
    // count u32), then count int32 indices, count float32 scales, count*H*W int8 values.
    std::vector<uint8_t> encode() const;
    // Throws std::invalid_argument for a truncated, oversized or inconsistent blob.
    static CompressedFeatures decode(const uint8_t* bytes, size_t size);
    static CompressedFeatures decode(const std::vector<uint8_t>& bytes) {
        return decode(bytes.data(), bytes.size());
    }
};

} // namespace dvfo
