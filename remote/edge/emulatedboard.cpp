#include "remote/edge/emulatedboard.h"

#include <chrono>
#include <cmath>
#include <thread>

#include "core/board/clockswitchtimes.h"

#include "core/emulation/hostcalibration.h"
#include "core/profile/latencystats.h"

namespace dvfo {

namespace {
// Mains-powered INA3221 rails sit at 5 V on Jetson carrier boards; voltage only matters for
// the mV/mA columns a real board shows next to mW.
constexpr double kRailMillivolts = 5000.0;

std::vector<std::string> railNames(const BoardSpec& spec) {
    std::vector<std::string> names;
    for (const auto& r : spec.rails)
        names.push_back(r.name);
    return names;
}
} // namespace

EmulatedBoard::EmulatedBoard(BoardSpec spec, std::optional<HostCalibration> host)
    : model_(std::move(spec)), host_(host), current_(model_.spec().maxTuple()),
      rails_(railNames(model_.spec()), kDefaultRailUpdateIntervalMs / 1e3) {}

void EmulatedBoard::setRailUpdateIntervalMs(double ms) {
    rails_ = Ina3221Emulator(railNames(model_.spec()), ms / 1e3);
    railIntervalMs_ = ms;
    measuring_ = false;
    samples_.clear();
    nextSampleS_ = 0;
}

double EmulatedBoard::unitRan(const LayerInfo& layer, double /*hostSeconds*/) {
    // The board's time is the model's; this machine's run only shapes the latency spread.
    const FrequencyTuple t = currentFrequencies();
    const double k = EmulationModel::kindEfficiency(layer.kind);
    const double seconds = model_.timing(layer, t, k).totalS;
    rails_.draw(model_.railPowerMw(layer, t, k), seconds);
    const double periodS = kRailSamplePeriodMs / 1e3;
    if (!measuring_) {
        nextSampleS_ = (std::floor(rails_.now() / periodS) + 1) * periodS;
        return seconds;
    }
    for (; nextSampleS_ <= rails_.now(); nextSampleS_ += periodS)
        samples_.push_back({nextSampleS_, rails_.reading(nextSampleS_)});
    return seconds;
}

void EmulatedBoard::beginMeasurement() {
    const double now = rails_.now();
    rails_.forgetBefore(now);
    measuring_ = true;
    windowBeginS_ = now;
    // Like RailSampler, one reading as the window opens, then one per sample period.
    samples_.assign(1, {now, rails_.reading(now)});
    const double periodS = kRailSamplePeriodMs / 1e3;
    nextSampleS_ = (std::floor(now / periodS) + 1) * periodS;
}

const HostCalibration& EmulatedBoard::hostCalibration() {
    if (!host_)
        host_ = measureHostCalibration();
    return *host_;
}

FrequencyTuple EmulatedBoard::currentFrequencies() {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
}

void EmulatedBoard::setFrequencies(const FrequencyTuple& t) {
    model_.spec().validate(t);
    // Like a Jetson, the call returns once the changed clocks have settled (the switching
    // model's time), and until then the old clocks read back.
    const double ms = ClockSwitchTimes::boardModel(model_.spec()).switchMs(currentFrequencies(), t);
    if (ms > 0)
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(ms));
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = t;
    pinned_ = true;
}

PhaseCost EmulatedBoard::switchFrequencies(const FrequencyTuple& t) {
    const double ms = ClockSwitchTimes::boardModel(model_.spec()).switchMs(currentFrequencies(), t);
    setFrequencies(t);
    return {ms, model_.totalPowerMw(model_.idlePowerMw(t)) * ms * 1e-3};
}

std::vector<RailReading> EmulatedBoard::readPower() {
    const auto mw = model_.idlePowerMw(currentFrequencies());
    std::vector<RailReading> out;
    for (const auto& rail : model_.spec().rails) {
        const double p = mw.at(rail.name);
        out.push_back({rail.name, p, kRailMillivolts, p / kRailMillivolts * 1000.0});
    }
    return out;
}

std::vector<ThermalReading> EmulatedBoard::readThermal() {
    // Driven by the power readPower() reports: idle at the clocks in force.
    const double mw = model_.totalPowerMw(model_.idlePowerMw(currentFrequencies()));
    const double nowS =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    std::lock_guard<std::mutex> lock(mutex_);
    return thermal_.read(mw, nowS);
}

nlohmann::json EmulatedBoard::governors() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pinned_)
        return {{"cpu", "userspace"}, {"gpu", "userspace"}, {"emc", "locked"}};
    return {{"cpu", "schedutil"}, {"gpu", "nvhost_podgov"}, {"emc", "auto"}};
}

void EmulatedBoard::restore() {
    std::lock_guard<std::mutex> lock(mutex_);
    // Governor-controlled boards idle at their top operating point when loaded: report that.
    current_ = model_.spec().maxTuple();
    pinned_ = false;
}

LayerRecord EmulatedBoard::finishMeasurement(const LayerInfo& layer,
                                             const std::vector<double>& hostSeconds) {
    const LatencyStats host = computeLatencyStats(hostSeconds);
    const FrequencyTuple t = currentFrequencies();
    const double k = EmulationModel::kindEfficiency(layer.kind);
    const auto timing = model_.timing(layer, t, k);
    LayerRecord r;
    r.tuple = t;
    r.layerName = layer.name;
    r.kind = layer.kind;
    r.emulated = true;
    // The median follows the model; the spread keeps the shape of the real run's jitter.
    const double medianMs = timing.totalS * 1e3;
    const double scale = host.medianMs > 0 ? medianMs / host.medianMs : 1.0;
    r.latency = {medianMs, host.p10Ms * scale, host.p90Ms * scale, host.n};
    r.powerMw = model_.railPowerMw(layer, t, k);
    if (measuring_ && rails_.now() > windowBeginS_) {
        // What the emulated INA3221 showed over the window, as a real board would report it.
        const RailEnergy e = integrateRailEnergy(samples_, windowBeginS_, rails_.now());
        r.powerMw = e.meanMw;
        r.powerSamples = e.samples;
        r.windowMs = e.windowS * 1e3;
    }
    measuring_ = false;
    samples_.clear();
    for (const auto& [rail, mw] : r.powerMw)
        r.energyMj[rail] = mw * timing.totalS; // mW * s = mJ
    r.totalEnergyMj = model_.totalPowerMw(r.powerMw) * timing.totalS;
    return r;
}

PhaseCost EmulatedBoard::measurePhase(const std::vector<LayerInfo>& units,
                                      const std::function<void()>& work) {
    const auto t0 = std::chrono::steady_clock::now();
    work(); // for the logits; the board's time is the model's
    const FrequencyTuple t = currentFrequencies();
    if (units.empty()) { // no zoo description: this machine's time, at the board's idle power
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        return {ms, model_.totalPowerMw(model_.idlePowerMw(t)) * ms * 1e-3};
    }
    PhaseCost c;
    for (const LayerInfo& u : units) {
        c.latencyMs += model_.unitTiming(u, t).totalS * 1e3;
        c.energyMj += model_.unitEnergyMj(u, t);
    }
    return c;
}

} // namespace dvfo
