#pragma once
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace dvfo {

// Lifecycle of one profiling run. Only Running may change again (a resumed session goes back to
// Running); the other three are terminal and stamp SessionInfo::endedAt.
enum class SessionStatus { Running, Completed, Failed, Cancelled };

inline const char* toString(SessionStatus s) {
    switch (s) {
    case SessionStatus::Running:
        return "running";
    case SessionStatus::Completed:
        return "completed";
    case SessionStatus::Failed:
        return "failed";
    case SessionStatus::Cancelled:
        return "cancelled";
    }
    return "running";
}

// Throws std::invalid_argument for anything but the four toString() spellings.
inline SessionStatus sessionStatusFromString(const std::string& text) {
    if (text == "running")
        return SessionStatus::Running;
    if (text == "completed")
        return SessionStatus::Completed;
    if (text == "failed")
        return SessionStatus::Failed;
    if (text == "cancelled")
        return SessionStatus::Cancelled;
    throw std::invalid_argument("unknown session status '" + text +
                                "': expected running, completed, failed or cancelled");
}

// One profiling session as the workspace keeps it: what ran where, with which settings, and how
// far it got. Timestamps are ISO-8601 UTC with milliseconds ("2024-05-01T12:34:56.789Z") so that
// they sort as text and read the same in the database, CSV and JSON.
struct SessionInfo {
    int64_t id = 0; // assigned by ProfileStore::createSession(); ignored on input
    std::string name;
    std::string boardId;   // BoardSpec::id, e.g. "xavier-nx"
    std::string boardName; // the workspace's name for the board, e.g. "lab-nx-2"
    std::string model;
    std::string agentVersion;
    bool emulated = false;
    std::string settingsJson = "{}"; // profiler settings; stored normalised (nlohmann dump)
    std::string startedAt;           // createSession() stamps "now" when empty
    std::string endedAt;             // empty while running
    SessionStatus status = SessionStatus::Running;
    // What the board was when it was profiled, JSON: BoardConditions::toJson() of the probe
    // (device-tree model, L4T release, nvpmodel mode, thermal zones at the start) plus
    // "boardId", "boardName" (the spec's), "executionDevice" and "warning" of the profile's start.
    // "{}" for sessions from before schema version 3 and imports without it.
    std::string conditionsJson = "{}";

    // Filled when read back from the store; ignored on input.
    int64_t completedTupleCount = 0;
    int64_t measurementCount = 0;
    int64_t observedTupleCount = 0; // tuples stored with conditions (temperatures, throttling)
    int64_t throttledTupleCount =
        0; // of those, the ones whose clocks read back unlike the pinned ones
    double maxTempC = std::numeric_limits<double>::quiet_NaN(); // hottest zone over all tuples
};

} // namespace dvfo
