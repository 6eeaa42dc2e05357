// The parts of ProfileTable and DvfoTrainingSettings that read a session of the SQLite workspace.
// They live in their own unit so that the board agent, which builds its tables from a bundle's
// records, links neither ProfileStore nor SQLite (DVFO_EDGE_ONLY builds leave this file out).
#include "core/rl/dvfotrainingsettings.h"
#include "core/workspace/profilestore.h"
#include "core/profile/profiletable.h"

namespace dvfo {

ProfileTable ProfileTable::fromStore(const ProfileStore& store, int64_t session) {
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

std::unique_ptr<DvfoEnvironment> DvfoTrainingSettings::makeEnvironment(const ProfileStore& store,
                                                                       int64_t session) const {
    ProfileTable profile = ProfileTable::fromStore(store, session);
    if (switchCost != "on" || !switchTimes.source.empty())
        return makeEnvironment(std::move(profile));
    // The switch times the agent measured when the session was profiled, else the board's model.
    DvfoTrainingSettings resolved = *this;
    resolved.switchTimes =
        ClockSwitchTimes::forSession(store.session(session).conditionsJson, profile.board());
    return resolved.makeEnvironment(std::move(profile));
}

} // namespace dvfo
