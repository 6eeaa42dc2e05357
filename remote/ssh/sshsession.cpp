#include "remote/ssh/sshsession.h"

#include "remote/ssh/knownhostsfile.h"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <sstream>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dvfo {

namespace {

std::string homeDir() {
    if (const char* h = std::getenv("HOME"); h && *h)
        return h;
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir)
        return pw->pw_dir;
    return "/";
}

std::string localUserName() {
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name)
        return pw->pw_name;
    if (const char* u = std::getenv("USER"); u && *u)
        return u;
    return "root";
}

std::string expandHome(const std::string& path) {
    if (path == "~")
        return homeDir();
    if (path.rfind("~/", 0) == 0)
        return homeDir() + path.substr(1);
    return path;
}

void wipe(std::string& secret) {
    if (!secret.empty())
        explicit_bzero(secret.data(), secret.size());
    secret.clear();
}

bool fileExists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// RAII for libssh keys: every early return/throw below must free them.
struct KeyGuard {
    ssh_key key = nullptr;
    ~KeyGuard() {
        if (key)
            ssh_key_free(key);
    }
};

std::string fingerprintOf(ssh_key key) {
    unsigned char* hash = nullptr;
    size_t hlen = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != SSH_OK)
        return "SHA256:?";
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
    std::string out = fp ? fp : "SHA256:?";
    ssh_string_free_char(fp);
    ssh_clean_pubkey_hash(&hash);
    return out;
}

std::string keyTypeOf(ssh_key key) {
    const char* t = ssh_key_type_to_char(ssh_key_type(key));
    return t ? t : "unknown";
}

void appendKnownHostLine(const std::string& file, const std::string& line) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path parent = fs::path(file).parent_path();
    if (!parent.empty() && !fs::exists(parent, ec)) {
        fs::create_directories(parent, ec);
        if (ec) {
            throw SshError(SshError::Kind::Config, "Cannot create directory " + parent.string() +
                                                       " for " + file + ": " + ec.message());
        }
        // The directory holds trust decisions: keep it private like ~/.ssh.
        fs::permissions(parent, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    // A file written by hand may lack a final newline; appending blindly would glue
    // our entry onto the last line and corrupt both.
    bool needNewline = false;
    {
        std::ifstream in(file, std::ios::binary | std::ios::ate);
        if (in && in.tellg() > 0) {
            in.seekg(-1, std::ios::end);
            char c = 0;
            in.get(c);
            needNewline = c != '\n';
        }
    }
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw SshError(SshError::Kind::Config,
                       "Cannot open " + file + " to record the host key: " + std::strerror(errno));
    }
    std::string data = (needNewline ? "\n" : "") + line;
    if (data.empty() || data.back() != '\n')
        data.push_back('\n');
    const ssize_t n = ::write(fd, data.data(), data.size());
    const int err = errno;
    ::close(fd);
    if (n != ssize_t(data.size())) {
        throw SshError(SshError::Kind::Config,
                       "Cannot write the host key to " + file + ": " + std::strerror(err));
    }
}

} // namespace

std::string SshOptions::studioKnownHostsFile() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        return std::string(x) + "/dvfo/known_hosts";
    return homeDir() + "/.local/share/dvfo/known_hosts";
}

SshSession::SshSession(SshOptions options)
    : m_options(std::move(options)), m_lastActivity(std::chrono::steady_clock::now()) {
    m_host = m_options.host;
    m_port = m_options.port > 0 ? m_options.port : 22;
    m_user = m_options.user.empty() ? localUserName() : m_options.user;
}

SshSession::~SshSession() {
    disconnect();
}

void SshSession::setHostKeyCallback(HostKeyCallback callback) {
    m_hostKeyCallback = std::move(callback);
}

void SshSession::setPassphrasePrompt(PassphrasePrompt prompt) {
    m_passphrasePrompt = std::move(prompt);
}

