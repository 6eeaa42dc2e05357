#include "widgets/profileresultmodel.h"

#include "core/workspace/profilestore.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace dvfo {

ProfileResultModel::ProfileResultModel(std::vector<LayerRecord> records, SessionInfo info)
    : info_(std::move(info)), records_(std::move(records)) {
    std::set<FrequencyTuple> tuples;
    int layers = 0;
    for (const auto& r : records_) {
        tuples.insert(r.tuple);
        layers = std::max(layers, r.layerIndex + 1);
    }
    tuples_.assign(tuples.begin(), tuples.end());
    layerNames_.assign(size_t(layers), std::string());
    latency_.assign(size_t(layers) * tuples_.size(), kMissing);
    recordIndex_.assign(latency_.size(), -1);
    wholeLatency_.assign(tuples_.size(), 0.0);
    wholeEnergy_.assign(tuples_.size(), 0.0);
    for (size_t i = 0; i < records_.size(); ++i) {
        const LayerRecord& r = records_[i];
        if (r.layerIndex < 0)
            continue;
        const size_t t = size_t(tupleIndex(r.tuple));
        const size_t cell = size_t(r.layerIndex) * tuples_.size() + t;
        if (layerNames_[size_t(r.layerIndex)].empty())
            layerNames_[size_t(r.layerIndex)] = r.layerName;
        if (recordIndex_[cell] >=
            0) { // a duplicate (layer, tuple): the last one wins, as in the store
            wholeLatency_[t] -= latency_[cell];
            wholeEnergy_[t] -= records_[size_t(recordIndex_[cell])].totalEnergyMj;
        }
        latency_[cell] = r.latency.medianMs;
        recordIndex_[cell] = int(i);
        wholeLatency_[t] += r.latency.medianMs;
        wholeEnergy_[t] += r.totalEnergyMj;
    }
}

ProfileResultModel ProfileResultModel::fromStore(const ProfileStore& store, int64_t session) {
    SessionInfo info = store.session(session);
    return ProfileResultModel(store.measurements(session), std::move(info));
}

int ProfileResultModel::tupleIndex(const FrequencyTuple& t) const {
    const auto it = std::lower_bound(tuples_.begin(), tuples_.end(), t);
    return it != tuples_.end() && *it == t ? int(it - tuples_.begin()) : -1;
}

const LayerRecord* ProfileResultModel::record(size_t layer, size_t tuple) const {
    if (layer >= layerCount() || tuple >= tupleCount())
        return nullptr;
    const int i = recordIndex_[layer * tuples_.size() + tuple];
    return i < 0 ? nullptr : &records_[size_t(i)];
}

std::vector<size_t> ProfileResultModel::paretoFront(const std::vector<double>& latency,
                                                    const std::vector<double>& energy) {
    std::vector<size_t> order(std::min(latency.size(), energy.size()));
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return latency[a] != latency[b] ? latency[a] < latency[b] : energy[a] < energy[b];
    });
    // By ascending latency, a tuple is on the front when it needs strictly less energy than every
    // faster (or equally fast) one.
    std::vector<size_t> front;
    double best = std::numeric_limits<double>::infinity();
    for (size_t i : order)
        if (energy[i] < best) {
            best = energy[i];
            front.push_back(i);
        }
    return front;
}

std::vector<double> ProfileResultModel::layerEnergyMj(size_t tuple) const {
    std::vector<double> out(layerCount(), kMissing);
    for (size_t l = 0; l < layerCount(); ++l)
        if (const LayerRecord* r = record(l, tuple))
            out[l] = r->totalEnergyMj;
    return out;
}

std::vector<int64_t> ProfileResultModel::emcLevels() const {
    std::set<int64_t> s;
    for (const auto& t : tuples_)
        s.insert(t.emcKhz);
    return {s.begin(), s.end()};
}

ProfileResultModel::Slice ProfileResultModel::slice(int64_t emcKhz, int layer) const {
    Slice out;
    std::set<int64_t> cpus, gpus;
    for (const auto& t : tuples_)
        if (t.emcKhz == emcKhz) {
            cpus.insert(t.cpuKhz);
            gpus.insert(t.gpuKhz);
        }
    out.cpuKhz.assign(cpus.begin(), cpus.end());
    out.gpuKhz.assign(gpus.begin(), gpus.end());
    out.valuesMs.assign(out.cpuKhz.size() * out.gpuKhz.size(), kMissing);
    for (size_t t = 0; t < tuples_.size(); ++t) {
        if (tuples_[t].emcKhz != emcKhz)
            continue;
        const double v =
            layer < 0 ? wholeLatency_[t]
                      : (size_t(layer) < layerCount() ? latencyMs(size_t(layer), t) : kMissing);
        const size_t c =
            size_t(std::lower_bound(out.cpuKhz.begin(), out.cpuKhz.end(), tuples_[t].cpuKhz) -
                   out.cpuKhz.begin());
        const size_t g =
            size_t(std::lower_bound(out.gpuKhz.begin(), out.gpuKhz.end(), tuples_[t].gpuKhz) -
                   out.gpuKhz.begin());
        out.valuesMs[c * out.gpuKhz.size() + g] = v;
    }
    return out;
}

ProfileResultModel::Comparison ProfileResultModel::compare(const ProfileResultModel& a,
                                                           const ProfileResultModel& b) {
    Comparison c;
    for (size_t i = 0; i < a.tuples_.size(); ++i) {
        const int j = b.tupleIndex(a.tuples_[i]);
        if (j < 0)
            continue;
        c.tuples.push_back(a.tuples_[i]);
        c.latencyA.push_back(a.wholeLatency_[i]);
        c.latencyB.push_back(b.wholeLatency_[size_t(j)]);
        c.energyA.push_back(a.wholeEnergy_[i]);
        c.energyB.push_back(b.wholeEnergy_[size_t(j)]);
    }
    return c;
}

std::string ProfileResultModel::mhzLabel(const FrequencyTuple& t) {
    auto mhz = [](int64_t khz) {
        return std::to_string(int64_t(std::llround(double(khz) / 1000.0)));
    };
    return mhz(t.cpuKhz) + "/" + mhz(t.gpuKhz) + "/" + mhz(t.emcKhz);
}

} // namespace dvfo
