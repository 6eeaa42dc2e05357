#include "core/common/utctime.h"
#include "core/workspace/profilestore.h"
#include "core/common/jsoninteger.h"
#include "core/workspace/workspaceschema.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <istream>
#include <iterator>
#include <limits>
#include <map>
#include <ostream>
#include <pwd.h>
#include <string_view>
#include <unistd.h>

namespace dvfo {
namespace {

// The GUI may read while the CLI writes; a writer holds the lock for one batch (milliseconds).
constexpr int kBusyTimeoutMs = 5000;

// ---------------------------------------------------------------------------------------------
// Small helpers.

// Shortest text that reads back to the same double (std::to_chars guarantees the round trip and
// ignores the C locale, which Qt sets from the environment).
void appendDouble(std::string& out, double v) {
    char buf[40];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void appendJsonString(std::string& out, const std::string& s) {
    out += '"';
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    out += '"';
}

// {"VDD_IN":1234.5,...}. Hand-written because it runs for every row of a sweep (two per row) and
// building an nlohmann::json first costs more than the SQLite insert.
void railsToJson(std::string& out, const std::map<std::string, double>& rails) {
    out.clear();
    out += '{';
    bool first = true;
    for (const auto& [rail, value] : rails) {
        if (!first)
            out += ',';
        first = false;
        appendJsonString(out, rail);
        out += ':';
        if (std::isfinite(value))
            appendDouble(out, value);
        else
            out += "null"; // JSON has no NaN/inf; read back as NaN
    }
    out += '}';
}

// Fast path for exactly what railsToJson() writes (plain keys, numbers or null, no spaces):
// reading a million rows spends most of its time here otherwise. False on anything else.
bool railsFromOwnJson(const std::string& text, std::map<std::string, double>& rails) {
    const char* p = text.data();
    const char* const end = p + text.size();
    if (p == end || *p++ != '{')
        return false;
    if (p != end && *p == '}')
        return p + 1 == end;
    for (;;) {
        if (p == end || *p++ != '"')
            return false;
        const char* key = p;
        while (p != end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20)
            ++p;
        if (p == end || *p != '"')
            return false;
        std::string name(key, p);
        if (++p == end || *p++ != ':')
            return false;
        double v = 0;
        if (end - p >= 4 && std::memcmp(p, "null", 4) == 0) {
            v = std::numeric_limits<double>::quiet_NaN();
            p += 4;
        } else {
            const auto r = std::from_chars(p, end, v);
            if (r.ec != std::errc())
                return false;
            p = r.ptr;
        }
        rails.emplace_hint(rails.end(), std::move(name), v);
        if (p == end)
            return false;
        if (*p == '}')
            return p + 1 == end;
        if (*p++ != ',')
            return false;
    }
}

std::map<std::string, double> railsFromJson(const std::string& text) {
    std::map<std::string, double> rails;
    if (railsFromOwnJson(text, rails))
        return rails;
    rails.clear(); // hand-edited or future rows: the general parser
    const auto j = nlohmann::json::parse(text);
    for (const auto& [rail, value] : j.items())
        rails[rail] =
            value.is_number() ? value.get<double>() : std::numeric_limits<double>::quiet_NaN();
    return rails;
}

std::string columnText(const SQLite::Column& c) {
    return c.isNull() ? std::string() : c.getString();
}

double columnDouble(const SQLite::Column& c) {
    return c.isNull() ? std::numeric_limits<double>::quiet_NaN() : c.getDouble();
}

std::string normalisedJson(const std::string& text, const char* what) {
    if (text.empty())
        return "{}";
    try {
        return nlohmann::json::parse(text).dump();
    } catch (const nlohmann::json::exception& e) {
        throw ProfileStoreError(std::string(what) + " is not valid JSON: " + e.what());
    }
}

ProfileStoreError noSession(int64_t id) {
    return ProfileStoreError("no session with id " + std::to_string(id) + " in this workspace");
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180: comma separated, fields with , " CR LF quoted, quotes doubled).

void appendCsvField(std::string& out, const std::string& field) {
    const bool quote = field.find_first_of(",\"\r\n") != std::string::npos ||
                       (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!quote) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

// One cell per rail of the session; empty where this record has no reading for the rail.
void appendRailCells(std::string& line, const std::map<std::string, double>& values,
                     const std::vector<std::string>& rails) {
    for (const auto& rail : rails) {
        line += ',';
        const auto it = values.find(rail);
        if (it != values.end())
            appendDouble(line, it->second);
    }
}

struct CsvRow {
    size_t line = 0; // where the row starts, 1-based
    std::vector<std::string> fields;
};

class CsvReader {
public:
    explicit CsvReader(std::string text) : text_(std::move(text)) {
        if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) // spreadsheet programs write a UTF-8 BOM
            pos_ = 3;
    }

    // False at the end of input. Blank lines are skipped.
    bool next(CsvRow& row) {
        while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
            if (text_[pos_] == '\n')
                ++line_;
            ++pos_;
        }
        if (pos_ >= text_.size())
            return false;
        row.line = line_;
        row.fields.clear();
        for (;;) {
            std::string field;
            if (pos_ < text_.size() && text_[pos_] == '"') {
                ++pos_;
                for (;;) {
                    if (pos_ >= text_.size())
                        throw error(row.line, "unterminated quoted field");
                    const char c = text_[pos_++];
                    if (c == '"') {
                        if (pos_ < text_.size() && text_[pos_] == '"') {
                            field += '"';
                            ++pos_;
                        } else {
                            break;
                        }
                    } else {
                        if (c == '\n')
                            ++line_;
                        field += c;
                    }
                }
                if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
                    text_[pos_] != '\r')
                    throw error(line_, "unexpected text after a closing quote");
            } else {
                const size_t end = text_.find_first_of(",\r\n\"", pos_);
                const size_t stop = end == std::string::npos ? text_.size() : end;
                if (stop < text_.size() && text_[stop] == '"')
                    throw error(line_, "quote inside an unquoted field (quote the whole field)");
                field.assign(text_, pos_, stop - pos_);
                pos_ = stop;
            }
            row.fields.push_back(std::move(field));
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            // End of the row: \n, \r\n or end of input.
            if (pos_ < text_.size() && text_[pos_] == '\r')
                ++pos_;
            if (pos_ < text_.size() && text_[pos_] == '\n') {
                ++pos_;
                ++line_;
            }
            return true;
        }
    }

    static ProfileStoreError error(size_t line, const std::string& what) {
        return ProfileStoreError("CSV line " + std::to_string(line) + ": " + what);
    }

private:
    std::string text_;
    size_t pos_ = 0;
    size_t line_ = 1;
};

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

int64_t csvInt(const std::string& field, size_t line, const std::string& column) {
    const auto s = trimmed(field);
    int64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
        throw CsvReader::error(line, "column " + column + ": '" + field + "' is not an integer");
    return v;
}

double csvDouble(const std::string& field, size_t line, const std::string& column) {
    const auto s = trimmed(field);
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
        throw CsvReader::error(line, "column " + column + ": '" + field + "' is not a number");
    return v;
}

bool csvBool(const std::string& field, size_t line, const std::string& column) {
    const auto s = trimmed(field);
    if (s == "1" || s == "true")
        return true;
    if (s == "0" || s == "false")
        return false;
    throw CsvReader::error(line, "column " + column + ": '" + field + "' is not 0/1 or true/false");
}

const char* const kCsvFixedColumns[] = {"session", "board",           "model",       "cpu_khz",
                                        "gpu_khz", "emc_khz",         "layer_index", "layer_name",
                                        "kind",    "median_ms",       "p10_ms",      "p90_ms",
                                        "n",       "total_energy_mj", "emulated"};
const char* const kEnergyPrefix = "energy_mj:";
const char* const kPowerPrefix = "power_mw:";

// ---------------------------------------------------------------------------------------------
// JSON forms of the session-level data.

nlohmann::json sessionToJson(const SessionInfo& s) {
    nlohmann::json settings;
    try {
        settings = nlohmann::json::parse(s.settingsJson.empty() ? "{}" : s.settingsJson);
    } catch (const nlohmann::json::exception&) {
        settings = s.settingsJson; // inserts normalise it; a hand-edited row may not be JSON
    }
    nlohmann::json conditions;
    try {
        conditions = nlohmann::json::parse(s.conditionsJson.empty() ? "{}" : s.conditionsJson);
    } catch (const nlohmann::json::exception&) {
        conditions = s.conditionsJson;
    }
    return {{"id", s.id},
            {"name", s.name},
            {"boardId", s.boardId},
            {"boardName", s.boardName},
            {"model", s.model},
            {"agentVersion", s.agentVersion},
            {"emulated", s.emulated},
            {"settings", settings},
            {"startedAt", s.startedAt},
            {"endedAt", s.endedAt},
            {"status", toString(s.status)},
            {"conditions", conditions},
            {"completedTupleCount", s.completedTupleCount},
            {"measurementCount", s.measurementCount},
            {"observedTupleCount", s.observedTupleCount},
            {"throttledTupleCount", s.throttledTupleCount},
            {"maxTempC", std::isnan(s.maxTempC) ? nlohmann::json() : nlohmann::json(s.maxTempC)}};
}

SessionInfo sessionFromJson(const nlohmann::json& j) {
    SessionInfo s;
    s.name = j.value("name", "");
    s.boardId = j.value("boardId", "");
    s.boardName = j.value("boardName", "");
    s.model = j.value("model", "");
    s.agentVersion = j.value("agentVersion", "");
    s.emulated = j.value("emulated", false);
    const auto settings = j.value("settings", nlohmann::json::object());
    s.settingsJson = settings.is_string() ? settings.get<std::string>() : settings.dump();
    s.startedAt = j.value("startedAt", "");
    s.endedAt = j.value("endedAt", "");
    const auto conditions = j.value("conditions", nlohmann::json::object());
    s.conditionsJson = conditions.is_string() ? conditions.get<std::string>() : conditions.dump();
    try {
        s.status = sessionStatusFromString(j.value("status", "completed"));
    } catch (const std::invalid_argument& e) {
        throw ProfileStoreError(std::string("session: ") + e.what());
    }
    return s;
}

} // namespace

// ---------------------------------------------------------------------------------------------

struct ProfileStore::Impl {
    std::string path;
    SQLite::Database db;
    // Hot statements are prepared once and reused: preparing costs about as much as the insert.
    // Declared after db so that they are finalised before the connection closes.
    std::unique_ptr<SQLite::Statement> upsertMeasurement, startTuple, completeTuple, findSession,
        insertPower;
    std::string energyBuf, powerBuf;

