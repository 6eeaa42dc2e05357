#include "remote/client/uploadbundlestep.h"

#include <algorithm>

namespace dvfo {

void UploadBundleStep::run(DeployContext& c) {
    // Under the deploy lock nobody else uploads: what is in staging/ was left by a killed deploy.
    c.run("rm -rf " + BoardShell::quote(c.root + "/staging"), "clearing staging");
    const std::string staging = c.stagingPath();
    c.shell.makeDirectories(staging);
    int64_t total = 0;
    for (const auto& f : c.manifest.files)
        total += f.size;
    FileUploadOptions o;
    o.mode = 0644;
    o.verifySha256 = false; // the verify step checks every file against the manifest on the board
    o.atomic = false;       // the whole staging directory is the unit that becomes visible
    int64_t done = 0;
    for (const auto& f : c.manifest.files) {
        c.shell.upload(c.localBundleDir + "/" + f.path, staging + "/" + f.path, o);
        done += f.size;
        c.report(name(),
                 f.path + " (" + std::to_string(done * 100 / std::max<int64_t>(total, 1)) + " %)");
    }
    c.shell.upload(c.localBundleDir + "/" + BundleManifest::kFileName,
                   staging + "/" + BundleManifest::kFileName, o);
    c.checkpoint("upload");
}

} // namespace dvfo