void SshSession::setPasswordPrompt(PasswordPrompt prompt) {
    m_passwordPrompt = std::move(prompt);
}

std::string SshSession::describe() const {
    return m_user + "@" + m_host + ":" + std::to_string(m_port);
}

bool SshSession::isConnected() const {
    auto guard = lock();
    return m_connected && m_session && ssh_is_connected(m_session) && !transportDead();
}

int SshSession::socketFd() const {
    auto guard = lock();
    return m_session ? ssh_get_fd(m_session) : -1;
}

std::string SshSession::lastError() const {
    auto guard = lock();
    if (!m_session)
        return "not connected";
    const char* e = ssh_get_error(m_session);
    return e && *e ? e : "unknown error";
}

bool SshSession::transportDead() const {
    auto guard = lock();
    if (!m_session)
        return true;
    const int status = ssh_get_status(m_session);
    return (status & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0 || !ssh_is_connected(m_session);
}

void SshSession::throwSessionError(SshError::Kind kind, const std::string& what) const {
    const std::string detail = lastError();
    if (m_connected && transportDead()) {
        throw SshError(SshError::Kind::ConnectionLost,
                       "Connection to " + describe() + " lost (" + detail + "): " + what);
    }
    throw SshError(kind, what + ": " + detail);
}

void SshSession::noteActivity() {
    m_lastActivity = std::chrono::steady_clock::now();
}

void SshSession::keepAliveIfIdle() {
    if (!m_session || !m_connected || m_options.keepAliveSec <= 0)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastActivity < std::chrono::seconds(m_options.keepAliveSec))
        return;
    m_lastActivity = now;
    // The payload is irrelevant; the point is traffic the peer must ACK at TCP level
    // so TCP_USER_TIMEOUT can notice a vanished board.
    ssh_send_ignore(m_session, "keepalive@dvfo");
}

void SshSession::freeSession() {
    if (m_session) {
        ssh_disconnect(m_session);
        ssh_free(m_session);
        m_session = nullptr;
        ++m_generation;
    }
    m_connected = false;
}

void SshSession::disconnect() {
    auto guard = lock();
    freeSession();
}

void SshSession::applyOptions() {
    auto setOpt = [this](ssh_options_e opt, const void* value, const char* what) {
        if (ssh_options_set(m_session, opt, value) < 0) {
            throw SshError(SshError::Kind::Config,
                           std::string("Invalid SSH option ") + what + ": " + lastError());
        }
    };
    if (m_options.host.empty())
        throw SshError(SshError::Kind::Config, "No host given to connect to");

    if (m_options.logVerbosity > 0) {
        const int verbosity = m_options.logVerbosity;
        setOpt(SSH_OPTIONS_LOG_VERBOSITY, &verbosity, "log verbosity");
    }
    setOpt(SSH_OPTIONS_HOST, m_options.host.c_str(), "host");

    // We read exactly one config file ourselves; libssh must not read the defaults
    // (~/.ssh/config and /etc/ssh/ssh_config) behind our back at connect time.
    const bool noDefaultConfig = false;
    setOpt(SSH_OPTIONS_PROCESS_CONFIG, &noDefaultConfig, "process config");
    if (!m_options.configFile.empty()) {
        const std::string config = expandHome(m_options.configFile);
        if (fileExists(config) && ssh_options_parse_config(m_session, config.c_str()) < 0) {
            throw SshError(SshError::Kind::Config,
                           "Cannot parse SSH config " + config + ": " + lastError());
        }
    }

    // Explicit options come after the config so they win, as on the ssh command line.
    if (m_options.port > 0) {
        const unsigned int port = unsigned(m_options.port);
        setOpt(SSH_OPTIONS_PORT, &port, "port");
    }
    if (!m_options.user.empty())
        setOpt(SSH_OPTIONS_USER, m_options.user.c_str(), "user");

    const long timeout = m_options.connectTimeoutSec > 0 ? m_options.connectTimeoutSec : 10;
    setOpt(SSH_OPTIONS_TIMEOUT, &timeout, "timeout");

    // These only steer libssh's host key algorithm preference (it prefers key types
    // already recorded for the host); verification itself is done in verifyHostKey().
    if (!m_options.knownHostsFile.empty()) {
        const std::string kh = expandHome(m_options.knownHostsFile);
        setOpt(SSH_OPTIONS_KNOWNHOSTS, kh.c_str(), "known_hosts file");
    }
    if (!m_options.extraKnownHostsFile.empty()) {
        const std::string kh = expandHome(m_options.extraKnownHostsFile);
        setOpt(SSH_OPTIONS_GLOBAL_KNOWNHOSTS, kh.c_str(), "extra known_hosts file");
    }

    // libssh's automatic public key method always asks the agent first. Point it at
    // a socket that cannot exist when the agent is disabled, so "useAgent = false"
    // really means no agent (there is no option to switch it off in 0.10).
    std::string agent = m_options.agentSocket;
    if (agent.empty()) {
        if (const char* env = std::getenv("SSH_AUTH_SOCK"))
            agent = env;
    }
    if (!m_options.useAgent)
        agent = "/nonexistent/dvfo-agent-disabled";
    if (!agent.empty())
        setOpt(SSH_OPTIONS_IDENTITY_AGENT, expandHome(agent).c_str(), "agent socket");

    m_callbacks = std::make_unique<ssh_callbacks_struct>();
    std::memset(m_callbacks.get(), 0, sizeof(ssh_callbacks_struct));
    m_callbacks->userdata = this;
    m_callbacks->auth_function = &SshSession::authCallback;
    ssh_callbacks_init(m_callbacks.get());
    ssh_set_callbacks(m_session, m_callbacks.get());
}

