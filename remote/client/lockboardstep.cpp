#include "remote/client/lockboardstep.h"

#include "remote/client/linetransport.h"

namespace dvfo {

void LockBoardStep::run(DeployContext& c) {
    c.report(name(), "waiting for the board's deploy lock");
    try {
        c.lock = c.shell.startCommand(c.agentCommand("deploy-lock --root " +
                                                     BoardShell::quote(c.root) + " --wait-ms " +
                                                     std::to_string(c.options.lockWaitMs)));
        const auto line = c.lock->readLine(c.options.lockWaitMs + 30000);
        if (!line || *line != "locked")
            throw DeployError("no answer from dvfo-edge deploy-lock on " + c.board.name);
    } catch (const TransportError& e) {
        c.lock.reset();
        throw DeployError(std::string("cannot take the deploy lock: ") + e.what());
    }
    c.report(name(), "deploy lock held");
    c.checkpoint("lock");
}

} // namespace dvfo
