#pragma once
#include "remote/edge/boardhal.h"

#include <optional>
#include <vector>

namespace dvfo {

// Plausible temperatures for an emulated board: one first-order thermal node (the module and its
// heat sink) driven by the board's power, T' = (ambient + R * P - T) / tau, stepped exactly
// between readings; the zones are fixed offsets of that node as on a Jetson at rest (CPU hottest,
// the always-on cluster closest to ambient). It starts at the steady state of the first power it
// sees, so a fresh agent does not report a cold board warming up.
class EmulatedThermalModel {
public:
    static constexpr double kAmbientC = 25.0;
    static constexpr double kCelsiusPerWatt = 4.0; // passive heat sink of a Xavier NX devkit
    static constexpr double kTimeConstantS = 40.0;

    // The zones at `nowS` (any monotonic clock, seconds) after the board drew `powerMw` since the
    // previous reading.
    std::vector<ThermalReading> read(double powerMw, double nowS);
    double nodeC() const { return nodeC_.value_or(kAmbientC); }

private:
    std::optional<double> nodeC_;
    double lastS_ = 0;
};

} // namespace dvfo
