#pragma once
#include <cstdint>
#include <string>

namespace dvfo {

// One operating point of an edge board. All three clocks in kHz so that CPU (cpufreq, kHz),
// GPU (devfreq, Hz) and EMC (debugfs, Hz) tables compare in one unit.
struct FrequencyTuple {
    int64_t cpuKhz = 0;
    int64_t gpuKhz = 0;
    int64_t emcKhz = 0;

    // "cpu/gpu/emc" in kHz, e.g. "1907200/1109250/1600000".
    std::string toString() const;
    // Parses the toString() form; throws std::invalid_argument on anything else.
    static FrequencyTuple parse(const std::string& text);

    bool operator==(const FrequencyTuple& o) const {
        return cpuKhz == o.cpuKhz && gpuKhz == o.gpuKhz && emcKhz == o.emcKhz;
    }
    bool operator!=(const FrequencyTuple& o) const { return !(*this == o); }
    bool operator<(const FrequencyTuple& o) const {
        if (cpuKhz != o.cpuKhz)
            return cpuKhz < o.cpuKhz;
        if (gpuKhz != o.gpuKhz)
            return gpuKhz < o.gpuKhz;
        return emcKhz < o.emcKhz;
    }
};

} // namespace dvfo
