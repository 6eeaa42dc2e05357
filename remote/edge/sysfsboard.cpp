#include "remote/edge/sysfsboard.h"

#include "core/profile/latencystats.h"
#include "remote/edge/boardconditionsreader.h"
#include "remote/edge/sysfsfile.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>

namespace dvfo {

namespace {

const char* const kCpufreq = "/sys/devices/system/cpu/cpufreq";
const char* const kDevfreqClass = "/sys/class/devfreq";
const char* const kBpmpEmc = "/sys/kernel/debug/bpmp/debug/clk/emc";
const char* const kTegra210Emc = "/sys/kernel/debug/clk/override.emc";
const char* const kEmcCap = "/sys/kernel/nvpmodel_emc_cap/emc_iso_cap";
const char* const kIioDriver = "/sys/bus/i2c/drivers/ina3221x";
const char* const kHwmonDriver = "/sys/bus/i2c/drivers/ina3221";
const char* const kDebugfsHint =
    "mount debugfs (mount -t debugfs none /sys/kernel/debug) and run dvfo-edge as root";

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// "<prefix><digits><suffix>" -> digits, or -1.
int indexedName(const std::string& name, const std::string& prefix, const std::string& suffix) {
    if (name.size() <= prefix.size() + suffix.size() || !startsWith(name, prefix) ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        return -1;
    const std::string digits =
        name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (digits.empty() || digits.size() > 6 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return -1;
    return std::stoi(digits);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : sep) + p;
    return out;
}

std::vector<std::string> words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    std::string w;
    while (in >> w)
        out.push_back(w);
    return out;
}

// INA3221 channels wired to nothing are labelled "NC" (sometimes "NC 1", "(NC)"); match it as
// a whole word so a real rail like "VDD_SYNC" is not dropped.
bool notConnected(const std::string& label) {
    for (size_t pos = label.find("NC"); pos != std::string::npos; pos = label.find("NC", pos + 1)) {
        const bool leftOk = pos == 0 || !std::isalpha(static_cast<unsigned char>(label[pos - 1]));
        const bool rightOk =
            pos + 2 >= label.size() || !std::isalpha(static_cast<unsigned char>(label[pos + 2]));
        if (leftOk && rightOk)
            return true;
    }
    return false;
}

// How often the INA3221 behind `dir` publishes a reading, in ms; 0 when the driver does not say.
// hwmon (L4T >= 34) has update_interval in ms, rounded (6.6 ms reads 7), and newer kernels add
// update_interval_us, which wins when present. The IIO ina3221x driver of L4T <= 32 has no
// standard attribute; IIO's ABI spells it [in_][<type>_]sampling_frequency (Hz), and some
// out-of-tree drivers copy hwmon's names: any of them counts, the slowest channel wins.
double railUpdateIntervalMsIn(const std::string& dir) {
    auto endsWith = [](const std::string& s, const std::string& tail) {
        return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
    };
    double ms = 0, fromMicroseconds = 0;
    for (const auto& f : sysfs::listDir(dir)) {
        const std::string file = dir + "/" + f;
        if (endsWith(f, "update_interval_us")) {
            fromMicroseconds = std::max(fromMicroseconds, sysfs::readDouble(file) / 1000.0);
        } else if (endsWith(f, "update_interval")) {
            ms = std::max(ms, sysfs::readDouble(file));
        } else if (endsWith(f, "sampling_frequency")) {
            const double hz = sysfs::readDouble(file);
            if (hz > 0)
                ms = std::max(ms, 1000.0 / hz);
        }
    }
    return fromMicroseconds > 0 ? fromMicroseconds : ms;
}

// Devfreq and bpmp list rates in Hz; kHz keys must be exact so a table value maps back to the
// very string the kernel offered.
int64_t hzToKhz(int64_t hz) {
    return (hz + 500) / 1000;
}

// "/a/b/" -> "/a/b", "" -> "/": one spelling per tree, so the saved-state file is found again.
std::string normalisedRoot(std::string root) {
    while (root.size() > 1 && root.back() == '/')
        root.pop_back();
    return root.empty() ? "/" : root;
}

} // namespace

SysfsBoard::SysfsBoard(BoardSpec templateSpec, std::string root, std::string stateDirectory)
    : root_(normalisedRoot(std::move(root))), stateFile_(root_, std::move(stateDirectory)),
      sampler_([this] { return readRails(true); }) {
    spec_ = templateSpec;
    discoverCpu(templateSpec);
    discoverGpu(templateSpec);
    discoverEmc(templateSpec);
    discoverRails(templateSpec);
}

SysfsBoard::~SysfsBoard() {
    try {
        sampler_.stop();
    } catch (...) {
        // An unfinished measurement's error has no one left to report to.
    }
    try {
        // Only what this object pinned: a state stored by an earlier `set-freq` stays in force.
        std::lock_guard<std::mutex> lock(mutex_);
        if (saved_)
            restoreLocked();
    } catch (...) {
        // Destructors must not throw; restore() already tried every file it could.
    }
}

std::string SysfsBoard::path(const std::string& abs) const {
    return root_ == "/" ? abs : root_ + abs;
}

std::vector<std::string> SysfsBoard::cpuPolicyPaths() const {
    std::vector<std::string> out;
    for (const auto& p : policies_)
        out.push_back(p.dir);
    return out;
}

// ---- discovery --------------------------------------------------------------------------

void SysfsBoard::discoverCpu(const BoardSpec& tmpl) {
    const std::string base = path(kCpufreq);
    std::vector<std::pair<int, std::string>> found;
    for (const auto& name : sysfs::listDir(base)) {
        const int k = indexedName(name, "policy", "");
        if (k >= 0 && sysfs::isDirectory(base + "/" + name))
            found.emplace_back(k, name);
    }
    std::sort(found.begin(), found.end()); // numeric: policy10 after policy2
    if (found.empty())
        throw HalError("no cpufreq policy found under " + base +
                       " (is this a Linux board with cpufreq enabled?)");

    std::set<std::string> treePolicies, specPolicies;
    for (const auto& f : found)
        treePolicies.insert(f.second);
    for (const auto& c : tmpl.cpuClusters)
        specPolicies.insert(c.policy);

    std::vector<CpuClusterSpec> clusters;
    if (treePolicies == specPolicies) {
        clusters = tmpl.cpuClusters;
    } else {
        // The template was written for another L4T/kernel layout: trust the tree, keep the
        // template's cluster names where the first CPU matches.
        for (const auto& [k, name] : found) {
            CpuClusterSpec cl;
            cl.policy = name;
            const std::string dir = base + "/" + name;
            for (const char* f : {"related_cpus", "affected_cpus"}) {
                if (sysfs::exists(dir + "/" + f)) {
                    for (int64_t c :
                         sysfs::parseInt64List(sysfs::readFile(dir + "/" + f), dir + "/" + f))
                        cl.cpus.push_back(static_cast<int>(c));
                    break;
                }
            }
            if (cl.cpus.empty())
                cl.cpus.push_back(k); // policyK is named after its first CPU
            cl.name = name;
            for (const auto& t : tmpl.cpuClusters)
                if (!t.cpus.empty() && t.cpus.front() == cl.cpus.front())
                    cl.name = t.name;
            clusters.push_back(cl);
        }
    }

    bool fromTemplate = false;
    std::vector<int64_t> common;
    for (size_t i = 0; i < clusters.size(); ++i) {
        CpuPolicy p;
        p.dir = base + "/" + clusters[i].policy;
        const std::string avail = p.dir + "/scaling_available_frequencies";
        if (sysfs::exists(avail)) {
            p.tableKhz = sysfs::parseInt64List(sysfs::readFile(avail), avail);
        } else {
            // Some cpufreq drivers have no table file; the template is the best we have.
            p.tableKhz = tmpl.cpu.frequenciesKhz;
            fromTemplate = true;
        }
        std::sort(p.tableKhz.begin(), p.tableKhz.end());
        p.tableKhz.erase(std::unique(p.tableKhz.begin(), p.tableKhz.end()), p.tableKhz.end());
        p.tableKhz.erase(
            std::remove_if(p.tableKhz.begin(), p.tableKhz.end(), [](int64_t v) { return v <= 0; }),
            p.tableKhz.end());
        if (p.tableKhz.empty())
            throw HalError(avail + " lists no frequency");
        const std::string govs = p.dir + "/scaling_available_governors";
        if (sysfs::exists(govs)) {
            const auto g = words(sysfs::readFile(govs));
            p.userspace = std::find(g.begin(), g.end(), "userspace") != g.end() &&
                          sysfs::exists(p.dir + "/scaling_setspeed");
        }
        if (i == 0) {
            common = p.tableKhz;
            if (sysfs::exists(govs))
                spec_.governors["cpu"] = words(sysfs::readFile(govs));
        } else {
            // One cpuKhz drives every cluster, so only frequencies all of them offer are valid.
            std::vector<int64_t> both;
            std::set_intersection(common.begin(), common.end(), p.tableKhz.begin(),
                                  p.tableKhz.end(), std::back_inserter(both));
            common = both;
        }
        policies_.push_back(p);
    }
    if (common.empty())
        throw HalError(
            "the cpufreq policies under " + base +
            " share no common frequency, so one CPU clock cannot be pinned on all of them");
    spec_.cpuClusters = clusters;
    spec_.cpu.frequenciesKhz = common;
    spec_.cpu.partial = fromTemplate && tmpl.cpu.partial;
    spec_.cpu.note = fromTemplate
                         ? "scaling_available_frequencies missing: table from the board template"
                         : "discovered from scaling_available_frequencies";
}

void SysfsBoard::discoverGpu(const BoardSpec& tmpl) {
    const std::string cls = path(kDevfreqClass);
    const auto entries = sysfs::listDir(cls);
    const auto& names = tmpl.gpuNodeNames;
    auto known = [&](const std::string& n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    };

    std::string node;
    std::vector<std::string> seen;
    // The device-tree node name is the reliable key; node directory names vary by L4T.
    for (const auto& e : entries) {
        const std::string ofName = cls + "/" + e + "/device/of_node/name";
        std::string n;
        if (sysfs::exists(ofName))
            n = sysfs::readTrimmed(ofName);
        seen.push_back(e + (n.empty() ? "" : " (" + n + ")"));
        if (node.empty() && !n.empty() && known(n))
            node = e;
    }
    if (node.empty()) {
        for (const auto& e : entries) {
            const auto dot = e.rfind('.');
            if (known(e) || (dot != std::string::npos && known(e.substr(dot + 1)))) {
                node = e;
                break;
            }
        }
    }
    if (node.empty())
        throw HalError("GPU devfreq node not found: no entry of " + cls +
                       " has device/of_node/name in {" + join(names, ", ") +
                       "} (found: " + (seen.empty() ? std::string("none") : join(seen, ", ")) +
                       "). Is the nvgpu driver loaded, and is this the right board template?");
    gpuDir_ = cls + "/" + node;
    const std::string avail = gpuDir_ + "/available_frequencies";
    if (!sysfs::exists(avail))
        throw HalError("GPU devfreq node " + gpuDir_ + " has no available_frequencies");
    for (int64_t hz : sysfs::parseInt64List(sysfs::readFile(avail), avail))
        if (hz > 0)
            gpuHzByKhz_[hzToKhz(hz)] = hz;
    if (gpuHzByKhz_.empty())
        throw HalError(avail + " lists no frequency");
    for (const char* f : {"min_freq", "max_freq", "cur_freq", "governor"})
        if (!sysfs::exists(gpuDir_ + "/" + f))
            throw HalError("GPU devfreq node " + gpuDir_ + " has no " + f);
    if (sysfs::exists(gpuDir_ + "/device/railgate_enable"))
        railgateFile_ = gpuDir_ + "/device/railgate_enable";

    spec_.gpu.frequenciesKhz.clear();
    for (const auto& kv : gpuHzByKhz_)
        spec_.gpu.frequenciesKhz.push_back(kv.first);
    spec_.gpu.partial = false;
    spec_.gpu.note = "discovered from " + avail;
    const std::string govs = gpuDir_ + "/available_governors";
    if (sysfs::exists(govs))
        spec_.governors["gpu"] = words(sysfs::readFile(govs));
}

void SysfsBoard::discoverEmc(const BoardSpec& tmpl) {
    const std::string bpmp = path(kBpmpEmc);
    const std::string t210 = path(kTegra210Emc);
    const bool haveBpmp = sysfs::exists(bpmp + "/rate") && sysfs::exists(bpmp + "/mrq_rate_locked");
    const bool haveT210 = sysfs::exists(t210 + "/clk_rate") &&
                          sysfs::exists(t210 + "/clk_update_rate") &&
                          sysfs::exists(t210 + "/clk_state");
    if (!haveBpmp && !haveT210)
        throw HalError("EMC clock control not found: neither " + bpmp +
                       "/{rate,mrq_rate_locked} nor " + t210 +
                       "/{clk_rate,clk_update_rate,clk_state} exist; " + kDebugfsHint);
    // Follow the template when both exist; otherwise whatever the kernel has.
    emcBpmp_ = haveBpmp && (!haveT210 || tmpl.emcInterface != "tegra210-debugfs");
    emcDir_ = emcBpmp_ ? bpmp : t210;
    spec_.emcInterface = emcBpmp_ ? "bpmp-debugfs" : "tegra210-debugfs";

    const std::string possible = bpmp + "/possible_rates";
    if (emcBpmp_ && sysfs::exists(possible)) {
        const std::string text = sysfs::readFile(possible);
        // BPMP firmware prints e.g. "204000 665600 2133000 3199000 (kHz)"; accept Hz too.
        std::vector<int64_t> values;
        std::string unit;
        for (const auto& w : words(text)) {
            if (w.front() == '(' && w.back() == ')')
                unit = w.substr(1, w.size() - 2);
            else
                values.push_back(sysfs::parseInt64(w, possible));
        }
        int64_t scaleToHz = 1;
        if (unit == "kHz" || unit == "KHz" || unit == "khz")
            scaleToHz = 1000;
        else if (unit == "MHz")
            scaleToHz = 1000000;
        else if (!unit.empty() && unit != "Hz")
            throw HalError("malformed content '" + sysfs::trim(text) + "' in " + possible +
                           ": unknown unit '" + unit + "'");
        else if (unit.empty() && !values.empty() &&
                 *std::max_element(values.begin(), values.end()) < 10000000)
            scaleToHz = 1000; // no EMC runs below 10 MHz: untagged small numbers are kHz
        for (int64_t v : values)
            if (v > 0)
                emcHzByKhz_[hzToKhz(v * scaleToHz)] = v * scaleToHz;
        if (emcHzByKhz_.empty())
            throw HalError(possible + " lists no rate");
        spec_.emc.note = "discovered from " + possible;
        spec_.emc.partial = false;
    } else {
        // tegra210 debugfs exposes only the current rate; the template carries the ladder.
        for (int64_t khz : tmpl.emc.frequenciesKhz)
            emcHzByKhz_[khz] = khz * 1000;
        spec_.emc.note =
            emcBpmp_ ? "possible_rates missing: table from the board template"
                     : "tegra210 exposes only the current EMC rate: table from the board template";
        spec_.emc.partial = tmpl.emc.partial;
    }
    spec_.emc.frequenciesKhz.clear();
    for (const auto& kv : emcHzByKhz_)
        spec_.emc.frequenciesKhz.push_back(kv.first);
}

void SysfsBoard::discoverRails(const BoardSpec& tmpl) {
    std::vector<RailSpec> rails;
    std::set<std::string> names;
    auto add = [&](RailSpec r, RailFiles f) {
        if (!names.insert(r.name).second)
            return;
        for (const auto& t : tmpl.rails) {
            if (t.name == r.name) {
                r.role = t.role;
                r.staticMw = t.staticMw;
                r.weights = t.weights;
            }
        }
        rails.push_back(std::move(r));
        railFiles_.push_back(std::move(f));
    };

    // L4T <= 32: IIO ina3221x, rail_name_K + in_{power,voltage,current}K_input.
    const std::string iio = path(kIioDriver);
    for (const auto& dev : sysfs::listDir(iio)) {
        const std::string devDir = iio + "/" + dev;
        if (!sysfs::isDirectory(devDir) || dev == "module")
            continue;
        for (const auto& sub : sysfs::listDir(devDir)) {
            // "iio:device0" on most L4T 32 releases, "iio_device" on a few older ones.
            if (!startsWith(sub, "iio:device") && !startsWith(sub, "iio_device"))
                continue;
            const std::string dir = devDir + "/" + sub;
            const size_t railsBefore = rails.size();
            for (const auto& f : sysfs::listDir(dir)) {
                const int k = indexedName(f, "rail_name_", "");
                if (k < 0 || k == 7)
                    continue;
                const std::string label = sysfs::readTrimmed(dir + "/" + f);
                if (label.empty() || notConnected(label))
                    continue;
                const std::string ks = std::to_string(k);
                add({label, "", "ina3221x", dev, k, 0, {}},
                    {label, false, dir + "/in_power" + ks + "_input",
                     dir + "/in_voltage" + ks + "_input", dir + "/in_current" + ks + "_input"});
            }
            if (rails.size() > railsBefore)
                railIntervalMs_ = std::max(railIntervalMs_, railUpdateIntervalMsIn(dir));
        }
    }
    // L4T >= 34: hwmon ina3221, inK_label + inK_input (mV) + currK_input (mA); in7 is the sum
    // channel, not a rail.
    const std::string hw = path(kHwmonDriver);
    for (const auto& dev : sysfs::listDir(hw)) {
        const std::string hwDir = hw + "/" + dev + "/hwmon";
        if (dev == "module" || !sysfs::isDirectory(hwDir))
            continue;
        for (const auto& sub : sysfs::listDir(hwDir)) {
            if (indexedName(sub, "hwmon", "") < 0)
                continue;
            const std::string dir = hwDir + "/" + sub;
            const size_t railsBefore = rails.size();
            for (const auto& f : sysfs::listDir(dir)) {
                const int k = indexedName(f, "in", "_label");
                if (k < 0 || k == 7)
                    continue;
                const std::string label = sysfs::readTrimmed(dir + "/" + f);
                if (label.empty() || notConnected(label))
                    continue;
                const std::string ks = std::to_string(k);
                add({label, "", "ina3221", dev, k, 0, {}},
                    {label, true, "", dir + "/in" + ks + "_input", dir + "/curr" + ks + "_input"});
            }
            if (rails.size() > railsBefore)
                railIntervalMs_ = std::max(railIntervalMs_, railUpdateIntervalMsIn(dir));
        }
    }

    // Keep the template's order (input rail first etc.); unknown rails follow in tree order.
    std::vector<size_t> order(rails.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    auto rank = [&](const std::string& n) {
        for (size_t i = 0; i < tmpl.rails.size(); ++i)
            if (tmpl.rails[i].name == n)
                return i;
        return tmpl.rails.size();
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return rank(rails[a].name) < rank(rails[b].name); });
    spec_.rails.clear();
    std::vector<RailFiles> files;
    for (size_t i : order) {
        spec_.rails.push_back(rails[i]);
        files.push_back(railFiles_[i]);
    }
    railFiles_ = std::move(files);
}

// ---- clocks -----------------------------------------------------------------------------

void SysfsBoard::write(const std::string& file, const std::string& value) {
    if (observer_) {
        const int err = observer_(file, value);
        if (err != 0)
            throw HalError(sysfs::errnoMessage("write '" + value + "' to", file, err));
    }
    sysfs::writeFile(file, value);
}

void SysfsBoard::writeLimits(const std::string& minFile, const std::string& maxFile,
                             const std::string& newMin, const std::string& newMax) {
    const int64_t curMax = sysfs::readInt64(maxFile);
    const int64_t lo = sysfs::parseInt64(newMin, minFile);
    // Raising above the current max: max first. Otherwise min first. Either way min <= max
    // holds after each write, which devfreq enforces and cpufreq silently "fixes" otherwise.
    if (lo > curMax) {
        write(maxFile, newMax);
        write(minFile, newMin);
    } else {
        write(minFile, newMin);
        write(maxFile, newMax);
    }
}

SysfsBoard::SavedState SysfsBoard::snapshot() const {
    SavedState s;
    for (const auto& p : policies_) {
        SavedPolicy sp;
        sp.governor = sysfs::readTrimmed(p.dir + "/scaling_governor");
        sp.minFreq = sysfs::readTrimmed(p.dir + "/scaling_min_freq");
        sp.maxFreq = sysfs::readTrimmed(p.dir + "/scaling_max_freq");
        // Reads "<unsupported>" unless the governor is userspace; only then worth restoring.
        if (sysfs::exists(p.dir + "/scaling_setspeed"))
            sp.setspeed = sysfs::readTrimmed(p.dir + "/scaling_setspeed");
        s.cpu.push_back(sp);
    }
    s.gpuMin = sysfs::readTrimmed(gpuDir_ + "/min_freq");
    s.gpuMax = sysfs::readTrimmed(gpuDir_ + "/max_freq");
    if (!railgateFile_.empty())
        s.railgate = sysfs::readTrimmed(railgateFile_);
    if (emcBpmp_) {
        s.emcLock = sysfs::readTrimmed(emcDir_ + "/mrq_rate_locked");
        s.emcRate = sysfs::readTrimmed(emcDir_ + "/rate");
    } else {
        s.emcState = sysfs::readTrimmed(emcDir_ + "/clk_state");
        s.emcUpdateRate = sysfs::readTrimmed(emcDir_ + "/clk_update_rate");
    }
    // Fail now, before any write, if something we must put back is not a number.
    for (size_t i = 0; i < s.cpu.size(); ++i) {
        sysfs::parseInt64(s.cpu[i].minFreq, policies_[i].dir + "/scaling_min_freq");
        sysfs::parseInt64(s.cpu[i].maxFreq, policies_[i].dir + "/scaling_max_freq");
    }
    sysfs::parseInt64(s.gpuMin, gpuDir_ + "/min_freq");
    sysfs::parseInt64(s.gpuMax, gpuDir_ + "/max_freq");
    return s;
}

nlohmann::json SysfsBoard::savedToJson(const SavedState& s) const {
    nlohmann::json cpu = nlohmann::json::array();
    for (size_t i = 0; i < s.cpu.size(); ++i)
        cpu.push_back({{"dir", policies_[i].dir},
                       {"governor", s.cpu[i].governor},
                       {"minFreq", s.cpu[i].minFreq},
                       {"maxFreq", s.cpu[i].maxFreq},
                       {"setspeed", s.cpu[i].setspeed}});
    return {{"cpu", cpu},
            {"gpu",
             {{"dir", gpuDir_},
              {"minFreq", s.gpuMin},
              {"maxFreq", s.gpuMax},
              {"railgate", s.railgate}}},
            {"emc",
             {{"interface", spec_.emcInterface},
              {"dir", emcDir_},
              {"lock", s.emcLock},
              {"rate", s.emcRate},
              {"state", s.emcState},
              {"updateRate", s.emcUpdateRate}}}};
}

SysfsBoard::SavedState SysfsBoard::savedFromJson(const nlohmann::json& j) const {
    const std::string where = "saved original clocks " + stateFile_.path();
    auto text = [&](const nlohmann::json& o, const char* key) {
        if (!o.is_object() || !o.contains(key) || !o[key].is_string())
            throw HalError(where + " lack the text field \"" + key +
                           "\"; put the clocks back by hand (or reboot) and delete the file");
        return o[key].get<std::string>();
    };
    auto mismatch = [&](const std::string& what, const std::string& stored,
                        const std::string& here) {
        return HalError(where + " were saved for another layout (" + what + " \"" + stored +
                        "\", this board has \"" + here +
                        "\"); put the clocks back by hand (or reboot) and delete the file");
    };
    SavedState s;
    const auto& cpu = j.contains("cpu") ? j["cpu"] : nlohmann::json();
    if (!cpu.is_array() || cpu.size() != policies_.size())
        throw mismatch("CPU policy count", cpu.is_array() ? std::to_string(cpu.size()) : "none",
                       std::to_string(policies_.size()));
    for (size_t i = 0; i < policies_.size(); ++i) {
        if (text(cpu[i], "dir") != policies_[i].dir)
            throw mismatch("CPU policy", text(cpu[i], "dir"), policies_[i].dir);
        SavedPolicy p{text(cpu[i], "governor"), text(cpu[i], "minFreq"), text(cpu[i], "maxFreq"),
                      text(cpu[i], "setspeed")};
        sysfs::parseInt64(p.minFreq, where);
        sysfs::parseInt64(p.maxFreq, where);
        s.cpu.push_back(p);
    }
    const auto& gpu = j.contains("gpu") ? j["gpu"] : nlohmann::json();
    if (text(gpu, "dir") != gpuDir_)
        throw mismatch("GPU node", text(gpu, "dir"), gpuDir_);
    s.gpuMin = text(gpu, "minFreq");
    s.gpuMax = text(gpu, "maxFreq");
    s.railgate = text(gpu, "railgate");
    sysfs::parseInt64(s.gpuMin, where);
    sysfs::parseInt64(s.gpuMax, where);
    const auto& emc = j.contains("emc") ? j["emc"] : nlohmann::json();
    if (text(emc, "interface") != spec_.emcInterface)
        throw mismatch("EMC interface", text(emc, "interface"), spec_.emcInterface);
    s.emcLock = text(emc, "lock");
    s.emcRate = text(emc, "rate");
    s.emcState = text(emc, "state");
    s.emcUpdateRate = text(emc, "updateRate");
    return s;
}

void SysfsBoard::checkEmcCap(int64_t emcHz) const {
    const std::string capFile = path(kEmcCap);
    if (!emcBpmp_ || !sysfs::exists(capFile))
        return;
    const int64_t cap = sysfs::readInt64(capFile);
    if (cap > 0 && emcHz > cap)
        throw HalError("EMC " + std::to_string(emcHz / 1000) +
                       " kHz is above the nvpmodel ISO cap of " + std::to_string(cap / 1000) +
                       " kHz (" + capFile +
                       "); choose a lower EMC rate or a power mode without the cap");
}

void SysfsBoard::setFrequencies(const FrequencyTuple& t) {
    std::lock_guard<std::mutex> lock(mutex_);
    spec_.validate(t);
    const int64_t gpuHz = gpuHzByKhz_.at(t.gpuKhz);
    const int64_t emcHz = emcHzByKhz_.at(t.emcKhz);
    checkEmcCap(emcHz);
    if (!saved_) {
        // An earlier process may have pinned the board and died (or was `set-freq`): its stored
        // original is the truth, not what the files say now. Stored before the first write.
        if (auto stored = stateFile_.load())
            saved_ = savedFromJson(*stored);
        else
            saved_ = savedFromJson(stateFile_.store(savedToJson(snapshot())));
    }

    const std::string cpu = std::to_string(t.cpuKhz);
    for (const auto& p : policies_) {
        if (p.userspace) {
            if (sysfs::readTrimmed(p.dir + "/scaling_governor") != "userspace")
                write(p.dir + "/scaling_governor", "userspace");
            // scaling_setspeed is clamped to [min, max]: widen the limits just enough.
            const int64_t lo = sysfs::readInt64(p.dir + "/scaling_min_freq");
            const int64_t hi = sysfs::readInt64(p.dir + "/scaling_max_freq");
            if (t.cpuKhz > hi)
                write(p.dir + "/scaling_max_freq", cpu);
            else if (t.cpuKhz < lo)
                write(p.dir + "/scaling_min_freq", cpu);
            write(p.dir + "/scaling_setspeed", cpu);
        } else {
            writeLimits(p.dir + "/scaling_min_freq", p.dir + "/scaling_max_freq", cpu, cpu);
        }
    }

    // Keep the GPU powered, otherwise a railgated GPU reports and keeps no clock.
    if (!railgateFile_.empty() && sysfs::readTrimmed(railgateFile_) != "0")
        write(railgateFile_, "0");
    const std::string gpu = std::to_string(gpuHz);
    writeLimits(gpuDir_ + "/min_freq", gpuDir_ + "/max_freq", gpu, gpu);

    const std::string emc = std::to_string(emcHz);
    if (emcBpmp_) {
        write(emcDir_ + "/mrq_rate_locked", "1");
        write(emcDir_ + "/rate", emc);
    } else {
        write(emcDir_ + "/clk_update_rate", emc);
        write(emcDir_ + "/clk_state", "1");
    }
    setTuple_ = t;
}

void SysfsBoard::restore() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!saved_) {
        // Pinned by another process (`dvfo-edge set-freq`, or an agent that was killed).
        if (auto stored = stateFile_.load())
            saved_ = savedFromJson(*stored);
    }
    restoreLocked();
}

