#include "support/syntheticsession.h"
#include "core/board/boardspec.h"
#include "core/profile/layerrecord.h"
#include "core/profile/sessioninfo.h"

#include <vector>

int64_t storeSyntheticResnet18Session(dvfo::ProfileStore& store) {
    using namespace dvfo;
    static const char* const units[] = {"stem",     "maxpool",  "layer1.0", "layer1.1",
                                        "layer2.0", "layer2.1", "layer3.0", "layer3.1",
                                        "layer4.0", "layer4.1", "avgpool",  "fc"};
    const BoardSpec nx = BoardSpec::builtin("xavier-nx");
    SessionInfo info;
    info.boardId = "xavier-nx";
    info.boardName = "emulated:xavier-nx";
    info.model = "resnet18";
    const int64_t session = store.createSession(info);
    for (int64_t c : {nx.cpu.frequenciesKhz.front(), nx.cpu.frequenciesKhz.back()})
        for (int64_t g : {nx.gpu.frequenciesKhz.front(), nx.gpu.frequenciesKhz.back()})
            for (int64_t m : {nx.emc.frequenciesKhz.front(), nx.emc.frequenciesKhz.back()}) {
                std::vector<LayerRecord> layers;
                for (int l = 0; l < 12; ++l) {
                    LayerRecord r;
                    r.tuple = {c, g, m};
                    r.layerIndex = l;
                    r.layerName = units[l];
                    r.latency.medianMs = 2e2 / double(c) + 4e5 / double(g) + 3e5 / double(m);
                    r.latency.n = 5;
                    r.totalEnergyMj = r.latency.medianMs * (4.3 + 2e-6 * double(c + g + m));
                    layers.push_back(r);
                }
                store.addCompletedTuple(session, {c, g, m}, layers);
            }
    return session;
}
