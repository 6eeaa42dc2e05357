#include "core/rl/dvfoobservation.h"

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

double lg(double x) {
    return std::log2(1.0 + std::max(0.0, x));
}

template <typename T> T field(const nlohmann::json& j, const char* key, const char* what) {
    if (!j.contains(key))
        throw std::runtime_error(std::string(what) + ": missing \"" + key + "\"");
    try {
        return j.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
        throw std::runtime_error(std::string(what) + ": \"" + key + "\" has the wrong type");
    }
}

} // namespace

nlohmann::json ModelConstants::toJson() const {
    return {{"tailFlopsFraction", tailFlopsFraction},
            {"fullOffloadBytes", fullOffloadBytes},
            {"edgeMaxLatencyMs", edgeMaxLatencyMs}};
}

ModelConstants ModelConstants::fromJson(const nlohmann::json& j) {
    const char* what = "model constants";
    if (!j.is_object())
        throw std::runtime_error("model constants: not a JSON object");
    ModelConstants m;
    m.tailFlopsFraction = field<double>(j, "tailFlopsFraction", what);
    m.fullOffloadBytes = field<double>(j, "fullOffloadBytes", what);
    m.edgeMaxLatencyMs = field<double>(j, "edgeMaxLatencyMs", what);
    if (!(m.tailFlopsFraction >= 0 && m.tailFlopsFraction <= 1) || !(m.fullOffloadBytes >= 0) ||
        !(m.edgeMaxLatencyMs > 0))
        throw std::runtime_error("model constants: tailFlopsFraction must be in [0, 1], "
                                 "fullOffloadBytes >= 0 and edgeMaxLatencyMs > 0");
    return m;
}

std::vector<std::string> ObservationLayout::featureNames() {
    return {"bandwidth",
            "rtt",
            "bandwidth_trend",
            "rtt_trend",
            "cpu_level",
            "gpu_level",
            "emc_level",
            "previous_share",
            "tail_flops_fraction",
            "full_offload_time_ratio",
            "link_up"};
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
    const char* what = "observation layout";
    if (!j.is_object())
        throw std::runtime_error("observation layout: not a JSON object");
    const int version = field<int>(j, "version", what);
    if (version != kVersion)
        throw std::runtime_error(
            "observation layout: version " + std::to_string(version) +
            " is not supported (this build reads " + std::to_string(kVersion) +
            (version == 1 ? "; version 1 policies saw the link of the step they decided for, "
                            "which a board cannot know: train the policy again)"
                          : ")"));
    if (field<int>(j, "size", what) != kSize)
        throw std::runtime_error("observation layout: size " +
                                 std::to_string(field<int>(j, "size", what)) + ", expected " +
                                 std::to_string(kSize));
    ObservationLayout l;
    l.cpuLevels = field<int>(j, "cpu_levels", what);
    l.gpuLevels = field<int>(j, "gpu_levels", what);
    l.emcLevels = field<int>(j, "emc_levels", what);
    l.shares = field<int>(j, "shares", what);
    l.bandwidthScaleMbps = field<double>(j, "bandwidth_scale_mbps", what);
    l.rttScaleMs = field<double>(j, "rtt_scale_ms", what);
    l.trendSteps = field<int>(j, "trend_steps", what);
    l.clip = field<double>(j, "clip", what);
    if (l.cpuLevels < 1 || l.gpuLevels < 1 || l.emcLevels < 1 || l.shares < 1)
        throw std::runtime_error("observation layout: level counts must be >= 1");
    if (!(l.bandwidthScaleMbps > 0) || !(l.rttScaleMs > 0) || !(l.clip > 0) || l.trendSteps < 1)
        throw std::runtime_error(
            "observation layout: scales and clip must be > 0, trend_steps >= 1");
    return l;
}

std::vector<float> buildObservation(const ObservationInputs& in, const ObservationLayout& layout) {
    const double c = layout.clip;
    const bool up = in.bandwidthMbps > 0;
    const double transferMs =
        up ? in.rttMs + in.model.fullOffloadBytes * 8.0 / (in.bandwidthMbps * 1000.0) : INFINITY;
    const double bwScale = lg(layout.bandwidthScaleMbps), rttScale = lg(layout.rttScaleMs);
    std::vector<float> obs(size_t(ObservationLayout::kSize));
    obs[0] = clipped(lg(in.bandwidthMbps) / bwScale, c);
    obs[1] = clipped(lg(in.rttMs) / rttScale, c);
    obs[2] =
        clipped((lg(in.bandwidthMbps) - lg(in.bandwidthMbps - in.bandwidthTrendMbps)) / bwScale, c);
    obs[3] = clipped((lg(in.rttMs) - lg(in.rttMs - in.rttTrendMs)) / rttScale, c);
    obs[4] = clipped(levelFraction(in.cpuLevel, layout.cpuLevels), c);
    obs[5] = clipped(levelFraction(in.gpuLevel, layout.gpuLevels), c);
    obs[6] = clipped(levelFraction(in.emcLevel, layout.emcLevels), c);
    obs[7] = clipped(levelFraction(in.shareIndex, layout.shares), c);
    obs[8] = clipped(in.model.tailFlopsFraction, c);
    obs[9] =
        clipped(in.model.edgeMaxLatencyMs > 0 ? transferMs / in.model.edgeMaxLatencyMs : 0.0, c);
    obs[10] = up ? 1.0f : 0.0f;
    return obs;
}

ObservationBuilder::ObservationBuilder(ObservationLayout layout, ModelConstants model)
    : layout_(std::move(layout)), model_(model) {}

ObservationInputs ObservationBuilder::inputs(const LinkSample& estimate,
                                             const FactoredAction& inForce) const {
    ObservationInputs in;
    in.bandwidthMbps = estimate.bandwidthMbps;
    in.rttMs = estimate.rttMs;
    if (int(history_.size()) == layout_.trendSteps + 1) {
        in.bandwidthTrendMbps = estimate.bandwidthMbps - history_.front().bandwidthMbps;
        in.rttTrendMs = estimate.rttMs - history_.front().rttMs;
    }
    if (inForce.size() == 4) {
        in.cpuLevel = inForce[0], in.gpuLevel = inForce[1], in.emcLevel = inForce[2],
        in.shareIndex = inForce[3];
    }
    in.model = model_;
    return in;
}

std::vector<float> ObservationBuilder::observe(const LinkSample& estimate,
                                               const FactoredAction& inForce) {
    history_.push_back(estimate);
    while (int(history_.size()) > layout_.trendSteps + 1)
        history_.pop_front();
    return buildObservation(inputs(estimate, inForce), layout_);
}

} // namespace dvfo
