#pragma once
#include "core/board/boardconditions.h"
#include "remote/edge/boardhal.h"

#include <string>
#include <vector>

namespace dvfo {

// Reads what a Jetson says about itself, every path under `root` ("/" on the board, a fake tree
// in tests), never running a tool:
//   /proc/device-tree/model                    which module ("NVIDIA Jetson Orin Nano ...")
//   /etc/nv_tegra_release                      "# R36 (release), REVISION: 3.0, ..." -> R36.3.0
//   /var/lib/nvpmodel/status                   "pmode:0002 ..." (what nvpmodel last applied)
//   /etc/nvpmodel.conf                         "< POWER_MODEL ID=2 NAME=15W >", "< PM_CONFIG
//   DEFAULT=2 >" /sys/class/thermal/thermal_zoneN/{type,temp}   millidegrees C
// `nvpmodel -q` would say the same as status + conf but needs root and the tool; these files are
// what it reads and writes. Missing files leave their field empty and say so in the note.
class BoardConditionsReader {
public:
    explicit BoardConditionsReader(std::string root = "/");

    // Throws HalError naming the file when it cannot be read.
    std::string deviceTreeModel() const;
    BoardConditions read() const;
    // Zones in index order (thermal_zone2 before thermal_zone10). Zones whose temp cannot be read,
    // or that report the "offline" value Jetsons use for a power-gated sensor (-40 °C or below,
    // e.g. -256 °C for a rail-gated GPU), are left out.
    std::vector<ThermalReading> thermalZones() const;

    // "# R35 (release), REVISION: 4.1, GCID: ..." -> "R35.4.1"; "" when it is not that format.
    static std::string parseL4tRelease(const std::string& firstLine);

private:
    std::string path(const std::string& abs) const;
    void readNvpmodel(BoardConditions& c, std::vector<std::string>& missing) const;

    std::string root_;
};

} // namespace dvfo
