#include "remote/edge/fixedruntimepolicy.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace dvfo {

namespace {
int levelOf(const std::vector<int64_t>& table, int64_t khz) {
    return int(std::find(table.begin(), table.end(), khz) - table.begin());
}
} // namespace

FixedRuntimePolicy::FixedRuntimePolicy(const nlohmann::json& sidecar, const BoardSpec& board) {
    const std::string tuple = sidecar.value("tuple", std::string("max"));
    if (tuple == "max")
        decision_.tuple = {board.cpu.frequenciesKhz.back(), board.gpu.frequenciesKhz.back(),
                           board.emc.frequenciesKhz.back()};
    else if (tuple == "min")
        decision_.tuple = {board.cpu.frequenciesKhz.front(), board.gpu.frequenciesKhz.front(),
                           board.emc.frequenciesKhz.front()};
    else {
        try {
            decision_.tuple = FrequencyTuple::parse(tuple);
            board.validate(decision_.tuple);
        } catch (const std::exception& e) {
            throw std::runtime_error("fixed policy: tuple '" + tuple + "' is not usable on " +
                                     board.id + ": " + e.what());
        }
    }
    decision_.share = sidecar.value("share", 0.0);
    if (!(decision_.share >= 0.0 && decision_.share <= 1.0))
        throw std::runtime_error("fixed policy: share " + std::to_string(decision_.share) +
                                 " is outside [0, 1]");
    decision_.action = {levelOf(board.cpu.frequenciesKhz, decision_.tuple.cpuKhz),
                        levelOf(board.gpu.frequenciesKhz, decision_.tuple.gpuKhz),
                        levelOf(board.emc.frequenciesKhz, decision_.tuple.emcKhz),
                        int(decision_.share * 10 + 0.5)};
}

std::string FixedRuntimePolicy::describe() const {
    std::ostringstream s;
    s << "fixed " << decision_.tuple.toString() << " share " << decision_.share;
    return s.str();
}

} // namespace dvfo
