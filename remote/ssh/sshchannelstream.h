#pragma once

#include "remote/ssh/sshchannel.h"
#include "remote/ssh/sshsession.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>

namespace dvfo {

// A long-running remote command spoken to line by line (JSON lines of
// `dvfo-edge serve`). writeLine()/readLine() belong to one thread at a time;
// cancel() may be called from any thread.
//
// readLine() returns std::nullopt only on timeout. When the command ends, the
// connection drops or cancel() is called it throws SshError (RemoteExited,
// ConnectionLost, Cancelled) within ~50 ms of noticing; the message carries the exit
// status/signal and the last stderr lines, which usually explain the failure.
class SshChannelStream {
public:
    // The longest line readLine() buffers (the agent's telemetry answers are a few MiB).
    static constexpr size_t kMaxLineBytes = size_t(64) << 20;
    SshChannelStream(SshSession& session, const std::string& command);
    ~SshChannelStream();
    SshChannelStream(const SshChannelStream&) = delete;
    SshChannelStream& operator=(const SshChannelStream&) = delete;

    // Sends `line` plus "\n". Throws SshError.
    void writeLine(const std::string& line);
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);

    // Sends EOF on the command's stdin (the command sees end of input).
    void closeInput();
    // Closes the channel (sshd then hangs up on the command). Idempotent.
    void close();
    void cancel() { m_cancel.store(true); }

    bool isOpen() const;
    std::optional<int> exitStatus() const { return m_channel.exitStatus(); }
    std::string exitSignal() const { return m_channel.exitSignal(); }
    // Last stderr lines (at most 20), oldest first, joined by "\n".
    std::string stderrTail() const;
    // Called on the reading thread for each stderr line as it is drained.
    void setStderrLineCallback(std::function<void(const std::string&)> callback);

private:
    void pump(bool& gotData);
    void consumeStderr(const std::string& data);
    [[noreturn]] void throwEnded();

    SshChannel m_channel;
    std::string m_command;
    std::string m_stdout;
    std::string m_stderrPending;
    std::deque<std::string> m_stderrTail;
    std::function<void(const std::string&)> m_stderrCallback;
    std::atomic<bool> m_cancel{false};
    bool m_closed = false;
};

} // namespace dvfo
