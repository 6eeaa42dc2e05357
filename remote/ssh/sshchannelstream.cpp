#include "remote/ssh/sshchannelstream.h"

namespace dvfo {

namespace {
constexpr std::size_t kStderrTailLines = 20;
}

SshChannelStream::SshChannelStream(SshSession& session, const std::string& command)
    : m_channel(session), m_command(command) {
    m_channel.startCommand(command);
}

SshChannelStream::~SshChannelStream() {
    close();
}

void SshChannelStream::setStderrLineCallback(std::function<void(const std::string&)> callback) {
    m_stderrCallback = std::move(callback);
}

bool SshChannelStream::isOpen() const {
    return !m_closed && m_channel.started() && !m_channel.finished();
}

std::string SshChannelStream::stderrTail() const {
    std::string s;
    for (const auto& line : m_stderrTail)
        s += (s.empty() ? "" : "\n") + line;
    return s;
}

void SshChannelStream::consumeStderr(const std::string& data) {
    m_stderrPending += data;
    while (auto line = SshChannel::takeLine(m_stderrPending)) {
        if (m_stderrCallback)
            m_stderrCallback(*line);
        m_stderrTail.push_back(std::move(*line));
        if (m_stderrTail.size() > kStderrTailLines)
            m_stderrTail.pop_front();
    }
}

void SshChannelStream::writeLine(const std::string& line) {
    if (m_closed)
        throw SshError(SshError::Kind::Channel, "Stream to '" + m_command + "' is closed");
    m_channel.write(line + "\n");
}

void SshChannelStream::closeInput() {
    m_channel.sendEof();
}

void SshChannelStream::close() {
    if (m_closed)
        return;
    m_closed = true;
    m_channel.close();
}

void SshChannelStream::pump(bool& gotData) {
    std::string out, err;
    gotData = m_channel.readAvailable(out, err);
    m_stdout += out;
    if (!err.empty())
        consumeStderr(err);
}

void SshChannelStream::throwEnded() {
    // The exit status/signal travels just before the channel close; give it a moment
    // so the error says *how* the command ended.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    while (!m_channel.finished() && std::chrono::steady_clock::now() < deadline) {
        bool got = false;
        pump(got);
        if (!got)
            m_channel.waitForData(std::chrono::milliseconds(20));
    }
    if (!m_stderrPending.empty())
        consumeStderr("\n");
    const std::string tail = stderrTail();
    const std::string msg = "'" + m_command + "' on " + m_channel.session().describe() +
                            " ended (" + m_channel.describeExit() + ")" +
                            (tail.empty() ? std::string(".") : "; stderr:\n" + tail);
    close();
    throw SshError(SshError::Kind::RemoteExited, msg);
}

std::optional<std::string> SshChannelStream::readLine(std::chrono::milliseconds timeout) {
    if (auto line = SshChannel::takeLine(m_stdout))
        return line;
    if (m_closed)
        throw SshError(SshError::Kind::Channel, "Stream to '" + m_command + "' is closed");

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (m_cancel.exchange(false)) {
            close();
            throw SshError(SshError::Kind::Cancelled,
                           "Reading from '" + m_command + "' was cancelled");
        }
        bool got = false;
        try {
            pump(got);
        } catch (const SshError&) {
            m_closed = true;
            throw;
        }
        if (auto line = SshChannel::takeLine(m_stdout))
            return line;
        // A board that never ends its line must not grow this buffer without end.
        if (m_stdout.size() > kMaxLineBytes) {
            close();
            throw SshError(SshError::Kind::Channel, "'" + m_command + "' sent a line longer than " +
                                                        std::to_string(kMaxLineBytes) + " bytes");
        }
        if (m_channel.remoteEof()) {
            // A last line without newline is still handed out before reporting the end.
            if (!m_stdout.empty()) {
                std::string rest;
                rest.swap(m_stdout);
                return rest;
            }
            throwEnded();
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            return std::nullopt;
        if (!got) {
            m_channel.waitForData(
                std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                         std::chrono::milliseconds(50)));
        }
    }
}

} // namespace dvfo