void SshSession::readBackResolvedOptions() {
    char* value = nullptr;
    if (ssh_options_get(m_session, SSH_OPTIONS_HOST, &value) == SSH_OK && value) {
        m_host = value;
        ssh_string_free_char(value);
    }
    value = nullptr;
    if (ssh_options_get(m_session, SSH_OPTIONS_USER, &value) == SSH_OK && value) {
        m_user = value;
        ssh_string_free_char(value);
    }
    unsigned int port = 0;
    if (ssh_options_get_port(m_session, &port) == SSH_OK && port > 0)
        m_port = int(port);
}

void SshSession::connect() {
    auto guard = lock();
    freeSession();
    m_session = ssh_new();
    if (!m_session)
        throw SshError(SshError::Kind::Config, "Cannot allocate an SSH session");
    try {
        applyOptions();
        readBackResolvedOptions();
        const std::string where = m_host + ":" + std::to_string(m_port);
        if (ssh_connect(m_session) != SSH_OK) {
            const std::string err = lastError();
            const int secs = m_options.connectTimeoutSec > 0 ? m_options.connectTimeoutSec : 10;
            if (err.find("imeout") != std::string::npos ||
                err.find("timed out") != std::string::npos) {
                throw SshError(SshError::Kind::Timeout,
                               "Timed out after " + std::to_string(secs) + " s connecting to " +
                                   where + " (" + err +
                                   "). Check that the board is powered, on the network, and that "
                                   "the address and port are right.");
            }
            if (err.find("refused") != std::string::npos) {
                throw SshError(SshError::Kind::Connect,
                               "Connection refused by " + where +
                                   ": no SSH server is listening there (is sshd running on the "
                                   "board, is the port right?).");
            }
            if (err.find("resolve") != std::string::npos) {
                throw SshError(SshError::Kind::Connect,
                               "Cannot resolve host name '" + m_host + "' (" + err + ").");
            }
            throw SshError(SshError::Kind::Connect, "Cannot connect to " + where + ": " + err);
        }
        readBackResolvedOptions();
        verifyHostKey();
        authenticate();
        armTcpKeepAlive();
        m_connected = true;
        noteActivity();
    } catch (...) {
        freeSession();
        throw;
    }
}