    explicit Impl(const std::string& p)
        // NOMUTEX: a ProfileStore is used from one thread, so SQLite's per-call mutex is pure cost.
        : path(p), db(p, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                      kBusyTimeoutMs) {
        WorkspaceSchema::prepare(db, path);
        db.exec("PRAGMA foreign_keys = ON"); // per connection, and a no-op inside a transaction
    }

    int userVersion() { return WorkspaceSchema::version(db); }

    SQLite::Statement& cached(std::unique_ptr<SQLite::Statement>& s, const char* sql) {
        if (!s)
            s = std::make_unique<SQLite::Statement>(db, sql);
        s->tryReset(); // clears a previous failure as well as the previous run
        return *s;
    }

    bool hasSession(int64_t id) {
        auto& q = cached(findSession, "SELECT 1 FROM sessions WHERE id = ?1");
        q.bind(1, id);
        const bool found = q.executeStep();
        q.tryReset(); // do not keep a read cursor open: it would pin the WAL
        return found;
    }

    void requireSession(int64_t id) {
        if (!hasSession(id))
            throw noSession(id);
    }

    void markStarted(int64_t session, const FrequencyTuple& t) {
        auto& q = cached(
            startTuple,
            "INSERT INTO tuples (session_id, cpu_khz, gpu_khz, emc_khz) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT DO NOTHING");
        q.bind(1, session);
        q.bind(2, t.cpuKhz);
        q.bind(3, t.gpuKhz);
        q.bind(4, t.emcKhz);
        q.exec();
    }

    void markComplete(int64_t session, const FrequencyTuple& t, const std::string& when) {
        auto& q = cached(
            completeTuple,
            "INSERT INTO tuples (session_id, cpu_khz, gpu_khz, emc_khz, completed, completed_at) "
            "VALUES (?1, ?2, ?3, ?4, 1, ?5) "
            "ON CONFLICT DO UPDATE SET completed = 1, completed_at = excluded.completed_at");
        q.bind(1, session);
        q.bind(2, t.cpuKhz);
        q.bind(3, t.gpuKhz);
        q.bind(4, t.emcKhz);
        q.bind(5, when);
        q.exec();
    }

