#include "remote/client/rollbackstep.h"

#include "remote/client/healthcheckstep.h"
#include "remote/client/restartruntimestep.h"

namespace dvfo {

void RollbackStep::run(DeployContext& c) {
    if (c.previousVersion.empty()) {
        c.run("rm -f " + BoardShell::quote(c.root + "/current"), "removing current");
        c.run(c.agentCommand("runtime stop --root " + BoardShell::quote(c.root)),
              "stopping the runtime");
        c.report(name(), "no previous bundle: current removed, runtime stopped");
        return;
    }
    const std::string failed = c.manifest.bundleVersion;
    c.switchLink("current", c.previousVersion);
    c.report(name(), "current -> " + c.previousVersion);
    // The restart and health steps act on context.manifest's version: point it at the old bundle.
    c.manifest.bundleVersion = c.previousVersion;
    RestartRuntimeStep().run(c);
    HealthCheckStep().run(c);
    c.previousVersion = failed;
    c.report(name(), "previous bundle " + c.manifest.bundleVersion + " running again");
}

} // namespace dvfo
