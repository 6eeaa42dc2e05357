#include "remote/client/rollbackstep.h"

#include "remote/client/healthcheckstep.h"
#include "remote/client/restartruntimestep.h"

namespace dvfo {

void RollbackStep::run(DeployContext& c) {
    // `current` first, then the marker: a marker that names another bundle than `current` is
    // dropped by the runtime as it starts, so any crash in between leaves a consistent board.
    if (c.previousDir.empty()) {
        c.run("cd " + BoardShell::quote(c.root) + " && rm -f current pending && sync -- .",
              "removing current");
        c.run(c.agentCommand("runtime stop --root " + BoardShell::quote(c.root)),
              "stopping the runtime");
        c.report(name(), "no previous bundle: current removed, runtime stopped");
        return;
    }
    const std::string failedDir = c.bundleDir;
    const std::string failedVersion = c.manifest.bundleVersion;
    c.switchLink("current", c.previousDir);
    c.removeMarker();
    c.report(name(), "current -> " + c.previousDir);
    // The restart and health steps act on context.manifest's version: point it at the old bundle.
    c.manifest.bundleVersion = c.previousVersion;
    RestartRuntimeStep().run(c);
    HealthCheckStep().run(c);
    c.bundleDir = c.previousDir;
    c.previousDir = failedDir;
    c.previousVersion = failedVersion;
    c.report(name(), "previous bundle " + c.manifest.bundleVersion + " running again");
}

} // namespace dvfo
