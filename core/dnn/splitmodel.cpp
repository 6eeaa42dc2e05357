// The torch-free parts of SplitModel (core/dnn/splitmodel.h).
#include "core/dnn/splitmodel.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dvfo {

std::vector<float> SplitModel::edgeTailOnKept(const std::vector<float>& features,
                                              const std::vector<int32_t>&) const {
    return edgeTail(features, 1);
}

std::vector<LayerInfo> SplitModel::edgeTailUnits(int keptChannels) const {
    std::vector<LayerInfo> units = tailUnits();
    if (!units.empty())
        units.front() = unitOnKeptChannels(units.front(), keptChannels, featureShape().channels);
    return units;
}

LayerInfo unitOnKeptChannels(const LayerInfo& unit, int keptChannels, int64_t channels) {
    if (channels <= 0 || keptChannels < 0 || keptChannels > channels)
        throw std::invalid_argument("kept channels " + std::to_string(keptChannels) +
                                    " outside [0, " + std::to_string(channels) + "]");
    LayerInfo out = unit;
    const double dropped = double(channels - keptChannels) / double(channels);
    out.flops -= int64_t(std::llround(double(unit.inputChannelFlops) * dropped));
    out.inputChannelFlops -= int64_t(std::llround(double(unit.inputChannelFlops) * dropped));
    out.paramBytes -= int64_t(std::llround(double(unit.inputChannelParamBytes) * dropped));
    out.inputChannelParamBytes -=
        int64_t(std::llround(double(unit.inputChannelParamBytes) * dropped));
    return out;
}

} // namespace dvfo
