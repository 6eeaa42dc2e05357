#include "remote/client/checkboardstep.h"

#include "core/bundle/policybundle.h"
#include "remote/protocol/protocol.h"
#include "remote/client/agentinstaller.h"

namespace dvfo {

void CheckBoardStep::run(DeployContext& c) {
    AgentInstaller installer(c.shell, c.board.agentPath,
                             [&c](const std::string& s) { c.report("check", s); });
    const AgentVersion agent = installer.ensure();
    const std::string out =
        c.run(c.agentCommand("probe"), "asking dvfo-edge on " + c.board.name + " for its board");
    const auto line = out.substr(0, out.find('\n'));
    const auto message = protocol::parseMessage(line);
    const std::string boardId = message.body.value("board", std::string());
    if (boardId.empty())
        throw DeployError("dvfo-edge on " + c.board.name + " did not say which board it drives");
    BundleExpectations expected;
    expected.boardSpecId = boardId;
    expected.maxProtocolVersion = agent.protocol;
    c.manifest = PolicyBundle::validate(c.localBundleDir, expected);
    c.report(name(), "board " + boardId + ", dvfo-edge " + agent.version + ", bundle " +
                         c.manifest.bundleVersion + " valid");
}

} // namespace dvfo
