#pragma once
#include <string>

namespace dvfo {

// Which built-in board spec fits the machine under `root`, from the device-tree model string
// (e.g. "NVIDIA Jetson Xavier NX Developer Kit"). Throws HalError when it cannot tell.
std::string detectBoardId(const std::string& root);

// The built-in spec id for a device-tree model string: Orin Nano, Orin NX, AGX Orin, Xavier NX,
// AGX Xavier ("Jetson-AGX" on L4T 32), TX2, Nano. Throws HalError naming the string for any other.
std::string boardIdForModel(const std::string& model);

} // namespace dvfo
