#include "core/common/utctime.h"
#include "core/workspace/trainingrunstore.h"

#include "core/workspace/profilestore.h"
#include "core/workspace/workspaceschema.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <ctime>

namespace dvfo {

namespace {

void bindOptionalDouble(SQLite::Statement& q, int index, double v) {
    if (std::isnan(v))
        q.bind(index); // NULL
    else
        q.bind(index, v);
}

double columnDouble(const SQLite::Column& c) {
    return c.isNull() ? std::nan("") : c.getDouble();
}

void checkJsonObject(const std::string& text, const char* what) {
    try {
        if (!nlohmann::json::parse(text).is_object())
            throw TrainingRunError(std::string(what) + " must be a JSON object");
    } catch (const nlohmann::json::exception& e) {
        throw TrainingRunError(std::string(what) + " is not valid JSON: " + e.what());
    }
}

const char* const kRunColumns =
    "r.id, r.name, r.session_id, r.board, r.model, r.config_json, r.started_at, "
    "r.ended_at, r.status, r.checkpoint_dir, r.policy_dir, r.result_json, "
    "(SELECT COUNT(*) FROM training_points p WHERE p.run_id = r.id)";

TrainingRun readRun(SQLite::Statement& q) {
    TrainingRun r;
    r.id = q.getColumn(0).getInt64();
    r.name = q.getColumn(1).getString();
    r.sessionId = q.getColumn(2).isNull() ? 0 : q.getColumn(2).getInt64();
    r.board = q.getColumn(3).getString();
    r.model = q.getColumn(4).getString();
    r.configJson = q.getColumn(5).getString();
    r.startedAt = q.getColumn(6).getString();
    r.endedAt = q.getColumn(7).isNull() ? std::string() : q.getColumn(7).getString();
    r.status = parseTrainingStatus(q.getColumn(8).getString());
    r.checkpointDir = q.getColumn(9).getString();
    r.policyDir = q.getColumn(10).getString();
    r.resultJson = q.getColumn(11).getString();
    r.pointCount = q.getColumn(12).getInt64();
    return r;
}

} // namespace

std::string toString(TrainingStatus status) {
    switch (status) {
    case TrainingStatus::Running:
        return "running";
    case TrainingStatus::Completed:
        return "completed";
    case TrainingStatus::Failed:
        return "failed";
    case TrainingStatus::Cancelled:
        return "cancelled";
    }
    return "running";
}

TrainingStatus parseTrainingStatus(const std::string& text) {
    for (TrainingStatus s : {TrainingStatus::Running, TrainingStatus::Completed,
                             TrainingStatus::Failed, TrainingStatus::Cancelled})
        if (toString(s) == text)
            return s;
    throw TrainingRunError("unknown training status '" + text + "'");
}

struct TrainingRunStore::Impl {
    explicit Impl(const std::string& path) : db(path, SQLite::OPEN_READWRITE) {
        db.setBusyTimeout(5000);
        db.exec("PRAGMA foreign_keys = ON");
    }
    SQLite::Database db;