void SysfsBoard::restoreLocked() {
    if (!saved_)
        return;
    const SavedState& s = *saved_;
    // Best effort: one stubborn file must not leave the other domains pinned.
    std::vector<std::string> errors;
    auto attempt = [&](const std::function<void()>& step) {
        try {
            step();
        } catch (const std::exception& e) {
            errors.push_back(e.what());
        }
    };

    // Reverse of setFrequencies: EMC, GPU, then the CPU policies last to first.
    if (emcBpmp_) {
        attempt([&] {
            if (s.emcLock == "0" || s.emcLock.empty())
                write(emcDir_ + "/mrq_rate_locked", "0"); // hands the clock back to the governor
            else
                write(emcDir_ + "/rate", s.emcRate); // someone (jetson_clocks) had it locked
        });
    } else {
        attempt([&] {
            // Undo the override first when it was off; re-arm it with the old rate when it was on.
            if (s.emcState == "0") {
                write(emcDir_ + "/clk_state", s.emcState);
                write(emcDir_ + "/clk_update_rate", s.emcUpdateRate);
            } else {
                write(emcDir_ + "/clk_update_rate", s.emcUpdateRate);
                write(emcDir_ + "/clk_state", s.emcState);
            }
        });
    }

    attempt([&] { writeLimits(gpuDir_ + "/min_freq", gpuDir_ + "/max_freq", s.gpuMin, s.gpuMax); });
    if (!railgateFile_.empty())
        attempt([&] {
            if (sysfs::readTrimmed(railgateFile_) != s.railgate)
                write(railgateFile_, s.railgate);
        });

    for (size_t i = policies_.size(); i-- > 0;) {
        const CpuPolicy& p = policies_[i];
        const SavedPolicy& sp = s.cpu[i];
        attempt([&] {
            // A numeric setspeed only existed under userspace; put it back while still there.
            const bool numeric =
                !sp.setspeed.empty() && std::isdigit(static_cast<unsigned char>(sp.setspeed[0]));
            if (sp.governor == "userspace" && numeric)
                write(p.dir + "/scaling_setspeed", sp.setspeed);
            writeLimits(p.dir + "/scaling_min_freq", p.dir + "/scaling_max_freq", sp.minFreq,
                        sp.maxFreq);
            if (sysfs::readTrimmed(p.dir + "/scaling_governor") != sp.governor)
                write(p.dir + "/scaling_governor", sp.governor);
        });
    }

    if (!errors.empty())
        throw HalError("restore incomplete (will retry on the next restore; the original clocks "
                       "stay in " +
                       stateFile_.path() + "): " + join(errors, "; "));
    stateFile_.remove();
    saved_.reset();
    setTuple_.reset();
}

