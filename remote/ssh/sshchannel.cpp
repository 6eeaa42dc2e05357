#include "remote/ssh/sshchannel.h"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <algorithm>
#include <cstring>
#include <poll.h>
#include <thread>

namespace dvfo {

SshChannel::SshChannel(SshSession& session) : m_session(session) {}

SshChannel::~SshChannel() {
    close();
}

bool SshChannel::channelAlive() const {
    return m_channel && m_generation == m_session.generation() && m_session.handle();
}

void SshChannel::onExitStatus(ssh_session, ssh_channel, int status, void* self) {
    static_cast<SshChannel*>(self)->m_exitStatus = status;
}

void SshChannel::onExitSignal(ssh_session, ssh_channel, const char* signal, int, const char*,
                              const char*, void* self) {
    static_cast<SshChannel*>(self)->m_exitSignal = signal ? signal : "?";
}

void SshChannel::onClose(ssh_session, ssh_channel, void* self) {
    auto* me = static_cast<SshChannel*>(self);
    me->m_remoteClosed = true;
    me->m_remoteEof = true;
}

void SshChannel::onEof(ssh_session, ssh_channel, void* self) {
    static_cast<SshChannel*>(self)->m_remoteEof = true;
}

void SshChannel::startCommand(const std::string& command, const std::string& label) {
    auto guard = m_session.lock();
    if (m_channel)
        throw SshError(SshError::Kind::Channel, "Channel already started");
    if (!m_session.handle() || !m_session.isConnected()) {
        throw SshError(SshError::Kind::ConnectionLost, "Not connected to " + m_session.describe() +
                                                           "; cannot run '" +
                                                           (label.empty() ? command : label) + "'");
    }
    m_command = label.empty() ? command : label;
    m_channel = ssh_channel_new(m_session.handle());
    if (!m_channel)
        m_session.throwSessionError(SshError::Kind::Channel, "Cannot create an SSH channel");
    m_generation = m_session.generation();

    m_callbacks = std::make_unique<ssh_channel_callbacks_struct>();
    std::memset(m_callbacks.get(), 0, sizeof(ssh_channel_callbacks_struct));
    m_callbacks->userdata = this;
    m_callbacks->channel_exit_status_function = &SshChannel::onExitStatus;
    m_callbacks->channel_exit_signal_function = &SshChannel::onExitSignal;
    m_callbacks->channel_close_function = &SshChannel::onClose;
    m_callbacks->channel_eof_function = &SshChannel::onEof;
    ssh_callbacks_init(m_callbacks.get());
    // No data callback on purpose: data then stays in libssh's channel buffers and is
    // drained by readAvailable(), which keeps flow control in libssh's hands.
    ssh_add_channel_callbacks(m_channel, m_callbacks.get());

    if (ssh_channel_open_session(m_channel) != SSH_OK) {
        release();
        m_session.throwSessionError(SshError::Kind::Channel,
                                    "Cannot open a session channel on " + m_session.describe());
    }
    if (ssh_channel_request_exec(m_channel, command.c_str()) != SSH_OK) {
        release();
        m_session.throwSessionError(SshError::Kind::Channel,
                                    "Cannot start '" + m_command + "' on " + m_session.describe());
    }
    m_session.noteActivity();
}

bool SshChannel::readAvailable(std::string& out, std::string& err) {
    auto guard = m_session.lock();
    if (!channelAlive()) {
        if (m_channel) {
            throw SshError(SshError::Kind::ConnectionLost, "Connection to " + m_session.describe() +
                                                               " was closed while '" + m_command +
                                                               "' was running");
        }
        return false;
    }
    m_session.keepAliveIfIdle();
    bool got = false;
    char buf[16384];
    for (;;) {
        const int n = ssh_channel_read_nonblocking(m_channel, buf, sizeof buf, 0);
        if (n > 0) {
            out.append(buf, std::size_t(n));
            got = true;
        }
        // stderr must be drained too, or a chatty stderr would fill the window and
        // stall the command.
        int ne = 0;
        if (n != SSH_ERROR) {
            ne = ssh_channel_read_nonblocking(m_channel, buf, sizeof buf, 1);
            if (ne > 0) {
                err.append(buf, std::size_t(ne));
                got = true;
            }
        }
        if (n == SSH_ERROR || ne == SSH_ERROR) {
            if (m_session.transportDead()) {
                throw SshError(SshError::Kind::ConnectionLost,
                               "Connection to " + m_session.describe() + " lost while '" +
                                   m_command + "' was running: " + m_session.lastError());
            }
            // A channel closed by the peer reports errors on read; that is just "finished".
            if (ssh_channel_is_closed(m_channel)) {
                m_remoteClosed = true;
                m_remoteEof = true;
                return got;
            }
            m_session.throwSessionError(SshError::Kind::Channel,
                                        "Reading output of '" + m_command + "' failed");
        }
        if (n <= 0 && ne <= 0)
            break;
    }
    if (!got && ssh_channel_is_eof(m_channel) && !finished()) {
        // Once the remote EOF is in, libssh's channel reads stop processing incoming
        // packets, so exit-status and CLOSE would sit unread in the socket (and our
        // poll() on it would spin). ssh_channel_get_exit_status() processes packets;
        // in non-blocking mode it returns at once instead of waiting for the session
        // timeout with the lock held.
        ssh_session s = m_session.handle();
        ssh_set_blocking(s, 0);
        const int rc = ssh_channel_get_exit_status(m_channel);
        ssh_set_blocking(s, 1);
        if (rc == SSH_ERROR && m_session.transportDead()) {
            throw SshError(SshError::Kind::ConnectionLost,
                           "Connection to " + m_session.describe() + " lost while '" + m_command +
                               "' was finishing: " + m_session.lastError());
        }
        got = finished();
    }
    return got;
}

void SshChannel::waitForData(std::chrono::milliseconds max) const {
    if (max.count() <= 0)
        return;
    const int fd = m_session.socketFd();
    if (fd < 0) {
        std::this_thread::sleep_for(std::min(max, std::chrono::milliseconds(20)));
        return;
    }
    // Data for us may already sit in libssh's buffers (another thread's libssh call
    // read it from the socket), so never wait long: 20 ms slices bound that latency.
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, int(std::min<long long>(max.count(), 20)));
}

