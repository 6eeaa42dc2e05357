#pragma once
#include "remote/edge/boardhal.h"
#include "remote/edge/railsampler.h"
#include "remote/edge/savedclockstate.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dvfo {

// BoardHal on a real Jetson: cpufreq, devfreq, EMC debugfs and INA3221 rails. Every path is
// resolved under `root` ("/" on the board) so the tests can run it against a fake tree.
//
// The constructor discovers what the kernel really offers (clock tables, GPU node, rails) and
// spec() reports that, keeping the template's identity and emulation parameters. The first
// setFrequencies() snapshots the original governors and limits and keeps them on disk
// (SavedClockState) before writing anything; a later process finds them there instead of taking
// the pinned state for the original. restore() writes them back in reverse order, from memory or
// from that file, and then deletes the file; the destructor restores only what this object
// pinned, so `dvfo-edge probe` after `dvfo-edge set-freq` leaves the clocks pinned.
class SysfsBoard : public BoardHal {
public:
    // Called before every write with the full path and the value. Returning 0 lets the write
    // happen; returning an errno makes it fail exactly as if the kernel had refused it, which
    // is how the tests inject EACCES while running as root.
    using WriteObserver = std::function<int(const std::string& path, const std::string& value)>;

    // stateDirectory: where the original clocks are kept across processes (SavedClockState).
    explicit SysfsBoard(BoardSpec templateSpec, std::string root = "/",
                        std::string stateDirectory = SavedClockState::defaultDirectory());
    ~SysfsBoard() override;
    SysfsBoard(const SysfsBoard&) = delete;
    SysfsBoard& operator=(const SysfsBoard&) = delete;

    const BoardSpec& spec() const override { return spec_; }
    bool emulated() const override { return false; }

    FrequencyTuple currentFrequencies() override;
    void setFrequencies(const FrequencyTuple& t) override;
    std::vector<RailReading> readPower() override;
    // /sys/class/thermal zones under the root (BoardConditionsReader).
    std::vector<ThermalReading> readThermal() override;
    // Device-tree model, /etc/nv_tegra_release, nvpmodel status and conf, thermal zones.
    BoardConditions conditions() override;
    nlohmann::json governors() override;
    void restore() override;

    void beginMeasurement() override;
    LayerRecord finishMeasurement(const LayerInfo& layer,
                                  const std::vector<double>& hostSeconds) override;
    // From the rails' update_interval (hwmon, ms) or sampling_frequency (IIO, Hz); the slowest
    // chip's. 0 when no driver says.
    double railUpdateIntervalMs() override { return railIntervalMs_; }

    void setWriteObserver(WriteObserver observer);
    // Rail sampling period during a measurement (default 1 ms, about one INA3221 conversion).
    void setSamplePeriod(std::chrono::microseconds period);
    // Samples behind the last finishMeasurement() (0 = a single reading was taken instead).
    int lastSampleCount() const { return lastSampleCount_; }

    // Discovered locations, for logs and the agent's "hello".
    const std::string& root() const { return root_; }
    const std::string& gpuDevfreqPath() const { return gpuDir_; }
    const std::string& emcPath() const { return emcDir_; }
    std::vector<std::string> cpuPolicyPaths() const;
    // The file holding the original clocks while the board is pinned.
    const std::string& savedStatePath() const { return stateFile_.path(); }

private:
    struct CpuPolicy {
        std::string dir;
        std::vector<int64_t> tableKhz;
        bool userspace = false; // "userspace" governor offered and scaling_setspeed present
    };
    struct RailFiles {
        std::string name;
        bool hwmon = false;
        std::string power, voltage, current; // power is empty for hwmon (computed)
    };
    struct SavedPolicy {
        std::string governor, minFreq, maxFreq, setspeed;
    };
    struct SavedState {
        std::vector<SavedPolicy> cpu;
        std::string gpuMin, gpuMax, railgate;
        std::string emcLock, emcRate;        // bpmp
        std::string emcState, emcUpdateRate; // tegra210
    };

    std::string path(const std::string& abs) const;
    // powerOnly: what the sampler needs, one IIO read per rail instead of three (each is an
    // I2C transaction on the board).
    std::vector<RailReading> readRails(bool powerOnly) const;
    void discoverCpu(const BoardSpec& tmpl);
    void discoverGpu(const BoardSpec& tmpl);
    void discoverEmc(const BoardSpec& tmpl);
    void discoverRails(const BoardSpec& tmpl);

    void write(const std::string& file, const std::string& value);
    // Writes a new [min, max] pair so that min <= max holds after each single write.
    void writeLimits(const std::string& minFile, const std::string& maxFile,
                     const std::string& newMin, const std::string& newMax);
    SavedState snapshot() const;
    nlohmann::json savedToJson(const SavedState& s) const;
    // Throws HalError when the stored state does not fit the layout discovered here.
    SavedState savedFromJson(const nlohmann::json& j) const;
    void checkEmcCap(int64_t emcHz) const;
    void restoreLocked();

    BoardSpec spec_;
    std::string root_;
    std::vector<CpuPolicy> policies_;
    std::string gpuDir_, railgateFile_;
    std::map<int64_t, int64_t> gpuHzByKhz_;
    bool emcBpmp_ = true;
    std::string emcDir_;
    std::map<int64_t, int64_t> emcHzByKhz_;
    std::vector<RailFiles> railFiles_;
    double railIntervalMs_ = 0;

    mutable std::mutex mutex_; // setFrequencies/restore may come from different threads
    WriteObserver observer_;
    std::optional<SavedState> saved_;
    SavedClockState stateFile_;
    std::optional<FrequencyTuple> setTuple_;
    RailSampler sampler_;
    int lastSampleCount_ = 0;
};

} // namespace dvfo
