#pragma once

namespace CLI {
class App;
}

namespace dvfo::cli {
// dvfo loop: the trained policy and the baselines on the real edge runtime of the session's
// emulated board, against a local dvfo-cloud, next to what the environment predicts.
void addLoopCommand(CLI::App& app);
} // namespace dvfo::cli
