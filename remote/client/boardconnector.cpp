#include "remote/client/boardconnector.h"

#include "core/board/boardspec.h"
#include "remote/client/agentinstaller.h"
#include "remote/client/localboardshell.h"
#include "remote/client/localprocesstransport.h"
#include "remote/client/sshboardshell.h"
#include "remote/client/sshlinetransport.h"

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

bool isEmulatedBoardName(const std::string& board) {
    return board.rfind("emulated:", 0) == 0;
}

BoardEntry emulatedBoardEntry(const std::string& board) {
    BoardEntry entry;
    entry.name = board;
    entry.emulate = board.substr(std::string("emulated:").size());
    BoardSpec::builtin(entry.emulate); // unknown board: a clear error before any process starts
    entry.host = "localhost";
    entry.agentPath = locateEdgeAgent();
    return entry;
}

std::optional<BoardEntry> findBoard(const std::string& board, const BoardRegistry& registry) {
    if (isEmulatedBoardName(board))
        return emulatedBoardEntry(board);
    return registry.find(board);
}

std::string agentCommandLine(const BoardEntry& entry, const std::string& args) {
    std::string command = BoardShell::quotePath(entry.agentPath);
    if (!entry.emulate.empty())
        command += " --emulate " + BoardShell::quote(entry.emulate);
    if (!entry.sysfsRoot.empty())
        command += " --sysfs-root " + BoardShell::quote(entry.sysfsRoot);
    return command + " " + args;
}

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
    so.acceptFingerprint = o.acceptFingerprint;
    auto session = std::make_unique<SshSession>(so);
    if (o.acceptNewHostKey)
        session->setHostKeyCallback(
            [](const HostKeyInfo&) { return HostKeyDecision::AcceptAndSave; });
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

std::unique_ptr<BoardShell> openBoardShell(const BoardEntry& entry, const ConnectOptions& o) {
    if (isEmulatedBoardName(entry.name))
        return std::make_unique<LocalBoardShell>();
    return std::make_unique<SshBoardShell>(openSsh(entry, o));
}

std::unique_ptr<AgentClient> connectBoard(const BoardEntry& entry, const ConnectOptions& o) {
    auto session = openSsh(entry, o);
    {
        SshBoardShell shell(*session); // closes its SFTP channel before the agent starts
        AgentInstaller installer(shell, entry.agentPath, o.status);
        installer.ensure();
    }
    const std::string command = "exec " + agentCommandLine(entry, "serve");
    if (o.status)
        o.status("starting the agent on " + entry.name);
    return std::make_unique<AgentClient>(
        std::make_unique<SshLineTransport>(std::move(session), command));
}

std::unique_ptr<AgentClient> connectBoard(const std::string& board, const ConnectOptions& o,
                                          const BoardRegistry* registry) {
    if (isEmulatedBoardName(board)) {
        const BoardEntry entry = emulatedBoardEntry(board);
        auto transport = std::make_unique<LocalProcessTransport>(
            std::vector<std::string>{entry.agentPath, "--emulate", entry.emulate, "serve"},
            "emulated " + entry.emulate + " (local)");
        return std::make_unique<AgentClient>(std::move(transport));
    }
    if (registry) {
        if (auto entry = registry->find(board))
            return connectBoard(*entry, o);
    }
    std::string ids;
    for (const auto& id : BoardSpec::builtinIds())
        ids += (ids.empty() ? "" : "|") + id;
    throw std::invalid_argument("unknown board '" + board +
                                "': add it with 'dvfo board add' or use emulated:<" + ids + ">");
}

} // namespace dvfo
