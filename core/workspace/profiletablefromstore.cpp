#include "core/workspace/profiletablefromstore.h"

#include "core/workspace/profilestore.h"

namespace dvfo {

ProfileTable profileTableFromStore(const ProfileStore& store, int64_t session) {
    const SessionInfo info = store.session(session);
    BoardSpec board;
    bool found = false;
    for (const StoredBoard& b : store.boards()) {
        if (b.name != info.boardName || b.specJson.empty() || b.specJson == "{}")
            continue;
        try {
            board = BoardSpec::fromJsonText(b.specJson);
            found = true;
        } catch (const std::exception&) {
            // An unreadable stored spec falls back to the built-in one of the same id below.
        }
        break;
    }
    if (!found) {
        try {
            board = BoardSpec::builtin(info.boardId);
        } catch (const std::exception&) {
            throw ProfileTableError("session " + std::to_string(session) + ": board '" +
                                    info.boardId +
                                    "' is neither stored in the workspace nor built in");
        }
    }
    const std::vector<LayerRecord> records = store.measurements(session);
    if (records.empty())
        throw ProfileTableError("session " + std::to_string(session) + " has no measurements");
    try {
        ProfileTable table(std::move(board), info.model, records);
        // Sessions profiled without the share sweep have none: the table says why.
        table.setShareRecords(store.shareMeasurements(session));
        return table;
    } catch (const std::exception& e) {
        throw ProfileTableError("session " + std::to_string(session) + ": " + e.what());
    }
}

} // namespace dvfo
