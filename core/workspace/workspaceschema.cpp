#include "core/workspace/workspaceschema.h"
#include "core/workspace/profilestore.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cstdio>
#include <iterator>

namespace dvfo {
namespace {

// 'DVFO' in ASCII. PRAGMA application_id is what tells our files from other SQLite databases,
// so that opening someone else's .db as a workspace fails instead of adding tables to it.
constexpr int32_t kApplicationId = 0x4456464F;
constexpr int kBusyTimeoutMs = 5000;

// ---------------------------------------------------------------------------------------------
// Schema migrations. Step i (0-based) takes PRAGMA user_version from i to i + 1 in one
// transaction. To change the schema, write the SQL and append ONE line to kMigrations; never edit
// a step that has shipped, files in the field already ran it. Steps run with foreign keys off
// (SQLite's table-rebuild recipe needs that) and are checked with foreign_key_check before commit.

const char* const kSchemaProfiles = R"sql(
CREATE TABLE boards (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    host_json   TEXT NOT NULL DEFAULT '{}',
    spec_json   TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);

-- board is the workspace's name for the board, copied rather than referenced so that a session
-- stays readable after its board is removed or when it was imported from another workspace.
-- AUTOINCREMENT: a deleted session's id is never handed out again (exports and logs cite ids).
CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL DEFAULT '',
    board           TEXT NOT NULL DEFAULT '',
    board_spec_id   TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    agent_version   TEXT NOT NULL DEFAULT '',
    emulated        INTEGER NOT NULL DEFAULT 0 CHECK (emulated IN (0, 1)),
    settings_json   TEXT NOT NULL DEFAULT '{}',
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'completed', 'failed', 'cancelled'))
);

-- A row appears when the first measurement of a tuple arrives; completed = 1 once the profiler
-- says every layer of it is in. --resume skips exactly the completed ones.
CREATE TABLE tuples (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    cpu_khz         INTEGER NOT NULL,
    gpu_khz         INTEGER NOT NULL,
    emc_khz         INTEGER NOT NULL,
    completed       INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    completed_at    TEXT,
    PRIMARY KEY (session_id, cpu_khz, gpu_khz, emc_khz)
) WITHOUT ROWID;

-- REAL columns are nullable on purpose: SQLite stores a NaN as NULL, and we read NULL back as NaN.
-- The UNIQUE key is what makes re-ingesting a tuple an update instead of a duplicate; it also
-- serves the per-session and per-tuple reads and the ON DELETE CASCADE lookup.
CREATE TABLE layer_measurements (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    cpu_khz         INTEGER NOT NULL,
    gpu_khz         INTEGER NOT NULL,
    emc_khz         INTEGER NOT NULL,
    layer_index     INTEGER NOT NULL,
    layer_name      TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL DEFAULT '',
    median_ms       REAL,
    p10_ms          REAL,
    p90_ms          REAL,
    n               INTEGER NOT NULL DEFAULT 0,
    total_energy_mj REAL,
    energy_json     TEXT NOT NULL DEFAULT '{}',
    power_json      TEXT NOT NULL DEFAULT '{}',
    emulated        INTEGER NOT NULL DEFAULT 0 CHECK (emulated IN (0, 1)),
    UNIQUE (session_id, cpu_khz, gpu_khz, emc_khz, layer_index)
);

CREATE TABLE power_samples (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    t_ms            REAL NOT NULL,
    rail            TEXT NOT NULL,
    mw              REAL
);
CREATE INDEX power_samples_by_session ON power_samples (session_id, t_ms);
)sql";

// Training runs of the DVFO policy (issue 5), the policy bundles made from them and their
// deployments to boards (issue 7). Written by TrainingRunStore and BundleStore, which open their
// own connection to the same file after ProfileStore has migrated it.
const char* const kSchemaTrainingAndDeployment = R"sql(
CREATE TABLE training_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL DEFAULT '',
    session_id      INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    board           TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    config_json     TEXT NOT NULL DEFAULT '{}',
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
    checkpoint_dir  TEXT NOT NULL DEFAULT '',
    policy_dir      TEXT NOT NULL DEFAULT '',
    result_json     TEXT NOT NULL DEFAULT '{}'
);

