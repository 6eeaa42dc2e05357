#pragma once
#include "core/board/frequencytuple.h"

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

// Thrown for a tuple that is not in the board's tables: we never clamp silently.
class InvalidTupleError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

struct CpuClusterSpec {
    std::string name;
    std::string policy; // cpufreq policy directory, e.g. "policy0"
    std::vector<int> cpus;
};

struct RailSpec {
    std::string name;   // as the INA3221 labels it, e.g. "VDD_IN"
    std::string role;   // input, cpu, gpu, soc, ddr, radio, ...
    std::string driver; // "ina3221x" (IIO, L4T <= 32) or "ina3221" (hwmon, L4T >= 34)
    std::string device; // i2c device, e.g. "7-0040"
    int channel = 0;    // IIO index K (in_powerK_input) or hwmon index K (inK_input)
    // Emulation: rail power = staticMw + sum(weight[domain] * dynamic power of domain).
    double staticMw = 0;
    std::map<std::string, double> weights;
};

struct DomainModel {
    double ceffNf = 0; // effective switched capacitance, nF
    double vMin = 0;   // volts at the lowest table frequency
    double vMax = 0;   // volts at the highest table frequency
    // How long a change of this clock stalls the board, ms (ClockSwitchTimes): what an emulated
    // board's set-freq takes. Not in the reference facts (docs/emulation.md): an assumption.
    double switchMs = 0;
};

struct EmulationParams {
    double gpuFlopsPerCycle = 0;
    double emcBytesPerCycle = 0;
    double cpuDispatchCyclesPerOp = 0;
    double cpuBaseUtilisation = 0;
    DomainModel cpu, gpu, emc;
    double radioNanojoulePerByte = 0;
};

struct ClockTableSpec {
    std::vector<int64_t> frequenciesKhz; // ascending
    bool partial = false;                // the reference did not give the full list
    std::string note;
};

class BoardSpec {
public:
    std::string id;
    std::string name;
    std::string soc;
    std::string l4t;
    std::vector<CpuClusterSpec> cpuClusters;
    ClockTableSpec cpu, gpu, emc;
    std::vector<std::string> gpuNodeNames; // devfreq of_node names that identify the GPU
    std::string emcInterface;              // "tegra210-debugfs" or "bpmp-debugfs"
    std::vector<RailSpec> rails;
    std::map<std::string, std::vector<std::string>> governors;
    EmulationParams emulation;

    // Throws std::runtime_error naming the field on malformed or inconsistent JSON.
    static BoardSpec fromJson(const nlohmann::json& j);
    static BoardSpec fromJsonText(const std::string& text);
    nlohmann::json toJson() const;

    // Boards compiled in from resources/boards/*.json.
    static std::vector<std::string> builtinIds();
    static BoardSpec builtin(const std::string& id); // throws std::invalid_argument

    // Throws InvalidTupleError naming the offending clock and the nearest valid values.
    void validate(const FrequencyTuple& t) const;
    bool contains(const FrequencyTuple& t) const;
    FrequencyTuple maxTuple() const;
    FrequencyTuple minTuple() const;
    size_t tupleCount() const;
    // The rail that measures the whole board, or empty when there is none (sum the rails).
    std::string inputRail() const;
    // The whole board's power at idle, mW: the input rail's static power, or the sum of the rails'
    // static power without one (the same rails LayerRecord::totalEnergyMj adds up).
    double idlePowerMw() const;
};

} // namespace dvfo
