#include "core/profile/profiletable.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace dvfo {

namespace {

// Bracket of v among ascending measured values, as (lower index, upper index, weight of upper)
// with the period 1/f as coordinate; clamps outside the range.
struct Bracket {
    size_t lo = 0, hi = 0;
    double w = 0;
};

Bracket bracket(const std::vector<int64_t>& axis, int64_t v) {
    if (v <= axis.front())
        return {0, 0, 0};
    if (v >= axis.back())
        return {axis.size() - 1, axis.size() - 1, 0};
    const size_t hi = size_t(std::lower_bound(axis.begin(), axis.end(), v) - axis.begin());
    if (axis[hi] == v)
        return {hi, hi, 0};
    const size_t lo = hi - 1;
    const double plo = 1.0 / double(axis[lo]), phi = 1.0 / double(axis[hi]), p = 1.0 / double(v);
    return {lo, hi, (plo - p) / (plo - phi)};
}

int levelOf(const ClockTableSpec& table, int64_t khz) {
    const auto& f = table.frequenciesKhz;
    const auto it = std::lower_bound(f.begin(), f.end(), khz);
    return int(it - f.begin());
}

} // namespace

ProfileTable::ProfileTable(BoardSpec board, std::string model,
                           const std::vector<LayerRecord>& records)
    : board_(std::move(board)), model_(std::move(model)), records_(records) {
    if (records.empty())
        throw ProfileTableError("profile of " + model_ + " on " + board_.id + ": no measurements");
    if (board_.cpu.frequenciesKhz.empty() || board_.gpu.frequenciesKhz.empty() ||
        board_.emc.frequenciesKhz.empty())
        throw ProfileTableError("board " + board_.id + " has an empty clock table");

    // tuple -> layer -> cost, with layer names checked for consistency across tuples.
    std::map<FrequencyTuple, std::map<int, LayerCost>> byTuple;
    std::map<int, std::string> names;
    for (const LayerRecord& r : records) {
        board_.validate(r.tuple); // InvalidTupleError names the clock
        if (r.layerIndex < 0)
            throw ProfileTableError("record at " + r.tuple.toString() + " has layer index " +
                                    std::to_string(r.layerIndex));
        if (!(r.latency.medianMs >= 0) || !(r.totalEnergyMj >= 0) ||
            !std::isfinite(r.latency.medianMs) || !std::isfinite(r.totalEnergyMj))
            throw ProfileTableError("record " + r.layerName + " at " + r.tuple.toString() +
                                    " has a negative or non-finite latency or energy");
        const auto [it, inserted] = names.emplace(r.layerIndex, r.layerName);
        if (!inserted && it->second != r.layerName)
            throw ProfileTableError("layer " + std::to_string(r.layerIndex) + " is called '" +
                                    it->second + "' at one tuple and '" + r.layerName + "' at " +
                                    r.tuple.toString());
        byTuple[r.tuple][r.layerIndex] = {r.latency.medianMs, r.totalEnergyMj};
    }
    int expected = 0;
    for (const auto& [index, name] : names) {
        if (index != expected)
            throw ProfileTableError("profile of " + model_ + ": layer " + std::to_string(expected) +
                                    " was never measured");
        layerNames_.push_back(name);
        ++expected;
    }
    const size_t layers = layerNames_.size();
    std::set<int64_t> cpuSet, gpuSet, emcSet;
    for (const auto& [tuple, costs] : byTuple) {
        if (costs.size() != layers)
            throw ProfileTableError("profile of " + model_ + ": tuple " + tuple.toString() +
                                    " has " + std::to_string(costs.size()) + " of " +
                                    std::to_string(layers) +
                                    " layers (an interrupted tuple; resume the session)");
        measured_.push_back(tuple);
        cpuSet.insert(tuple.cpuKhz);
        gpuSet.insert(tuple.gpuKhz);
        emcSet.insert(tuple.emcKhz);
    }
    const std::vector<int64_t> cpuAxis(cpuSet.begin(), cpuSet.end()),
        gpuAxis(gpuSet.begin(), gpuSet.end()), emcAxis(emcSet.begin(), emcSet.end());
    const size_t gridSize = cpuAxis.size() * gpuAxis.size() * emcAxis.size();
    if (gridSize != byTuple.size()) {
        for (int64_t c : cpuAxis)
            for (int64_t g : gpuAxis)
                for (int64_t m : emcAxis)
                    if (!byTuple.count({c, g, m}))
                        throw ProfileTableError(
                            "profile of " + model_ + ": the measured tuples are not a grid (" +
                            std::to_string(byTuple.size()) + " of " + std::to_string(gridSize) +
                            " combinations; " + FrequencyTuple{c, g, m}.toString() +
                            " is missing): interpolation needs every combination of the measured "
                            "CPU, GPU and "
                            "EMC clocks; profile with --tuples grid:NxMxK or resume the session");
    }
    // Dense grid of measured costs: [((ci * G) + gi) * M + mi][layer].
    auto gridIndex = [&](size_t c, size_t g, size_t m) {
        return (c * gpuAxis.size() + g) * emcAxis.size() + m;
    };
    std::vector<LayerCost> grid(gridSize * layers);
    for (size_t c = 0; c < cpuAxis.size(); ++c)
        for (size_t g = 0; g < gpuAxis.size(); ++g)
            for (size_t m = 0; m < emcAxis.size(); ++m) {
                const auto& costs = byTuple.at({cpuAxis[c], gpuAxis[g], emcAxis[m]});
                for (size_t l = 0; l < layers; ++l)
                    grid[gridIndex(c, g, m) * layers + l] = costs.at(int(l));
            }

    cpuAxis_ = cpuAxis, gpuAxis_ = gpuAxis, emcAxis_ = emcAxis;
    costs_ = interpolate(grid, layers);
    // Measured tuples exactly as measured (the weights above sum to 1 but may round).
    for (const auto& [tuple, layerCosts] : byTuple) {
        LayerCost* out = &costs_[size_t(tupleIndex(tuple)) * layers];
        for (size_t l = 0; l < layers; ++l)
            out[l] = layerCosts.at(int(l));
    }
}

