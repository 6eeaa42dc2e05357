#include "remote/client/restartruntimestep.h"

namespace dvfo {

void RestartRuntimeStep::run(DeployContext& c) {
    std::string args = "runtime restart --root " + BoardShell::quote(c.root) + " --input " +
                       BoardShell::quote(c.options.input) + " --period-ms " +
                       std::to_string(c.options.periodMs);
    if (!c.options.cloudUrl.empty())
        args += " --cloud " + BoardShell::quote(c.options.cloudUrl);
    const std::string command =
        trial_ ? c.markerCommand(true) + " && " + c.agentCommand(args) : c.agentCommand(args);
    const std::string out = c.run(command, "restarting the runtime on " + c.board.name);
    c.report(name(), out.substr(0, out.find('\n')));
    if (trial_)
        c.checkpoint("restart");
}

} // namespace dvfo
