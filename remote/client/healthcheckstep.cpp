#include "remote/client/healthcheckstep.h"

#include <nlohmann/json.hpp>

namespace dvfo {

void HealthCheckStep::run(DeployContext& c) {
    const std::string version = c.manifest.bundleVersion;
    const ShellResult r =
        c.shell.run(c.agentCommand("runtime status --root " + BoardShell::quote(c.root) +
                                   " --wait-ms " + std::to_string(c.options.healthWaitMs) +
                                   " --expect-version " + BoardShell::quote(version)),
                    std::chrono::milliseconds(c.options.healthWaitMs + 30000));
    const auto answer =
        nlohmann::json::parse(r.stdoutText.substr(0, r.stdoutText.find('\n')), nullptr, false);
    if (r.ok() && !answer.is_discarded()) {
        c.report(name(), "runtime healthy with bundle " + version);
        if (confirm_) {
            c.checkpoint("health");
            c.removeMarker();
            c.report(name(), "bundle " + c.bundleDir + " confirmed");
            c.checkpoint("confirm");
        }
        return;
    }
    std::string reason = !answer.is_discarded() && answer.is_object()
                             ? answer.value("reason", std::string())
                             : r.stderrText;
    throw DeployError("health check of bundle " + version + " on " + c.board.name +
                      " failed: " + (reason.empty() ? "no answer" : reason));
}

} // namespace dvfo
