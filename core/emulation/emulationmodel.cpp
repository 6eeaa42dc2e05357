#include "core/emulation/emulationmodel.h"

#include <algorithm>

namespace dvfo {

EmulationModel::EmulationModel(BoardSpec spec) : spec_(std::move(spec)) {}

double EmulationModel::voltage(const DomainModel& d, const ClockTableSpec& table,
                               int64_t khz) const {
    const double lo = double(table.frequenciesKhz.front());
    const double hi = double(table.frequenciesKhz.back());
    if (hi <= lo)
        return d.vMax;
    const double x = std::clamp((double(khz) - lo) / (hi - lo), 0.0, 1.0);
    return d.vMin + x * (d.vMax - d.vMin);
}

EmulationModel::Timing EmulationModel::timing(const LayerInfo& layer, const FrequencyTuple& t,
                                              double efficiency) const {
    const auto& e = spec_.emulation;
    Timing r;
    r.computeS = double(layer.flops) / (e.gpuFlopsPerCycle * double(t.gpuKhz) * 1e3);
    r.memoryS = double(layer.memoryBytes()) / (e.emcBytesPerCycle * double(t.emcKhz) * 1e3);
    r.dispatchS =
        double(std::max(layer.ops, 1)) * e.cpuDispatchCyclesPerOp / (double(t.cpuKhz) * 1e3);
    r.totalS = std::max(efficiency, 1.0) * std::max(r.computeS, r.memoryS) + r.dispatchS;
    return r;
}

std::map<std::string, double> EmulationModel::rails(double pCpuMw, double pGpuMw,
                                                    double pEmcMw) const {
    std::map<std::string, double> out;
    for (const auto& rail : spec_.rails) {
        double p = rail.staticMw;
        auto w = [&](const char* d) {
            auto it = rail.weights.find(d);
            return it == rail.weights.end() ? 0.0 : it->second;
        };
        p += w("cpu") * pCpuMw + w("gpu") * pGpuMw + w("emc") * pEmcMw;
        out[rail.name] = p;
    }
    return out;
}

static double dynamicMw(const DomainModel& d, double volts, int64_t khz, double utilisation) {
    // nF * V^2 * Hz = nW; / 1e6 -> mW
    return d.ceffNf * volts * volts * double(khz) * 1e3 * utilisation / 1e6;
}

std::map<std::string, double> EmulationModel::railPowerMw(const LayerInfo& layer,
                                                          const FrequencyTuple& t,
                                                          double efficiency) const {
    const auto& e = spec_.emulation;
    const Timing tm = timing(layer, t, efficiency);
    const double k = std::max(efficiency, 1.0);
    const double uGpu = k * tm.computeS / tm.totalS;
    const double uEmc = k * tm.memoryS / tm.totalS;
    const double uCpu =
        e.cpuBaseUtilisation + (1.0 - e.cpuBaseUtilisation) * tm.dispatchS / tm.totalS;
    return rails(dynamicMw(e.cpu, voltage(e.cpu, spec_.cpu, t.cpuKhz), t.cpuKhz, uCpu),
                 dynamicMw(e.gpu, voltage(e.gpu, spec_.gpu, t.gpuKhz), t.gpuKhz, uGpu),
                 dynamicMw(e.emc, voltage(e.emc, spec_.emc, t.emcKhz), t.emcKhz, uEmc));
}

std::map<std::string, double> EmulationModel::idlePowerMw(const FrequencyTuple& t) const {
    const auto& e = spec_.emulation;
    constexpr double idleEmcUtilisation = 0.05; // display/refresh traffic of an idle board
    return rails(
        dynamicMw(e.cpu, voltage(e.cpu, spec_.cpu, t.cpuKhz), t.cpuKhz, e.cpuBaseUtilisation * 0.2),
        0.0, dynamicMw(e.emc, voltage(e.emc, spec_.emc, t.emcKhz), t.emcKhz, idleEmcUtilisation));
}

double EmulationModel::totalPowerMw(const std::map<std::string, double>& railsMw) const {
    const std::string input = spec_.inputRail();
    if (!input.empty()) {
        auto it = railsMw.find(input);
        if (it != railsMw.end())
            return it->second;
    }
    double sum = 0;
    for (const auto& [name, mw] : railsMw)
        sum += mw;
    return sum;
}

double EmulationModel::hostRooflineSeconds(const LayerInfo& layer, const HostCalibration& host) {
    return std::max(double(layer.flops) / host.flopsPerSecond,
                    double(layer.memoryBytes()) / host.bytesPerSecond);
}

double EmulationModel::efficiency(const LayerInfo& layer, double hostMedianSeconds,
                                  const HostCalibration& host) {
    const double roof = hostRooflineSeconds(layer, host);
    if (roof <= 0)
        return 1.0;
    const double kernel =
        hostMedianSeconds - double(std::max(layer.ops, 1)) * host.dispatchSecondsPerOp;
    return std::clamp(kernel / roof, 1.0, 30.0);
}

double EmulationModel::kindEfficiency(const std::string& kind) {
    if (kind == "conv")
        return 1.6;
    if (kind == "residual")
        return 1.8;
    if (kind == "inverted_residual")
        return 3.2;
    if (kind == "pool")
        return 1.3;
    if (kind == "classifier")
        return 1.5;
    return 2.0;
}

EmulationModel::Timing EmulationModel::unitTiming(const LayerInfo& layer,
                                                  const FrequencyTuple& t) const {
    return timing(layer, t, kindEfficiency(layer.kind));
}

double EmulationModel::unitEnergyMj(const LayerInfo& layer, const FrequencyTuple& t) const {
    const double k = kindEfficiency(layer.kind);
    return totalPowerMw(railPowerMw(layer, t, k)) * timing(layer, t, k).totalS;
}

} // namespace dvfo
