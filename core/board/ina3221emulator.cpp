#include "core/board/ina3221emulator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dvfo {

Ina3221Emulator::Ina3221Emulator(std::vector<std::string> rails, double updateIntervalS)
    : rails_(std::move(rails)), intervalS_(updateIntervalS) {
    if (!(intervalS_ > 0))
        throw std::invalid_argument("INA3221 update interval must be > 0");
    cumulative_.push_back({0.0, std::vector<double>(rails_.size(), 0.0)});
}

void Ina3221Emulator::draw(const std::map<std::string, double>& mw, double seconds) {
    if (!(seconds > 0))
        return;
    std::vector<double> next = cumulative_.back().second;
    for (size_t i = 0; i < rails_.size(); ++i) {
        auto it = mw.find(rails_[i]);
        if (it != mw.end())
            next[i] += it->second * seconds;
    }
    nowS_ += seconds;
    cumulative_.push_back({nowS_, std::move(next)});
}

std::vector<double> Ina3221Emulator::energyAt(double tS) const {
    // First breakpoint after tS; the segment before it holds tS.
    auto after = std::upper_bound(cumulative_.begin(), cumulative_.end(), tS,
                                  [](double t, const auto& p) { return t < p.first; });
    if (after == cumulative_.begin())
        return cumulative_.front().second;
    if (after == cumulative_.end())
        return cumulative_.back().second;
    const auto& a = *(after - 1);
    const auto& b = *after;
    const double f = b.first > a.first ? (tS - a.first) / (b.first - a.first) : 1.0;
    std::vector<double> e(rails_.size());
    for (size_t i = 0; i < e.size(); ++i)
        e[i] = a.second[i] + f * (b.second[i] - a.second[i]);
    return e;
}

std::map<std::string, double> Ina3221Emulator::reading(double tS) const {
    std::map<std::string, double> out;
    // A tiny tolerance so that a reading taken exactly at a boundary sees that conversion.
    const double k = std::floor(tS / intervalS_ + 1e-9);
    if (k < 1) {
        for (const auto& r : rails_)
            out[r] = 0;
        return out;
    }
    const std::vector<double> end = energyAt(k * intervalS_);
    const std::vector<double> begin = energyAt((k - 1) * intervalS_);
    for (size_t i = 0; i < rails_.size(); ++i)
        out[rails_[i]] = (end[i] - begin[i]) / intervalS_;
    return out;
}

void Ina3221Emulator::forgetBefore(double tS) {
    const double keepFrom = tS - 2 * intervalS_;
    // Keep the last breakpoint at or before keepFrom: interpolation needs it.
    auto first = std::upper_bound(cumulative_.begin(), cumulative_.end(), keepFrom,
                                  [](double t, const auto& p) { return t < p.first; });
    if (first - cumulative_.begin() > 1)
        cumulative_.erase(cumulative_.begin(), first - 1);
}

} // namespace dvfo
