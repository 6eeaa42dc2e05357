// Compiles the interface on its own so that header mistakes show here first.
#include "remote/edge/boardhal.h"

#include <chrono>

namespace dvfo {

BoardConditions BoardHal::conditions() {
    BoardConditions c;
    for (const auto& z : readThermal())
        c.thermalZones.push_back({z.type, z.tempC});
    if (emulated()) {
        c.boardModel = spec().name + " (emulated)";
        c.l4tRelease = "emulated";
        c.note =
            "emulated board: no L4T release or nvpmodel mode; temperatures from its thermal model";
    }
    return c;
}

PhaseCost BoardHal::measurePhase(const std::vector<LayerInfo>& units,
                                 const std::function<void()>& work) {
    LayerInfo phase;
    phase.name = units.empty() ? "phase" : units.front().name + ".." + units.back().name;
    phase.kind = "phase";
    beginMeasurement();
    const auto t0 = std::chrono::steady_clock::now();
    try {
        work();
    } catch (...) {
        finishMeasurement(phase, {1e-9});
        throw;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    try {
        const LayerRecord r = finishMeasurement(phase, {s});
        return {s * 1e3, r.totalEnergyMj};
    } catch (const HalError&) {
        // A board without readable rails still serves; its inferences report no energy.
        return {s * 1e3, 0.0};
    }
}

PhaseCost BoardHal::switchFrequencies(const FrequencyTuple& t) {
    const FrequencyTuple before = currentFrequencies();
    const auto t0 = std::chrono::steady_clock::now();
    setFrequencies(t);
    if (before == t)
        return {};
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    double total = 0, input = -1;
    try {
        const std::string inputRail = spec().inputRail();
        for (const RailReading& r : readPower()) {
            total += r.milliwatts;
            if (r.name == inputRail)
                input = r.milliwatts;
        }
    } catch (const HalError&) {
        return {ms, 0.0}; // no readable rails: the stall is still charged
    }
    return {ms, (input >= 0 ? input : total) * ms * 1e-3};
}

} // namespace dvfo