    // Caller holds a write transaction.
    void upsertTupleConditions(int64_t session, const TupleConditions& c) {
        markStarted(session, c.pinned);
        SQLite::Statement q(
            db, "UPDATE tuples SET max_temp_c = ?1, throttled = ?2, conditions_json = ?3 "
                "WHERE session_id = ?4 AND cpu_khz = ?5 AND gpu_khz = ?6 AND emc_khz = ?7");
        q.bind(1, c.maxTempC()); // NaN binds as NULL: no zones, no temperature
        q.bind(2, c.throttled ? 1 : 0);
        q.bind(3, c.toJson().dump());
        q.bind(4, session);
        q.bind(5, c.pinned.cpuKhz);
        q.bind(6, c.pinned.gpuKhz);
        q.bind(7, c.pinned.emcKhz);
        q.exec();
    }

    // Caller holds a write transaction.
    void insertRecords(int64_t session, const std::vector<LayerRecord>& records) {
        const FrequencyTuple* previous = nullptr;
        for (const auto& r : records) {
            if (!previous || *previous != r.tuple) {
                markStarted(session, r.tuple);
                previous = &r.tuple;
            }
            auto& q = cached(
                upsertMeasurement,
                "INSERT INTO layer_measurements (session_id, cpu_khz, gpu_khz, emc_khz, "
                "layer_index, "
                "layer_name, kind, median_ms, p10_ms, p90_ms, n, total_energy_mj, energy_json, "
                "power_json, "
                "emulated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                "?15) "
                "ON CONFLICT (session_id, cpu_khz, gpu_khz, emc_khz, layer_index) DO UPDATE SET "
                "layer_name = excluded.layer_name, kind = excluded.kind, median_ms = "
                "excluded.median_ms, "
                "p10_ms = excluded.p10_ms, p90_ms = excluded.p90_ms, n = excluded.n, "
                "total_energy_mj = excluded.total_energy_mj, energy_json = excluded.energy_json, "
                "power_json = excluded.power_json, emulated = excluded.emulated");
            railsToJson(energyBuf, r.energyMj);
            railsToJson(powerBuf, r.powerMw);
            q.bind(1, session);
            q.bind(2, r.tuple.cpuKhz);
            q.bind(3, r.tuple.gpuKhz);
            q.bind(4, r.tuple.emcKhz);
            q.bind(5, r.layerIndex);
            q.bindNoCopy(6, r.layerName); // the strings outlive exec(): no copy needed
            q.bindNoCopy(7, r.kind);
            q.bind(8, r.latency.medianMs);
            q.bind(9, r.latency.p10Ms);
            q.bind(10, r.latency.p90Ms);
            q.bind(11, r.latency.n);
            q.bind(12, r.totalEnergyMj);
            q.bindNoCopy(13, energyBuf);
            q.bindNoCopy(14, powerBuf);
            q.bind(15, r.emulated ? 1 : 0);
            q.exec();
        }
    }