    void requireRun(int64_t id) const {
        SQLite::Statement q(db, "SELECT 1 FROM training_runs WHERE id = ?");
        q.bind(1, id);
        if (!q.executeStep())
            throw TrainingRunError("no training run " + std::to_string(id));
    }
};

TrainingRunStore::TrainingRunStore(const std::string& path) {
    WorkspaceSchema::ensure(path); // creates or migrates the schema, rejects foreign files
    try {
        d = std::make_unique<Impl>(path);
    } catch (const SQLite::Exception& e) {
        throw TrainingRunError("cannot open " + path + ": " + e.what());
    }
}

TrainingRunStore::~TrainingRunStore() = default;
TrainingRunStore::TrainingRunStore(TrainingRunStore&&) noexcept = default;
TrainingRunStore& TrainingRunStore::operator=(TrainingRunStore&&) noexcept = default;

int64_t TrainingRunStore::createRun(const TrainingRun& run) {
    checkJsonObject(run.configJson, "the run's config");
    checkJsonObject(run.resultJson, "the run's result");
    try {
        if (run.sessionId != 0) {
            SQLite::Statement s(d->db, "SELECT 1 FROM sessions WHERE id = ?");
            s.bind(1, run.sessionId);
            if (!s.executeStep())
                throw TrainingRunError("no profile session " + std::to_string(run.sessionId));
        }
        SQLite::Statement q(
            d->db, "INSERT INTO training_runs (name, session_id, board, model, config_json, "
                   "started_at, status, checkpoint_dir, policy_dir, result_json) "
                   "VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)");
        q.bind(1, run.name);
        if (run.sessionId != 0)
            q.bind(2, run.sessionId);
        else
            q.bind(2);
        q.bind(3, run.board);
        q.bind(4, run.model);
        q.bind(5, run.configJson);
        q.bind(6, utcNowIsoMillis());
        q.bind(7, run.checkpointDir);
        q.bind(8, run.policyDir);
        q.bind(9, run.resultJson);
        q.exec();
        return d->db.getLastInsertRowid();
    } catch (const SQLite::Exception& e) {
        throw TrainingRunError(std::string("cannot create the training run: ") + e.what());
    }
}

TrainingRun TrainingRunStore::run(int64_t id) const {
    SQLite::Statement q(d->db, std::string("SELECT ") + kRunColumns +
                                   " FROM training_runs r WHERE r.id = ?");
    q.bind(1, id);
    if (!q.executeStep())
        throw TrainingRunError("no training run " + std::to_string(id));
    return readRun(q);
}

std::vector<TrainingRun> TrainingRunStore::runs() const {
    SQLite::Statement q(d->db, std::string("SELECT ") + kRunColumns +
                                   " FROM training_runs r ORDER BY r.id");
    std::vector<TrainingRun> out;
    while (q.executeStep())
        out.push_back(readRun(q));
    return out;
}

void TrainingRunStore::setStatus(int64_t id, TrainingStatus status) {
    d->requireRun(id);
    SQLite::Statement q(d->db, "UPDATE training_runs SET status = ?, ended_at = ? WHERE id = ?");
    q.bind(1, toString(status));
    if (status == TrainingStatus::Running)
        q.bind(2);
    else
        q.bind(2, utcNowIsoMillis());
    q.bind(3, id);
    q.exec();
}

void TrainingRunStore::setResult(int64_t id, const std::string& resultJson) {
    checkJsonObject(resultJson, "the run's result");
    d->requireRun(id);
    SQLite::Statement q(d->db, "UPDATE training_runs SET result_json = ? WHERE id = ?");
    q.bind(1, resultJson);
    q.bind(2, id);
    q.exec();
}

void TrainingRunStore::setDirectories(int64_t id, const std::string& checkpointDir,
                                      const std::string& policyDir) {
    d->requireRun(id);
    SQLite::Statement q(d->db,
                        "UPDATE training_runs SET checkpoint_dir = ?, policy_dir = ? WHERE id = ?");
    q.bind(1, checkpointDir);
    q.bind(2, policyDir);
    q.bind(3, id);
    q.exec();
}

void TrainingRunStore::appendPoints(int64_t id, const std::vector<TrainingPoint>& points) {
    for (const TrainingPoint& p : points)
        checkJsonObject(p.extraJson, "a training point's extra data");
    d->requireRun(id);
    try {
        SQLite::Transaction tx(d->db);
        SQLite::Statement q(
            d->db, "INSERT OR REPLACE INTO training_points (run_id, step, episode, reward, loss, "
                   "epsilon, episode_length, extra_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (const TrainingPoint& p : points) {
            q.bind(1, id);
            q.bind(2, p.step);
            q.bind(3, p.episode);
            bindOptionalDouble(q, 4, p.reward);
            bindOptionalDouble(q, 5, p.loss);
            bindOptionalDouble(q, 6, p.epsilon);
            q.bind(7, p.episodeLength);
            q.bind(8, p.extraJson);
            q.exec();
            q.reset();
        }
        tx.commit();
    } catch (const SQLite::Exception& e) {
        throw TrainingRunError("cannot store training points of run " + std::to_string(id) + ": " +
                               e.what());
    }
}

std::vector<TrainingPoint> TrainingRunStore::points(int64_t id, int64_t afterStep) const {
    d->requireRun(id);
    SQLite::Statement q(d->db,
                        "SELECT step, episode, reward, loss, epsilon, episode_length, extra_json "
                        "FROM training_points WHERE run_id = ? AND step > ? ORDER BY step");
    q.bind(1, id);
    q.bind(2, afterStep);
    std::vector<TrainingPoint> out;
    while (q.executeStep()) {
        TrainingPoint p;
        p.step = q.getColumn(0).getInt64();
        p.episode = q.getColumn(1).getInt64();
        p.reward = columnDouble(q.getColumn(2));
        p.loss = columnDouble(q.getColumn(3));
        p.epsilon = columnDouble(q.getColumn(4));
        p.episodeLength = q.getColumn(5).isNull() ? 0 : q.getColumn(5).getInt64();
        p.extraJson = q.getColumn(6).getString();
        out.push_back(std::move(p));
    }
    return out;
}

void TrainingRunStore::deleteRun(int64_t id) {
    d->requireRun(id);
    SQLite::Transaction tx(d->db);
    SQLite::Statement pts(d->db, "DELETE FROM training_points WHERE run_id = ?");
    pts.bind(1, id);
    pts.exec();
    SQLite::Statement run(d->db, "DELETE FROM training_runs WHERE id = ?");
    run.bind(1, id);
    run.exec();
    tx.commit();
}

} // namespace dvfo
