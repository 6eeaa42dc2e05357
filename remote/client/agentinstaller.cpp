#include "remote/client/agentinstaller.h"

#include "remote/protocol/protocol.h"
#include "remote/client/localprocesstransport.h"

#include <sstream>
#include <stdexcept>
#include <sys/utsname.h>

namespace dvfo {

AgentInstaller::AgentInstaller(BoardShell& shell, std::string remotePath, Status status)
    : shell_(shell), remotePath_(std::move(remotePath)), status_(std::move(status)) {}

AgentVersion AgentInstaller::parseVersionLine(const std::string& line) {
    // "dvfo-edge 0.1.0 protocol 1 arch aarch64"
    AgentVersion v;
    std::istringstream in(line);
    std::string name, protoWord, archWord;
    in >> name >> v.version >> protoWord >> v.protocol >> archWord >> v.arch;
    v.present =
        name == "dvfo-edge" && protoWord == "protocol" && archWord == "arch" && !v.version.empty();
    return v;
}

int AgentInstaller::compareVersions(const std::string& a, const std::string& b) {
    std::istringstream ia(a), ib(b);
    for (;;) {
        std::string pa, pb;
        const bool ha = bool(std::getline(ia, pa, '.'));
        const bool hb = bool(std::getline(ib, pb, '.'));
        if (!ha && !hb)
            return 0;
        const long na = ha && !pa.empty() ? std::stol(pa) : 0;
        const long nb = hb && !pb.empty() ? std::stol(pb) : 0;
        if (na != nb)
            return na < nb ? -1 : 1;
    }
}

std::string AgentInstaller::localArch() {
    utsname u{};
    uname(&u);
    return u.machine;
}

AgentVersion AgentInstaller::query() {
    const ShellResult r = shell_.run(BoardShell::quotePath(remotePath_) +
                                         " --version 2>/dev/null; echo \"uname-m $(uname -m)\"",
                                     std::chrono::seconds(30));
    AgentVersion v;
    std::istringstream out(r.stdoutText);
    std::string line, arch;
    while (std::getline(out, line)) {
        if (line.rfind("uname-m ", 0) == 0)
            arch = line.substr(8);
        else if (!v.present)
            v = parseVersionLine(line);
    }
    if (v.arch.empty())
        v.arch = arch;
    return v;
}

AgentVersion AgentInstaller::ensure(const std::string& localAgentIn) {
    AgentVersion v = query();
    const bool current = v.present && v.protocol == protocol::kVersion &&
                         compareVersions(v.version, DVFO_VERSION) >= 0;
    if (current)
        return v;
    const std::string why =
        !v.present ? "dvfo-edge is not installed at " + remotePath_
                   : "dvfo-edge " + v.version + " (protocol " + std::to_string(v.protocol) +
                         ") on the board is older than this studio (" DVFO_VERSION ")";
    if (v.arch != localArch())
        throw std::runtime_error(
            why + ", and the board is " + (v.arch.empty() ? "of unknown architecture" : v.arch) +
            " while this build is " + localArch() +
            ": install the dvfo-edge package built for the board (packaging/, cpack) and set the "
            "board's agent path");
    const std::string localAgent = localAgentIn.empty() ? locateEdgeAgent() : localAgentIn;
    if (status_)
        status_(why + ": uploading " + localAgent);
    FileUploadOptions uo;
    uo.mode = 0755;
    shell_.upload(localAgent, remotePath_, uo);
    v = query();
    if (!v.present)
        throw std::runtime_error(
            "uploaded dvfo-edge to " + remotePath_ +
            " but it does not run there (missing shared libraries?); install the dvfo-edge "
            "package on the board");
    return v;
}

} // namespace dvfo