FrequencyTuple SysfsBoard::currentFrequencies() {
    FrequencyTuple t;
    t.cpuKhz = sysfs::readInt64(policies_.front().dir + "/scaling_cur_freq");
    t.gpuKhz = hzToKhz(sysfs::readInt64(gpuDir_ + "/cur_freq"));
    t.emcKhz = hzToKhz(sysfs::readInt64(emcDir_ + (emcBpmp_ ? "/rate" : "/clk_rate")));
    return t;
}

nlohmann::json SysfsBoard::governors() {
    std::vector<std::string> cpu;
    for (const auto& p : policies_) {
        const std::string g = sysfs::readTrimmed(p.dir + "/scaling_governor");
        if (std::find(cpu.begin(), cpu.end(), g) == cpu.end())
            cpu.push_back(g);
    }
    const bool locked = emcBpmp_ ? sysfs::readInt64(emcDir_ + "/mrq_rate_locked") != 0
                                 : sysfs::readInt64(emcDir_ + "/clk_state") != 0;
    return {{"cpu", join(cpu, ",")},
            {"gpu", sysfs::readTrimmed(gpuDir_ + "/governor")},
            {"emc", locked ? "locked" : "auto"}};
}

// ---- identity and conditions ------------------------------------------------------------

std::vector<ThermalReading> SysfsBoard::readThermal() {
    return BoardConditionsReader(root_).thermalZones();
}