void SshSession::verifyHostKey() {
    KeyGuard server;
    if (ssh_get_server_publickey(m_session, &server.key) != SSH_OK || !server.key)
        throwSessionError(SshError::Kind::Connect, "Cannot get the host key of " + describe());

    const std::string hostEntry =
        m_port == 22 ? m_host : "[" + m_host + "]:" + std::to_string(m_port);
    m_hostKey.host = hostEntry;
    m_hostKey.port = m_port;
    m_hostKey.keyType = keyTypeOf(server.key);
    m_hostKey.fingerprint = fingerprintOf(server.key);
    m_hostKey.saveFile =
        expandHome(m_options.extraKnownHostsFile.empty() ? m_options.knownHostsFile
                                                         : m_options.extraKnownHostsFile);

    std::vector<std::string> files;
    for (const std::string& f : {m_options.knownHostsFile, m_options.extraKnownHostsFile,
                                 std::string("/etc/ssh/ssh_known_hosts")}) {
        if (f.empty())
            continue;
        const std::string path = expandHome(f);
        if (std::find(files.begin(), files.end(), path) == files.end())
            files.push_back(path);
    }

    // The blob the fingerprint shown to the user is made of: the same blob is what gets saved.
    char* b64 = nullptr;
    std::string blob;
    if (ssh_pki_export_pubkey_base64(server.key, &b64) != SSH_OK || !b64 ||
        !KnownHostsFile::base64Decode(b64, &blob)) {
        ssh_string_free_char(b64);
        throwSessionError(SshError::Kind::Connect, "Cannot read the host key of " + describe());
    }
    ssh_string_free_char(b64);
    m_hostKey.fingerprint = KnownHostsFile::fingerprint(blob);

    // Our own parser (KnownHostsFile), not ssh_session_is_known_server(): libssh reads only two
    // files, skips lines it cannot parse (so a changed key could look unknown), ignores @revoked
    // and does not say which recorded key conflicts, which the user needs to judge the report.
    const KnownHostsFile::Verdict verdict =
        KnownHostsFile::check(files, m_host, m_port, m_hostKey.keyType, blob);
    if (!verdict.revoked.empty()) {
        const auto& r = verdict.revoked.front();
        throw SshError(SshError::Kind::HostKeyRevoked,
                       "HOST KEY REVOKED for " + hostEntry + ": " + r.file + ":" +
                           std::to_string(r.line) + " " + r.text +
                           ". Connection refused. The board needs a new host key.");
    }
    if (verdict.matched)
        return;

    if (!verdict.conflicts.empty()) {
        // Changed (same type), "other type known", unparsable entries for the host and unreadable
        // files are all refused: a board that was re-flashed must be cleared explicitly by the
        // user, never silently, and what we cannot read could be the key that conflicts.
        std::ostringstream msg;
        msg << "HOST KEY MISMATCH for " << hostEntry << ": the server offered " << m_hostKey.keyType
            << " " << m_hostKey.fingerprint << " but ";
        for (std::size_t i = 0; i < verdict.conflicts.size(); ++i) {
            const auto& e = verdict.conflicts[i];
            msg << (i ? "; " : "") << e.file;
            if (e.line > 0)
                msg << ":" << e.line;
            msg << " " << e.text;
        }
        msg << ". Someone may be intercepting the connection, or the board was re-installed. "
               "Connection refused. If the change is expected, remove the old entry with: "
               "ssh-keygen -R '"
            << hostEntry << "' -f " << verdict.conflicts.front().file
            << " (or fix the file if it cannot be read or parsed)";
        throw SshError(SshError::Kind::HostKeyChanged, msg.str());
    }

    HostKeyDecision decision = HostKeyDecision::Reject;
    if (!m_options.acceptFingerprint.empty()) {
        std::string wanted = m_options.acceptFingerprint;
        while (!wanted.empty() && wanted.back() == '=')
            wanted.pop_back(); // ssh-keygen never pads, some tools do
        if (wanted.rfind("SHA256:", 0) != 0)
            wanted = "SHA256:" + wanted;
        if (wanted != m_hostKey.fingerprint) {
            throw SshError(SshError::Kind::HostKeyUnknown,
                           "The host key of " + hostEntry + " is " + m_hostKey.keyType + " " +
                               m_hostKey.fingerprint + ", not " + wanted +
                               " given with --accept-fingerprint. Connection refused; nothing "
                               "was saved. Check the fingerprint on the board again.");
        }
        decision = HostKeyDecision::AcceptAndSave;
    } else if (m_hostKeyCallback) {
        decision = m_hostKeyCallback(m_hostKey);
    }
    if (decision == HostKeyDecision::Reject) {
        throw SshError(SshError::Kind::HostKeyUnknown,
                       "The host key of " + hostEntry + " is not known (" + m_hostKey.keyType +
                           " " + m_hostKey.fingerprint +
                           "). Verify the fingerprint on the board (ssh-keygen -lf "
                           "/etc/ssh/ssh_host_*_key.pub) and reconnect with "
                           "--accept-fingerprint " +
                           m_hostKey.fingerprint +
                           " to trust exactly this key; it will be recorded in " +
                           m_hostKey.saveFile + ".");
    }
    if (decision == HostKeyDecision::AcceptAndSave) {
        if (m_hostKey.saveFile.empty()) {
            throw SshError(SshError::Kind::Config, "Cannot record the host key of " + hostEntry +
                                                       ": no known_hosts file configured");
        }
        // Exactly the key whose fingerprint was shown (m_hostKey), never a later connection's.
        appendKnownHostLine(m_hostKey.saveFile,
                            KnownHostsFile::entry(m_host, m_port, m_hostKey.keyType, blob));
    }
}

