#pragma once
// Times clock changes per domain through a BoardHal: the same code path on a real board
// (SysfsBoard) and an emulated one, whose set-freq takes its switching model's time.
#include "remote/edge/boardhal.h"

#include "core/board/clockswitchtimes.h"

#include <nlohmann/json.hpp>

namespace dvfo {

struct ClockSwitchTimerOptions {
    int transitions = 6;  // per domain, alternating down and up between the table's ends
    double boundMs = 200; // a clock that has not read back by then counts as a timeout
};

// For each domain (CPU, GPU, EMC), with the other two held at max: alternately pins the table's
// lowest and highest frequency and times from the write until currentFrequencies() reads back the
// new value (polled, bounded). The board is restore()d afterwards: measuring leaves the governors
// and limits found at start.
class ClockSwitchTimer {
public:
    explicit ClockSwitchTimer(BoardHal& hal) : hal_(hal) {}

    // Throws std::invalid_argument for transitions < 1 or a bound <= 0.
    DomainSwitchTiming timeDomain(int domain, const ClockSwitchTimerOptions& options);
    // The `measure-switch` reply: {"cpu"|"gpu"|"emc": {"medianMs", "p90Ms", "transitions",
    // "timeouts"}, "boundMs", "emulated"}, and on emulated boards "model" (ClockSwitchTimes JSON,
    // what their HAL realises and the environment charges).
    nlohmann::json measure(const ClockSwitchTimerOptions& options);

private:
    BoardHal& hal_;
};

} // namespace dvfo
