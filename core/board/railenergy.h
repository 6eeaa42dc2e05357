#pragma once
#include <map>
#include <string>
#include <vector>

namespace dvfo {

// One reading of every rail, stamped with when it was taken (seconds on any steady clock).
struct TimedRailSample {
    double tS = 0;
    std::map<std::string, double> mw;
};

// The energy of a measurement window from its time-stamped rail readings.
struct RailEnergy {
    int samples = 0;                        // readings inside the window
    double windowS = 0;                     // end - begin
    std::map<std::string, double> energyMj; // per rail over the whole window
    std::map<std::string, double> meanMw;   // energyMj / windowS: the time-weighted mean power
};

// Shortest window (ms) whose energy rests on enough rail readings: max(20 ms, 10 update
// intervals). An INA3221 publishes one averaged value per interval, so 10 of them bound the
// error of the window's two edges to about a tenth; 20 ms keeps fast rails above timer noise.
double minimumMeasurementWindowMs(double railUpdateIntervalMs);

// Integrates `samples` (sorted by time) over [beginS, endS] with sample-and-hold: each reading
// counts until the next one, the first from beginS (the sampler reads once when the window
// opens), the last until endS. Hold rather than trapezoid because the sensor's output is itself
// a held value: an INA3221 publishes the mean of its last conversion interval and keeps it until
// the next, so the true signal the sampler sees is a staircase; a trapezoid would invent a ramp
// between two conversion results that never existed. Readings before beginS or after endS are
// ignored; with none inside the window, energy is 0 and samples is 0.
RailEnergy integrateRailEnergy(const std::vector<TimedRailSample>& samples, double beginS,
                               double endS);

} // namespace dvfo
