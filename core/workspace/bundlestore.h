#pragma once
#include "core/workspace/deploymentstatus.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dvfo {

// A bundle registered in the workspace, with its provenance.
struct StoredBundle {
    int64_t id = 0;
    std::string name;
    std::string version;
    std::string boardSpecId;
    std::string model;
    int64_t sessionId = 0; // 0 = none
    int64_t runId = 0;     // 0 = none
    std::string path;      // the bundle directory on this machine
    std::string manifestJson = "{}";
    std::string createdAt;
};

// One deploy or rollback of a bundle to one board (history per board).
struct DeploymentRecord {
    int64_t id = 0;
    std::string board;
    int64_t bundleId = 0;
    std::string bundleVersion;
    std::string previousVersion;
    DeploymentKind kind = DeploymentKind::Deploy;
    std::string startedAt;
    std::string endedAt;
    DeploymentStatus status = DeploymentStatus::Running; // never RollbackFailed (stored Failed)
    std::string message;
    std::string stepsJson = "[]"; // [{"step","ok","ms","message"}]
};

// The bundles and deployments tables of the workspace database (schema v2,
// core/workspace/profilestore.cpp). Opens its own connection after letting ProfileStore create or
// migrate the file. One per thread.
class BundleStore {
public:
    // Throws ProfileStoreError for a file that is not a workspace or is too new.
    explicit BundleStore(const std::string& path);
    ~BundleStore();
    BundleStore(const BundleStore&) = delete;
    BundleStore& operator=(const BundleStore&) = delete;

    int64_t addBundle(const StoredBundle& bundle); // returns the new id
    std::vector<StoredBundle> bundles() const;     // oldest first
    std::optional<StoredBundle> findBundle(int64_t id) const;
    std::optional<StoredBundle> findBundleByVersion(const std::string& version) const;

    // Opens a deployment row in status "running"; returns its id.
    int64_t startDeployment(const DeploymentRecord& record);
    // Final status, message and steps; also stamps ended_at. previousVersion and bundleVersion
    // are updated when non-empty (a rollback learns them on the board). A row that stays
    // "running" is a deploy that was killed before it ended.
    void finishDeployment(int64_t id, DeploymentStatus status, const std::string& message,
                          const std::string& stepsJson, const std::string& previousVersion = {},
                          const std::string& bundleVersion = {});
    std::vector<DeploymentRecord> history(const std::string& board) const; // newest first

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

} // namespace dvfo
