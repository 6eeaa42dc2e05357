#include "remote/ssh/sshexec.h"

#include "remote/ssh/sshchannel.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace dvfo {

namespace {

struct StreamSink {
    const std::function<void(const std::string&)>* onLine = nullptr;
    std::string* capture = nullptr;
    std::size_t maxCapture = 0;
    bool* truncated = nullptr;
    std::string pending;

    void feed(const std::string& data) {
        if (data.empty())
            return;
        if (capture) {
            const std::size_t room =
                capture->size() < maxCapture ? maxCapture - capture->size() : 0;
            capture->append(data, 0, std::min(room, data.size()));
            if (room < data.size())
                *truncated = true;
        }
        if (onLine && *onLine) {
            pending += data;
            while (auto line = SshChannel::takeLine(pending))
                (*onLine)(*line);
        }
    }
    void finish() {
        if (onLine && *onLine && !pending.empty()) {
            (*onLine)(pending);
            pending.clear();
        }
    }
};

// Sent by the command prefix below as the first stderr line; stripped again.
constexpr const char* kPgidMarker = "\x1f"
                                    "dvfo-pgid:";

// Pulls the process group line off the front of stderr. Until the first line is
// complete everything is held back, because it may be ours.
struct PgidFilter {
    bool done = false;
    std::string held;
    long pgid = 0;

    std::string feed(const std::string& data) {
        if (done)
            return data;
        held += data;
        const auto nl = held.find('\n');
        if (nl == std::string::npos)
            return {};
        done = true;
        std::string rest;
        if (held.compare(0, std::strlen(kPgidMarker), kPgidMarker) == 0) {
            pgid = std::atol(held.c_str() + std::strlen(kPgidMarker));
            rest = held.substr(nl + 1);
        } else {
            rest = held; // the prefix never ran (e.g. syntax error): pass through untouched
        }
        held.clear();
        return rest;
    }
    std::string finish() {
        done = true;
        std::string rest;
        rest.swap(held);
        return rest;
    }
};

} // namespace

SshExec::SshExec(SshSession& session) : m_session(session) {}

std::string SshExec::shellQuote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += "'";
    return out;
}

ExecResult SshExec::run(const std::string& command, const ExecOptions& options) {
    using clock = std::chrono::steady_clock;
    ExecResult result;
    const auto start = clock::now();
    auto cancelRequested = [&] {
        return m_cancel.load() || (options.cancelFlag && options.cancelFlag->load());
    };
    // Whatever happens, a cancel() aimed at this run must not leak into the next one.
    struct ResetFlag {
        std::atomic<bool>& flag;
        ~ResetFlag() { flag.store(false); }
    } resetFlag{m_cancel};

    StreamSink out{&options.onStdoutLine,
                   options.captureOutput ? &result.stdoutText : nullptr,
                   options.maxCaptureBytes,
                   &result.outputTruncated,
                   {}};
    StreamSink err{&options.onStderrLine,
                   options.captureOutput ? &result.stderrText : nullptr,
                   options.maxCaptureBytes,
                   &result.outputTruncated,
                   {}};

    if (cancelRequested()) {
        result.cancelled = true;
        return result;
    }

    // sshd runs the command in a new session whose leader is the login shell, so its
    // $$ is the process group of everything the command starts. Knowing it lets a
    // cancel kill the whole group: sshd ignores "signal" requests for root logins
    // (no post-auth privilege separation) and closing the channel alone leaves e.g.
    // "sleep 60" running until it next writes.
    PgidFilter pgidFilter;
    const std::string wrapped = options.killOnCancel ? std::string("printf '") + kPgidMarker +
                                                           "%s\\n' \"$$\" >&2; " + command
                                                     : command;

    SshChannel channel(m_session);
    channel.startCommand(wrapped, command);
    if (!options.stdinData.empty())
        channel.write(options.stdinData);
    channel.sendEof();

    for (;;) {
        if (cancelRequested()) {
            result.cancelled = true;
            break;
        }
        auto waitBudget = std::chrono::milliseconds(50);
        if (options.timeout.count() > 0) {
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
            if (elapsed >= options.timeout) {
                result.timedOut = true;
                break;
            }
            waitBudget = std::min(waitBudget, options.timeout - elapsed);
        }
        std::string o, e;
        const bool got = channel.readAvailable(o, e);
        out.feed(o);
        err.feed(options.killOnCancel ? pgidFilter.feed(e) : e);
        if (channel.finished())
            break;
        if (!got)
            channel.waitForData(waitBudget);
    }

    if (result.cancelled || result.timedOut) {
        channel.sendSignal("TERM");
        channel.close();
        if (pgidFilter.pgid > 1)
            killProcessGroup(pgidFilter.pgid);
    }
    out.finish();
    if (options.killOnCancel)
        err.feed(pgidFilter.finish());
    err.finish();
    result.exitStatus = channel.exitStatus().value_or(-1);
    result.exitSignal = channel.exitSignal();
    channel.close();
    return result;
}

void SshExec::killProcessGroup(long pgid) noexcept {
    try {
        SshChannel killer(m_session);
        killer.startCommand("kill -TERM -- -" + std::to_string(pgid) + " 2>/dev/null");
        killer.sendEof();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!killer.finished() && std::chrono::steady_clock::now() < deadline) {
            std::string o, e;
            if (!killer.readAvailable(o, e))
                killer.waitForData(std::chrono::milliseconds(20));
        }
    } catch (const std::exception&) {
        // Best effort: the connection may be the reason we are cancelling.
    }
}

std::string SshExec::runChecked(const std::string& command, std::chrono::milliseconds timeout) {
    ExecOptions options;
    options.timeout = timeout;
    ExecResult r = run(command, options);
    if (r.ok())
        return r.stdoutText;
    std::string why;
    if (r.cancelled)
        why = "was cancelled";
    else if (r.timedOut)
        why = "timed out after " + std::to_string(timeout.count()) + " ms";
    else if (!r.exitSignal.empty())
        why = "was killed by signal " + r.exitSignal;
    else
        why = "failed with exit status " + std::to_string(r.exitStatus);
    std::string err = r.stderrText;
    while (!err.empty() && (err.back() == '\n' || err.back() == '\r'))
        err.pop_back();
    throw SshError(r.cancelled
                       ? SshError::Kind::Cancelled
                       : (r.timedOut ? SshError::Kind::Timeout : SshError::Kind::RemoteExited),
                   "'" + command + "' on " + m_session.describe() + " " + why +
                       (err.empty() ? std::string(".") : ": " + err));
}

} // namespace dvfo
