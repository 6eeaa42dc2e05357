#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace dvfo {

// One /sys/class/thermal/thermal_zoneN: its type ("CPU-therm", "GPU-therm", "tj", ...) and
// temperature in degrees Celsius.
struct ThermalZoneReading {
    std::string type;
    double tempC = 0;

    bool operator==(const ThermalZoneReading& o) const {
        return type == o.type && tempC == o.tempC;
    }
};

// The hottest zone's temperature, NaN when there is none.
double maxTemperatureC(const std::vector<ThermalZoneReading>& zones);
nlohmann::json thermalZonesToJson(const std::vector<ThermalZoneReading>& zones);
// Throws std::runtime_error for anything but an array of {"type": text, "tempC": number}.
std::vector<ThermalZoneReading> thermalZonesFromJson(const nlohmann::json& j);

// What a board says about itself beyond its clock tables: which module it is (the device-tree
// model string), the L4T release, the nvpmodel power mode and the thermal zones. Read by the
// agent for `probe` and per profiled tuple; stored with each session, because the same tuple
// measures differently at another power mode, release or temperature.
//
// Empty strings mean "the board did not say" (a fake tree without the file, an older agent).
struct BoardConditions {
    std::string boardModel; // /proc/device-tree/model, e.g. "NVIDIA Jetson Orin Nano Developer Kit"
    std::string l4tRelease; // "R36.3.0" from /etc/nv_tegra_release; "emulated" on emulated boards
    int nvpmodelId = -1;    // -1: unknown
    std::string nvpmodelName;   // e.g. "15W", "MAXN"
    std::string nvpmodelSource; // the file the mode was read from, or why it is the default
    std::vector<ThermalZoneReading> thermalZones;
    std::string note; // what is missing and why, for people

    // {"boardModel", "l4tRelease", "nvpmodel": {"id", "name", "source"} or null, "thermalZones",
    //  "maxTempC" (null without zones), "note"}
    nlohmann::json toJson() const;
    // Accepts toJson() output; missing fields stay empty. Throws std::runtime_error on wrong types.
    static BoardConditions fromJson(const nlohmann::json& j);
    // "R36.3.0, nvpmodel 15W (id 0), 46.5 °C max over 9 zones" — whatever is known.
    std::string summary() const;

    // What a session is stored with (SessionInfo::conditionsJson), from an agent's probe result:
    // its "conditions" plus "boardId"/"boardName" of its spec and its "executionDevice". An
    // older agent's probe gives just the spec identity.
    static nlohmann::json sessionJsonFromProbe(const nlohmann::json& probe);
};

} // namespace dvfo
