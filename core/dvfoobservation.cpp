#include "core/dvfoobservation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dvfo {

namespace {

float clipped(double v, double clip) {
    if (!std::isfinite(v))
        v = v > 0 ? clip : (v < 0 ? -clip : 0);
    return float(std::clamp(v, -clip, clip));
}

double levelFraction(int level, int levels) {
    return levels > 1 ? double(level) / double(levels - 1) : 0.0;
}

template <typename T> T field(const nlohmann::json& j, const char* key) {
    if (!j.contains(key))
        throw std::runtime_error(std::string("observation layout: missing \"") + key + "\"");
    try {
        return j.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
        throw std::runtime_error(std::string("observation layout: \"") + key +
                                 "\" has the wrong type");
    }
}

} // namespace

std::vector<std::string> ObservationLayout::featureNames() {
    return {"bandwidth",           "rtt",
            "bandwidth_trend",     "rtt_trend",
            "cpu_level",           "gpu_level",
            "emc_level",           "previous_share",
            "tail_flops_fraction", "full_offload_time_ratio"};
}

nlohmann::json ObservationLayout::toJson() const {
    return {{"version", kVersion},
            {"size", kSize},
            {"features", featureNames()},
            {"cpu_levels", cpuLevels},
            {"gpu_levels", gpuLevels},
            {"emc_levels", emcLevels},
            {"shares", shares},
            {"bandwidth_scale_mbps", bandwidthScaleMbps},
            {"rtt_scale_ms", rttScaleMs},
            {"trend_steps", trendSteps},
            {"clip", clip}};
}

ObservationLayout ObservationLayout::fromJson(const nlohmann::json& j) {
    if (!j.is_object())
        throw std::runtime_error("observation layout: not a JSON object");
    if (field<int>(j, "version") != kVersion)
        throw std::runtime_error(
            "observation layout: version " + std::to_string(field<int>(j, "version")) +
            " is not supported (this build reads " + std::to_string(kVersion) + ")");
    if (field<int>(j, "size") != kSize)
        throw std::runtime_error("observation layout: size " +
                                 std::to_string(field<int>(j, "size")) + ", expected " +
                                 std::to_string(kSize));
    ObservationLayout l;
    l.cpuLevels = field<int>(j, "cpu_levels");
    l.gpuLevels = field<int>(j, "gpu_levels");
    l.emcLevels = field<int>(j, "emc_levels");
    l.shares = field<int>(j, "shares");
    l.bandwidthScaleMbps = field<double>(j, "bandwidth_scale_mbps");
    l.rttScaleMs = field<double>(j, "rtt_scale_ms");
    l.trendSteps = field<int>(j, "trend_steps");
    l.clip = field<double>(j, "clip");
    if (l.cpuLevels < 1 || l.gpuLevels < 1 || l.emcLevels < 1 || l.shares < 1)
        throw std::runtime_error("observation layout: level counts must be >= 1");
    if (!(l.bandwidthScaleMbps > 0) || !(l.rttScaleMs > 0) || !(l.clip > 0) || l.trendSteps < 1)
        throw std::runtime_error(
            "observation layout: scales and clip must be > 0, trend_steps >= 1");
    return l;
}

std::vector<float> buildObservation(const ObservationInputs& in, const ObservationLayout& layout) {
    const double c = layout.clip;
    const double transferMs =
        in.rttMs +
        (in.bandwidthMbps > 0 ? in.fullOffloadBytes * 8.0 / (in.bandwidthMbps * 1000.0) : INFINITY);
    std::vector<float> obs(size_t(ObservationLayout::kSize));
    obs[0] = clipped(in.bandwidthMbps / layout.bandwidthScaleMbps, c);
    obs[1] = clipped(in.rttMs / layout.rttScaleMs, c);
    obs[2] = clipped(in.bandwidthTrendMbps / layout.bandwidthScaleMbps, c);
    obs[3] = clipped(in.rttTrendMs / layout.rttScaleMs, c);
    obs[4] = clipped(levelFraction(in.cpuLevel, layout.cpuLevels), c);
    obs[5] = clipped(levelFraction(in.gpuLevel, layout.gpuLevels), c);
    obs[6] = clipped(levelFraction(in.emcLevel, layout.emcLevels), c);
    obs[7] = clipped(levelFraction(in.shareIndex, layout.shares), c);
    obs[8] = clipped(in.tailFlopsFraction, c);
    obs[9] = clipped(in.edgeMaxLatencyMs > 0 ? transferMs / in.edgeMaxLatencyMs : 0.0, c);
    return obs;
}

} // namespace dvfo
