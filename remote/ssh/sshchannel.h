#pragma once

#include "remote/ssh/sshsession.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

struct ssh_channel_struct;
struct ssh_channel_callbacks_struct;

namespace dvfo {

// RAII wrapper around one libssh "session" channel running a remote command. It is
// the common plumbing of SshExec and SshChannelStream: non-blocking draining of
// stdout/stderr, waiting on the socket without holding the session lock, exit
// status/signal capture, and safe teardown even after the session was freed.
// One SshChannel must be used from one thread at a time.
class SshChannel {
public:
    explicit SshChannel(SshSession& session);
    ~SshChannel();
    SshChannel(const SshChannel&) = delete;
    SshChannel& operator=(const SshChannel&) = delete;

    // Opens a channel and runs `command` through the remote user's shell. `label`
    // names it in error messages (default: the command itself). Throws SshError.
    void startCommand(const std::string& command, const std::string& label = {});

    // Appends whatever output is available right now, without blocking. Returns true
    // if anything was read. Throws SshError(ConnectionLost) when the transport died.
    bool readAvailable(std::string& out, std::string& err);
    // Sleeps until the connection socket is readable or `max` elapsed. Does not hold
    // the session lock, so other channels of the session keep working meanwhile.
    void waitForData(std::chrono::milliseconds max) const;

    // Writes all of `data` (blocking on the flow-control window). Throws SshError.
    void write(const std::string& data);
    void sendEof();
    // Best effort: asks sshd to deliver SIG<name> ("TERM", "KILL") to the command.
    void sendSignal(const char* name) noexcept;
    // Idempotent; never throws.
    void close() noexcept;

    bool started() const { return m_channel != nullptr; }
    bool remoteEof() const;
    // Output ended and the command's fate (exit status/signal or channel close) is known.
    bool finished() const;
    std::optional<int> exitStatus() const;
    std::string exitSignal() const;
    // "exit status 3", "killed by signal KILL" or "no exit status reported".
    std::string describeExit() const;

    SshSession& session() const { return m_session; }

    // Removes and returns the first complete line of `buffer` (without "\n" / "\r\n").
    static std::optional<std::string> takeLine(std::string& buffer);

private:
    bool channelAlive() const;
    void release() noexcept;

    static void onExitStatus(struct ssh_session_struct*, ssh_channel_struct*, int status,
                             void* self);
    static void onExitSignal(struct ssh_session_struct*, ssh_channel_struct*, const char* signal,
                             int core, const char* errmsg, const char* lang, void* self);
    static void onClose(struct ssh_session_struct*, ssh_channel_struct*, void* self);
    static void onEof(struct ssh_session_struct*, ssh_channel_struct*, void* self);

    SshSession& m_session;
    ssh_channel_struct* m_channel = nullptr;
    std::uint64_t m_generation = 0;
    std::unique_ptr<ssh_channel_callbacks_struct> m_callbacks;
    std::optional<int> m_exitStatus; // written by libssh callbacks under the session lock
    std::string m_exitSignal;
    bool m_remoteClosed = false;
    bool m_remoteEof = false;
    bool m_eofSent = false;
    std::string m_command;
};

} // namespace dvfo
