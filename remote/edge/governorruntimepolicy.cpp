#include "remote/edge/governorruntimepolicy.h"

#include "core/rl/baselinepolicies.h"

#include <algorithm>

namespace dvfo {

GovernorRuntimePolicy::GovernorRuntimePolicy(const nlohmann::json& j, const BoardSpec& board)
    : board_(board) {
    if (j.value("governor", std::string("ondemand")) != "ondemand")
        throw std::runtime_error("governor policy: only 'ondemand' is supported");
    upThreshold_ = j.value("upThreshold", 0.8);
    if (!(upThreshold_ > 0 && upThreshold_ <= 1))
        throw std::runtime_error("governor policy: upThreshold must be in (0, 1]");
}

RuntimeDecision GovernorRuntimePolicy::initial() const {
    RuntimeDecision d;
    d.action = {int(board_.cpu.frequenciesKhz.size()) - 1,
                int(board_.gpu.frequenciesKhz.size()) - 1,
                int(board_.emc.frequenciesKhz.size()) - 1, 0};
    d.tuple = {board_.cpu.frequenciesKhz.back(), board_.gpu.frequenciesKhz.back(),
               board_.emc.frequenciesKhz.back()};
    return d;
}

RuntimeDecision GovernorRuntimePolicy::decide(const RuntimeObservation& o) {
    if (first_) { // nothing measured yet: keep the start clocks
        first_ = false;
        return initial();
    }
    const double load = o.periodMs > 0 ? std::min(1.0, o.lastBusyMs / o.periodMs) : 1.0;
    RuntimeDecision d;
    const int c =
        OndemandGovernorPolicy::ondemandLevel(board_.cpu.frequenciesKhz, load, upThreshold_);
    const int g =
        OndemandGovernorPolicy::ondemandLevel(board_.gpu.frequenciesKhz, load, upThreshold_);
    const int m =
        OndemandGovernorPolicy::ondemandLevel(board_.emc.frequenciesKhz, load, upThreshold_);
    d.action = {c, g, m, 0};
    d.tuple = {board_.cpu.frequenciesKhz[size_t(c)], board_.gpu.frequenciesKhz[size_t(g)],
               board_.emc.frequenciesKhz[size_t(m)]};
    return d;
}

} // namespace dvfo