    // Caller holds a write transaction.
    int64_t insertSession(const SessionInfo& info) {
        SQLite::Statement q(
            db, "INSERT INTO sessions (name, board, board_spec_id, model, agent_version, emulated, "
                "settings_json, started_at, ended_at, status, conditions_json) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        q.bind(1, info.name);
        q.bind(2, info.boardName);
        q.bind(3, info.boardId);
        q.bind(4, info.model);
        q.bind(5, info.agentVersion);
        q.bind(6, info.emulated ? 1 : 0);
        q.bind(7, normalisedJson(info.settingsJson, "session settings"));
        q.bind(8, info.startedAt.empty() ? utcNowIsoMillis() : info.startedAt);
        if (info.endedAt.empty())
            q.bind(9);
        else
            q.bind(9, info.endedAt);
        q.bind(10, toString(info.status));
        q.bind(11, normalisedJson(info.conditionsJson, "session conditions"));
        q.exec();
        return db.getLastInsertRowid();
    }

    // Caller holds a write transaction.
    void insertPowerSamples(int64_t session, const std::vector<PowerSample>& samples) {
        for (const auto& s : samples) {
            auto& q = cached(
                insertPower,
                "INSERT INTO power_samples (session_id, t_ms, rail, mw) VALUES (?1, ?2, ?3, ?4)");
            q.bind(1, session);
            q.bind(2, s.tMs);
            q.bindNoCopy(3, s.rail);
            q.bind(4, s.mw);
            q.exec();
        }
    }

    static constexpr const char* kSessionSelect =
        "SELECT s.id, s.name, s.board_spec_id, s.board, s.model, s.agent_version, s.emulated, "
        "s.settings_json, "
        "s.started_at, s.ended_at, s.status, "
        "(SELECT count(*) FROM tuples t WHERE t.session_id = s.id AND t.completed = 1), "
        "(SELECT count(*) FROM layer_measurements m WHERE m.session_id = s.id), "
        "s.conditions_json, "
        "(SELECT count(*) FROM tuples t WHERE t.session_id = s.id AND t.throttled = 1), "
        "(SELECT max(t.max_temp_c) FROM tuples t WHERE t.session_id = s.id), "
        "(SELECT count(*) FROM tuples t WHERE t.session_id = s.id AND t.throttled IS NOT NULL) "
        "FROM sessions s";

    static SessionInfo readSession(SQLite::Statement& q) {
        SessionInfo s;
        s.id = q.getColumn(0).getInt64();
        s.name = columnText(q.getColumn(1));
        s.boardId = columnText(q.getColumn(2));
        s.boardName = columnText(q.getColumn(3));
        s.model = columnText(q.getColumn(4));
        s.agentVersion = columnText(q.getColumn(5));
        s.emulated = q.getColumn(6).getInt() != 0;
        s.settingsJson = columnText(q.getColumn(7));
        s.startedAt = columnText(q.getColumn(8));
        s.endedAt = columnText(q.getColumn(9));
        s.status = sessionStatusFromString(columnText(q.getColumn(10)));
        s.completedTupleCount = q.getColumn(11).getInt64();
        s.measurementCount = q.getColumn(12).getInt64();
        s.conditionsJson = columnText(q.getColumn(13));
        s.throttledTupleCount = q.getColumn(14).getInt64();
        s.maxTempC = columnDouble(q.getColumn(15));
        s.observedTupleCount = q.getColumn(16).getInt64();
        return s;
    }

    SessionInfo loadSession(int64_t id) {
        SQLite::Statement q(db, std::string(kSessionSelect) + " WHERE s.id = ?1");
        q.bind(1, id);
        if (!q.executeStep())
            throw noSession(id);
        return readSession(q);
    }

    // Calls fn(LayerRecord&) for each row, in (tuple, layer) order, without building a vector. fn
    // may move from the record: every field is assigned again for the next row.
    template <class F> void forEachRecord(int64_t session, const FrequencyTuple* tuple, F&& fn) {
        std::string sql =
            "SELECT cpu_khz, gpu_khz, emc_khz, layer_index, layer_name, kind, median_ms, p10_ms, "
            "p90_ms, n, total_energy_mj, energy_json, power_json, emulated "
            "FROM layer_measurements WHERE session_id = ?1";
        if (tuple)
            sql += " AND cpu_khz = ?2 AND gpu_khz = ?3 AND emc_khz = ?4";
        sql += " ORDER BY cpu_khz, gpu_khz, emc_khz, layer_index";
        SQLite::Statement q(db, sql);
        q.bind(1, session);
        if (tuple) {
            q.bind(2, tuple->cpuKhz);
            q.bind(3, tuple->gpuKhz);
            q.bind(4, tuple->emcKhz);
        }
        LayerRecord r;
        while (q.executeStep()) {
            r.tuple = {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                       q.getColumn(2).getInt64()};
            r.layerIndex = q.getColumn(3).getInt();
            r.layerName = columnText(q.getColumn(4));
            r.kind = columnText(q.getColumn(5));
            r.latency = {columnDouble(q.getColumn(6)), columnDouble(q.getColumn(7)),
                         columnDouble(q.getColumn(8)), q.getColumn(9).getInt()};
            r.totalEnergyMj = columnDouble(q.getColumn(10));
            r.energyMj = railsFromJson(columnText(q.getColumn(11)));
            r.powerMw = railsFromJson(columnText(q.getColumn(12)));
            r.emulated = q.getColumn(13).getInt() != 0;
            fn(r);
        }
    }

    // Rail names used by a session in one of the JSON columns, sorted: the CSV column order.
    std::vector<std::string> railNames(int64_t session, const char* column) {
        SQLite::Statement q(
            db, std::string("SELECT DISTINCT j.key FROM layer_measurements m, json_each(m.") +
                    column + ") j WHERE m.session_id = ?1 ORDER BY j.key");
        q.bind(1, session);
        std::vector<std::string> names;
        while (q.executeStep())
            names.push_back(q.getColumn(0).getString());
        return names;
    }
};

namespace {

// Turns SQLite and JSON exceptions into ProfileStoreError naming the operation and the file.
template <class F>
auto guarded(const std::string& path, const char* what, F&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const ProfileStoreError&) {
        throw;
    } catch (const SQLite::Exception& e) {
        std::string msg = std::string(what) + " failed in '" + path + "': " + e.what();
        if (e.getErrorCode() == SQLITE_BUSY)
            msg += " (another process kept the workspace locked for more than " +
                   std::to_string(kBusyTimeoutMs / 1000) + " s)";
        throw ProfileStoreError(msg);
    } catch (const nlohmann::json::exception& e) {
        throw ProfileStoreError(std::string(what) + " failed in '" + path + "': " + e.what());
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------

ProfileStore::ProfileStore(const std::string& path) {
    try {
        d = std::make_unique<Impl>(path);
    } catch (const ProfileStoreError&) {
        throw;
    } catch (const SQLite::Exception& e) {
        WorkspaceSchema::throwOpenError(path, e.getErrorCode(), e.what());
    }
}

ProfileStore::~ProfileStore() = default;
ProfileStore::ProfileStore(ProfileStore&&) noexcept = default;
ProfileStore& ProfileStore::operator=(ProfileStore&&) noexcept = default;

std::string ProfileStore::defaultPath() {
    namespace fs = std::filesystem;
    fs::path base;
    // The XDG spec says to ignore a relative XDG_DATA_HOME.
    const char* xdg = std::getenv("XDG_DATA_HOME");
    if (xdg && *xdg && fs::path(xdg).is_absolute()) {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        if (!home || !*home) {
            const passwd* pw = getpwuid(getuid());
            home = pw ? pw->pw_dir : nullptr;
        }
        if (!home || !*home)
            throw ProfileStoreError(
                "cannot find a place for the workspace: neither XDG_DATA_HOME nor HOME is set");
        base = fs::path(home) / ".local" / "share";
    }
    const fs::path dir = base / "dvfo";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw ProfileStoreError("cannot create workspace directory '" + dir.string() +
                                "': " + ec.message());
    return (dir / "workspace.db").string();
}

int ProfileStore::latestSchemaVersion() {
    return WorkspaceSchema::latestVersion();
}

const std::string& ProfileStore::path() const {
    return d->path;
}

int ProfileStore::schemaVersion() const {
    return guarded(d->path, "reading the schema version", [&] { return d->userVersion(); });
}

// ---- Boards ----------------------------------------------------------------------------------

int64_t ProfileStore::saveBoard(const StoredBoard& board) {
    if (board.name.empty())
        throw ProfileStoreError("a board needs a name");
    const std::string host = normalisedJson(board.hostJson, "board host");
    const std::string spec = normalisedJson(board.specJson, "board spec");
    return guarded(d->path, "saving board", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement up(
            d->db,
            "INSERT INTO boards (name, host_json, spec_json, created_at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (name) DO UPDATE SET host_json = excluded.host_json, "
            "spec_json = excluded.spec_json");
        up.bind(1, board.name);
        up.bind(2, host);
        up.bind(3, spec);
        up.bind(4, board.createdAt.empty() ? utcNowIsoMillis() : board.createdAt);
        up.exec();
        SQLite::Statement q(d->db, "SELECT id FROM boards WHERE name = ?1");
        q.bind(1, board.name);
        q.executeStep();
        const int64_t id = q.getColumn(0).getInt64();
        q.reset();
        tx.commit();
        return id;
    });
}

std::vector<StoredBoard> ProfileStore::boards() const {
    return guarded(d->path, "listing boards", [&] {
        SQLite::Statement q(
            d->db, "SELECT id, name, host_json, spec_json, created_at FROM boards ORDER BY name");
        std::vector<StoredBoard> out;
        while (q.executeStep())
            out.push_back({q.getColumn(0).getInt64(), columnText(q.getColumn(1)),
                           columnText(q.getColumn(2)), columnText(q.getColumn(3)),
                           columnText(q.getColumn(4))});
        return out;
    });
}

void ProfileStore::removeBoard(const std::string& name) {
    guarded(d->path, "removing board", [&] {
        SQLite::Statement q(d->db, "DELETE FROM boards WHERE name = ?1");
        q.bind(1, name);
        if (q.exec() == 0)
            throw ProfileStoreError("no board named '" + name + "' in this workspace");
    });
}

// ---- Sessions --------------------------------------------------------------------------------

int64_t ProfileStore::createSession(const SessionInfo& info) {
    return guarded(d->path, "creating session", [&] { return d->insertSession(info); });
}

SessionInfo ProfileStore::session(int64_t id) const {
    return guarded(d->path, "reading session", [&] { return d->loadSession(id); });
}

std::vector<SessionInfo> ProfileStore::sessions() const {
    return guarded(d->path, "listing sessions", [&] {
        SQLite::Statement q(d->db, std::string(Impl::kSessionSelect) + " ORDER BY s.id");
        std::vector<SessionInfo> out;
        while (q.executeStep())
            out.push_back(Impl::readSession(q));
        return out;
    });
}

void ProfileStore::renameSession(int64_t id, const std::string& name) {
    guarded(d->path, "renaming session", [&] {
        SQLite::Statement q(d->db, "UPDATE sessions SET name = ?1 WHERE id = ?2");
        q.bind(1, name);
        q.bind(2, id);
        if (q.exec() == 0)
            throw noSession(id);
    });
}

void ProfileStore::setSessionStatus(int64_t id, SessionStatus status) {
    guarded(d->path, "setting session status", [&] {
        SQLite::Statement q(d->db, "UPDATE sessions SET status = ?1, ended_at = ?2 WHERE id = ?3");
        q.bind(1, toString(status));
        if (status == SessionStatus::Running)
            q.bind(2);
        else
            q.bind(2, utcNowIsoMillis());
        q.bind(3, id);
        if (q.exec() == 0)
            throw noSession(id);
    });
}

void ProfileStore::deleteSession(int64_t id) {
    guarded(d->path, "deleting session", [&] {
        // One statement, so the cascade over tuples, measurements and samples is atomic.
        SQLite::Statement q(d->db, "DELETE FROM sessions WHERE id = ?1");
        q.bind(1, id);
        if (q.exec() == 0)
            throw noSession(id);
    });
}

// ---- Measurements ----------------------------------------------------------------------------

void ProfileStore::addMeasurements(int64_t session, const std::vector<LayerRecord>& records) {
    guarded(d->path, "adding measurements", [&] {
        // IMMEDIATE takes the write lock up front; a deferred transaction that starts reading
        // could fail with SQLITE_BUSY without waiting when another process writes concurrently.
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        d->requireSession(session);
        d->insertRecords(session, records);
        tx.commit();
    });
}

void ProfileStore::markTupleComplete(int64_t session, const FrequencyTuple& tuple) {
    guarded(d->path, "marking tuple complete", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        d->requireSession(session);
        d->markComplete(session, tuple, utcNowIsoMillis());
        tx.commit();
    });
}

void ProfileStore::addCompletedTuple(int64_t session, const FrequencyTuple& tuple,
                                     const std::vector<LayerRecord>& layers,
                                     const std::optional<TupleConditions>& conditions) {
    if (conditions && conditions->pinned != tuple)
        throw ProfileStoreError("the conditions given are of " + conditions->pinned.toString() +
                                ", not of the tuple being completed (" + tuple.toString() + ")");
    for (const auto& r : layers)
        if (r.tuple != tuple)
            throw ProfileStoreError("layer " + std::to_string(r.layerIndex) + " was measured at " +
                                    r.tuple.toString() + ", not at the tuple being completed (" +
                                    tuple.toString() + ")");
    guarded(d->path, "adding completed tuple", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        d->requireSession(session);
        d->insertRecords(session, layers);
        d->markComplete(session, tuple, utcNowIsoMillis());
        if (conditions)
            d->upsertTupleConditions(session, *conditions);
        tx.commit();
    });
}

