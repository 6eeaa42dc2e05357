#pragma once
// Per-layer latency and energy of one model on one board at every tuple of the board's tables,
// built from a stored profile session.
#include "core/board/boardspec.h"
#include "core/board/frequencytuple.h"
#include "core/profile/layerrecord.h"
#include "core/profile/sharerecord.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

class ProfileTableError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LayerCost {
    double latencyMs = 0; // median latency
    double energyMj = 0;  // LayerRecord::totalEnergyMj
};

// Interpolation: the measured tuples must form a product grid (every combination of the measured
// CPU, GPU and EMC frequencies, as `grid:NxMxK`, `all` or a finished resume give). A table tuple
// is interpolated multilinearly over the enclosing grid cell with the *period* 1/f as coordinate
// on each axis: latency terms scale with 1/f (the CPU dispatch term exactly, compute and memory
// terms piecewise), so this is exact for a term linear in 1/f, and measured tuples are returned
// exactly. Multilinear interpolation keeps every per-axis monotonicity of the data (each partial
// derivative is a convex combination of grid differences), so latency stays non-increasing in
// each clock wherever the measurements are. Outside the measured range of an axis the nearest
// measured value holds (grid plans include both table ends, so only list plans hit this).
// Energy is interpolated the same way; whole-model cost is the sum over layers.
class ProfileTable {
public:
    // records: every layer at every measured tuple; the measured tuples must be in `board`'s
    // tables. Throws ProfileTableError for an empty set, a tuple outside the tables, a missing
    // layer at some tuple, inconsistent layer names, negative numbers or a measured set that is not
    // a grid.
    ProfileTable(BoardSpec board, std::string model, const std::vector<LayerRecord>& records);

    const BoardSpec& board() const { return board_; }
    const std::string& model() const { return model_; }
    int layerCount() const { return int(layerNames_.size()); }
    const std::vector<std::string>& layerNames() const { return layerNames_; }
    const std::vector<FrequencyTuple>& measuredTuples() const { return measured_; }
    // The records the table was built from (a model-based policy carries them to the board).
    const std::vector<LayerRecord>& records() const { return records_; }
    bool isMeasured(const FrequencyTuple& t) const;

    // Table sizes and level <-> tuple (levels index the board's ascending tables).
    int cpuLevels() const { return int(board_.cpu.frequenciesKhz.size()); }
    int gpuLevels() const { return int(board_.gpu.frequenciesKhz.size()); }
    int emcLevels() const { return int(board_.emc.frequenciesKhz.size()); }
    int tupleCount() const { return cpuLevels() * gpuLevels() * emcLevels(); }
    int tupleIndex(int cpuLevel, int gpuLevel, int emcLevel) const {
        return (cpuLevel * gpuLevels() + gpuLevel) * emcLevels() + emcLevel;
    }
    FrequencyTuple tupleAtLevels(int cpuLevel, int gpuLevel, int emcLevel) const;
    // Throws InvalidTupleError for a tuple outside the board's tables.
    int tupleIndex(const FrequencyTuple& t) const;

    // Any tuple of the board's tables (throws InvalidTupleError otherwise).
    LayerCost layer(const FrequencyTuple& t, int layerIndex) const;
    LayerCost whole(const FrequencyTuple& t) const;
    // Layers [first, last) summed.
    LayerCost range(const FrequencyTuple& t, int first, int last) const;
    // The same by tuple index: the hot path of the environment.
    LayerCost rangeAt(int tupleIndex, int first, int last) const;

    // The profiler's share sweep (ShareRecord): the first tail unit on the kept maps per share,
    // interpolated to every table tuple like the layers, and the bytes on the wire per share.
    // Used only when complete: every measured tuple has shares 1..10, all of one split layer
    // whose next unit is the record's, with one channel count. Otherwise the table keeps none
    // and shareMeasurementsMissing() says why (the environment then falls back to its roofline
    // ratio). Records at tuples the layers were not measured at are ignored.
    void setShareRecords(const std::vector<ShareRecord>& records);
    bool hasShareMeasurements() const { return !keptFirstUnit_.empty(); }
    const std::string& shareMeasurementsMissing() const { return sharesMissing_; }
    const std::string& shareSplitLayer() const { return shareSplitLayer_; }
    const std::vector<ShareRecord>& shareRecords() const { return shareRecords_; }
    // The first tail unit on the kept maps at share index k (1..10; zero cost at 10), any table
    // tuple. Throws std::logic_error without share measurements, std::out_of_range otherwise.
    LayerCost keptFirstUnitAt(int tupleIndex, int shareIndex) const;
    // Bytes on the wire at share index k (0..10; 0 at k = 0): the median over measured tuples
    // (one compression of one input: the same at every tuple).
    double measuredWireBytes(int shareIndex) const;

private:
    BoardSpec board_;
    std::string model_;
    std::vector<std::string> layerNames_;
    std::vector<FrequencyTuple> measured_;
    std::vector<LayerCost> costs_; // [tupleIndex * layers + layer], every table tuple
    std::vector<LayerRecord> records_;
    std::vector<int64_t> cpuAxis_, gpuAxis_, emcAxis_; // the measured clocks, ascending
    static constexpr int kShareColumns = 10;           // share indices 1..10
    std::vector<LayerCost> keptFirstUnit_; // [tupleIndex * kShareColumns + k - 1], or empty
    std::vector<double> wireBytes_;        // [k], k = 0..10
    std::vector<ShareRecord> shareRecords_;
    std::string sharesMissing_ = "the profile has no share measurements";
    std::string shareSplitLayer_;
    // Multilinear interpolation (see above) of `width` costs per measured tuple, given as
    // grid[gridIndex * width + column], to every table tuple: [tupleIndex * width + column].
    std::vector<LayerCost> interpolate(const std::vector<LayerCost>& grid, size_t width) const;
};

} // namespace dvfo
