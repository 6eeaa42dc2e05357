#pragma once

#include <stdexcept>
#include <string>

namespace dvfo {

// The single exception type of the SSH layer. kind() lets callers (CLI, GUI) react
// to a category (e.g. offer --accept-new for HostKeyUnknown) without parsing text;
// what() is always a complete sentence meant for the user.
class SshError : public std::runtime_error {
public:
    enum class Kind {
        Config,         // bad options, unreadable config/identity file
        Connect,        // DNS failure, connection refused, network unreachable
        Timeout,        // connect timeout or operation timeout
        HostKeyUnknown, // server key not in any known_hosts file and not accepted
        HostKeyChanged, // server key differs from the recorded one (or a known_hosts entry for
                        // the host cannot be read or parsed): always refused
        HostKeyRevoked, // server key is marked @revoked in a known_hosts file: always refused
        Auth,           // every authentication method failed
        Channel,        // channel could not be opened / command could not start
        ConnectionLost, // the TCP connection or the session died
        RemoteExited,   // the remote command of a stream exited
        Cancelled,      // cancel() was requested
        Sftp,           // SFTP operation failed
        Verify,         // checksum mismatch after a transfer
    };

    SshError(Kind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}

    Kind kind() const noexcept { return m_kind; }

private:
    Kind m_kind;
};

} // namespace dvfo
