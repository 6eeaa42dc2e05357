#pragma once
#include "core/dnn/splitexecutor.h"
#include "core/board/boardconditions.h"
#include "core/board/boardspec.h"
#include "core/board/frequencytuple.h"
#include "core/dnn/layerinfo.h"
#include "core/profile/layerrecord.h"

#include <nlohmann/json.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

// A hardware-layer failure with a message fit for the user (path, errno text, what to do).
class HalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct RailReading {
    std::string name;
    double milliwatts = 0;
    double millivolts = 0;
    double milliamps = 0;
};

// One thermal zone: its type as the kernel names it ("CPU-therm", "GPU-therm", ...) and degrees C.
struct ThermalReading {
    std::string type;
    double tempC = 0;
};

// What the agent needs from a board: clocks, power, and the accounting of one profiled unit.
// SysfsBoard talks to real cpufreq/devfreq/EMC/INA3221 files; EmulatedBoard models a Jetson.
class BoardHal {
public:
    virtual ~BoardHal() = default;
    virtual const BoardSpec& spec() const = 0;
    virtual bool emulated() const = 0;

    virtual FrequencyTuple currentFrequencies() = 0;
    // Pins all three clocks. Validates against the spec first (InvalidTupleError).
    virtual void setFrequencies(const FrequencyTuple& t) = 0;
    virtual std::vector<RailReading> readPower() = 0;
    // Thermal zones, for the probe and the live monitor; empty when the board has none.
    virtual std::vector<ThermalReading> readThermal() { return {}; }
    // Module, L4T release, nvpmodel mode and thermal zones (BoardConditions), for the probe and
    // each profiled tuple. This default: the zones of readThermal(), and on emulated boards L4T
    // "emulated" and no nvpmodel. SysfsBoard reads the board's files.
    virtual BoardConditions conditions();
    // Current governors per domain, e.g. {"cpu":"schedutil","gpu":"nvhost_podgov","emc":"auto"}.
    virtual nlohmann::json governors() = 0;
    // Puts back the governors and limits found at start. Safe to call more than once.
    virtual void restore() = 0;

    // Profiling: begin before the timed repetitions of a unit, finish after them with the
    // host-measured durations (seconds). Returns latency stats and per-rail power/energy.
    virtual void beginMeasurement() = 0;
    virtual LayerRecord finishMeasurement(const LayerInfo& layer,
                                          const std::vector<double>& hostSeconds) = 0;

    // How often the rails publish a new reading (ms; an INA3221 averages over this interval and
    // holds the result). 0 when the board does not say. The profiler warms a unit up for two
    // intervals and measures it over max(20 ms, 10 intervals) (minimumMeasurementWindowMs()).
    virtual double railUpdateIntervalMs() { return 0; }
    // Board time (s) of one run of `layer`, warm-up or measured, that took `hostSeconds` here.
    // Real boards: the same, their time is the wall clock. Emulated boards: the model's latency
    // at the clocks in force, and their rails see the unit's power for that long; they accept
    // hostSeconds = 0 for runs the profiler did not execute here (see LayerProfiler).
    virtual double unitRan(const LayerInfo& layer, double hostSeconds) {
        (void)layer;
        return hostSeconds;
    }

    // The runtime: runs `work` (which executes `units`) once and returns what the board spent on
    // it. Real boards: wall time, and the energy of the rails sampled over that window (this
    // default, through begin/finishMeasurement). Emulated boards: the emulation model's cost of
    // `units` at the clocks in force, the same numbers their profile holds.
    virtual PhaseCost measurePhase(const std::vector<LayerInfo>& units,
                                   const std::function<void()>& work);

    // The runtime: pins `t` and returns what the change stalled the board (ms) and the energy
    // meanwhile; nothing when no clock changes. Real boards (this default): the wall time of
    // setFrequencies at the power the rails read after it. Emulated boards: their switching model
    // at the emulation model's idle power at `t`, what DvfoEnvironment charges.
    virtual PhaseCost switchFrequencies(const FrequencyTuple& t);
};

} // namespace dvfo
