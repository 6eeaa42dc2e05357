#pragma once
// Training runs of the DVFO agent in the workspace database (tables training_runs and
// training_points, created by ProfileStore's migration 2): what `dvfo train` records and the
// GUI's training view plots, reopens and resumes.
#include "core/workspace/trainingpoint.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

class TrainingRunError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class TrainingStatus { Running, Completed, Failed, Cancelled };
std::string toString(TrainingStatus status);            // "running", "completed", ...
TrainingStatus parseTrainingStatus(const std::string&); // throws TrainingRunError

struct TrainingRun {
    int64_t id = 0;
    std::string name;
    int64_t sessionId = 0; // 0: none (or the session was deleted)
    std::string board;
    std::string model;
    std::string configJson = "{}"; // DqnConfig, TrainingOptions, environment settings
    std::string startedAt;         // ISO-8601 UTC, stamped by createRun()
    std::string endedAt;           // empty while running
    TrainingStatus status = TrainingStatus::Running;
    std::string checkpointDir;
    std::string policyDir;
    std::string resultJson = "{}";
    int64_t pointCount = 0; // filled in by run() and runs()
};

// Own SQLite connection on the workspace file (WAL: readers see each committed batch). Not
// thread-safe: one store per thread.
class TrainingRunStore {
public:
    // Migrates the file with a ProfileStore first, then opens it. Throws ProfileStoreError for
    // a foreign or too new file.
    explicit TrainingRunStore(const std::string& path);
    ~TrainingRunStore();
    TrainingRunStore(TrainingRunStore&&) noexcept;
    TrainingRunStore& operator=(TrainingRunStore&&) noexcept;

    // Inserts a running run (id and startedAt are assigned). Throws for an unknown session id.
    int64_t createRun(const TrainingRun& run);
    TrainingRun run(int64_t id) const;     // throws TrainingRunError for an unknown id
    std::vector<TrainingRun> runs() const; // oldest first
    // Terminal states stamp endedAt with now; Running clears it (a resumed run).
    void setStatus(int64_t id, TrainingStatus status);
    void setResult(int64_t id, const std::string& resultJson); // must be a JSON object
    void setDirectories(int64_t id, const std::string& checkpointDir, const std::string& policyDir);
    // One transaction per batch. A point at an existing step replaces it (a resumed run that
    // repeats steps after a crash). NaN values are stored as NULL and read back as NaN.
    void appendPoints(int64_t id, const std::vector<TrainingPoint>& points);
    std::vector<TrainingPoint> points(int64_t id, int64_t afterStep = -1) const; // by step
    void deleteRun(int64_t id);                                                  // with its points

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace dvfo
