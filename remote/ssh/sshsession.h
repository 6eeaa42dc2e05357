#pragma once

#include "remote/ssh/ssherror.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

// Forward declaration of libssh's opaque session so this header does not drag
// <libssh/libssh.h> into every user of the client layer.
struct ssh_session_struct;
struct ssh_callbacks_struct;

namespace dvfo {

struct SshOptions {
    // Host name, address or ~/.ssh/config Host alias.
    std::string host;
    // 0 = take it from the config file, else 22.
    int port = 0;
    // Empty = take it from the config file, else the local user name.
    std::string user;
    // Private key tried first (its ".pub" sibling, if present, is offered before the
    // private key is decrypted so a passphrase is only asked for a key the server accepts).
    std::string identityFile;
    bool useAgent = true;
    // Empty = $SSH_AUTH_SOCK.
    std::string agentSocket;
    // OpenSSH-style client config (Host, HostName, Port, User, IdentityFile...).
    // Empty disables config parsing altogether. Only this file is read, never
    // /etc/ssh/ssh_config, so behaviour does not depend on the workstation's system config.
    std::string configFile = "~/.ssh/config";
    // Both files (and /etc/ssh/ssh_known_hosts) are consulted for verification. A
    // newly accepted key is appended to extraKnownHostsFile when it is set (so the
    // studio never rewrites the user's own known_hosts), otherwise to knownHostsFile.
    std::string knownHostsFile = "~/.ssh/known_hosts";
    std::string extraKnownHostsFile = studioKnownHostsFile();
    // "SHA256:..." the user checked on the board: an unknown key with exactly this fingerprint is
    // trusted and saved, any other is refused (the CLI's --accept-fingerprint).
    std::string acceptFingerprint;
    int connectTimeoutSec = 10;
    // libssh 0.10 has no ServerAliveInterval: we arm TCP keepalive + TCP_USER_TIMEOUT
    // on the socket (dead peer detection even while idle) and channel wait loops send
    // SSH_MSG_IGNORE after this much idle time (keeps NAT/firewall state alive).
    // 0 disables both.
    int keepAliveSec = 15;
    // Try ~/.ssh/id_* and config IdentityFile entries (through libssh's automatic
    // public key method, agent excluded) after the explicit identity file.
    bool useDefaultIdentities = true;
    // libssh log verbosity (0 = none .. 4 = functions), output on stderr.
    int logVerbosity = 0;

    // ~/.local/share/dvfo/known_hosts (honours $XDG_DATA_HOME).
    static std::string studioKnownHostsFile();
};

struct HostKeyInfo {
    std::string host; // as written to known_hosts: "name" or "[name]:port"
    int port = 22;
    std::string keyType;     // e.g. "ssh-ed25519"
    std::string fingerprint; // OpenSSH form "SHA256:<base64 without padding>"
    std::string saveFile;    // where AcceptAndSave will record it
};

enum class HostKeyDecision { Reject, AcceptOnce, AcceptAndSave };

// Asked only for a key that is not known at all; a changed or revoked key is never negotiable.
// AcceptAndSave records exactly the key described by the HostKeyInfo the callback saw.
using HostKeyCallback = std::function<HostKeyDecision(const HostKeyInfo&)>;
// Returns the secret, or std::nullopt to give up. The prompt is a complete sentence
// ("Passphrase for key '/home/u/.ssh/id_ed25519':"). Returned strings are wiped
// after use; nothing is cached or persisted.
using SecretPrompt = std::function<std::optional<std::string>(const std::string& prompt)>;
using PassphrasePrompt = SecretPrompt;
using PasswordPrompt = SecretPrompt;

// One SSH connection (libssh session).
//
// Threading: libssh sessions are not thread safe. Every libssh call made by this
// class, SshExec, SshChannelStream and SftpClient holds lock(); wait loops never
// sleep while holding it (they poll the socket unlocked). So several channels of one
// session may be driven from different threads, each channel object from one thread,
// and cancel() of a channel object may be called from any thread.
class SshSession {
public:
    explicit SshSession(SshOptions options);
    ~SshSession();
    SshSession(const SshSession&) = delete;
    SshSession& operator=(const SshSession&) = delete;

    void setHostKeyCallback(HostKeyCallback callback);
    void setPassphrasePrompt(PassphrasePrompt prompt);
    void setPasswordPrompt(PasswordPrompt prompt);

    // Connects, verifies the host key and authenticates. Throws SshError.
    void connect();
    void disconnect();
    bool isConnected() const;

    const SshOptions& options() const { return m_options; }
    // Resolved after connect() (config aliases applied).
    const std::string& host() const { return m_host; }
    int port() const { return m_port; }
    const std::string& user() const { return m_user; }
    // "user@host:port", for messages.
    std::string describe() const;
    const HostKeyInfo& serverHostKey() const { return m_hostKey; }
    // Method that succeeded: "none", "publickey", "agent", "password", "keyboard-interactive".
    const std::string& authMethod() const { return m_authMethod; }

    // --- for SshExec / SshChannelStream / SftpClient ---------------------------------
    ssh_session_struct* handle() const { return m_session; }
    std::unique_lock<std::recursive_mutex> lock() const {
        return std::unique_lock<std::recursive_mutex>(m_mutex);
    }
    int socketFd() const;
    // Sends SSH_MSG_IGNORE when nothing was sent for keepAliveSec. Call with lock() held.
    void keepAliveIfIdle();
    // Records outgoing traffic so keepalives are not sent needlessly.
    void noteActivity();
    // libssh's last error text for this session.
    std::string lastError() const;
    // True when libssh saw the transport die (EOF/reset/timeout on the socket).
    bool transportDead() const;
    // Throws ConnectionLost if the transport died, else the given kind; libssh's error
    // text is appended.
    [[noreturn]] void throwSessionError(SshError::Kind kind, const std::string& what) const;
    // Incremented whenever the libssh session is freed: channel objects compare it to
    // know whether their libssh channel still exists (ssh_disconnect frees channels).
    std::uint64_t generation() const { return m_generation; }

private:
    void applyOptions();
    void verifyHostKey();
    void authenticate();
    bool authWithIdentityFile(std::vector<std::string>& tried);
    bool authWithAgent(std::vector<std::string>& tried);
    bool authWithDefaultIdentities(std::vector<std::string>& tried);
    bool authWithPassword(std::vector<std::string>& tried);
    bool authWithKeyboardInteractive(std::vector<std::string>& tried);
    void armTcpKeepAlive();
    void readBackResolvedOptions();
    void freeSession();

    static int authCallback(const char* prompt, char* buf, std::size_t len, int echo, int verify,
                            void* userdata);

    SshOptions m_options;
    HostKeyCallback m_hostKeyCallback;
    PassphrasePrompt m_passphrasePrompt;
    PasswordPrompt m_passwordPrompt;

    ssh_session_struct* m_session = nullptr;
    mutable std::recursive_mutex m_mutex;
    bool m_connected = false;
    std::string m_host;
    int m_port = 22;
    std::string m_user;
    HostKeyInfo m_hostKey;
    std::string m_authMethod;
    std::chrono::steady_clock::time_point m_lastActivity;
    // Context for the libssh auth callback (passphrase prompts while loading keys).
    std::string m_promptKeyPath;
    int m_promptCount = 0;
    bool m_promptCancelled = false;
    std::unique_ptr<ssh_callbacks_struct> m_callbacks;
    std::uint64_t m_generation = 1;
};

} // namespace dvfo
