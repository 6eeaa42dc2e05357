#pragma once
#include "core/emulationmodel.h"
#include "remote/edge/boardhal.h"

#include <map>
#include <mutex>
#include <optional>

namespace dvfo {

// A Jetson modelled on this machine: clocks are state, power comes from EmulationModel, and a
// profiled unit's latency is the board's roofline for its kind of unit (see EmulationModel); its
// real LibTorch run here only gives the spread around that median.
// Every record it produces is marked emulated.
class EmulatedBoard : public BoardHal {
public:
    // `host` is measured lazily (LibTorch, ~0.3 s) unless given, so probes stay instant.
    explicit EmulatedBoard(BoardSpec spec, std::optional<HostCalibration> host = std::nullopt);

    const BoardSpec& spec() const override { return model_.spec(); }
    bool emulated() const override { return true; }
    FrequencyTuple currentFrequencies() override;
    void setFrequencies(const FrequencyTuple& t) override;
    std::vector<RailReading> readPower() override;
    nlohmann::json governors() override;
    void restore() override;
    void beginMeasurement() override {}
    LayerRecord finishMeasurement(const LayerInfo& layer, const std::vector<double>& hostSeconds) override;
    PhaseCost measurePhase(const std::vector<LayerInfo>& units, const std::function<void()>& work) override;

    const EmulationModel& model() const { return model_; }
    const HostCalibration& hostCalibration();

private:
    EmulationModel model_;
    std::optional<HostCalibration> host_;
    std::mutex mutex_;
    FrequencyTuple current_;
    bool pinned_ = false;
};

} // namespace dvfo
