#include "support/smallcnnprofile.h"

#include "core/board/boardspec.h"
#include "core/profile/layerrecord.h"

#include <string>
#include <vector>

using namespace dvfo;

ProfileTable smallCnnProfile() {
    const BoardSpec board = BoardSpec::builtin("xavier-nx");
    const std::vector<std::string> units = {"conv1", "pool1", "conv2", "pool2", "fc1", "fc2"};
    std::vector<LayerRecord> records;
    for (int64_t c : {board.cpu.frequenciesKhz.front(), board.cpu.frequenciesKhz.back()})
        for (int64_t g : {board.gpu.frequenciesKhz.front(), board.gpu.frequenciesKhz.back()})
            for (int64_t m : {board.emc.frequenciesKhz.front(), board.emc.frequenciesKhz.back()})
                for (size_t i = 0; i < units.size(); ++i) {
                    LayerRecord r;
                    r.tuple = {c, g, m};
                    r.layerIndex = int(i);
                    r.layerName = units[i];
                    r.kind = "conv";
                    r.latency.medianMs =
                        (i + 1) * (2e2 / double(c) + 3e5 / double(g) + 2e5 / double(m));
                    r.latency.n = 1;
                    r.totalEnergyMj =
                        r.latency.medianMs * (5 + 3e-6 * double(g) + 1e-6 * double(m));
                    records.push_back(r);
                }
    return ProfileTable(board, "small_cnn", records);
}
