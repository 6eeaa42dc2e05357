#include "remote/edge/unixsocket.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace dvfo {

int listenOnPrivateUnixSocket(const std::string& path, int backlog, const std::string& what) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        throw std::runtime_error(what + " path too long (max " +
                                 std::to_string(sizeof addr.sun_path - 1) + "): " + path);
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ::unlink(path.c_str()); // a socket left by a killed runtime
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    // chmod between bind and listen: nobody can connect before listen(), so no client ever sees
    // the umask's mode.
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::chmod(path.c_str(), S_IRUSR | S_IWUSR) != 0 || ::listen(fd, backlog) != 0) {
        const std::string err = std::strerror(errno);
        if (fd >= 0) {
            ::close(fd);
            ::unlink(path.c_str());
        }
        throw std::runtime_error("cannot listen on " + what + " " + path + ": " + err);
    }
    return fd;
}

bool unixPeerAllowed(int fd) {
    ucred peer{};
    socklen_t length = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 || length != sizeof peer)
        return false;
    return peer.uid == 0 || peer.uid == ::geteuid();
}

} // namespace dvfo
