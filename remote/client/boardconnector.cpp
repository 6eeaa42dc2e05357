#include "remote/client/boardconnector.h"

#include "core/boardspec.h"
#include "remote/client/agentinstaller.h"
#include "remote/client/localprocesstransport.h"
#include "remote/client/sshlinetransport.h"
#include "remote/ssh/sshexec.h"

#include <cstdlib>
#include <stdexcept>

namespace dvfo {

ConnectOptions ConnectOptions::defaults() {
    ConnectOptions o;
    const char* home = std::getenv("HOME");
    const std::string h = home ? home : "";
    o.sshConfigFile = h + "/.ssh/config";
    o.knownHostsFile = h + "/.ssh/known_hosts";
    return o;
}

bool isEmulatedBoardName(const std::string& board) { return board.rfind("emulated:", 0) == 0; }

std::unique_ptr<SshSession> openSsh(const BoardEntry& entry, const ConnectOptions& o) {
    SshOptions so;
    so.host = entry.host;
    so.port = entry.port;
    so.user = entry.user;
    so.identityFile = entry.identityFile;
    so.configFile = o.sshConfigFile;
    so.knownHostsFile = o.knownHostsFile;
    so.extraKnownHostsFile = o.studioKnownHostsFile;
    so.connectTimeoutSec = o.connectTimeoutSec;
    auto session = std::make_unique<SshSession>(so);
    if (o.acceptNewHostKey || entry.acceptNewHostKey)
        session->setHostKeyCallback([](const HostKeyInfo&) { return HostKeyDecision::AcceptAndSave; });
    else if (o.hostKey)
        session->setHostKeyCallback(o.hostKey);
    if (o.passphrase)
        session->setPassphrasePrompt(o.passphrase);
    if (o.password)
        session->setPasswordPrompt(o.password);
    if (o.status)
        o.status("connecting to " + entry.name + " (" + entry.host + ")");
    session->connect();
    return session;
}

std::unique_ptr<AgentClient> connectBoard(const BoardEntry& entry, const ConnectOptions& o) {
    auto session = openSsh(entry, o);
    AgentInstaller installer(*session, entry.agentPath, o.status);
    installer.ensure();
    const std::string path = entry.agentPath.rfind("~/", 0) == 0
                                 ? "\"$HOME\"/" + SshExec::shellQuote(entry.agentPath.substr(2))
                                 : SshExec::shellQuote(entry.agentPath);
    std::string command = "exec " + path;
    if (!entry.emulate.empty())
        command += " --emulate " + SshExec::shellQuote(entry.emulate);
    if (!entry.sysfsRoot.empty())
        command += " --sysfs-root " + SshExec::shellQuote(entry.sysfsRoot);
    command += " serve";
    if (o.status)
        o.status("starting the agent on " + entry.name);
    return std::make_unique<AgentClient>(std::make_unique<SshLineTransport>(std::move(session), command));
}

std::unique_ptr<AgentClient> connectBoard(const std::string& board, const ConnectOptions& o,
                                          const BoardRegistry* registry) {
    if (isEmulatedBoardName(board)) {
        const std::string id = board.substr(9);
        BoardSpec::builtin(id); // unknown board: clear error before any process starts
        auto transport = std::make_unique<LocalProcessTransport>(
            std::vector<std::string>{locateEdgeAgent(), "--emulate", id, "serve"}, "emulated " + id + " (local)");
        return std::make_unique<AgentClient>(std::move(transport));
    }
    if (registry) {
        if (auto entry = registry->find(board))
            return connectBoard(*entry, o);
    }
    std::string ids;
    for (const auto& id : BoardSpec::builtinIds())
        ids += (ids.empty() ? "" : "|") + id;
    throw std::invalid_argument("unknown board '" + board + "': add it with 'dvfo board add' or use emulated:<" +
                                ids + ">");
}

} // namespace dvfo