int SshSession::authCallback(const char* prompt, char* buf, std::size_t len, int /*echo*/,
                             int /*verify*/, void* userdata) {
    auto* self = static_cast<SshSession*>(userdata);
    ++self->m_promptCount;
    std::string keyPath = self->m_promptKeyPath;
    if (keyPath.empty()) {
        // Called from ssh_userauth_publickey_auto: ask libssh which file it is on.
        char* id = nullptr;
        if (ssh_userauth_publickey_auto_get_current_identity(self->m_session, &id) == SSH_OK &&
            id) {
            keyPath = id;
            ssh_string_free_char(id);
        }
    }
    if (!self->m_passphrasePrompt) {
        self->m_promptCancelled = true;
        return -1;
    }
    const std::string text = keyPath.empty() ? std::string(prompt ? prompt : "Passphrase:")
                                             : "Passphrase for key '" + keyPath + "':";
    std::optional<std::string> secret;
    try {
        secret = self->m_passphrasePrompt(text);
    } catch (...) {
        // Exceptions must not cross libssh's C frames.
        secret.reset();
    }
    if (!secret) {
        self->m_promptCancelled = true;
        return -1;
    }
    if (secret->size() + 1 > len) {
        wipe(*secret);
        return -1;
    }
    std::memcpy(buf, secret->data(), secret->size());
    buf[secret->size()] = '\0';
    wipe(*secret);
    return 0;
}

