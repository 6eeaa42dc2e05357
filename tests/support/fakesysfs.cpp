#include "fakesysfs.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dvfo::test {

namespace fs = std::filesystem;

namespace {

std::string joinNumbers(const std::vector<int64_t>& v, int64_t scale, const std::string& tail) {
    std::string s;
    for (int64_t x : v)
        s += std::to_string(x * scale) + " ";
    return s + tail; // the kernel leaves a trailing blank before the newline
}

std::string trimmed(const std::string& s) {
    size_t b = 0, e = s.size();
    auto junk = [](char c) { return c == '\0' || c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
    while (b < e && junk(s[b]))
        ++b;
    while (e > b && junk(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

std::string num(double v) {
    return std::to_string(std::llround(v));
}

} // namespace

FakeSysfs::FakeSysfs(const BoardSpec& spec, std::string root, FakeSysfsOptions options)
    : root_(std::move(root)), opt_(std::move(options)) {
    while (root_.size() > 1 && root_.back() == '/')
        root_.pop_back();
    buildCpu(spec);
    buildGpu(spec);
    if (opt_.withEmc)
        buildEmc(spec);
    if (opt_.withRails)
        buildRails(spec);
}

std::string FakeSysfs::path(const std::string& abs) const {
    return root_ + abs;
}

void FakeSysfs::mkdirs(const std::string& abs) const {
    fs::create_directories(path(abs));
}

void FakeSysfs::file(const std::string& abs, const std::string& content) const {
    mkdirs(fs::path(abs).parent_path().string());
    std::ofstream out(path(abs), std::ios::binary | std::ios::trunc);
    out << content;
    if (!out)
        throw std::runtime_error("fake sysfs: cannot write " + path(abs));
}

void FakeSysfs::symlink(const std::string& linkAbs, const std::string& targetAbs) const {
    // Relative like the kernel's own links, so they stay inside the fake root.
    const fs::path link = path(linkAbs);
    fs::create_directories(link.parent_path());
    fs::create_symlink(fs::relative(path(targetAbs), link.parent_path()), link);
}

std::string FakeSysfs::read(const std::string& abs) const {
    std::ifstream in(path(abs), std::ios::binary);
    if (!in || fs::is_directory(path(abs)))
        throw std::runtime_error("fake sysfs: cannot read " + path(abs));
    std::stringstream ss;
    ss << in.rdbuf();
    return trimmed(ss.str());
}

void FakeSysfs::write(const std::string& abs, const std::string& content) {
    file(abs, content);
}

void FakeSysfs::remove(const std::string& abs) {
    fs::remove_all(path(abs));
}

void FakeSysfs::replaceByDirectory(const std::string& abs) {
    fs::remove(path(abs));
    fs::create_directory(path(abs));
}

std::string FakeSysfs::policyDir(const std::string& policy) const {
    return "/sys/devices/system/cpu/cpufreq/" + policy;
}

std::vector<std::string> FakeSysfs::policies() const {
    std::vector<std::string> out;
    for (const auto& c : clusters_)
        out.push_back(c.policy);
    return out;
}

void FakeSysfs::buildCpu(const BoardSpec& spec) {
    clusters_ = opt_.clusters.empty() ? spec.cpuClusters : opt_.clusters;
    const std::string govs =
        opt_.cpuUserspace
            ? "interactive conservative ondemand userspace powersave performance schedutil"
            : "interactive conservative ondemand powersave performance schedutil";
    for (const auto& c : clusters_) {
        auto it = opt_.cpuTablesKhz.find(c.policy);
        const std::vector<int64_t>& table =
            it != opt_.cpuTablesKhz.end() ? it->second : spec.cpu.frequenciesKhz;
        const std::string d = policyDir(c.policy);
        std::string cpus;
        for (int n : c.cpus)
            cpus += (cpus.empty() ? "" : " ") + std::to_string(n);
        file(d + "/scaling_available_frequencies", joinNumbers(table, 1, "\n"));
        file(d + "/scaling_available_governors", govs + " \n");
        file(d + "/scaling_governor", opt_.cpuGovernor + "\n");
        file(d + "/scaling_setspeed", "<unsupported>\n");
        file(d + "/scaling_min_freq", std::to_string(table.front()) + "\n");
        file(d + "/scaling_max_freq", std::to_string(table.back()) + "\n");
        file(d + "/scaling_cur_freq", std::to_string(table.back()) + "\n");
        file(d + "/cpuinfo_min_freq", std::to_string(table.front()) + "\n");
        file(d + "/cpuinfo_max_freq", std::to_string(table.back()) + "\n");
        file(d + "/scaling_driver", "tegra-cpufreq\n");
        file(d + "/related_cpus", cpus + "\n");
        file(d + "/affected_cpus", cpus + "\n");
        for (int n : c.cpus) {
            const std::string cpu = "/sys/devices/system/cpu/cpu" + std::to_string(n);
            file(cpu + "/online", "1\n");
            symlink(cpu + "/cpufreq", d);
        }
    }
}

void FakeSysfs::buildGpu(const BoardSpec& spec) {
    std::string device = opt_.gpuDevice, node = opt_.gpuNode, ofName = opt_.gpuOfName;
    if (device.empty()) {
        // Layouts as seen on real boards (shared/reference/jetson-boards.md).
        if (spec.id == "jetson-nano")
            device = "/sys/devices/gpu.0", node = "57000000.gpu", ofName = "gpu";
        else if (spec.id == "jetson-tx2")
            device = "/sys/devices/gpu.0", node = "17000000.gp10b", ofName = "gp10b";
        else if (spec.id == "xavier-nx" || spec.id == "agx-xavier")
            device = "/sys/devices/17000000.gv11b", node = "17000000.gv11b", ofName = "gv11b";
        else
            device = "/sys/devices/platform/bus@0/17000000.gpu", node = "17000000.gpu",
            ofName = "gpu";
    }
    gpuDevice_ = device;
    gpuDevfreq_ = device + "/devfreq/" + node;
    gpuClass_ = "/sys/class/devfreq/" + node;

    auto makeNode = [&](const std::string& dev, const std::string& nodeName, const std::string& of,
                        const std::vector<int64_t>& khz, const std::string& governor,
                        bool withOfNode) {
        const std::string df = dev + "/devfreq/" + nodeName;
        file(df + "/available_frequencies", joinNumbers(khz, 1000, "\n"));
        file(df + "/available_governors",
             "wmark_active wmark_simple nvhost_podgov userspace performance simple_ondemand\n");
        file(df + "/governor", governor + "\n");
        file(df + "/min_freq", std::to_string(khz.front() * 1000) + "\n");
        file(df + "/max_freq", std::to_string(khz.back() * 1000) + "\n");
        file(df + "/cur_freq", std::to_string(khz.front() * 1000) + "\n");
        file(df + "/target_freq", std::to_string(khz.front() * 1000) + "\n");
        file(df + "/polling_interval", "25\n");
        symlink(df + "/device", dev);
        file(dev + "/load", "0\n");
        if (withOfNode) {
            const std::string ofDir = "/sys/firmware/devicetree/base/" + of + "@" +
                                      nodeName.substr(0, nodeName.find('.'));
            file(ofDir + "/name", of + std::string(1, '\0'));
            symlink(dev + "/of_node", ofDir);
        }
        symlink("/sys/class/devfreq/" + nodeName, df);
    };
    if (opt_.decoyDevfreq)
        makeNode("/sys/devices/15340000.vic", "15340000.vic", "vic", {115200, 345600, 601600},
                 "simple_ondemand", opt_.gpuOfNode);
    if (!opt_.withGpu)
        return;
    makeNode(device, node, ofName, spec.gpu.frequenciesKhz, opt_.gpuGovernor, opt_.gpuOfNode);
    if (opt_.railgate)
        file(device + "/railgate_enable", "1\n");
}

void FakeSysfs::buildEmc(const BoardSpec& spec) {
    const std::string iface = opt_.emcInterface.empty() ? spec.emcInterface : opt_.emcInterface;
    const auto& t = spec.emc.frequenciesKhz;
    const std::string maxHz = std::to_string(t.back() * 1000) + "\n";
    if (iface == "tegra210-debugfs") {
        emcDir_ = "/sys/kernel/debug/clk/override.emc";
        file(emcDir_ + "/clk_rate", maxHz);
        file(emcDir_ + "/clk_update_rate", maxHz);
        file(emcDir_ + "/clk_state", "0\n");
        file("/sys/kernel/debug/clk/emc/clk_rate", maxHz);
    } else {
        emcDir_ = "/sys/kernel/debug/bpmp/debug/clk/emc";
        file(emcDir_ + "/rate", maxHz);
        file(emcDir_ + "/min_rate", std::to_string(t.front() * 1000) + "\n");
        file(emcDir_ + "/max_rate", maxHz);
        file(emcDir_ + "/mrq_rate_locked", "0\n");
        if (opt_.emcPossibleRates)
            file(emcDir_ + "/possible_rates", opt_.emcRatesKhzTagged ? joinNumbers(t, 1, "(kHz)\n")
                                                                     : joinNumbers(t, 1000, "\n"));
        if (opt_.emcCapFile)
            file(emcCapFile(), std::to_string(opt_.emcIsoCapHz) + "\n");
    }
}

void FakeSysfs::buildRails(const BoardSpec& spec) {
    std::map<std::string, int> deviceIndex;                 // i2c device -> iio:deviceN / hwmonN
    std::map<std::string, std::map<int, std::string>> used; // device -> channel -> label
    std::map<std::string, bool> deviceHwmon;
    for (const auto& r : spec.rails) {
        if (!deviceIndex.count(r.device)) {
            const int n = static_cast<int>(deviceIndex.size());
            deviceIndex[r.device] = n;
        }
        used[r.device][r.channel] = r.name;
        deviceHwmon[r.device] = r.driver == "ina3221";
    }
    for (const auto& [dev, index] : deviceIndex) {
        const bool hwmon = deviceHwmon[dev];
        const std::string real = "/sys/bus/i2c/devices/" + dev;
        const std::string driver =
            std::string("/sys/bus/i2c/drivers/") + (hwmon ? "ina3221" : "ina3221x");
        file(driver + "/bind", "");
        file(driver + "/unbind", "");
        file(driver + "/uevent", "");
        file(real + "/name", hwmon ? "ina3221\n" : "ina3221x\n");
        mkdirs(real);
        symlink(driver + "/" + dev, real);
        // Files are reached through the driver link, as SysfsBoard (and its messages) see them.
        const std::string sub = hwmon ? "/hwmon/hwmon" + std::to_string(index + 1)
                                      : "/iio:device" + std::to_string(index);
        const std::string dir = driver + "/" + dev + sub;
        // INA3221 has three channels; unwired ones are labelled NC.
        const int first = hwmon ? 1 : 0;
        for (int k = first; k < first + 3; ++k) {
            auto it = used[dev].find(k);
            const std::string label = it == used[dev].end() ? "NC" : it->second;
            const std::string ks = std::to_string(k);
            if (hwmon) {
                file(dir + "/in" + ks + "_label", label + "\n");
                file(dir + "/in" + ks + "_input", "0\n");
                file(dir + "/curr" + ks + "_input", "0\n");
                file(dir + "/shunt" + ks + "_resistor", "5000\n");
                file(dir + "/in" + std::to_string(k + 3) + "_input",
                     "0\n"); // shunt voltage, no label
            } else {
                file(dir + "/rail_name_" + ks, label + "\n");
                file(dir + "/in_power" + ks + "_input", "0\n");
                file(dir + "/in_voltage" + ks + "_input", "0\n");
                file(dir + "/in_current" + ks + "_input", "0\n");
            }
            if (it != used[dev].end())
                rails_[label] = {hwmon, dir, k};
        }
        if (hwmon) {
            file(dir + "/in7_label", "sum of shunt voltages\n");
            file(dir + "/in7_input", "0\n");
            file(dir + "/update_interval", "1\n");
            file(dir + "/name", "ina3221\n");
        }
    }
    // Distinct, exactly representable values: mV multiple of 10, mA multiple of 100, so the
    // IIO power file (integer mW) equals mV * mA / 1000.
    int i = 0;
    for (const auto& r : spec.rails) {
        setRail(r.name, 5000 + 10 * i, 1000 - 100 * (i % 9));
        ++i;
    }
}

std::string FakeSysfs::railVoltageFile(const std::string& rail) const {
    const auto& p = rails_.at(rail);
    const std::string k = std::to_string(p.channel);
    return p.hwmon ? p.dir + "/in" + k + "_input" : p.dir + "/in_voltage" + k + "_input";
}

std::string FakeSysfs::railCurrentFile(const std::string& rail) const {
    const auto& p = rails_.at(rail);
    const std::string k = std::to_string(p.channel);
    return p.hwmon ? p.dir + "/curr" + k + "_input" : p.dir + "/in_current" + k + "_input";
}

std::string FakeSysfs::railPowerFile(const std::string& rail) const {
    const auto& p = rails_.at(rail);
    return p.hwmon ? std::string() : p.dir + "/in_power" + std::to_string(p.channel) + "_input";
}

FakeSysfs::RailValues FakeSysfs::railValues(const std::string& rail) const {
    return {std::stod(read(railVoltageFile(rail))), std::stod(read(railCurrentFile(rail)))};
}

void FakeSysfs::setRail(const std::string& rail, double mv, double ma) {
    file(railVoltageFile(rail), num(mv) + "\n");
    file(railCurrentFile(rail), num(ma) + "\n");
    if (!rails_.at(rail).hwmon)
        file(railPowerFile(rail), num(mv * ma / 1000.0) + "\n");
}

std::map<std::string, std::string> FakeSysfs::snapshot() const {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(root_);
         it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_symlink() || !it->is_regular_file())
            continue;
        const std::string rel = "/" + fs::relative(it->path(), root_).string();
        out[rel] = read(rel);
    }
    return out;
}

std::map<std::string, std::string> FakeSysfs::restorableSnapshot() const {
    auto s = snapshot();
    for (auto it = s.begin(); it != s.end();) {
        const std::string& k = it->first;
        const bool kernelOwned = k.find("scaling_setspeed") != std::string::npos ||
                                 (k.size() >= 9 && k.compare(k.size() - 9, 9, "/emc/rate") == 0);
        it = kernelOwned ? s.erase(it) : std::next(it);
    }
    return s;
}

} // namespace dvfo::test
