#pragma once
// How long a change of each clock domain stalls the board: measured by the board agent
// (`measure-switch`, ClockSwitchTimer) or modelled by an emulated board (BoardSpec's
// emulation.domains.*.switchMs). The environment charges it on every step whose tuple differs from
// the previous step's; the edge runtime pays it when it pins the next tuple.
#include "core/board/boardspec.h"
#include "core/board/frequencytuple.h"

#include <nlohmann/json.hpp>

#include <string>

namespace dvfo {

// One domain's timed transitions (ms from the write until the clock read back the new value).
struct DomainSwitchTiming {
    double medianMs = 0;
    double p90Ms = 0;
    int transitions = 0;
    int timeouts = 0; // transitions whose clock did not read back within the bound
};

struct ClockSwitchTimes {
    // What a change of each domain costs (ms). Zero everywhere: switching is free (the default of
    // DvfoEnvironmentConfig, and what `--switch-cost off` gives).
    double cpuMs = 0, gpuMs = 0, emcMs = 0;
    // "measured" (a board agent timed it), "model" (an emulated board's constants), "off" or ""
    // (unknown).
    std::string source;

    bool any() const { return cpuMs > 0 || gpuMs > 0 || emcMs > 0; }
    // The stall of pinning `to` after `from`: the changed domains' times, written one after the
    // other (as the HALs do).
    double switchMs(bool cpuChanged, bool gpuChanged, bool emcChanged) const;
    double switchMs(const FrequencyTuple& from, const FrequencyTuple& to) const;

    // {"cpuMs", "gpuMs", "emcMs", "source"}.
    nlohmann::json toJson() const;
    // Accepts toJson() output. Throws std::invalid_argument naming the field that is missing, not
    // a number or negative.
    static ClockSwitchTimes fromJson(const nlohmann::json& j);

    // The board spec's switching model (emulation.domains.*.switchMs), source "model".
    static ClockSwitchTimes boardModel(const BoardSpec& board);
    // What a `measure-switch` reply says the board costs: an emulated board's "model" constants
    // (what its HAL realises), else the measured medians. Throws std::invalid_argument naming the
    // bad field.
    static ClockSwitchTimes fromAgentReply(const nlohmann::json& reply);
    // What a stored session charges: the agent reply kept in its conditions ("switchTimes"), else
    // the board's model. A session's conditions are SessionInfo::conditionsJson.
    static ClockSwitchTimes forSession(const std::string& conditionsJson, const BoardSpec& board);
};

} // namespace dvfo