-- One row per finished episode (or logging interval) of a run: what the training view plots.
CREATE TABLE training_points (
    run_id          INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
    step            INTEGER NOT NULL,
    episode         INTEGER NOT NULL,
    reward          REAL,
    loss            REAL,
    epsilon         REAL,
    episode_length  INTEGER,
    extra_json      TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE TABLE bundles (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL DEFAULT '',
    version         TEXT NOT NULL DEFAULT '',
    board_spec_id   TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    session_id      INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    run_id          INTEGER REFERENCES training_runs(id) ON DELETE SET NULL,
    path            TEXT NOT NULL DEFAULT '',
    manifest_json   TEXT NOT NULL DEFAULT '{}',
    created_at      TEXT NOT NULL
);

-- board is the workspace's board name (copied, like sessions.board).
CREATE TABLE deployments (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    board               TEXT NOT NULL,
    bundle_id           INTEGER REFERENCES bundles(id) ON DELETE SET NULL,
    bundle_version      TEXT NOT NULL DEFAULT '',
    previous_version    TEXT NOT NULL DEFAULT '',
    kind                TEXT NOT NULL DEFAULT 'deploy' CHECK (kind IN ('deploy', 'rollback')),
    started_at          TEXT NOT NULL,
    ended_at            TEXT,
    status              TEXT NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'succeeded', 'failed', 'rolled_back')),
    message             TEXT NOT NULL DEFAULT '',
    steps_json          TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX deployments_by_board ON deployments (board, id);
)sql";

// Real boards (issue 15): what the board was while it was profiled. Session level: identity, L4T
// release, nvpmodel mode, execution device (BoardConditions JSON plus the profile's start event).
// Per tuple: the hottest thermal zone and whether a clock read back differently from the pinned
// one (throttled); NULL for tuples profiled before this version or by agents that do not say.
const char* const kSchemaBoardConditions = R"sql(
ALTER TABLE sessions ADD COLUMN conditions_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE tuples ADD COLUMN max_temp_c REAL;
ALTER TABLE tuples ADD COLUMN throttled INTEGER CHECK (throttled IN (0, 1));
ALTER TABLE tuples ADD COLUMN conditions_json TEXT;
)sql";

// Issue 12: per tuple and share, the first tail unit measured on the kept maps and the bytes the
// offloaded maps took on the wire (ShareRecord; the whole record as JSON, the numbers the
// environment reads as columns). Sessions profiled before have none: the environment falls back.
const char* const kSchemaShareMeasurements = R"sql(
CREATE TABLE share_measurements (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    cpu_khz         INTEGER NOT NULL,
    gpu_khz         INTEGER NOT NULL,
    emc_khz         INTEGER NOT NULL,
    share_index     INTEGER NOT NULL CHECK (share_index BETWEEN 1 AND 10),
    kept_channels   INTEGER NOT NULL,
    median_ms       REAL,
    total_energy_mj REAL,
    wire_bytes      REAL,
    record_json     TEXT NOT NULL,
    PRIMARY KEY (session_id, cpu_khz, gpu_khz, emc_khz, share_index)
) WITHOUT ROWID;
)sql";

struct Migration {
    const char* name;
    const char* sql;
};

const Migration kMigrations[] = {
    {"profiles: boards, sessions, tuples, layer_measurements, power_samples", kSchemaProfiles},
    {"training runs, training points, bundles, deployments", kSchemaTrainingAndDeployment},
    {"board conditions: session identity/L4T/nvpmodel, per-tuple temperature and throttling",
     kSchemaBoardConditions},
    {"share measurements: first tail unit on the kept maps and wire bytes per tuple and share",
     kSchemaShareMeasurements},
};

constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

ProfileStoreError notOurs(const std::string& path, const std::string& why) {
    return ProfileStoreError("'" + path + "' is not a DVFO workspace database (" + why + ")");
}

