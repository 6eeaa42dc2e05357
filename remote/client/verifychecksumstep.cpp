#include "remote/client/verifychecksumstep.h"

namespace dvfo {

void VerifyChecksumStep::run(DeployContext& c) {
    const std::string staging = c.root + "/staging/" + c.manifest.bundleVersion;
    const std::string out = c.run(c.agentCommand("verify-bundle " + BoardShell::quote(staging)),
                                  "verifying the uploaded bundle on " + c.board.name);
    c.report(name(), out.substr(0, out.find('\n')));
    // Redeploying a version replaces its directory; the running bundle is the old copy until the
    // runtime restarts, and both copies are identical by their checksums.
    const std::string target = BoardShell::quote(c.bundlePath(c.manifest.bundleVersion));
    const std::string old = BoardShell::quote(c.bundlePath(c.manifest.bundleVersion) + ".old");
    c.run("mkdir -p " + BoardShell::quote(c.root + "/bundles") + " && rm -rf " + old +
              " && { [ ! -e " + target + " ] || mv " + target + " " + old + "; } && mv " +
              BoardShell::quote(staging) + " " + target + " && rm -rf " + old,
          "moving the verified bundle into place");
}

} // namespace dvfo
