#pragma once
#include <cstdint>
#include <vector>

namespace dvfo {

// Which channels of one sample stay on the edge and which are offloaded, for an offload share s:
// channels are ranked by their channel-attention weight (highest first; ties by lower index, so
// the ranking is deterministic), the top round((1 - s) * C) are kept, the rest offloaded.
// round() is half away from zero (std::lround), e.g. C = 32, s = 0.25 keeps 24.
struct ChannelSplit {
    int32_t channels = 0;
    std::vector<int32_t> kept;      // highest attention first
    std::vector<int32_t> offloaded; // highest attention first

    // Throws std::invalid_argument for a share outside [0, 1] (or NaN) or channels < 1.
    static int32_t keptCount(int32_t channels, double share);
    static ChannelSplit rank(const float* attentionWeights, int32_t channels, double share);

    // Offloaded fraction actually realised (differs from the requested share by rounding).
    double effectiveShare() const {
        return channels ? double(offloaded.size()) / double(channels) : 0.0;
    }
    // 1 for kept channels, 0 for offloaded ones, indexed by channel.
    std::vector<uint8_t> keepMask() const;
};

} // namespace dvfo