void ProfileStore::setTupleConditions(int64_t session, const TupleConditions& conditions) {
    guarded(d->path, "storing tuple conditions", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        d->requireSession(session);
        d->upsertTupleConditions(session, conditions);
        tx.commit();
    });
}

std::map<FrequencyTuple, TupleConditions> ProfileStore::tupleConditions(int64_t session) const {
    return guarded(d->path, "reading tuple conditions", [&] {
        d->requireSession(session);
        SQLite::Statement q(d->db,
                            "SELECT conditions_json FROM tuples WHERE session_id = ?1 AND "
                            "conditions_json IS NOT NULL ORDER BY cpu_khz, gpu_khz, emc_khz");
        q.bind(1, session);
        std::map<FrequencyTuple, TupleConditions> out;
        while (q.executeStep()) {
            try {
                TupleConditions c =
                    TupleConditions::fromJson(nlohmann::json::parse(q.getColumn(0).getString()));
                out.emplace(c.pinned, std::move(c));
            } catch (const std::exception& e) { // malformed JSON or fields
                throw ProfileStoreError("session " + std::to_string(session) +
                                        ": stored tuple conditions are malformed: " + e.what());
            }
        }
        return out;
    });
}

void ProfileStore::updateSessionConditions(int64_t id, const nlohmann::json& patch) {
    if (!patch.is_object())
        throw ProfileStoreError("session conditions: the update must be a JSON object");
    guarded(d->path, "updating session conditions", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(d->db, "SELECT conditions_json FROM sessions WHERE id = ?1");
        q.bind(1, id);
        if (!q.executeStep())
            throw noSession(id);
        nlohmann::json current = nlohmann::json::parse(columnText(q.getColumn(0)), nullptr, false);
        q.reset();
        if (!current.is_object())
            current = nlohmann::json::object(); // a hand-edited row: the update replaces it
        current.merge_patch(patch);
        SQLite::Statement up(d->db, "UPDATE sessions SET conditions_json = ?1 WHERE id = ?2");
        up.bind(1, current.dump());
        up.bind(2, id);
        up.exec();
        tx.commit();
    });
}

