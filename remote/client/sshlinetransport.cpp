#include "remote/client/sshlinetransport.h"

namespace dvfo {

SshLineTransport::SshLineTransport(std::unique_ptr<SshSession> session, const std::string& command)
    : session_(std::move(session)), description_(session_->describe()) {
    try {
        stream_ = std::make_unique<SshChannelStream>(*session_, command);
    } catch (const SshError& e) {
        throw TransportError(description_ + ": cannot start the agent: " + e.what());
    }
}

SshLineTransport::~SshLineTransport() {
    close();
}

void SshLineTransport::writeLine(const std::string& line) {
    if (!stream_)
        throw TransportError(description_ + ": connection closed");
    try {
        stream_->writeLine(line);
    } catch (const SshError& e) {
        throw TransportError(description_ + ": " + e.what());
    }
}

std::optional<std::string> SshLineTransport::readLine(int timeoutMs) {
    if (!stream_)
        throw TransportError(description_ + ": connection closed");
    try {
        return stream_->readLine(std::chrono::milliseconds(timeoutMs));
    } catch (const SshError& e) {
        throw TransportError(description_ + ": " + e.what());
    }
}

void SshLineTransport::close() {
    if (stream_) {
        try {
            stream_->closeInput(); // EOF on the agent's stdin: it restores the board and exits
            stream_->close();
        } catch (const SshError&) {
            // The connection is already gone; the agent sees EOF/SIGHUP on its side.
        }
        stream_.reset();
    }
    if (session_)
        session_->disconnect();
}

} // namespace dvfo
