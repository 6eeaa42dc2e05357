#pragma once
// The one way DVFO writes a wall-clock time: UTC, ISO 8601, to the second.
#include <string>

namespace dvfo {

// "2026-12-05T12:00:00Z": telemetry, manifests, sidecars, the workspace's bundle tables.
std::string utcNowIso();
// "2026-12-05T12:00:00.123Z": the workspace's session, tuple and training-run times, which order
// events within a second.
std::string utcNowIsoMillis();
// "20261205T120000Z": where a time is part of a name (bundle versions, deploy ids); sorts by time.
std::string utcNowCompact();
// Seconds from one time written by utcNowIso or utcNowIsoMillis to another; -1 when either does
// not parse (an empty end: still running) or the end is before the start.
double secondsBetweenIso(const std::string& from, const std::string& to);

} // namespace dvfo
