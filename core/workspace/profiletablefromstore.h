#pragma once
// A profiling session of the workspace as the table the environment and the optimiser use. Kept
// out of ProfileTable so that core/profile, which the board agent links, needs no SQLite.
#include "core/profile/profiletable.h"

#include <cstdint>

namespace dvfo {

class ProfileStore;

// The session's records; the board is the workspace's stored spec for the session's board name
// when it has one, else BoardSpec::builtin(session boardId). Throws ProfileTableError naming the
// session.
ProfileTable profileTableFromStore(const ProfileStore& store, int64_t session);

} // namespace dvfo
