#pragma once

namespace CLI {
class App;
}

namespace dvfo::cli {

// `dvfo board monitor NAME [--rate HZ] [--duration S] [--json]`: the board's clocks, rails and
// temperatures live in the terminal (the agent's `monitor` request).
void addBoardMonitorCommand(CLI::App& board);

} // namespace dvfo::cli
