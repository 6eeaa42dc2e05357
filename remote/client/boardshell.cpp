#include "remote/client/boardshell.h"

#include "remote/ssh/sshexec.h"

namespace dvfo {

std::string BoardShell::quote(std::string_view text) {
    return SshExec::shellQuote(text);
}

std::string BoardShell::quotePath(const std::string& path) {
    return path.rfind("~/", 0) == 0 ? "\"$HOME\"/" + quote(path.substr(2)) : quote(path);
}

} // namespace dvfo
