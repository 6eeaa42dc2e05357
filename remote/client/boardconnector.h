#pragma once
#include "core/board/boardregistry.h"
#include "remote/client/agentclient.h"
#include "remote/client/boardshell.h"
#include "remote/ssh/sshsession.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace dvfo {

// How to reach boards: OpenSSH-like files and the callbacks that ask the user.
struct ConnectOptions {
    std::string sshConfigFile;  // default $HOME/.ssh/config
    std::string knownHostsFile; // default $HOME/.ssh/known_hosts
    std::string studioKnownHostsFile = SshOptions::studioKnownHostsFile();
    bool acceptNewHostKey = false; // CLI --accept-new: trust and save an unknown key
    // CLI --accept-fingerprint SHA256:...: trust and save an unknown key only with this
    // fingerprint (the one the user checked on the board); any other key is refused.
    std::string acceptFingerprint;
    HostKeyCallback hostKey; // asked for unknown keys when acceptNewHostKey is off (GUI)
    PassphrasePrompt passphrase;
    PasswordPrompt password;
    std::function<void(const std::string&)> status; // "connecting", "uploading agent", ...
    int connectTimeoutSec = 10;

    static ConnectOptions defaults();
};

// Opens an agent session. `board` is "emulated:<id>" (local dvfo-edge over a pipe) or the
// name of a board in `registry` (dvfo-edge serve over SSH, uploaded first when missing).
// Throws std::invalid_argument (unknown name), SshError, TransportError, AgentError,
// std::runtime_error (agent cannot be installed).
std::unique_ptr<AgentClient>
connectBoard(const std::string& board, const ConnectOptions& options = ConnectOptions::defaults(),
             const BoardRegistry* registry = nullptr);
std::unique_ptr<AgentClient> connectBoard(const BoardEntry& entry, const ConnectOptions& options);

// The SSH session for a registered board, connected and authenticated (no agent started).
std::unique_ptr<SshSession> openSsh(const BoardEntry& entry, const ConnectOptions& options);

// The shell deployment drives: this machine for an "emulated:<id>" entry, else an SSH connection
// (connected and authenticated; throws SshError).
std::unique_ptr<BoardShell> openBoardShell(const BoardEntry& entry, const ConnectOptions& options);

bool isEmulatedBoardName(const std::string& board);
// The entry of a built-in emulated board ("emulated:<id>"): reached through this machine's shell,
// its agent the local dvfo-edge run with --emulate <id>. Throws std::invalid_argument for an
// unknown id, TransportError when no local dvfo-edge is found.
BoardEntry emulatedBoardEntry(const std::string& board);
// An "emulated:<id>" board or a board of the registry; std::nullopt when it is neither.
std::optional<BoardEntry> findBoard(const std::string& board, const BoardRegistry& registry);
// `<agent path> [--emulate ID] [--sysfs-root DIR] <args>` for the board's shell ("~/" expanded by
// it).
std::string agentCommandLine(const BoardEntry& entry, const std::string& args);

} // namespace dvfo
