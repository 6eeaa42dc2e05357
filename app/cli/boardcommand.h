#pragma once

namespace CLI {
class App;
}

namespace dvfo {
struct ConnectOptions;
}

namespace dvfo::cli {

void addBoardCommand(CLI::App& app);
// Connect options for a terminal: prompts on /dev/tty, --accept-new for unknown host keys.
ConnectOptions terminalConnectOptions(bool acceptNew);

} // namespace dvfo::cli
