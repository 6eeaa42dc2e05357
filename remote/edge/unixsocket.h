#pragma once
// The runtime's unix sockets (control, input) are private to the user it runs as: mode 0600 and
// a peer check on every connection.
#include <string>

namespace dvfo {

// Binds and listens on `path` (replacing a stale socket file), mode 0600 whatever the umask.
// Returns the listening fd; throws std::runtime_error.
int listenOnPrivateUnixSocket(const std::string& path, int backlog, const std::string& what);

// True when the process at the other end of the connected unix socket `fd` runs as this
// process's effective uid or as root (SO_PEERCRED).
bool unixPeerAllowed(int fd);

} // namespace dvfo