bool SshSession::authWithIdentityFile(std::vector<std::string>& tried) {
    const std::string path = expandHome(m_options.identityFile);
    if (!fileExists(path)) {
        throw SshError(SshError::Kind::Config, "Identity file '" + path + "' does not exist");
    }
    tried.push_back("publickey (" + path + ")");

    // Offer the public half first: asking for a passphrase of a key the server
    // would refuse anyway is pointless and confusing.
    {
        KeyGuard pub;
        if (ssh_pki_import_pubkey_file((path + ".pub").c_str(), &pub.key) == SSH_OK && pub.key) {
            const int rc = ssh_userauth_try_publickey(m_session, nullptr, pub.key);
            if (rc == SSH_AUTH_DENIED) {
                tried.back() += " refused by the server";
                return false;
            }
            if (rc == SSH_AUTH_ERROR)
                throwSessionError(SshError::Kind::Auth, "Public key authentication failed");
        }
    }

    KeyGuard priv;
    for (int attempt = 0; attempt < 3 && !priv.key; ++attempt) {
        m_promptKeyPath = path;
        m_promptCount = 0;
        m_promptCancelled = false;
        const int rc = ssh_pki_import_privkey_file(path.c_str(), nullptr, &SshSession::authCallback,
                                                   this, &priv.key);
        m_promptKeyPath.clear();
        if (rc == SSH_OK)
            break;
        priv.key = nullptr;
        if (rc == SSH_EOF)
            throw SshError(SshError::Kind::Config, "Cannot read identity file '" + path + "'");
        if (m_promptCount == 0) {
            throw SshError(SshError::Kind::Config, "Cannot load private key '" + path +
                                                       "': unsupported format or damaged file");
        }
        if (m_promptCancelled) {
            tried.back() += m_passphrasePrompt ? " (no passphrase given)"
                                               : " (passphrase needed but no prompt available)";
            return false;
        }
        // Otherwise the passphrase was wrong: ask again.
    }
    if (!priv.key) {
        tried.back() += " (wrong passphrase)";
        return false;
    }
    const int rc = ssh_userauth_publickey(m_session, nullptr, priv.key);
    if (rc == SSH_AUTH_SUCCESS)
        return true;
    if (rc == SSH_AUTH_ERROR)
        throwSessionError(SshError::Kind::Auth, "Public key authentication failed");
    tried.back() += " refused by the server";
    return false;
}