std::vector<LayerCost> ProfileTable::interpolate(const std::vector<LayerCost>& grid,
                                                 size_t layers) const {
    const std::vector<int64_t>&cpuAxis = cpuAxis_, &gpuAxis = gpuAxis_, &emcAxis = emcAxis_;
    auto gridIndex = [&](size_t c, size_t g, size_t m) {
        return (c * gpuAxis.size() + g) * emcAxis.size() + m;
    };
    std::vector<LayerCost> costs(size_t(tupleCount()) * layers);
    for (int ci = 0; ci < cpuLevels(); ++ci) {
        const Bracket bc = bracket(cpuAxis, board_.cpu.frequenciesKhz[size_t(ci)]);
        for (int gi = 0; gi < gpuLevels(); ++gi) {
            const Bracket bg = bracket(gpuAxis, board_.gpu.frequenciesKhz[size_t(gi)]);
            for (int mi = 0; mi < emcLevels(); ++mi) {
                const Bracket bm = bracket(emcAxis, board_.emc.frequenciesKhz[size_t(mi)]);
                LayerCost* out = &costs[size_t(tupleIndex(ci, gi, mi)) * layers];
                for (int corner = 0; corner < 8; ++corner) {
                    const bool uc = corner & 4, ug = corner & 2, um = corner & 1;
                    const double w =
                        (uc ? bc.w : 1 - bc.w) * (ug ? bg.w : 1 - bg.w) * (um ? bm.w : 1 - bm.w);
                    if (w == 0)
                        continue;
                    const LayerCost* in = &grid[gridIndex(uc ? bc.hi : bc.lo, ug ? bg.hi : bg.lo,
                                                          um ? bm.hi : bm.lo) *
                                                layers];
                    for (size_t l = 0; l < layers; ++l) {
                        out[l].latencyMs += w * in[l].latencyMs;
                        out[l].energyMj += w * in[l].energyMj;
                    }
                }
            }
        }
    }
    return costs;
}

