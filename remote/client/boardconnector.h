#pragma once
#include "remote/client/agentclient.h"

#include <memory>
#include <string>

namespace dvfo {

// Opens an agent session for a board name: "emulated:<board>" (e.g. emulated:xavier-nx) runs
// the local dvfo-edge in emulation over a pipe. Throws std::invalid_argument for unknown names.
std::unique_ptr<AgentClient> connectBoard(const std::string& board);

bool isEmulatedBoardName(const std::string& board);

} // namespace dvfo