void SshChannel::write(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
        auto guard = m_session.lock();
        if (!channelAlive()) {
            throw SshError(SshError::Kind::ConnectionLost, "Connection to " + m_session.describe() +
                                                               " is closed; cannot write to '" +
                                                               m_command + "'");
        }
        if (m_remoteClosed || ssh_channel_is_closed(m_channel)) {
            throw SshError(SshError::Kind::RemoteExited,
                           "'" + m_command + "' on " + m_session.describe() + " has ended (" +
                               describeExit() + "); cannot write to it");
        }
        const std::size_t chunk = std::min<std::size_t>(data.size() - off, 1u << 20);
        const int n = ssh_channel_write(m_channel, data.data() + off, uint32_t(chunk));
        if (n == SSH_ERROR) {
            m_session.throwSessionError(SshError::Kind::Channel,
                                        "Writing to '" + m_command + "' failed");
        }
        off += std::size_t(n);
        m_session.noteActivity();
        // n < chunk: the window stayed closed for the session timeout; loop (lock is
        // released in between so other channels can run).
    }
}

void SshChannel::sendEof() {
    auto guard = m_session.lock();
    if (!channelAlive() || m_eofSent)
        return;
    m_eofSent = true;
    ssh_channel_send_eof(m_channel);
    m_session.noteActivity();
}

void SshChannel::sendSignal(const char* name) noexcept {
    auto guard = m_session.lock();
    if (!channelAlive() || ssh_channel_is_closed(m_channel))
        return;
    ssh_channel_request_send_signal(m_channel, name);
}

void SshChannel::release() noexcept {
    // Callbacks point at this object: unregister before libssh may keep the channel
    // around waiting for the peer's CLOSE.
    if (channelAlive()) {
        if (m_callbacks)
            ssh_remove_channel_callbacks(m_channel, m_callbacks.get());
        ssh_channel_free(m_channel);
    }
    m_channel = nullptr;
}

void SshChannel::close() noexcept {
    auto guard = m_session.lock();
    if (!m_channel)
        return;
    if (channelAlive() && !m_session.transportDead() && !ssh_channel_is_closed(m_channel))
        ssh_channel_close(m_channel);
    release();
}

bool SshChannel::remoteEof() const {
    auto guard = m_session.lock();
    if (!channelAlive())
        return true;
    return ssh_channel_is_eof(m_channel) != 0;
}

bool SshChannel::finished() const {
    auto guard = m_session.lock();
    if (!channelAlive())
        return true;
    if (!ssh_channel_is_eof(m_channel))
        return false;
    return m_remoteClosed || m_exitStatus.has_value() || !m_exitSignal.empty() ||
           ssh_channel_is_closed(m_channel);
}

std::optional<int> SshChannel::exitStatus() const {
    auto guard = m_session.lock();
    return m_exitStatus;
}

std::string SshChannel::exitSignal() const {
    auto guard = m_session.lock();
    return m_exitSignal;
}

std::string SshChannel::describeExit() const {
    auto guard = m_session.lock();
    if (!m_exitSignal.empty())
        return "killed by signal " + m_exitSignal;
    if (m_exitStatus)
        return "exit status " + std::to_string(*m_exitStatus);
    return "no exit status reported";
}

std::optional<std::string> SshChannel::takeLine(std::string& buffer) {
    const auto nl = buffer.find('\n');
    if (nl == std::string::npos)
        return std::nullopt;
    std::string line = buffer.substr(0, nl);
    buffer.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

} // namespace dvfo
