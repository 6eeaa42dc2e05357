#pragma once

namespace CLI {
class App;
}

namespace dvfo::cli {

// `dvfo report`: the board x model matrix trained and evaluated against every baseline, with
// sweeps and ablations, written as a self-contained HTML report (core/report/).
void addReportCommand(CLI::App& app);

} // namespace dvfo::cli