std::set<FrequencyTuple> ProfileStore::completedTuples(int64_t session) const {
    return guarded(d->path, "reading completed tuples", [&] {
        d->requireSession(session);
        SQLite::Statement q(
            d->db,
            "SELECT cpu_khz, gpu_khz, emc_khz FROM tuples WHERE session_id = ?1 AND completed = 1");
        q.bind(1, session);
        std::set<FrequencyTuple> out;
        while (q.executeStep())
            out.insert(
                {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()});
        return out;
    });
}

std::vector<LayerRecord> ProfileStore::measurements(int64_t session) const {
    return guarded(d->path, "reading measurements", [&] {
        d->requireSession(session);
        std::vector<LayerRecord> out;
        d->forEachRecord(session, nullptr, [&](LayerRecord& r) { out.push_back(std::move(r)); });
        return out;
    });
}

std::vector<LayerRecord> ProfileStore::measurements(int64_t session,
                                                    const FrequencyTuple& tuple) const {
    return guarded(d->path, "reading measurements", [&] {
        d->requireSession(session);
        std::vector<LayerRecord> out;
        d->forEachRecord(session, &tuple, [&](LayerRecord& r) { out.push_back(std::move(r)); });
        return out;
    });
}

namespace {

// Caller holds a write transaction; `markStarted` registers a tuple.
template <typename MarkStarted>
void insertShareRecords(SQLite::Database& db, int64_t session,
                        const std::vector<ShareRecord>& records, MarkStarted markStarted) {
    SQLite::Statement q(
        db, "INSERT INTO share_measurements (session_id, cpu_khz, gpu_khz, emc_khz, share_index, "
            "kept_channels, median_ms, total_energy_mj, wire_bytes, record_json) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
            "ON CONFLICT (session_id, cpu_khz, gpu_khz, emc_khz, share_index) DO UPDATE SET "
            "kept_channels = excluded.kept_channels, median_ms = excluded.median_ms, "
            "total_energy_mj = excluded.total_energy_mj, wire_bytes = excluded.wire_bytes, "
            "record_json = excluded.record_json");
    for (const ShareRecord& r : records) {
        markStarted(r.unit.tuple);
        q.bind(1, session);
        q.bind(2, r.unit.tuple.cpuKhz);
        q.bind(3, r.unit.tuple.gpuKhz);
        q.bind(4, r.unit.tuple.emcKhz);
        q.bind(5, r.shareIndex);
        q.bind(6, r.keptChannels);
        q.bind(7, r.unit.latency.medianMs);
        q.bind(8, r.unit.totalEnergyMj);
        q.bind(9, r.wireBytes);
        q.bind(10, r.toJson().dump());
        q.exec();
        q.reset();
    }
}

} // namespace

void ProfileStore::addShareMeasurements(int64_t session, const std::vector<ShareRecord>& records) {
    for (const ShareRecord& r : records)
        if (r.shareIndex < 1 || r.shareIndex > 10)
            throw ProfileStoreError("share record at " + r.unit.tuple.toString() +
                                    ": share index " + std::to_string(r.shareIndex) +
                                    " is not in 1..10");
    guarded(d->path, "adding share measurements", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        d->requireSession(session);
        insertShareRecords(d->db, session, records,
                           [&](const FrequencyTuple& t) { d->markStarted(session, t); });
        tx.commit();
    });
}

std::vector<ShareRecord> ProfileStore::shareMeasurements(int64_t session) const {
    return guarded(d->path, "reading share measurements", [&] {
        d->requireSession(session);
        SQLite::Statement q(d->db, "SELECT record_json FROM share_measurements WHERE session_id = "
                                   "?1 ORDER BY cpu_khz, gpu_khz, emc_khz, share_index");
        q.bind(1, session);
        std::vector<ShareRecord> out;
        while (q.executeStep()) {
            try {
                out.push_back(
                    ShareRecord::fromJson(nlohmann::json::parse(q.getColumn(0).getString())));
            } catch (const std::exception& e) {
                throw ProfileStoreError("session " + std::to_string(session) +
                                        ": a stored share measurement is unreadable: " + e.what());
            }
        }
        return out;
    });
}

void ProfileStore::addPowerSamples(int64_t session, const std::vector<PowerSample>& samples) {
    guarded(d->path, "adding power samples", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        d->requireSession(session);
        d->insertPowerSamples(session, samples);
        tx.commit();
    });
}

std::vector<PowerSample> ProfileStore::powerSamples(int64_t session) const {
    return guarded(d->path, "reading power samples", [&] {
        d->requireSession(session);
        SQLite::Statement q(
            d->db,
            "SELECT t_ms, rail, mw FROM power_samples WHERE session_id = ?1 ORDER BY t_ms, rowid");
        q.bind(1, session);
        std::vector<PowerSample> out;
        while (q.executeStep())
            out.push_back({q.getColumn(0).getDouble(), columnText(q.getColumn(1)),
                           columnDouble(q.getColumn(2))});
        return out;
    });
}

// ---- Exchange --------------------------------------------------------------------------------

