#pragma once
// A synthetic profile for the oracle benchmarks: a 3x3x3 grid of the board's tables (lowest,
// middle, highest level per domain) with `layers` layers whose latency falls with every clock,
// interpolated by ProfileTable to every tuple; the split layer's maps are 128x28x28.
#include "core/board/boardspec.h"
#include "core/dnn/layerinfo.h"
#include "core/profile/profiletable.h"

#include <cstdint>
#include <vector>

namespace dvfo::bench {

// Lowest, middle and highest entry of a frequency table.
std::vector<int64_t> threeOf(const std::vector<int64_t>& table);
ProfileTable syntheticProfile(const BoardSpec& board, int layers);
std::vector<LayerInfo> syntheticLayers(int layers);

} // namespace dvfo::bench
