#pragma once
#include "core/board/frequencytuple.h"
#include "core/profile/layerrecord.h"
#include "core/profile/sessioninfo.h"
#include "core/profile/sharerecord.h"
#include "core/board/tupleconditions.h"

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

// Every failure of the store: unreadable or foreign file, schema too new, unknown session,
// malformed import, SQLite errors. The message names the file or the input line.
class ProfileStoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A board the workspace knows: how to reach it (host) and what it is (spec), both JSON.
struct StoredBoard {
    int64_t id = 0;
    std::string name; // unique within the workspace
    std::string hostJson = "{}";
    std::string specJson = "{}";
    std::string createdAt; // ISO-8601 UTC, stamped by saveBoard() for new boards
};

// One rail reading of the power trace recorded alongside a session.
struct PowerSample {
    double tMs = 0; // since session start
    std::string rail;
    double mw = 0;
};

// The workspace database: boards, profiling sessions and their per-layer measurements.
//
// One SQLite file per workspace, opened in WAL mode with synchronous=NORMAL: every write call is
// one transaction, so a committed call survives a SIGKILL of the writing process (the WAL is
// replayed on the next open) and an interrupted call leaves nothing behind. Readers in other
// processes (the GUI while the CLI profiles) see each batch as soon as it commits.
//
// Resume protocol: the profiler measures one tuple, calls addMeasurements() with its layers and
// then markTupleComplete() (or addCompletedTuple() for both in one transaction). On --resume it
// skips completedTuples(). A crash between the two calls only costs re-measuring that tuple:
// measurements are keyed by (session, tuple, layer) and a re-ingest replaces the row (last write
// wins), so the table never holds duplicates.
//
// Not thread-safe: use one ProfileStore per thread, and never carry one across fork().
class ProfileStore {
public:
    // Opens or creates the database at path and migrates it to latestSchemaVersion().
    // Throws ProfileStoreError for a file that is not a DVFO workspace or is newer than this build.
    explicit ProfileStore(const std::string& path);
    ~ProfileStore();
    ProfileStore(ProfileStore&&) noexcept;
    ProfileStore& operator=(ProfileStore&&) noexcept;
    ProfileStore(const ProfileStore&) = delete;
    ProfileStore& operator=(const ProfileStore&) = delete;

    // $XDG_DATA_HOME/dvfo/workspace.db, else ~/.local/share/dvfo/workspace.db; creates the
    // directory.
    static std::string defaultPath();
    // The number of migration steps this build knows.
    static int latestSchemaVersion();

    const std::string& path() const;
    int schemaVersion() const; // PRAGMA user_version of the open file

    // Boards: insert, or update host/spec of the board with the same name. Returns its id.
    int64_t saveBoard(const StoredBoard& board);
    std::vector<StoredBoard> boards() const;
    void removeBoard(const std::string& name); // sessions keep their board name

    // Sessions. Ids are never reused, even after deleteSession().
    int64_t createSession(const SessionInfo& info);
    SessionInfo session(int64_t id) const;     // throws for an unknown id
    std::vector<SessionInfo> sessions() const; // oldest first, with counts
    void renameSession(int64_t id, const std::string& name);
    // Terminal states stamp endedAt with now; Running clears it (a resumed session).
    void setSessionStatus(int64_t id, SessionStatus status);
    void deleteSession(int64_t id); // with its tuples, measurements and power samples
    // Merges `patch` (a JSON object, RFC 7386 merge patch) into the session's conditions: the
    // profile's "start" event adds executionDevice/warning after the session was created.
    void updateSessionConditions(int64_t id, const nlohmann::json& patch);

    // Measurements. One transaction per call; records may span several tuples. Each tuple seen is
    // registered as started (not complete). Re-ingesting a (tuple, layer) replaces the old row.
    void addMeasurements(int64_t session, const std::vector<LayerRecord>& records);
    void markTupleComplete(int64_t session, const FrequencyTuple& tuple);
    // addMeasurements() + markTupleComplete() in one transaction; every record must be at tuple.
    // With `conditions` (the agent's per-tuple "conditions" event), its temperatures and
    // throttling are stored with the tuple in the same transaction.
    void addCompletedTuple(int64_t session, const FrequencyTuple& tuple,
                           const std::vector<LayerRecord>& layers,
                           const std::optional<TupleConditions>& conditions = std::nullopt);
    // Stores (or replaces) the conditions of conditions.pinned, registering the tuple as started.
    void setTupleConditions(int64_t session, const TupleConditions& conditions);
    // Tuples with stored conditions; tuples profiled by agents that did not report any are absent.
    std::map<FrequencyTuple, TupleConditions> tupleConditions(int64_t session) const;
    std::set<FrequencyTuple> completedTuples(int64_t session) const;
    // Ordered by tuple (cpu, gpu, emc) then layer index.
    std::vector<LayerRecord> measurements(int64_t session) const;
    std::vector<LayerRecord> measurements(int64_t session, const FrequencyTuple& tuple) const;

    // Share measurements (ShareRecord, the profiler's share sweep): one transaction; a (tuple,
    // share) already stored is replaced. Registers each tuple as started, not complete.
    void addShareMeasurements(int64_t session, const std::vector<ShareRecord>& records);
    // Ordered by tuple (cpu, gpu, emc) then share index; empty for sessions profiled without it.
    std::vector<ShareRecord> shareMeasurements(int64_t session) const;

    void addPowerSamples(int64_t session, const std::vector<PowerSample>& samples);
    std::vector<PowerSample> powerSamples(int64_t session) const; // by time

    // Exchange. CSV columns: session,board,model,cpu_khz,gpu_khz,emc_khz,layer_index,layer_name,
    // kind,median_ms,p10_ms,p90_ms,n,total_energy_mj,emulated, then energy_mj:<RAIL> and
    // power_mw:<RAIL> for every rail of the session, by name; an empty cell means "no reading".
    // Doubles are written in shortest round-trip form, so export -> import is exact.
    void exportCsv(int64_t session, std::ostream& out) const;
    // {"format":"dvfo-session", session (with "conditions"), completedTuples, records
    // (LayerRecord::toJson), powerSamples, tupleConditions (TupleConditions::toJson),
    // shareRecords (ShareRecord::toJson; absent in exports from before them)}
    void exportJson(int64_t session, std::ostream& out) const;
    // A CSV carries no session metadata: the new session is `into`, with an empty board or model
    // taken from the file, every tuple in the file marked complete and status completed.
    // All or nothing: a malformed line (reported with its number) imports nothing.
    int64_t importCsv(std::istream& in, const SessionInfo& into);
    // Recreates the exported session (under a new id) with its status, tuples and power samples.
    int64_t importJson(std::istream& in);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace dvfo
