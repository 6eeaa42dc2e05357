#include "remote/edge/boardconditionsreader.h"

#include "remote/edge/sysfsfile.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>

namespace dvfo {

namespace {

const char* const kModel = "/proc/device-tree/model";
const char* const kTegraRelease = "/etc/nv_tegra_release";
const char* const kNvpmodelStatus = "/var/lib/nvpmodel/status";
const char* const kNvpmodelConf = "/etc/nvpmodel.conf";
const char* const kThermal = "/sys/class/thermal";
// Jetson thermal drivers report -256 °C (some -40 °C) for a sensor whose domain is power-gated.
constexpr double kOfflineBelowC = -39.0;

std::string firstLine(const std::string& text) {
    const auto nl = text.find('\n');
    return sysfs::trim(nl == std::string::npos ? text : text.substr(0, nl));
}

// "thermal_zone12" -> 12, else -1.
int zoneIndex(const std::string& name) {
    const std::string prefix = "thermal_zone";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
        return -1;
    const std::string digits = name.substr(prefix.size());
    if (digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        }))
        return -1;
    return std::stoi(digits);
}

// Name of mode `id` in nvpmodel.conf, and the DEFAULT id; "" / -1 when absent.
void scanNvpmodelConf(const std::string& text, int id, std::string& name, int& defaultId) {
    static const std::regex model(R"(<\s*POWER_MODEL\s+ID\s*=\s*(\d+)\s+NAME\s*=\s*([^\s>]+)\s*>)");
    static const std::regex config(R"(<\s*PM_CONFIG\s+DEFAULT\s*=\s*(\d+)\s*>)");
    std::istringstream in(text);
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_search(line, m, model)) {
            if (std::stoi(m[1].str()) == id && name.empty())
                name = m[2].str();
        } else if (std::regex_search(line, m, config)) {
            defaultId = std::stoi(m[1].str());
        }
    }
}

} // namespace

BoardConditionsReader::BoardConditionsReader(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/')
        root_.pop_back();
}

std::string BoardConditionsReader::path(const std::string& abs) const {
    return root_ == "/" || root_.empty() ? abs : root_ + abs;
}

std::string BoardConditionsReader::deviceTreeModel() const {
    const std::string p = path(kModel);
    if (!sysfs::exists(p))
        throw HalError("cannot read " + p + " to tell which board this is");
    return sysfs::readTrimmed(p); // device-tree strings end in NUL
}

std::string BoardConditionsReader::parseL4tRelease(const std::string& line) {
    static const std::regex release(R"(#\s*R(\d+)\s*\(release\),\s*REVISION:\s*(\d+(?:\.\d+)*))");
    std::smatch m;
    if (!std::regex_search(line, m, release))
        return {};
    return "R" + m[1].str() + "." + m[2].str();
}

void BoardConditionsReader::readNvpmodel(BoardConditions& c,
                                         std::vector<std::string>& missing) const {
    const std::string conf = path(kNvpmodelConf);
    const std::string status = path(kNvpmodelStatus);
    std::string confText;
    if (sysfs::exists(conf))
        confText = sysfs::readFile(conf);
    int id = -1;
    if (sysfs::exists(status)) {
        // "pmode:0002 fmode:quiet": the mode nvpmodel applied last (it survives reboots).
        static const std::regex pmode(R"(pmode\s*:\s*(\d+))");
        const std::string text = sysfs::readFile(status);
        std::smatch m;
        if (std::regex_search(text, m, pmode)) {
            id = std::stoi(m[1].str());
            c.nvpmodelSource = kNvpmodelStatus;
        } else {
            missing.push_back(std::string(kNvpmodelStatus) + " has no pmode:N");
        }
    }
    int defaultId = -1;
    std::string name;
    scanNvpmodelConf(confText, id, name, defaultId);
    if (id < 0 && defaultId >= 0) {
        // nvpmodel never ran (or its status is gone): the board boots into the default mode.
        id = defaultId;
        scanNvpmodelConf(confText, id, name, defaultId);
        c.nvpmodelSource = std::string(kNvpmodelConf) + " PM_CONFIG DEFAULT (no status file)";
    }
    if (id < 0) {
        missing.push_back("nvpmodel mode (no " + std::string(kNvpmodelStatus) + " or " +
                          kNvpmodelConf + ")");
        return;
    }
    c.nvpmodelId = id;
    c.nvpmodelName = name;
    if (name.empty())
        missing.push_back("the name of nvpmodel mode " + std::to_string(id) + " (not in " +
                          kNvpmodelConf + ")");
}

BoardConditions BoardConditionsReader::read() const {
    BoardConditions c;
    std::vector<std::string> missing;
    try {
        c.boardModel = deviceTreeModel();
    } catch (const HalError&) {
        missing.push_back(std::string("device-tree model (no ") + kModel + ")");
    }
    const std::string release = path(kTegraRelease);
    if (sysfs::exists(release)) {
        const std::string line = firstLine(sysfs::readFile(release));
        c.l4tRelease = parseL4tRelease(line);
        if (c.l4tRelease.empty()) {
            c.l4tRelease = line; // an unknown format still says more than nothing
            missing.push_back(std::string(kTegraRelease) + " is not in the \"# R<major> (release), "
                                                           "REVISION: <minor>\" format");
        }
    } else {
        missing.push_back(std::string("L4T release (no ") + kTegraRelease + ")");
    }
    readNvpmodel(c, missing);
    for (const auto& z : thermalZones())
        c.thermalZones.push_back({z.type, z.tempC});
    if (c.thermalZones.empty())
        missing.push_back(std::string("thermal zones (none readable under ") + kThermal + ")");
    for (const auto& m : missing)
        c.note += (c.note.empty() ? "unknown: " : "; ") + m;
    return c;
}

std::vector<ThermalReading> BoardConditionsReader::thermalZones() const {
    const std::string base = path(kThermal);
    std::vector<std::pair<int, std::string>> zones;
    for (const auto& name : sysfs::listDir(base)) {
        const int k = zoneIndex(name);
        if (k >= 0)
            zones.emplace_back(k, name);
    }
    std::sort(zones.begin(), zones.end());
    std::vector<ThermalReading> out;
    for (const auto& [k, name] : zones) {
        const std::string dir = base + "/" + name;
        try {
            ThermalReading r;
            r.type = sysfs::exists(dir + "/type") ? sysfs::readTrimmed(dir + "/type") : name;
            r.tempC = double(sysfs::readInt64(dir + "/temp")) / 1000.0;
            if (r.tempC > kOfflineBelowC)
                out.push_back(r);
        } catch (const HalError&) {
            // Some zones refuse reads (EINVAL/ENODATA while their sensor sleeps): skip them.
        }
    }
    return out;
}

} // namespace dvfo