BoardConditions SysfsBoard::conditions() {
    return BoardConditionsReader(root_).read();
}

// ---- power ------------------------------------------------------------------------------

std::vector<RailReading> SysfsBoard::readPower() {
    return readRails(false);
}

std::vector<RailReading> SysfsBoard::readRails(bool powerOnly) const {
    std::vector<RailReading> out;
    out.reserve(railFiles_.size());
    for (const auto& f : railFiles_) {
        RailReading r;
        r.name = f.name;
        if (f.hwmon || !powerOnly) {
            r.millivolts = sysfs::readDouble(f.voltage);
            r.milliamps = sysfs::readDouble(f.current);
        }
        r.milliwatts = f.hwmon ? r.millivolts * r.milliamps / 1000.0 : sysfs::readDouble(f.power);
        out.push_back(r);
    }
    return out;
}

void SysfsBoard::setWriteObserver(WriteObserver observer) {
    std::lock_guard<std::mutex> lock(mutex_);
    observer_ = std::move(observer);
}

void SysfsBoard::setSamplePeriod(std::chrono::microseconds period) {
    sampler_.setPeriod(period);
}

void SysfsBoard::beginMeasurement() {
    if (railFiles_.empty())
        return; // finishMeasurement reports the missing rails
    sampler_.start();
}

