#pragma once
#include "remote/client/boardshell.h"

#include <functional>
#include <string>

namespace dvfo {

// What `dvfo-edge --version` said on a board.
struct AgentVersion {
    bool present = false;
    std::string version; // "0.1.0"
    int protocol = 0;
    std::string arch; // uname -m of the board
};

// Makes sure a usable dvfo-edge is on the board: checks its version and, when it is missing or
// older and the board's architecture matches this build, uploads the local agent (atomic,
// sha256-verified). Otherwise throws std::runtime_error explaining how to install it.
class AgentInstaller {
public:
    using Status = std::function<void(const std::string&)>;

    AgentInstaller(BoardShell& shell, std::string remotePath, Status status = {});

    AgentVersion query();
    // Returns the version in place after the call. `localAgent` defaults to locateEdgeAgent().
    AgentVersion ensure(const std::string& localAgent = {});

    static AgentVersion parseVersionLine(const std::string& line);
    // -1, 0, 1 like strcmp, on dotted numeric versions ("0.10.1" > "0.9.9").
    static int compareVersions(const std::string& a, const std::string& b);
    static std::string localArch();

private:
    BoardShell& shell_;
    std::string remotePath_;
    Status status_;
};

} // namespace dvfo
