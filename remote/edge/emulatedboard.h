#pragma once
#include "core/emulation/emulationmodel.h"
#include "core/board/ina3221emulator.h"
#include "core/board/railenergy.h"
#include "remote/edge/boardhal.h"
#include "remote/edge/emulatedthermalmodel.h"

#include <map>
#include <mutex>
#include <optional>

namespace dvfo {

// A Jetson modelled on this machine: clocks are state, power comes from EmulationModel, and a
// profiled unit's latency is the board's roofline for its kind of unit (see EmulationModel); its
// real LibTorch run here only gives the spread around that median.
// Every record it produces is marked emulated.
//
// Its rails behave like an INA3221 in board time (Ina3221Emulator): each unit run the profiler
// reports through unitRan() draws the unit's modelled power for the unit's modelled latency, and
// a measurement's power is integrated from readings taken every millisecond of board time, so
// the profiler's window strategy meets the same averaging and lag as on a Jetson.
class EmulatedBoard : public BoardHal {
public:
    // The mainline ina3221 driver's power-on configuration: 3 channels x (1.1 ms bus + 1.1 ms
    // shunt conversion) x 1 sample (docs/emulation.md).
    static constexpr double kDefaultRailUpdateIntervalMs = 6.6;
    static constexpr double kRailSamplePeriodMs = 1.0; // as SysfsBoard's RailSampler

    // `host` is measured lazily (LibTorch, ~0.3 s) unless given, so probes stay instant.
    explicit EmulatedBoard(BoardSpec spec, std::optional<HostCalibration> host = std::nullopt);

    const BoardSpec& spec() const override { return model_.spec(); }
    bool emulated() const override { return true; }
    FrequencyTuple currentFrequencies() override;
    void setFrequencies(const FrequencyTuple& t) override;
    std::vector<RailReading> readPower() override;
    std::vector<ThermalReading> readThermal() override; // EmulatedThermalModel
    nlohmann::json governors() override;
    void restore() override;
    void beginMeasurement() override;
    LayerRecord finishMeasurement(const LayerInfo& layer,
                                  const std::vector<double>& hostSeconds) override;
    double railUpdateIntervalMs() override { return railIntervalMs_; }
    double unitRan(const LayerInfo& layer, double hostSeconds) override;
    // Tests and studies of the window strategy: restarts the rails' history.
    void setRailUpdateIntervalMs(double ms);
    PhaseCost measurePhase(const std::vector<LayerInfo>& units,
                           const std::function<void()>& work) override;
    // The switching model's time (ClockSwitchTimes::boardModel) at the model's idle power at `t`.
    PhaseCost switchFrequencies(const FrequencyTuple& t) override;

    const EmulationModel& model() const { return model_; }
    const HostCalibration& hostCalibration();

private:
    EmulationModel model_;
    std::optional<HostCalibration> host_;
    std::mutex mutex_;
    FrequencyTuple current_;
    bool pinned_ = false;
    EmulatedThermalModel thermal_; // under mutex_

    // Profiling thread only (begin/finishMeasurement, unitRan).
    double railIntervalMs_ = kDefaultRailUpdateIntervalMs;
    Ina3221Emulator rails_;
    bool measuring_ = false;
    double windowBeginS_ = 0;
    double nextSampleS_ = 0;
    std::vector<TimedRailSample> samples_;
};

} // namespace dvfo