void ProfileStore::exportCsv(int64_t session, std::ostream& out) const {
    guarded(d->path, "exporting CSV", [&] {
        // One read transaction: the rails, the header and the rows see the same snapshot even
        // while a profiler keeps adding tuples.
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::DEFERRED);
        const SessionInfo s = d->loadSession(session);
        const auto energyRails = d->railNames(session, "energy_json");
        const auto powerRails = d->railNames(session, "power_json");

        std::string line;
        for (const char* c : kCsvFixedColumns) {
            if (!line.empty())
                line += ',';
            line += c;
        }
        for (const auto& r : energyRails) {
            line += ',';
            appendCsvField(line, kEnergyPrefix + r);
        }
        for (const auto& r : powerRails) {
            line += ',';
            appendCsvField(line, kPowerPrefix + r);
        }
        line += '\n';
        out << line;

        const std::string id = std::to_string(s.id);
        const std::string board = s.boardId.empty() ? s.boardName : s.boardId;
        d->forEachRecord(session, nullptr, [&](const LayerRecord& r) {
            line.clear();
            line += id;
            line += ',';
            appendCsvField(line, board);
            line += ',';
            appendCsvField(line, s.model);
            for (int64_t v :
                 {r.tuple.cpuKhz, r.tuple.gpuKhz, r.tuple.emcKhz, int64_t(r.layerIndex)}) {
                line += ',';
                line += std::to_string(v);
            }
            line += ',';
            appendCsvField(line, r.layerName);
            line += ',';
            appendCsvField(line, r.kind);
            for (double v : {r.latency.medianMs, r.latency.p10Ms, r.latency.p90Ms}) {
                line += ',';
                appendDouble(line, v);
            }
            line += ',';
            line += std::to_string(r.latency.n);
            line += ',';
            appendDouble(line, r.totalEnergyMj);
            line += r.emulated ? ",1" : ",0";
            appendRailCells(line, r.energyMj, energyRails);
            appendRailCells(line, r.powerMw, powerRails);
            line += '\n';
            out << line;
        });
        tx.commit();
    });
    if (!out)
        throw ProfileStoreError("exporting CSV: writing the output failed");
}

void ProfileStore::exportJson(int64_t session, std::ostream& out) const {
    guarded(d->path, "exporting JSON", [&] {
        // Streamed record by record: a full sweep is a million rows, too many for one json value.
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::DEFERRED);
        const SessionInfo s = d->loadSession(session);
        out << "{\"format\":\"dvfo-session\",\"formatVersion\":1,\n\"session\":"
            << sessionToJson(s).dump();

        SQLite::Statement tq(
            d->db, "SELECT cpu_khz, gpu_khz, emc_khz FROM tuples WHERE session_id = ?1 AND "
                   "completed = 1 ORDER BY cpu_khz, gpu_khz, emc_khz");
        tq.bind(1, session);
        out << ",\n\"completedTuples\":[";
        for (bool first = true; tq.executeStep(); first = false) {
            const FrequencyTuple t{tq.getColumn(0).getInt64(), tq.getColumn(1).getInt64(),
                                   tq.getColumn(2).getInt64()};
            out << (first ? "" : ",") << '"' << t.toString() << '"';
        }

        out << "],\n\"records\":[";
        bool first = true;
        d->forEachRecord(session, nullptr, [&](const LayerRecord& r) {
            out << (first ? "\n" : ",\n") << r.toJson().dump();
            first = false;
        });

        out << "],\n\"powerSamples\":[";
        SQLite::Statement pq(
            d->db,
            "SELECT t_ms, rail, mw FROM power_samples WHERE session_id = ?1 ORDER BY t_ms, rowid");
        pq.bind(1, session);
        for (first = true; pq.executeStep(); first = false)
            out << (first ? "\n" : ",\n")
                << nlohmann::json{{"tMs", pq.getColumn(0).getDouble()},
                                  {"rail", columnText(pq.getColumn(1))},
                                  {"mw", columnDouble(pq.getColumn(2))}}
                       .dump();
        out << "],\n\"tupleConditions\":[";
        SQLite::Statement cq(d->db,
                             "SELECT conditions_json FROM tuples WHERE session_id = ?1 AND "
                             "conditions_json IS NOT NULL ORDER BY cpu_khz, gpu_khz, emc_khz");
        cq.bind(1, session);
        for (first = true; cq.executeStep(); first = false)
            out << (first ? "\n" : ",\n")
                << nlohmann::json::parse(cq.getColumn(0).getString()).dump();
        out << "],\n\"shareRecords\":[";
        SQLite::Statement sq(d->db, "SELECT record_json FROM share_measurements WHERE session_id = "
                                    "?1 ORDER BY cpu_khz, gpu_khz, emc_khz, share_index");
        sq.bind(1, session);
        for (first = true; sq.executeStep(); first = false)
            out << (first ? "\n" : ",\n")
                << nlohmann::json::parse(sq.getColumn(0).getString()).dump();
        out << "]}\n";
        tx.commit();
    });
    if (!out)
        throw ProfileStoreError("exporting JSON: writing the output failed");
}

