#include "bench/support/syntheticprofile.h"
#include "core/profile/layerrecord.h"

#include <string>

namespace dvfo::bench {

std::vector<int64_t> threeOf(const std::vector<int64_t>& t) {
    return {t.front(), t[t.size() / 2], t.back()};
}

ProfileTable syntheticProfile(const BoardSpec& board, int layers) {
    std::vector<LayerRecord> records;
    for (int64_t c : threeOf(board.cpu.frequenciesKhz))
        for (int64_t g : threeOf(board.gpu.frequenciesKhz))
            for (int64_t m : threeOf(board.emc.frequenciesKhz))
                for (int l = 0; l < layers; ++l) {
                    LayerRecord r;
                    r.tuple = {c, g, m};
                    r.layerIndex = l;
                    r.layerName = "l" + std::to_string(l);
                    r.latency.medianMs = 1e3 / double(c) + 3e5 / double(g) + 4e5 / double(m);
                    r.totalEnergyMj = r.latency.medianMs * (4 + 1e-6 * double(c + g + m));
                    records.push_back(r);
                }
    return ProfileTable(board, "synthetic", records);
}

std::vector<LayerInfo> syntheticLayers(int layers) {
    std::vector<LayerInfo> out(static_cast<size_t>(layers));
    for (int l = 0; l < layers; ++l) {
        out[size_t(l)].name = "l" + std::to_string(l);
        out[size_t(l)].flops = 1000;
        out[size_t(l)].outputShape = {1, 128, 28, 28};
    }
    return out;
}

} // namespace dvfo::bench
