#include "remote/client/deploymenthistory.h"

#include "core/workspace/bundlestore.h"
#include "remote/client/bundledeployer.h"

#include <mutex>

namespace dvfo {

struct DeploymentHistory::Impl {
    explicit Impl(const std::string& path) : store(path) {}
    std::mutex mutex;
    BundleStore store;
};

DeploymentHistory::DeploymentHistory(const std::string& workspacePath)
    : d_(std::make_unique<Impl>(workspacePath)) {}

DeploymentHistory::~DeploymentHistory() = default;

void DeploymentHistory::attach(const std::shared_ptr<DeploymentHistory>& history,
                               DeployOptions& options, int64_t bundleId) {
    options.historyStarted = [history, bundleId](const DeployResult& r) {
        DeploymentRecord d;
        d.board = r.board;
        d.bundleId = r.kind == DeploymentKind::Deploy ? bundleId : 0;
        d.bundleVersion = r.version;
        d.previousVersion = r.previousVersion;
        d.kind = r.kind;
        d.startedAt = r.startedAt;
        std::lock_guard<std::mutex> lock(history->d_->mutex);
        return history->d_->store.startDeployment(d);
    };
    options.historyFinished = [history](int64_t row, const DeployResult& r) {
        // The table's statuses: a rollback that itself failed is recorded failed, with the reason.
        const DeploymentStatus status =
            r.status == DeploymentStatus::RollbackFailed ? DeploymentStatus::Failed : r.status;
        std::lock_guard<std::mutex> lock(history->d_->mutex);
        history->d_->store.finishDeployment(row, status, r.message, r.stepsJson().dump(),
                                            r.previousVersion, r.version);
    };
}

} // namespace dvfo
