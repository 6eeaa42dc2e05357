#include "core/workspace/bundlestore.h"
#include "core/common/utctime.h"

#include "core/workspace/profilestore.h"
#include "core/workspace/workspaceschema.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <ctime>

namespace dvfo {

namespace {
constexpr int kBusyTimeoutMs = 10000;

// Binds 0 as NULL: the id columns are foreign keys where 0 means "none".
void bindId(SQLite::Statement& s, int index, int64_t id) {
    if (id > 0)
        s.bind(index, id);
    else
        s.bind(index);
}

int64_t idColumn(const SQLite::Column& c) {
    return c.isNull() ? 0 : c.getInt64();
}

const char* const kBundleColumns =
    "id, name, version, board_spec_id, model, session_id, run_id, path, manifest_json, created_at";

StoredBundle readBundle(SQLite::Statement& q) {
    StoredBundle b;
    b.id = q.getColumn(0).getInt64();
    b.name = q.getColumn(1).getString();
    b.version = q.getColumn(2).getString();
    b.boardSpecId = q.getColumn(3).getString();
    b.model = q.getColumn(4).getString();
    b.sessionId = idColumn(q.getColumn(5));
    b.runId = idColumn(q.getColumn(6));
    b.path = q.getColumn(7).getString();
    b.manifestJson = q.getColumn(8).getString();
    b.createdAt = q.getColumn(9).getString();
    return b;
}
} // namespace

struct BundleStore::Impl {
    SQLite::Database db;
    explicit Impl(const std::string& path)
        : db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, kBusyTimeoutMs) {
        db.exec("PRAGMA foreign_keys = ON");
    }
};

BundleStore::BundleStore(const std::string& path) {
    WorkspaceSchema::ensure(path); // creates the file or brings it to the schema with our tables
    d_ = std::make_unique<Impl>(path);
}

BundleStore::~BundleStore() = default;

int64_t BundleStore::addBundle(const StoredBundle& b) {
    SQLite::Statement s(
        d_->db,
        "INSERT INTO bundles (name, version, board_spec_id, model, session_id, run_id, path, "
        "manifest_json, created_at) VALUES (?,?,?,?,?,?,?,?,?)");
    s.bind(1, b.name);
    s.bind(2, b.version);
    s.bind(3, b.boardSpecId);
    s.bind(4, b.model);
    // Provenance ids that the workspace does not know (another workspace's run) are kept in the
    // manifest only: the foreign key would refuse them.
    auto known = [&](const char* table, int64_t id) {
        if (id <= 0)
            return int64_t(0);
        SQLite::Statement q(d_->db, std::string("SELECT 1 FROM ") + table + " WHERE id = ?");
        q.bind(1, id);
        return q.executeStep() ? id : int64_t(0);
    };
    bindId(s, 5, known("sessions", b.sessionId));
    bindId(s, 6, known("training_runs", b.runId));
    s.bind(7, b.path);
    s.bind(8, b.manifestJson);
    s.bind(9, b.createdAt.empty() ? utcNowIso() : b.createdAt);
    s.exec();
    return d_->db.getLastInsertRowid();
}

std::vector<StoredBundle> BundleStore::bundles() const {
    SQLite::Statement q(d_->db,
                        std::string("SELECT ") + kBundleColumns + " FROM bundles ORDER BY id");
    std::vector<StoredBundle> out;
    while (q.executeStep())
        out.push_back(readBundle(q));
    return out;
}

std::optional<StoredBundle> BundleStore::findBundle(int64_t id) const {
    SQLite::Statement q(d_->db,
                        std::string("SELECT ") + kBundleColumns + " FROM bundles WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep())
        return std::nullopt;
    return readBundle(q);
}

std::optional<StoredBundle> BundleStore::findBundleByVersion(const std::string& version) const {
    SQLite::Statement q(d_->db, std::string("SELECT ") + kBundleColumns +
                                    " FROM bundles WHERE version = ? ORDER BY id DESC");
    q.bind(1, version);
    if (!q.executeStep())
        return std::nullopt;
    return readBundle(q);
}

int64_t BundleStore::startDeployment(const DeploymentRecord& r) {
    SQLite::Statement s(
        d_->db,
        "INSERT INTO deployments (board, bundle_id, bundle_version, previous_version, kind, "
        "started_at, status, message, steps_json) VALUES (?,?,?,?,?,?,'running',?,?)");
    s.bind(1, r.board);
    bindId(s, 2, r.bundleId);
    s.bind(3, r.bundleVersion);
    s.bind(4, r.previousVersion);
    s.bind(5, toString(r.kind));
    s.bind(6, r.startedAt.empty() ? utcNowIso() : r.startedAt);
    s.bind(7, r.message);
    s.bind(8, r.stepsJson);
    s.exec();
    return d_->db.getLastInsertRowid();
}

void BundleStore::finishDeployment(int64_t id, DeploymentStatus status, const std::string& message,
                                   const std::string& stepsJson, const std::string& previousVersion,
                                   const std::string& bundleVersion) {
    SQLite::Statement s(
        d_->db, "UPDATE deployments SET status = ?, message = ?, steps_json = ?, ended_at = ?, "
                "previous_version = CASE WHEN ? = '' THEN previous_version ELSE ? END, "
                "bundle_version = CASE WHEN ? = '' THEN bundle_version ELSE ? END WHERE id = ?");
    s.bind(1, toString(status));
    s.bind(2, message);
    s.bind(3, stepsJson);
    s.bind(4, utcNowIso());
    s.bind(5, previousVersion);
    s.bind(6, previousVersion);
    s.bind(7, bundleVersion);
    s.bind(8, bundleVersion);
    s.bind(9, id);
    s.exec();
}

std::vector<DeploymentRecord> BundleStore::history(const std::string& board) const {
    SQLite::Statement q(
        d_->db, "SELECT id, board, bundle_id, bundle_version, previous_version, kind, started_at, "
                "ended_at, status, message, steps_json FROM deployments WHERE board = ? "
                "ORDER BY id DESC");
    q.bind(1, board);
    std::vector<DeploymentRecord> out;
    while (q.executeStep()) {
        DeploymentRecord r;
        r.id = q.getColumn(0).getInt64();
        r.board = q.getColumn(1).getString();
        r.bundleId = idColumn(q.getColumn(2));
        r.bundleVersion = q.getColumn(3).getString();
        r.previousVersion = q.getColumn(4).getString();
        r.kind = deploymentKindFromString(q.getColumn(5).getString());
        r.startedAt = q.getColumn(6).getString();
        r.endedAt = q.getColumn(7).isNull() ? "" : q.getColumn(7).getString();
        r.status = deploymentStatusFromString(q.getColumn(8).getString());
        r.message = q.getColumn(9).getString();
        r.stepsJson = q.getColumn(10).getString();
        out.push_back(r);
    }
    return out;
}

} // namespace dvfo
