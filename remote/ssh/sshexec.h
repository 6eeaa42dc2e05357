#pragma once

#include "remote/ssh/sshsession.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace dvfo {

struct ExecOptions {
    // Called on the calling thread for every complete line (without the newline),
    // as soon as it arrives; a final unterminated line is delivered at the end.
    std::function<void(const std::string&)> onStdoutLine;
    std::function<void(const std::string&)> onStderrLine;
    // 0 = no limit. On expiry the command gets SIGTERM, the channel is closed and the
    // result has timedOut set (no exception: the partial output is often useful).
    std::chrono::milliseconds timeout{0};
    // Optional external cancellation flag, polled at least every 50 ms.
    const std::atomic<bool>* cancelFlag = nullptr;
    // Written to the command's stdin, followed by EOF (EOF is always sent, so a
    // command reading stdin never waits for input that cannot come).
    std::string stdinData;
    // Keep the output in the result (up to maxCaptureBytes per stream).
    bool captureOutput = true;
    // Prefix the command with a report of its process group (first stderr line,
    // stripped again) so cancel/timeout can kill everything it started. Needs a
    // POSIX-style login shell on the board; switch off for others (then only the
    // SSH "signal" request is tried, which sshd refuses for root logins).
    bool killOnCancel = true;
    std::size_t maxCaptureBytes = std::size_t(16) << 20;
};

struct ExecResult {
    int exitStatus = -1;    // -1 when none was reported (killed by signal, cancelled)
    std::string exitSignal; // e.g. "KILL" when the command died from a signal
    std::string stdoutText;
    std::string stderrText;
    bool timedOut = false;
    bool cancelled = false;
    bool outputTruncated = false;

    bool ok() const { return exitStatus == 0 && !timedOut && !cancelled; }
};

// Runs one remote command to completion on its own channel.
// run() blocks the calling thread; cancel() may be called from any thread and makes
// the running (or the next) run() return promptly with cancelled = true.
// Connection problems throw SshError; a non-zero exit status does not.
class SshExec {
public:
    explicit SshExec(SshSession& session);

    ExecResult run(const std::string& command, const ExecOptions& options = {});
    // Runs and returns stdout; throws SshError(RemoteExited) with the stderr text if the
    // command fails, times out or is cancelled.
    std::string runChecked(const std::string& command,
                           std::chrono::milliseconds timeout = std::chrono::seconds(60));
    void cancel() { m_cancel.store(true); }

    // POSIX sh single-quoting, for building command lines from paths.
    static std::string shellQuote(std::string_view text);

private:
    void killProcessGroup(long pgid) noexcept;

    SshSession& m_session;
    std::atomic<bool> m_cancel{false};
};

} // namespace dvfo
