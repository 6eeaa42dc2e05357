#include "remote/client/switchcurrentstep.h"

namespace dvfo {

void SwitchCurrentStep::run(DeployContext& c) {
    c.previousVersion = c.linkVersion("current");
    c.switchLink("current", c.manifest.bundleVersion);
    c.switched = true;
    if (!c.previousVersion.empty() && c.previousVersion != c.manifest.bundleVersion)
        c.switchLink("previous", c.previousVersion);
    c.report(name(), "current -> " + c.manifest.bundleVersion +
                         (c.previousVersion.empty() ? "" : " (previous " + c.previousVersion + ")"));
}

} // namespace dvfo
