#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

// A real OpenSSH server for integration tests: /usr/sbin/sshd (or $SSHD_EXECUTABLE)
// on 127.0.0.1 with a free port, everything (host key, client keys, authorized_keys,
// config, pid file, log) in a private temp directory. Plain C++, no Qt, so any test
// can use it. Not thread safe; use from the test thread.
class SshdFixture {
public:
    SshdFixture();
    ~SshdFixture();
    SshdFixture(const SshdFixture&) = delete;
    SshdFixture& operator=(const SshdFixture&) = delete;

    // Generates keys and config on first use, then starts sshd and waits until the
    // port accepts connections. Returns false (see error()) if that is impossible.
    bool start();
    // SIGTERM (then SIGKILL) to sshd and every process it spawned, so open sessions die too.
    void stop();
    bool restart();
    // SIGKILL to every session process (and what they run) but not the listener: every open
    // connection drops, new ones are accepted.
    void dropConnections();
    // SIGKILL to sshd and all its descendants at once: simulates a board that crashed.
    void killAll();
    // Replaces the host key by a fresh one; takes effect on the next (re)start.
    bool regenerateHostKey();
    bool isRunning() const;
    const std::string& error() const { return m_error; }

    std::string host() const { return "127.0.0.1"; }
    int port() const { return m_port; }
    std::string user() const;
    const std::string& dir() const { return m_dir; }

    // Client keys accepted by the server.
    std::string clientKey() const { return m_dir + "/id_client"; }
    std::string clientKeyWithPassphrase() const { return m_dir + "/id_client_pass"; }
    static std::string passphrase() { return "dvfo test passphrase"; }
    // A key that only the ssh-agent holds (no private key file given to the client).
    std::string agentKey() const { return m_dir + "/id_agent"; }

    // Current host key, OpenSSH style.
    std::string hostKeyFingerprint() const; // "SHA256:..."
    std::string hostKeyType() const { return "ssh-ed25519"; }
    // "[127.0.0.1]:<port> ssh-ed25519 AAAA..."
    std::string knownHostsLine() const;
    // Writes knownHostsLine() to `path` (replacing it) and returns `path`.
    std::string writeKnownHosts(const std::string& path) const;

    // Starts ssh-agent on a socket in dir() holding agentKey(); returns the socket path
    // or "" on failure. Stopped by the destructor.
    std::string startAgent();
    const std::string& agentSocket() const { return m_agentSocket; }

    // sshd's log (-e output) so far, for failure diagnostics.
    std::string log() const;

    static std::string sshdExecutable();

private:
    bool prepare();
    bool spawnSshd();
    bool runTool(const std::vector<std::string>& argv, std::string* output = nullptr,
                 const std::vector<std::string>& extraEnv = {});
    std::vector<pid_t> processTree(pid_t root) const;
    void signalTree(int sig);
    void reapSshd(int timeoutMs);

    std::string m_dir;
    std::string m_error;
    int m_port = 0;
    pid_t m_sshdPid = -1;
    pid_t m_agentPid = -1;
    std::string m_agentSocket;
    bool m_prepared = false;
};
