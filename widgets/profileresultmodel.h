#pragma once
#include "core/board/frequencytuple.h"
#include "core/profile/layerrecord.h"
#include "core/profile/sessioninfo.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace dvfo {

class ProfileStore;

// Turns one session's records into plot-ready arrays (no Qt, no widgets, so it is tested alone).
// Tuples are sorted by (cpu, gpu, emc); layers by index. A missing cell is NaN.
class ProfileResultModel {
public:
    ProfileResultModel() = default;
    explicit ProfileResultModel(std::vector<LayerRecord> records, SessionInfo info = {});
    // Reads the session and its measurements; throws ProfileStoreError for an unknown id.
    static ProfileResultModel fromStore(const ProfileStore& store, int64_t session);

    const SessionInfo& session() const { return info_; }
    bool isEmpty() const { return tuples_.empty(); }
    size_t tupleCount() const { return tuples_.size(); }
    size_t layerCount() const { return layerNames_.size(); }
    const std::vector<FrequencyTuple>& tuples() const { return tuples_; }
    const std::vector<std::string>& layerNames() const { return layerNames_; }
    int tupleIndex(const FrequencyTuple& t) const; // -1 when absent

    // Median latency, layers x tuples, row-major: [layer * tupleCount() + tuple].
    const std::vector<double>& latencyMatrix() const { return latency_; }
    double latencyMs(size_t layer, size_t tuple) const {
        return latency_[layer * tuples_.size() + tuple];
    }
    const LayerRecord* record(size_t layer, size_t tuple) const; // nullptr when missing

    // Whole model per tuple (sums over its layers), in tuples() order.
    const std::vector<double>& wholeLatencyMs() const { return wholeLatency_; }
    const std::vector<double>& wholeEnergyMj() const { return wholeEnergy_; }
    // Tuples no other tuple beats in both latency and energy, by ascending latency.
    std::vector<size_t> paretoFront() const { return paretoFront(wholeLatency_, wholeEnergy_); }
    static std::vector<size_t> paretoFront(const std::vector<double>& latency,
                                           const std::vector<double>& energy);

    // Per-layer total energy at one tuple (NaN for a layer not measured there).
    std::vector<double> layerEnergyMj(size_t tuple) const;

    // The EMC clocks present, ascending.
    std::vector<int64_t> emcLevels() const;
    // CPU x GPU at one EMC clock: latency of `layer`, or of the whole model for layer < 0.
    struct Slice {
        std::vector<int64_t> cpuKhz, gpuKhz; // ascending, the clocks measured at that EMC
        std::vector<double> valuesMs;        // [cpu * gpuKhz.size() + gpu]; NaN when not measured
        double at(size_t cpu, size_t gpu) const { return valuesMs[cpu * gpuKhz.size() + gpu]; }
    };
    Slice slice(int64_t emcKhz, int layer = -1) const;

    // Two sessions aligned by tuple: only tuples both measured, in tuple order.
    struct Comparison {
        std::vector<FrequencyTuple> tuples;
        std::vector<double> latencyA, latencyB, energyA, energyB;
    };
    static Comparison compare(const ProfileResultModel& a, const ProfileResultModel& b);

    // "1907/1109/1600" (MHz), the short form the axes use.
    static std::string mhzLabel(const FrequencyTuple& t);

    static constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

private:
    SessionInfo info_;
    std::vector<LayerRecord> records_;
    std::vector<FrequencyTuple> tuples_;
    std::vector<std::string> layerNames_;
    std::vector<double> latency_;
    std::vector<int> recordIndex_; // same layout as latency_, index into records_ or -1
    std::vector<double> wholeLatency_, wholeEnergy_;
};

} // namespace dvfo
