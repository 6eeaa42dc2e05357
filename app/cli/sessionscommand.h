#pragma once

namespace CLI {
class App;
}

namespace dvfo::cli {
// dvfo sessions list|export|import|rename|delete over the workspace database.
void addSessionsCommand(CLI::App& app);
} // namespace dvfo::cli
