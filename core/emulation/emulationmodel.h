#pragma once
#include "core/board/boardspec.h"
#include "core/board/frequencytuple.h"
#include "core/dnn/layerinfo.h"

#include <map>
#include <string>

namespace dvfo {

// What this machine can do, measured once (see HostCalibration::measure in hostcalibration.h).
struct HostCalibration {
    double flopsPerSecond = 50e9;
    double bytesPerSecond = 10e9;
    double dispatchSecondsPerOp = 5e-6;
};

// The emulated board's physics, kept in one place so that it can be documented and tested: a
// roofline latency per unit and CMOS dynamic power per domain (docs/algorithms.md#emulated-board).
// The latency of a unit at a tuple is a pure function of the unit and the tuple, the same in the
// profiler and in the runtime.
class EmulationModel {
public:
    struct Timing {
        double computeS = 0;
        double memoryS = 0;
        double dispatchS = 0;
        double totalS = 0;
    };

    explicit EmulationModel(BoardSpec spec);
    const BoardSpec& spec() const { return spec_; }

    Timing timing(const LayerInfo& layer, const FrequencyTuple& t, double efficiency) const;
    std::map<std::string, double> railPowerMw(const LayerInfo& layer, const FrequencyTuple& t,
                                              double efficiency) const;
    // Board idle at tuple t: no GPU work, little memory traffic, base CPU load.
    std::map<std::string, double> idlePowerMw(const FrequencyTuple& t) const;
    // Sum over the input rail, or over all rails when the board has none.
    double totalPowerMw(const std::map<std::string, double>& rails) const;

    static double hostRooflineSeconds(const LayerInfo& layer, const HostCalibration& host);
    static double efficiency(const LayerInfo& layer, double hostMedianSeconds,
                             const HostCalibration& host);
    // Jetson GPU efficiency of a kind of unit (LayerInfo::kind): conv 1.6, residual 1.8,
    // inverted_residual 3.2 (depthwise convolutions use the GPU poorly), pool 1.3, classifier 1.5,
    // anything else 2.0.
    static double kindEfficiency(const std::string& kind);
    // Latency and energy of a unit on this board at tuple t, with kindEfficiency().
    Timing unitTiming(const LayerInfo& layer, const FrequencyTuple& t) const;
    double unitEnergyMj(const LayerInfo& layer, const FrequencyTuple& t) const;

    double voltage(const DomainModel& d, const ClockTableSpec& table, int64_t khz) const;

private:
    std::map<std::string, double> rails(double pCpuMw, double pGpuMw, double pEmcMw) const;
    BoardSpec spec_;
};

} // namespace dvfo