void ProfileTable::setShareRecords(const std::vector<ShareRecord>& records) {
    keptFirstUnit_.clear();
    wireBytes_.clear();
    shareRecords_.clear();
    shareSplitLayer_.clear();
    if (records.empty()) {
        sharesMissing_ = "the profile has no share measurements (profiled by an agent without "
                         "the share sweep)";
        return;
    }
    // tuple -> share index -> record; only measured tuples count.
    std::map<FrequencyTuple, std::map<int, const ShareRecord*>> byTuple;
    const ShareRecord& ref = records.front();
    for (const ShareRecord& r : records) {
        if (!isMeasured(r.unit.tuple))
            continue;
        auto refuse = [&](const std::string& why) {
            sharesMissing_ = "share " + std::to_string(r.shareIndex) + " at " +
                             r.unit.tuple.toString() + ": " + why;
        };
        if (r.splitLayer != ref.splitLayer || r.channels != ref.channels)
            return refuse("split layer '" + r.splitLayer + "' (" + std::to_string(r.channels) +
                          " maps) differs from the other records' '" + ref.splitLayer + "'");
        const auto split = std::find(layerNames_.begin(), layerNames_.end(), r.splitLayer);
        if (split == layerNames_.end() || split + 1 == layerNames_.end() ||
            *(split + 1) != r.unit.layerName)
            return refuse("unit '" + r.unit.layerName + "' is not the unit after split layer '" +
                          r.splitLayer + "' in the profile");
        if (r.shareIndex < 1 || r.shareIndex > kShareColumns)
            return refuse("share index outside 1..10");
        if (!(r.unit.latency.medianMs >= 0) || !(r.unit.totalEnergyMj >= 0) ||
            !std::isfinite(r.unit.latency.medianMs) || !std::isfinite(r.unit.totalEnergyMj))
            return refuse("negative or non-finite latency or energy");
        byTuple[r.unit.tuple][r.shareIndex] = &r;
    }
    for (const FrequencyTuple& t : measured_) {
        const auto it = byTuple.find(t);
        const size_t have = it == byTuple.end() ? 0 : it->second.size();
        if (have != size_t(kShareColumns)) {
            sharesMissing_ = "tuple " + t.toString() + " has " + std::to_string(have) +
                             " of 10 share measurements (profiled by an agent without the share "
                             "sweep, or interrupted)";
            return;
        }
    }
    auto gridIndex = [&](size_t c, size_t g, size_t m) {
        return (c * gpuAxis_.size() + g) * emcAxis_.size() + m;
    };
    const size_t width = size_t(kShareColumns);
    std::vector<LayerCost> grid(measured_.size() * width);
    std::vector<std::vector<double>> bytes(width + 1);
    for (size_t c = 0; c < cpuAxis_.size(); ++c)
        for (size_t g = 0; g < gpuAxis_.size(); ++g)
            for (size_t m = 0; m < emcAxis_.size(); ++m) {
                const auto& shares = byTuple.at({cpuAxis_[c], gpuAxis_[g], emcAxis_[m]});
                for (const auto& [k, r] : shares) {
                    grid[gridIndex(c, g, m) * width + size_t(k - 1)] = {r->unit.latency.medianMs,
                                                                        r->unit.totalEnergyMj};
                    bytes[size_t(k)].push_back(r->wireBytes);
                }
            }
    keptFirstUnit_ = interpolate(grid, width);
    for (const auto& [tuple, shares] : byTuple) // measured tuples exactly as measured
        for (const auto& [k, r] : shares)
            keptFirstUnit_[size_t(tupleIndex(tuple)) * width + size_t(k - 1)] = {
                r->unit.latency.medianMs, r->unit.totalEnergyMj};
    wireBytes_.assign(width + 1, 0.0);
    for (size_t k = 1; k <= width; ++k) {
        std::vector<double>& b = bytes[k];
        std::nth_element(b.begin(), b.begin() + long(b.size() / 2), b.end());
        wireBytes_[k] = b[b.size() / 2];
    }
    for (const auto& [tuple, shares] : byTuple)
        for (const auto& [k, r] : shares)
            shareRecords_.push_back(*r);
    shareSplitLayer_ = ref.splitLayer;
    sharesMissing_.clear();
}

