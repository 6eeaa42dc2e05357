#pragma once

namespace CLI {
class App;
}

namespace dvfo::cli {
// dvfo evaluate: a trained policy and every baseline over the same link trace, with the gap to
// the exhaustive oracle.
void addEvaluateCommand(CLI::App& app);
} // namespace dvfo::cli
