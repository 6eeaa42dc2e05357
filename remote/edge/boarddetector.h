#pragma once
#include <string>

namespace dvfo {

// Which built-in board spec fits the machine under `root`, from the device-tree model string
// (e.g. "NVIDIA Jetson Xavier NX Developer Kit"). Throws HalError when it cannot tell.
std::string detectBoardId(const std::string& root);

} // namespace dvfo