LayerRecord SysfsBoard::finishMeasurement(const LayerInfo& layer,
                                          const std::vector<double>& hostSeconds) {
    RailSampler::Result power;
    if (sampler_.running())
        power = sampler_.stop();
    if (railFiles_.empty())
        throw HalError("cannot measure energy: no INA3221 rail found under " + path(kIioDriver) +
                       " or " + path(kHwmonDriver) +
                       " (run dvfo-edge as root if the rail files are root-only)");
    lastSampleCount_ = power.samples;
    if (power.samples == 0) {
        // The unit finished before the first sample: one reading beats reporting nothing.
        for (const auto& r : readPower())
            power.meanMw[r.name] = r.milliwatts;
    }

    LayerRecord rec;
    rec.layerName = layer.name;
    rec.kind = layer.kind;
    rec.emulated = false;
    rec.latency = computeLatencyStats(hostSeconds);
    rec.powerSamples = power.samples;
    rec.windowMs = power.windowS * 1e3;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (setTuple_)
            rec.tuple = *setTuple_;
    }
    if (rec.tuple == FrequencyTuple{})
        rec.tuple = currentFrequencies();
    const double medianS = rec.latency.medianMs / 1000.0;
    double sum = 0;
    for (const auto& [name, mw] : power.meanMw) {
        rec.powerMw[name] = mw;
        rec.energyMj[name] = mw * medianS; // mW x s = mJ
        sum += rec.energyMj[name];
    }
    const std::string input = spec_.inputRail();
    rec.totalEnergyMj = !input.empty() && rec.energyMj.count(input) ? rec.energyMj.at(input) : sum;
    return rec;
}

} // namespace dvfo
