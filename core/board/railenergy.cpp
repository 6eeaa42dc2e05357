#include "core/board/railenergy.h"

#include <algorithm>

namespace dvfo {

double minimumMeasurementWindowMs(double railUpdateIntervalMs) {
    return std::max(20.0, 10.0 * std::max(0.0, railUpdateIntervalMs));
}

RailEnergy integrateRailEnergy(const std::vector<TimedRailSample>& samples, double beginS,
                               double endS) {
    RailEnergy e;
    e.windowS = std::max(0.0, endS - beginS);
    std::vector<const TimedRailSample*> inside;
    for (const auto& s : samples)
        if (s.tS >= beginS && s.tS <= endS)
            inside.push_back(&s);
    e.samples = int(inside.size());
    if (inside.empty() || e.windowS <= 0)
        return e;
    for (size_t i = 0; i < inside.size(); ++i) {
        // The first reading also covers the moment between the window opening and itself.
        const double from = i == 0 ? beginS : inside[i]->tS;
        const double to = i + 1 < inside.size() ? inside[i + 1]->tS : endS;
        for (const auto& [rail, mw] : inside[i]->mw)
            e.energyMj[rail] += mw * (to - from); // mW x s = mJ
    }
    for (const auto& [rail, mj] : e.energyMj)
        e.meanMw[rail] = mj / e.windowS;
    return e;
}

} // namespace dvfo
