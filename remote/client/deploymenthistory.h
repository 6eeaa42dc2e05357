#pragma once
#include "remote/client/deploycontext.h"

#include <cstdint>
#include <memory>
#include <string>

namespace dvfo {

// Records deployments in the workspace database as they happen: each board's row is written
// before its first step (status "running") and completed after its last, so the history shows a
// deploy that was killed half-way. Safe from FleetDeployer's worker threads (one connection,
// serialised).
class DeploymentHistory {
public:
    // Opens the workspace database; throws ProfileStoreError / SQLite errors.
    explicit DeploymentHistory(const std::string& workspacePath);
    ~DeploymentHistory();

    // Sets options.historyStarted/historyFinished; `bundleId` is the bundle deployed (0 for a
    // rollback). The hooks keep this object alive.
    static void attach(const std::shared_ptr<DeploymentHistory>& history, DeployOptions& options,
                       int64_t bundleId);

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

} // namespace dvfo
