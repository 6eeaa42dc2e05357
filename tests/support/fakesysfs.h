#pragma once
#include "core/board/boardspec.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dvfo::test {

// What the fake tree looks like beyond what the BoardSpec says.
struct FakeSysfsOptions {
    std::string cpuGovernor = "schedutil";
    bool cpuUserspace = true; // offer the userspace governor (and scaling_setspeed)
    // Replace the spec's clusters (to test policy discovery) and per-policy tables.
    std::vector<CpuClusterSpec> clusters;
    std::map<std::string, std::vector<int64_t>> cpuTablesKhz; // policy -> table

    bool withGpu = true;
    bool gpuOfNode = true;    // device/of_node/name present (else only the node name identifies it)
    bool decoyDevfreq = true; // a VIC devfreq node listed before the GPU
    bool railgate = true;
    std::string gpuGovernor = "nvhost_podgov";
    // Empty: chosen from the spec id as in the reference (e.g. /sys/devices/17000000.gv11b).
    std::string gpuDevice; // device directory, absolute inside the tree
    std::string gpuNode;   // devfreq node name, e.g. 17000000.gv11b
    std::string gpuOfName; // of_node name, e.g. gv11b

    bool withEmc = true;
    std::string emcInterface; // empty: the spec's
    bool emcCapFile = true;
    int64_t emcIsoCapHz = 0;        // 0 = no cap
    bool emcRatesKhzTagged = false; // possible_rates as "204000 ... (kHz)" instead of Hz
    bool emcPossibleRates = true;

    bool withRails = true;
};

// A fake Jetson sysfs/debugfs tree under `root` built from a BoardSpec: cpufreq policies with
// cpuN links, a devfreq GPU node found through /sys/class/devfreq and device/of_node/name,
// bpmp or tegra210 EMC debugfs files, INA3221 rails as IIO (ina3221x) or hwmon (ina3221).
// Plain files only, so the tests can read back every write. Qt-free on purpose.
class FakeSysfs {
public:
    FakeSysfs(const BoardSpec& spec, std::string root, FakeSysfsOptions options = {});

    const std::string& root() const { return root_; }
    // root + abs, abs being a board path such as "/sys/class/devfreq".
    std::string path(const std::string& abs) const;
    // Trimmed content of a board path; throws std::runtime_error when unreadable.
    std::string read(const std::string& abs) const;
    void write(const std::string& abs, const std::string& content);
    void remove(const std::string& abs);
    // Replaces a file by an empty directory so every open for reading or writing fails.
    void replaceByDirectory(const std::string& abs);

    // Board paths (without root) of the interesting places.
    std::string policyDir(const std::string& policy) const;
    std::vector<std::string> policies() const;
    std::string gpuDevfreqDir() const { return gpuDevfreq_; } // the real dir, not the class link
    std::string gpuClassDir() const { return gpuClass_; }     // /sys/class/devfreq/<node>
    std::string gpuDeviceDir() const { return gpuDevice_; }
    std::string emcDir() const { return emcDir_; }
    std::string emcCapFile() const { return "/sys/kernel/nvpmodel_emc_cap/emc_iso_cap"; }

    struct RailValues {
        double mv = 0, ma = 0;
        double mw() const { return mv * ma / 1000.0; }
    };
    // Rail files by label: power (IIO only), voltage, current.
    std::string railVoltageFile(const std::string& rail) const;
    std::string railCurrentFile(const std::string& rail) const;
    std::string railPowerFile(const std::string& rail) const; // empty for hwmon
    RailValues railValues(const std::string& rail) const;
    void setRail(const std::string& rail, double mv, double ma);

    // Trimmed contents of every regular file, keyed by board path: compare before/after.
    std::map<std::string, std::string> snapshot() const;
    // snapshot() without the files the kernel owns once a restore is done: scaling_setspeed
    // reads "<unsupported>" again when the governor is not userspace, and the EMC rate follows
    // the kernel once unlocked. The fake tree cannot model that; everything else must match.
    std::map<std::string, std::string> restorableSnapshot() const;

private:
    void mkdirs(const std::string& abs) const;
    void file(const std::string& abs, const std::string& content) const;
    void symlink(const std::string& linkAbs, const std::string& targetAbs) const;
    void buildCpu(const BoardSpec& spec);
    void buildGpu(const BoardSpec& spec);
    void buildEmc(const BoardSpec& spec);
    void buildRails(const BoardSpec& spec);

    struct RailPaths {
        bool hwmon = false;
        std::string dir;
        int channel = 0;
    };

    std::string root_;
    FakeSysfsOptions opt_;
    std::vector<CpuClusterSpec> clusters_;
    std::string gpuDevice_, gpuDevfreq_, gpuClass_, emcDir_;
    std::map<std::string, RailPaths> rails_;
};

} // namespace dvfo::test