LayerCost ProfileTable::keptFirstUnitAt(int index, int shareIndex) const {
    if (keptFirstUnit_.empty())
        throw std::logic_error("ProfileTable: no share measurements: " + sharesMissing_);
    if (index < 0 || index >= tupleCount() || shareIndex < 1 || shareIndex > kShareColumns)
        throw std::out_of_range("ProfileTable::keptFirstUnitAt: tuple " + std::to_string(index) +
                                ", share index " + std::to_string(shareIndex));
    return keptFirstUnit_[size_t(index) * size_t(kShareColumns) + size_t(shareIndex - 1)];
}

double ProfileTable::measuredWireBytes(int shareIndex) const {
    if (wireBytes_.empty())
        throw std::logic_error("ProfileTable: no share measurements: " + sharesMissing_);
    if (shareIndex < 0 || shareIndex > kShareColumns)
        throw std::out_of_range("ProfileTable::measuredWireBytes: share index " +
                                std::to_string(shareIndex));
    return wireBytes_[size_t(shareIndex)];
}

bool ProfileTable::isMeasured(const FrequencyTuple& t) const {
    return std::find(measured_.begin(), measured_.end(), t) != measured_.end();
}

FrequencyTuple ProfileTable::tupleAtLevels(int cpuLevel, int gpuLevel, int emcLevel) const {
    if (cpuLevel < 0 || cpuLevel >= cpuLevels() || gpuLevel < 0 || gpuLevel >= gpuLevels() ||
        emcLevel < 0 || emcLevel >= emcLevels())
        throw InvalidTupleError("levels " + std::to_string(cpuLevel) + "/" +
                                std::to_string(gpuLevel) + "/" + std::to_string(emcLevel) +
                                " are outside the " + board_.name + " tables (" +
                                std::to_string(cpuLevels()) + "/" + std::to_string(gpuLevels()) +
                                "/" + std::to_string(emcLevels()) + " levels)");
    return {board_.cpu.frequenciesKhz[size_t(cpuLevel)],
            board_.gpu.frequenciesKhz[size_t(gpuLevel)],
            board_.emc.frequenciesKhz[size_t(emcLevel)]};
}

int ProfileTable::tupleIndex(const FrequencyTuple& t) const {
    board_.validate(t);
    return tupleIndex(levelOf(board_.cpu, t.cpuKhz), levelOf(board_.gpu, t.gpuKhz),
                      levelOf(board_.emc, t.emcKhz));
}

LayerCost ProfileTable::layer(const FrequencyTuple& t, int layerIndex) const {
    if (layerIndex < 0 || layerIndex >= layerCount())
        throw std::out_of_range("layer " + std::to_string(layerIndex) + " of " +
                                std::to_string(layerCount()));
    return costs_[size_t(tupleIndex(t)) * layerNames_.size() + size_t(layerIndex)];
}

LayerCost ProfileTable::whole(const FrequencyTuple& t) const {
    return range(t, 0, layerCount());
}

LayerCost ProfileTable::range(const FrequencyTuple& t, int first, int last) const {
    return rangeAt(tupleIndex(t), first, last);
}

LayerCost ProfileTable::rangeAt(int index, int first, int last) const {
    if (index < 0 || index >= tupleCount() || first < 0 || last > layerCount() || first > last)
        throw std::out_of_range("ProfileTable::rangeAt: tuple " + std::to_string(index) +
                                ", layers [" + std::to_string(first) + ", " + std::to_string(last) +
                                ")");
    LayerCost sum;
    const LayerCost* row = &costs_[size_t(index) * layerNames_.size()];
    for (int l = first; l < last; ++l) {
        sum.latencyMs += row[l].latencyMs;
        sum.energyMj += row[l].energyMj;
    }
    return sum;
}

} // namespace dvfo
