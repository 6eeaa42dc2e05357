#pragma once

namespace CLI {
class App;
}

namespace dvfo::cli {
// dvfo telemetry --board NAME [--follow]: the edge runtime's records through the agent session.
void addTelemetryCommand(CLI::App& app);
} // namespace dvfo::cli
