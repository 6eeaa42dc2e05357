#pragma once

namespace CLI {
class App;
}

namespace dvfo::cli {
// dvfo bundle create|list|show|validate: policy bundles in the workspace database.
void addBundleCommand(CLI::App& app);
} // namespace dvfo::cli