void checkIdentity(SQLite::Database& db, const std::string& path) {
    // One read transaction, so the header fields and the schema are one snapshot: another
    // process may be creating this workspace at this moment (the CLI while the studio polls),
    // and a schema seen after its commit with a header read before it looks like a foreign
    // database.
    SQLite::Transaction snapshot(db, SQLite::TransactionBehavior::DEFERRED);
    // The first read of the header is where SQLite notices a non-database file (SQLITE_NOTADB).
    const int appId = db.execAndGet("PRAGMA application_id").getInt();
    const int version = WorkspaceSchema::version(db);
    if (appId != 0 && appId != kApplicationId) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(appId));
        throw notOurs(path,
                      std::string("it belongs to another application, application_id ") + hex);
    }
    if (appId == 0) {
        // Only an empty database may become a workspace.
        const int objects = db.execAndGet("SELECT count(*) FROM sqlite_master").getInt();
        if (objects > 0 || version != 0)
            throw notOurs(path, "it is an SQLite database of another application");
    }
    if (version > kLatestVersion)
        throw ProfileStoreError("'" + path + "': workspace schema version " +
                                std::to_string(version) + " is newer than this build supports (" +
                                std::to_string(kLatestVersion) +
                                "); update DVFO Studio to open it");
}

void migrate(SQLite::Database& db, const std::string& path) {
    if (WorkspaceSchema::version(db) >= kLatestVersion)
        return; // reopening an up-to-date file writes nothing
    db.exec("PRAGMA foreign_keys = OFF");
    for (;;) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        // Read again under the write lock: another process may have migrated meanwhile.
        const int version = WorkspaceSchema::version(db);
        if (version >= kLatestVersion)
            break; // the transaction rolls back, it wrote nothing
        const Migration& step = kMigrations[version];
        try {
            db.exec(step.sql);
            if (version == 0)
                db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
            SQLite::Statement fkCheck(db, "PRAGMA foreign_key_check");
            if (fkCheck.executeStep())
                throw ProfileStoreError("it leaves rows in table " +
                                        fkCheck.getColumn(0).getString() +
                                        " violating a foreign key");
            db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        } catch (const std::exception& e) {
            throw ProfileStoreError("'" + path + "': migration to schema version " +
                                    std::to_string(version + 1) + " (" + step.name +
                                    ") failed: " + e.what());
        }
        tx.commit();
    }
}

} // namespace

int WorkspaceSchema::latestVersion() {
    return kLatestVersion;
}

int WorkspaceSchema::version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

void WorkspaceSchema::prepare(SQLite::Database& db, const std::string& path) {
    checkIdentity(db, path);
    // 16 KiB pages: a 30-layer tuple (~9 KB of rows) then dirties fewer pages per commit, so a
    // batch writes fewer WAL frames (measured ~20% less CPU per tuple than 4 KiB). Takes effect
    // only on a new, empty file; an existing workspace keeps its page size.
    db.exec("PRAGMA page_size = 16384");
    // WAL: a commit is one append to the log, readers never block the writer, and a killed
    // writer loses only its open transaction. NORMAL skips the fsync per commit (a power cut
    // may lose the last batches, a process crash cannot), which is what makes 30-row batches
    // cheap. The pragma returns the mode it got; a file system without shared memory stays
    // in rollback-journal mode, which is slower but just as atomic, so we accept it.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    migrate(db, path);
}

void WorkspaceSchema::ensure(const std::string& path) {
    try {
        SQLite::Database db(path,
                            SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                            kBusyTimeoutMs);
        prepare(db, path);
    } catch (const ProfileStoreError&) {
        throw;
    } catch (const SQLite::Exception& e) {
        throwOpenError(path, e.getErrorCode(), e.what());
    }
}

void WorkspaceSchema::throwOpenError(const std::string& path, int sqliteErrorCode,
                                     const char* what) {
    switch (sqliteErrorCode) {
    case SQLITE_NOTADB:
        throw ProfileStoreError("'" + path + "' is not a DVFO workspace database (" + what + ")");
    case SQLITE_CORRUPT:
        throw ProfileStoreError("workspace database '" + path + "' is damaged (" + what + ")");
    default:
        throw ProfileStoreError("cannot open workspace database '" + path + "': " + what);
    }
}

} // namespace dvfo
