#include "core/workflow/environmentfromstore.h"

#include "core/workspace/profilestore.h"
#include "core/workspace/profiletablefromstore.h"

namespace dvfo {

std::unique_ptr<DvfoEnvironment> environmentFromStore(const DvfoTrainingSettings& settings,
                                                      const ProfileStore& store, int64_t session) {
    ProfileTable profile = profileTableFromStore(store, session);
    if (settings.switchCost != "on" || !settings.switchTimes.source.empty())
        return settings.makeEnvironment(std::move(profile));
    DvfoTrainingSettings resolved = settings;
    resolved.switchTimes =
        ClockSwitchTimes::forSession(store.session(session).conditionsJson, profile.board());
    return resolved.makeEnvironment(std::move(profile));
}

} // namespace dvfo
