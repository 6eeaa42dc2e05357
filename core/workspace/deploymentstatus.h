#pragma once
#include <stdexcept>
#include <string>

namespace dvfo {

// What one deploy (or rollback) of a bundle to one board did, as BundleDeployer reports it and the
// deployments table keeps it. Only Running changes again: a row left Running is a deploy that was
// killed before it ended.
enum class DeploymentStatus {
    Running,
    Succeeded,      // the new bundle runs and passed its health check
    Failed,         // nothing switched: the old bundle still runs
    RolledBack,     // switched, failed, the previous bundle is back and healthy
    RollbackFailed, // the board needs attention (stored as Failed, with the reason)
};

enum class DeploymentKind { Deploy, Rollback };

inline const char* toString(DeploymentStatus s) {
    switch (s) {
    case DeploymentStatus::Running:
        return "running";
    case DeploymentStatus::Succeeded:
        return "succeeded";
    case DeploymentStatus::Failed:
        return "failed";
    case DeploymentStatus::RolledBack:
        return "rolled_back";
    case DeploymentStatus::RollbackFailed:
        return "rollback_failed";
    }
    return "failed";
}

inline const char* toString(DeploymentKind k) {
    return k == DeploymentKind::Rollback ? "rollback" : "deploy";
}

// Throws std::invalid_argument for anything but the toString() spellings.
inline DeploymentStatus deploymentStatusFromString(const std::string& text) {
    for (auto s : {DeploymentStatus::Running, DeploymentStatus::Succeeded, DeploymentStatus::Failed,
                   DeploymentStatus::RolledBack, DeploymentStatus::RollbackFailed})
        if (text == toString(s))
            return s;
    throw std::invalid_argument("unknown deployment status '" + text +
                                "': expected running, succeeded, failed, rolled_back or "
                                "rollback_failed");
}

inline DeploymentKind deploymentKindFromString(const std::string& text) {
    if (text == "deploy")
        return DeploymentKind::Deploy;
    if (text == "rollback")
        return DeploymentKind::Rollback;
    throw std::invalid_argument("unknown deployment kind '" + text +
                                "': expected deploy or rollback");
}

} // namespace dvfo
