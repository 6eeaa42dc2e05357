#include "core/dnn/channelsplit.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace dvfo {

int32_t ChannelSplit::keptCount(int32_t channels, double share) {
    if (channels < 1)
        throw std::invalid_argument("channel split: need at least one channel");
    if (!(share >= 0.0 && share <= 1.0))
        throw std::invalid_argument("channel split: offload share must be in [0, 1], got " +
                                    std::to_string(share));
    return int32_t(std::clamp<long>(std::lround((1.0 - share) * double(channels)), 0, channels));
}

ChannelSplit ChannelSplit::rank(const float* attentionWeights, int32_t channels, double share) {
    const int32_t keep = keptCount(channels, share);
    std::vector<int32_t> order(static_cast<size_t>(channels));
    std::iota(order.begin(), order.end(), 0);
    // stable_sort keeps equal weights in index order: the same input always splits the same way,
    // on the edge and in the evaluation.
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return attentionWeights[a] > attentionWeights[b];
    });
    ChannelSplit split;
    split.channels = channels;
    split.kept.assign(order.begin(), order.begin() + keep);
    split.offloaded.assign(order.begin() + keep, order.end());
    return split;
}

std::vector<uint8_t> ChannelSplit::keepMask() const {
    std::vector<uint8_t> mask(size_t(channels), 0);
    for (int32_t c : kept)
        mask[size_t(c)] = 1;
    return mask;
}

} // namespace dvfo
