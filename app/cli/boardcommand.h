#pragma once

#include <string>

namespace CLI {
class App;
}

namespace dvfo {
struct ConnectOptions;
}

namespace dvfo::cli {

void addBoardCommand(CLI::App& app);
// Connect options for a terminal: prompts on /dev/tty (one at a time, echo always restored),
// --accept-new or --accept-fingerprint SHA256:... for unknown host keys.
ConnectOptions terminalConnectOptions(bool acceptNew, const std::string& acceptFingerprint = {});

} // namespace dvfo::cli