bool SshSession::authWithAgent(std::vector<std::string>& tried) {
    tried.push_back("ssh-agent");
    const int rc = ssh_userauth_agent(m_session, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return true;
    if (rc == SSH_AUTH_ERROR && transportDead())
        throwSessionError(SshError::Kind::Auth, "Agent authentication failed");
    return false;
}

bool SshSession::authWithDefaultIdentities(std::vector<std::string>& tried) {
    if (m_options.useAgent)
        tried.push_back("ssh-agent");
    tried.push_back("publickey (config IdentityFile and ~/.ssh/id_*)");
    m_promptKeyPath.clear();
    m_promptCount = 0;
    m_promptCancelled = false;
    const int rc = ssh_userauth_publickey_auto(m_session, nullptr, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return true;
    // publickey_auto reports unreadable keys as SSH_AUTH_ERROR too; only a dead
    // transport is fatal, other methods may still work.
    if (rc == SSH_AUTH_ERROR && transportDead())
        throwSessionError(SshError::Kind::Auth, "Public key authentication failed");
    return false;
}

bool SshSession::authWithPassword(std::vector<std::string>& tried) {
    tried.push_back("password");
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::optional<std::string> pw;
        try {
            pw = m_passwordPrompt("Password for " + m_user + "@" + m_host + ":");
        } catch (...) {
            pw.reset();
        }
        if (!pw)
            return false;
        const int rc = ssh_userauth_password(m_session, nullptr, pw->c_str());
        wipe(*pw);
        if (rc == SSH_AUTH_SUCCESS)
            return true;
        if (rc == SSH_AUTH_ERROR)
            throwSessionError(SshError::Kind::Auth, "Password authentication failed");
    }
    return false;
}

bool SshSession::authWithKeyboardInteractive(std::vector<std::string>& tried) {
    tried.push_back("keyboard-interactive");
    int rc = ssh_userauth_kbdint(m_session, nullptr, nullptr);
    for (int round = 0; rc == SSH_AUTH_INFO && round < 6; ++round) {
        const int n = ssh_userauth_kbdint_getnprompts(m_session);
        for (int i = 0; i < n; ++i) {
            char echo = 0;
            const char* p = ssh_userauth_kbdint_getprompt(m_session, unsigned(i), &echo);
            std::optional<std::string> answer;
            try {
                answer = m_passwordPrompt(m_user + "@" + m_host + " " + (p ? p : "Password:"));
            } catch (...) {
                answer.reset();
            }
            if (!answer)
                return false;
            ssh_userauth_kbdint_setanswer(m_session, unsigned(i), answer->c_str());
            wipe(*answer);
        }
        rc = ssh_userauth_kbdint(m_session, nullptr, nullptr);
    }
    if (rc == SSH_AUTH_SUCCESS)
        return true;
    if (rc == SSH_AUTH_ERROR)
        throwSessionError(SshError::Kind::Auth, "Keyboard-interactive authentication failed");
    return false;
}

void SshSession::authenticate() {
    std::vector<std::string> tried;
    int rc = ssh_userauth_none(m_session, nullptr);
    if (rc == SSH_AUTH_SUCCESS) {
        m_authMethod = "none";
        return;
    }
    if (rc == SSH_AUTH_ERROR)
        throwSessionError(SshError::Kind::Auth, "Authentication with " + describe() + " failed");
    const int methods = ssh_userauth_list(m_session, nullptr);

    if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
        if (!m_options.identityFile.empty() && authWithIdentityFile(tried)) {
            m_authMethod = "publickey";
            return;
        }
        if (m_options.useDefaultIdentities) {
            if (authWithDefaultIdentities(tried)) {
                m_authMethod = "publickey";
                return;
            }
        } else if (m_options.useAgent && authWithAgent(tried)) {
            m_authMethod = "agent";
            return;
        }
    }
    if ((methods & SSH_AUTH_METHOD_PASSWORD) && m_passwordPrompt && authWithPassword(tried)) {
        m_authMethod = "password";
        return;
    }
    if ((methods & SSH_AUTH_METHOD_INTERACTIVE) && m_passwordPrompt &&
        authWithKeyboardInteractive(tried)) {
        m_authMethod = "keyboard-interactive";
        return;
    }

    std::vector<std::string> accepted;
    if (methods & SSH_AUTH_METHOD_PUBLICKEY)
        accepted.push_back("publickey");
    if (methods & SSH_AUTH_METHOD_PASSWORD)
        accepted.push_back("password");
    if (methods & SSH_AUTH_METHOD_INTERACTIVE)
        accepted.push_back("keyboard-interactive");
    if (methods & SSH_AUTH_METHOD_GSSAPI_MIC)
        accepted.push_back("gssapi-with-mic");
    if (methods & SSH_AUTH_METHOD_HOSTBASED)
        accepted.push_back("hostbased");

    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v)
            s += (s.empty() ? "" : ", ") + x;
        return s.empty() ? std::string("none") : s;
    };
    std::string msg = "Authentication failed for " + describe() + ". Tried: " + join(tried) +
                      ". The server accepts: " + join(accepted) + ".";
    if ((methods & (SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE)) && !m_passwordPrompt)
        msg += " Password login is possible but no password prompt is available.";
    throw SshError(SshError::Kind::Auth, msg);
}

void SshSession::armTcpKeepAlive() {
    if (m_options.keepAliveSec <= 0)
        return;
    const int fd = ssh_get_fd(m_session);
    if (fd < 0)
        return;
    // A board that loses power sends no FIN/RST; without these the connection would
    // look alive for the kernel's default 2 h keepalive / 15 min retransmit timeout.
    const int on = 1;
    const int idle = m_options.keepAliveSec;
    const int interval = std::max(1, m_options.keepAliveSec / 3);
    const int count = 3;
    const unsigned int userTimeoutMs = unsigned(m_options.keepAliveSec) * 4000u;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &userTimeoutMs, sizeof userTimeoutMs);
}

} // namespace dvfo
