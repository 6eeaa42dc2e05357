#pragma once
// The workspace file's schema, in one place: what tells a DVFO workspace from another SQLite file
// (PRAGMA application_id), the versioned migrations (PRAGMA user_version) and the connection
// settings. ProfileStore, TrainingRunStore and BundleStore all open the file through it.
#include <string>

namespace SQLite {
class Database;
}

namespace dvfo {

class WorkspaceSchema {
public:
    // The schema version this build writes: the number of migrations.
    static int latestVersion();
    // The file's version (PRAGMA user_version).
    static int version(SQLite::Database& db);
    // On an open read-write connection to `path`: refuses a file of another application or a
    // newer schema, sets the page size (new files), WAL and synchronous=NORMAL, and runs the
    // missing migrations, each in its own transaction. Throws ProfileStoreError naming the file
    // (and the failing migration).
    static void prepare(SQLite::Database& db, const std::string& path);
    // Creates the file or brings it to the latest schema, then closes it: for stores that keep
    // their own connection. Throws ProfileStoreError (not ours, damaged, cannot open).
    static void ensure(const std::string& path);
    // The ProfileStoreError for an SQLite error while opening `path` (not ours, damaged, other).
    [[noreturn]] static void throwOpenError(const std::string& path, int sqliteErrorCode,
                                            const char* what);
};

} // namespace dvfo
