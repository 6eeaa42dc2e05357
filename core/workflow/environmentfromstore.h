#pragma once
// The training environment of a workspace session: its profile table, and with switching costs on
// and no switch times given, the times the agent measured when the session was profiled (else the
// board's model).
#include "core/rl/dvfotrainingsettings.h"

#include <cstdint>
#include <memory>

namespace dvfo {

class ProfileStore;

std::unique_ptr<DvfoEnvironment> environmentFromStore(const DvfoTrainingSettings& settings,
                                                      const ProfileStore& store, int64_t session);

} // namespace dvfo
