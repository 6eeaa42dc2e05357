#pragma once

namespace CLI {
class App;
}

namespace dvfo::cli {
// dvfo deploy --bundle ID (--board NAME | --all | --group G), --rollback, --history.
void addDeployCommand(CLI::App& app);
} // namespace dvfo::cli
