#include "core/rl/observationranges.h"
#include "core/common/jsoninteger.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dvfo {

ObservationRanges::ObservationRanges(std::vector<std::string> featureNames)
    : names_(std::move(featureNames)) {
    const auto up = std::find(names_.begin(), names_.end(), "link_up");
    linkUpIndex_ = up == names_.end() ? -1 : int(up - names_.begin());
}

void ObservationRanges::record(const std::vector<float>& obs) {
    if (obs.size() < names_.size())
        return;
    if (linkUpIndex_ >= 0 && obs[size_t(linkUpIndex_)] < 0.5f)
        return;
    if (min_.empty()) {
        min_.assign(obs.begin(), obs.begin() + long(names_.size()));
        max_ = min_;
    } else {
        for (size_t i = 0; i < names_.size(); ++i) {
            min_[i] = std::min(min_[i], double(obs[i]));
            max_[i] = std::max(max_[i], double(obs[i]));
        }
    }
    ++count_;
}

void ObservationRanges::merge(const ObservationRanges& other) {
    if (other.empty())
        return;
    if (empty()) {
        *this = other;
        return;
    }
    if (other.names_ != names_)
        throw std::runtime_error("training ranges of different observation layouts");
    for (size_t i = 0; i < names_.size(); ++i) {
        min_[i] = std::min(min_[i], other.min_[i]);
        max_[i] = std::max(max_[i], other.max_[i]);
    }
    count_ += other.count_;
}

bool ObservationRanges::isTrend(const std::string& feature) {
    const std::string suffix = "_trend";
    return feature.size() >= suffix.size() &&
           feature.compare(feature.size() - suffix.size(), suffix.size(), suffix) == 0;
}

double ObservationRanges::margin(size_t i) const {
    return marginAbsolute_ + marginFraction_ * (max_.at(i) - min_.at(i));
}

int ObservationRanges::firstOutOfRange(const std::vector<float>& obs) const {
    if (empty())
        return -1;
    const size_t n = std::min(obs.size(), names_.size());
    for (size_t i = 0; i < n; ++i) {
        if (int(i) == linkUpIndex_ || isTrend(names_[i]))
            continue;
        const double v = obs[i], m = margin(i);
        if (!(v >= min_[i] - m && v <= max_[i] + m)) // NaN is out of range too
            return int(i);
    }
    return -1;
}

nlohmann::json ObservationRanges::toJson() const {
    return {{"features", names_},
            {"min", min_},
            {"max", max_},
            {"observations", count_},
            {"marginAbsolute", marginAbsolute_},
            {"marginFraction", marginFraction_}};
}

ObservationRanges ObservationRanges::fromJson(const nlohmann::json& j) {
    try {
        ObservationRanges r(j.at("features").get<std::vector<std::string>>());
        r.min_ = j.at("min").get<std::vector<double>>();
        r.max_ = j.at("max").get<std::vector<double>>();
        r.count_ = jsonIntegerOr<int64_t>(j, "observations", 0);
        r.marginAbsolute_ = j.value("marginAbsolute", kMarginAbsolute);
        r.marginFraction_ = j.value("marginFraction", kMarginFraction);
        if (r.min_.size() != r.names_.size() || r.max_.size() != r.names_.size())
            throw std::runtime_error("training ranges: min, max and features differ in length");
        for (size_t i = 0; i < r.min_.size(); ++i)
            if (!(r.min_[i] <= r.max_[i]))
                throw std::runtime_error("training ranges: min > max for " + r.names_[i]);
        if (!(r.marginAbsolute_ >= 0) || !(r.marginFraction_ >= 0))
            throw std::runtime_error("training ranges: negative margin");
        if (r.min_.empty())
            r.count_ = 0;
        else if (r.count_ == 0)
            r.count_ = 1;
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("training ranges: ") + e.what());
    }
}

} // namespace dvfo
