#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

// One sample of the live monitor (`monitor` request, see README "Live monitor"): board time since
// the monitor started, the clocks in force, every rail's power and every thermal zone.
struct MonitorSample {
    struct Rail {
        std::string name;
        double mw = 0;
    };
    struct Zone {
        std::string type;
        double tempC = 0;
    };
    double tMs = 0;
    int64_t cpuKhz = 0, gpuKhz = 0, emcKhz = 0;
    std::vector<Rail> rails;
    std::vector<Zone> thermal;

    // {"tMs":..,"clocks":{"cpuKhz":..,"gpuKhz":..,"emcKhz":..},"rails":[{"name","mw"}],
    //  "thermal":[{"type","tempC"}]}
    nlohmann::json toJson() const;
    // Throws std::invalid_argument naming the field that is missing or of the wrong type.
    static MonitorSample fromJson(const nlohmann::json& j);
};

// The data of one "samples" event: {"samples":[sample, ...]} (the agent batches samples into
// lines so that 50-200 Hz stays a few lines a second). Throws std::invalid_argument.
std::vector<MonitorSample> parseMonitorBatch(const nlohmann::json& eventData);
nlohmann::json monitorBatchJson(const std::vector<MonitorSample>& samples);

} // namespace dvfo
