#pragma once
// The range of every observation feature a policy saw while it was trained: recorded during
// training (RangeRecordingEnvironment), stored in the policy sidecar ("trainingRanges") and read
// by the runtime guard (PolicyGuard), which falls back to the model-based optimiser when the board
// meets an observation outside them. Plain C++, no torch, no Qt.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

class ObservationRanges {
public:
    // A feature counts as out of range beyond [min - m, max + m], m = kMarginAbsolute +
    // kMarginFraction * (max - min), in the observation's own units. With the layout v2 log
    // scales 0.05 is a factor of about 1.4 in bandwidth and 1.3 in RTT: a measured link a little
    // off what training saw (loopback overhead, estimator jitter) does not trip the guard.
    static constexpr double kMarginAbsolute = 0.05;
    static constexpr double kMarginFraction = 0.05;

    ObservationRanges() = default;
    explicit ObservationRanges(std::vector<std::string> featureNames);

    // Widens the ranges to `observation`. Only observations with the link up count when a
    // "link_up" feature exists: the guard handles a down link on its own, and a down link's
    // bandwidth (0) must not make every slow link look familiar.
    void record(const std::vector<float>& observation);
    void merge(const ObservationRanges& other);

    bool empty() const { return count_ == 0; }
    int64_t count() const { return count_; }
    const std::vector<std::string>& featureNames() const { return names_; }
    const std::vector<double>& min() const { return min_; }
    const std::vector<double>& max() const { return max_; }
    double margin(size_t feature) const;

    // Index of the first feature outside its range (with the margin), or -1. Features the ranges
    // do not cover (a shorter observation), "link_up" and the trends are not checked: a board's
    // measured link is noisier than training's, and a jump (the link back after an outage) makes
    // a trend spike for its whole window; guarding on them took 26 of 30 decisions of a policy on
    // the emulated board, on the link it was trained for.
    int firstOutOfRange(const std::vector<float>& observation) const;
    static bool isTrend(const std::string& feature); // "bandwidth_trend", "rtt_trend"

    // {"features":[..],"min":[..],"max":[..],"observations":N,"marginAbsolute":..,
    //  "marginFraction":..}
    nlohmann::json toJson() const;
    // Throws std::runtime_error naming what is missing or inconsistent.
    static ObservationRanges fromJson(const nlohmann::json& j);

private:
    std::vector<std::string> names_;
    std::vector<double> min_, max_;
    int64_t count_ = 0;
    int linkUpIndex_ = -1;
    double marginAbsolute_ = kMarginAbsolute, marginFraction_ = kMarginFraction;
};

} // namespace dvfo
