#pragma once
#include "core/profile/layerrecord.h"

#include <vector>

namespace dvfo {

// Percentile of an ascending-sorted sample with linear interpolation between the two closest
// ranks (position p * (n - 1), the numpy default), so p10/p90 stay meaningful for small n.
// p in [0, 1]; an empty sample gives 0.
double percentile(const std::vector<double>& sorted, double p);

// Latency statistics of the host-measured repetitions of one unit: samples in seconds,
// result in milliseconds. Shared by SysfsBoard and EmulatedBoard so both report alike.
// Throws std::invalid_argument on a negative or non-finite sample (a broken timer must not
// turn into a plausible-looking median).
LatencyStats computeLatencyStats(std::vector<double> secondsSamples);

} // namespace dvfo
