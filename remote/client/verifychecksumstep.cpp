#include "remote/client/verifychecksumstep.h"

namespace dvfo {

void VerifyChecksumStep::run(DeployContext& c) {
    const std::string staging = c.stagingPath();
    const std::string out = c.run(c.agentCommand("verify-bundle " + BoardShell::quote(staging)),
                                  "verifying the uploaded bundle on " + c.board.name);
    c.report(name(), out.substr(0, out.find('\n')));
    // Every file and directory reaches the disk before the bundle gets its name in bundles/, and
    // the rename before anything points at it. The directory is this deploy's own: redeploying
    // the running version never touches the directory the runtime uses.
    const std::string bundles = c.root + "/bundles";
    c.run("find " + BoardShell::quote(staging) + " -exec sync -- {} + && mkdir -p " +
              BoardShell::quote(bundles) + " && mv -T " + BoardShell::quote(staging) + " " +
              BoardShell::quote(c.bundlePath(c.bundleDir)) + " && " +
              DeployContext::syncCommand({bundles, c.root + "/staging", c.root}),
          "moving the verified bundle into place");
    c.checkpoint("verify");
}

} // namespace dvfo