int64_t ProfileStore::importCsv(std::istream& in, const SessionInfo& into) {
    CsvReader reader{
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())};
    CsvRow header;
    if (!reader.next(header))
        throw ProfileStoreError(
            "CSV is empty: expected a header line starting with session,board,model,...");

    // Columns are found by name, so a hand-edited file may reorder or drop the optional ones.
    std::map<std::string, size_t> fixed;
    std::vector<std::pair<size_t, std::string>> energyCols, powerCols;
    for (size_t i = 0; i < header.fields.size(); ++i) {
        const std::string& name = header.fields[i];
        bool known = false;
        for (const char* c : kCsvFixedColumns)
            known = known || name == c;
        if (known) {
            if (!fixed.emplace(name, i).second)
                throw CsvReader::error(header.line, "column " + name + " appears twice");
        } else if (name.rfind(kEnergyPrefix, 0) == 0 && name.size() > std::strlen(kEnergyPrefix)) {
            energyCols.emplace_back(i, name.substr(std::strlen(kEnergyPrefix)));
        } else if (name.rfind(kPowerPrefix, 0) == 0 && name.size() > std::strlen(kPowerPrefix)) {
            powerCols.emplace_back(i, name.substr(std::strlen(kPowerPrefix)));
        } else {
            throw CsvReader::error(header.line, "unknown column '" + name +
                                                    "' (expected the columns of a DVFO export, or "
                                                    "energy_mj:<RAIL> / power_mw:<RAIL>)");
        }
    }
    for (const char* required :
         {"cpu_khz", "gpu_khz", "emc_khz", "layer_index", "layer_name", "median_ms"})
        if (!fixed.count(required))
            throw CsvReader::error(header.line, std::string("missing column ") + required);
    auto col = [&](const char* name) -> long {
        return fixed.count(name) ? long(fixed.at(name)) : -1;
    };
    const long cBoard = col("board"), cModel = col("model"), cCpu = col("cpu_khz"),
               cGpu = col("gpu_khz"), cEmc = col("emc_khz"), cLayer = col("layer_index"),
               cName = col("layer_name"), cKind = col("kind"), cMedian = col("median_ms"),
               cP10 = col("p10_ms"), cP90 = col("p90_ms"), cN = col("n"),
               cTotal = col("total_energy_mj"), cEmulated = col("emulated");

    SessionInfo info = into;
    std::vector<LayerRecord> records;
    std::set<FrequencyTuple> tuples;
    CsvRow row;
    while (reader.next(row)) {
        if (row.fields.size() != header.fields.size())
            throw CsvReader::error(row.line, "expected " + std::to_string(header.fields.size()) +
                                                 " fields, found " +
                                                 std::to_string(row.fields.size()));
        const auto& f = row.fields;
        LayerRecord r;
        r.tuple = {csvInt(f[cCpu], row.line, "cpu_khz"), csvInt(f[cGpu], row.line, "gpu_khz"),
                   csvInt(f[cEmc], row.line, "emc_khz")};
        const int64_t layer = csvInt(f[cLayer], row.line, "layer_index");
        if (layer < 0 || layer > std::numeric_limits<int>::max())
            throw CsvReader::error(row.line,
                                   "column layer_index: " + f[cLayer] + " is out of range");
        r.layerIndex = static_cast<int>(layer);
        r.layerName = f[cName];
        if (cKind >= 0)
            r.kind = f[cKind];
        r.latency.medianMs = csvDouble(f[cMedian], row.line, "median_ms");
        if (cP10 >= 0)
            r.latency.p10Ms = csvDouble(f[cP10], row.line, "p10_ms");
        if (cP90 >= 0)
            r.latency.p90Ms = csvDouble(f[cP90], row.line, "p90_ms");
        if (cN >= 0)
            r.latency.n = static_cast<int>(csvInt(f[cN], row.line, "n"));
        if (cTotal >= 0)
            r.totalEnergyMj = csvDouble(f[cTotal], row.line, "total_energy_mj");
        if (cEmulated >= 0)
            r.emulated = csvBool(f[cEmulated], row.line, "emulated");
        for (const auto& [i, rail] : energyCols)
            if (!trimmed(f[i]).empty())
                r.energyMj[rail] = csvDouble(f[i], row.line, kEnergyPrefix + rail);
        for (const auto& [i, rail] : powerCols)
            if (!trimmed(f[i]).empty())
                r.powerMw[rail] = csvDouble(f[i], row.line, kPowerPrefix + rail);
        if (records.empty()) {
            if (info.boardId.empty() && cBoard >= 0)
                info.boardId = f[cBoard];
            if (info.model.empty() && cModel >= 0)
                info.model = f[cModel];
        }
        info.emulated = info.emulated || r.emulated;
        tuples.insert(r.tuple);
        records.push_back(std::move(r));
    }
    info.status = SessionStatus::Completed;
    if (info.endedAt.empty())
        info.endedAt = utcNowIsoMillis();

    return guarded(d->path, "importing CSV", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        const int64_t id = d->insertSession(info);
        d->insertRecords(id, records);
        const std::string now = utcNowIsoMillis();
        for (const auto& t : tuples)
            d->markComplete(id, t, now);
        tx.commit();
        return id;
    });
}

int64_t ProfileStore::importJson(std::istream& in) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw ProfileStoreError(std::string("JSON import: not valid JSON: ") + e.what());
    }
    if (!j.is_object() || j.value("format", "") != "dvfo-session")
        throw ProfileStoreError(
            "JSON import: not a DVFO session export (no \"format\": \"dvfo-session\")");
    if (jsonIntegerOr<int>(j, "formatVersion", 1) > 1)
        throw ProfileStoreError("JSON import: session export format " +
                                std::to_string(jsonIntegerOr<int>(j, "formatVersion", 1)) +
                                " is newer than this build supports (1)");

    SessionInfo info;
    std::vector<LayerRecord> records;
    std::vector<FrequencyTuple> completed;
    std::vector<PowerSample> samples;
    std::vector<TupleConditions> conditions;
    std::vector<ShareRecord> shares;
    try {
        info = sessionFromJson(j.at("session"));
        // j.value() would copy the arrays, and records can be a million entries.
        static const nlohmann::json kEmpty = nlohmann::json::array();
        const auto member = [&](const char* key) -> const nlohmann::json& {
            const auto it = j.find(key);
            return it == j.end() ? kEmpty : *it;
        };
        const auto& recs = member("records");
        records.reserve(recs.size());
        for (size_t i = 0; i < recs.size(); ++i) {
            try {
                records.push_back(LayerRecord::fromJson(recs[i]));
            } catch (const std::runtime_error& e) {
                throw ProfileStoreError("record " + std::to_string(i) + ": " + e.what());
            }
        }
        for (const auto& t : member("completedTuples"))
            completed.push_back(FrequencyTuple::parse(t.get<std::string>()));
        for (const auto& c : member("tupleConditions"))
            conditions.push_back(TupleConditions::fromJson(c));
        const auto& shareRecs = member("shareRecords");
        for (size_t i = 0; i < shareRecs.size(); ++i) {
            try {
                shares.push_back(ShareRecord::fromJson(shareRecs[i]));
            } catch (const std::runtime_error& e) {
                throw ProfileStoreError("share record " + std::to_string(i) + ": " + e.what());
            }
        }
        for (const auto& s : member("powerSamples"))
            samples.push_back({s.at("tMs").get<double>(), s.at("rail").get<std::string>(),
                               s.at("mw").is_number() ? s.at("mw").get<double>()
                                                      : std::numeric_limits<double>::quiet_NaN()});
    } catch (const ProfileStoreError& e) {
        throw ProfileStoreError(std::string("JSON import: ") + e.what());
    } catch (const std::exception& e) {
        throw ProfileStoreError(std::string("JSON import: malformed session export: ") + e.what());
    }

    return guarded(d->path, "importing JSON", [&] {
        SQLite::Transaction tx(d->db, SQLite::TransactionBehavior::IMMEDIATE);
        const int64_t id = d->insertSession(info);
        d->insertRecords(id, records);
        const std::string now = utcNowIsoMillis();
        for (const auto& t : completed)
            d->markComplete(id, t, now);
        d->insertPowerSamples(id, samples);
        for (const auto& c : conditions)
            d->upsertTupleConditions(id, c);
        insertShareRecords(d->db, id, shares,
                           [&](const FrequencyTuple& t) { d->markStarted(id, t); });
        tx.commit();
        return id;
    });
}

} // namespace dvfo
