#include "app/cli/energyoptions.h"

namespace dvfo::cli {

void addEnergyOptions(CLI::App* cmd, std::string& energy, double& idleMw) {
    cmd->add_option("--energy", energy,
                    "What energy counts: above-idle (what an inference adds to the idling board), "
                    "inference (whole board while computing) or period (whole board over the "
                    "control period)")
        ->capture_default_str()
        ->check(CLI::IsMember({"above-idle", "inference", "period"}));
    cmd->add_option(
        "--idle-mw", idleMw,
        "The board's idle power for --energy above-idle|period, mW (default: board spec)");
}

} // namespace dvfo::cli
