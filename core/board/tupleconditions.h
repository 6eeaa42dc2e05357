#pragma once
#include "core/board/boardconditions.h"
#include "core/board/frequencytuple.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace dvfo {

// How the board was while one tuple was profiled: the temperatures at the end of its units and
// whether the clocks in force still were the pinned ones. A pinned clock that reads back lower
// means the thermal (or power) governor capped it, so the tuple's latencies and energies belong
// to another operating point than its name says.
struct TupleConditions {
    FrequencyTuple pinned;
    FrequencyTuple inForce; // read back after the tuple's last unit; {} when not read
    bool throttled = false;
    std::vector<std::string> throttledDomains; // "cpu", "gpu", "emc" whose clock differed
    std::vector<ThermalZoneReading> thermalZones;

    // Read-back clocks within this fraction of the pinned one count as the pinned clock: some
    // kernels report the PLL's rounded rate (a few kHz off), which is not throttling.
    static constexpr double kTolerance = 0.005;

    // Compares the clocks in force with the pinned tuple and keeps the temperatures.
    static TupleConditions observe(const FrequencyTuple& pinned, const FrequencyTuple& inForce,
                                   std::vector<ThermalZoneReading> zones);

    double maxTempC() const { return maxTemperatureC(thermalZones); } // NaN without zones

    // {"tuple", "inForce", "throttled", "throttledDomains", "thermalZones", "maxTempC"}
    nlohmann::json toJson() const;
    // Throws std::runtime_error for malformed input (a bad tuple, wrong types).
    static TupleConditions fromJson(const nlohmann::json& j);
};

} // namespace dvfo
