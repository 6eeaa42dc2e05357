#pragma once
#include "remote/edge/runtimelayout.h"

#include <iosfwd>
#include <string>

namespace dvfo {

// The `pending` marker a deploy leaves on the board while the bundle it switched `current` to has
// not yet passed its health check (RuntimeLayout::pendingPath(), JSON):
//   {"bundle":"<dir in bundles/>","fallback":"<dir>","armed":false | "<boot id>"}
// The deploy writes it before it switches `current`, arms it with the board's boot id in the same
// command as its own restart of the runtime, and removes it once the health check passed. The
// runtime calls bundleToRun() as it starts, so a bundle that has not passed its health check never
// survives a restart it did not ask for (reboot, crash, a killed deploy, systemd's
// Restart=on-failure).
class PendingDeploy {
public:
    // The bundle directory the runtime should load now:
    //  - no marker: `current`;
    //  - a marker for another bundle than `current` (the deploy stopped before its switch): the
    //    marker is dropped, `current`;
    //  - a marker armed in this boot: the deploy's own trial start; disarmed (durably), `current`;
    //  - else: `current` is switched back to the fallback and the marker dropped; the fallback.
    // Every change is fsync'ed. A line on `log` says what was decided when it was not plain
    // `current`. Throws std::runtime_error when the unconfirmed bundle has no fallback.
    static std::string bundleToRun(const RuntimeLayout& layout, std::ostream& log);
};

} // namespace dvfo
