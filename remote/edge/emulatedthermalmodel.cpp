#include "remote/edge/emulatedthermalmodel.h"

#include <algorithm>
#include <cmath>

namespace dvfo {

std::vector<ThermalReading> EmulatedThermalModel::read(double powerMw, double nowS) {
    const double steadyC = kAmbientC + kCelsiusPerWatt * std::max(0.0, powerMw) / 1e3;
    if (!nodeC_) {
        nodeC_ = steadyC;
    } else {
        const double dt = std::max(0.0, nowS - lastS_);
        *nodeC_ += (steadyC - *nodeC_) * (1 - std::exp(-dt / kTimeConstantS));
    }
    lastS_ = nowS;
    const double t = *nodeC_;
    return {{"CPU-therm", t + 1.5},
            {"GPU-therm", t + 0.5},
            {"SOC-therm", t + 1.0},
            {"AO-therm", kAmbientC + 0.7 * (t - kAmbientC)}};
}

} // namespace dvfo
