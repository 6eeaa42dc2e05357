#include "core/profile/latencystats.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dvfo {

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty())
        return 0;
    p = std::clamp(p, 0.0, 1.0);
    const double pos = p * static_cast<double>(sorted.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

LatencyStats computeLatencyStats(std::vector<double> secondsSamples) {
    for (double s : secondsSamples)
        if (!std::isfinite(s) || s < 0)
            throw std::invalid_argument("latency sample " + std::to_string(s) +
                                        " s is negative or not finite");
    std::sort(secondsSamples.begin(), secondsSamples.end());
    LatencyStats st;
    st.n = static_cast<int>(secondsSamples.size());
    st.medianMs = percentile(secondsSamples, 0.5) * 1000.0;
    st.p10Ms = percentile(secondsSamples, 0.1) * 1000.0;
    st.p90Ms = percentile(secondsSamples, 0.9) * 1000.0;
    return st;
}

} // namespace dvfo
