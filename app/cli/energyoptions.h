#pragma once
// --energy and --idle-mw, shared by `dvfo train` and `dvfo evaluate` so that a policy is
// evaluated under the energy accounting it was trained with.
#include <CLI/CLI.hpp>

#include <string>

namespace dvfo::cli {

// energy: EnergyAccounting name (above-idle | inference | period); idleMw < 0: the board spec's.
void addEnergyOptions(CLI::App* cmd, std::string& energy, double& idleMw);

} // namespace dvfo::cli
