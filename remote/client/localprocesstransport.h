#pragma once
#include "remote/client/linetransport.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace dvfo {

// Runs a program (normally `dvfo-edge --emulate BOARD serve`) as a child with its stdin/stdout
// on pipes. Closing the transport closes the child's stdin, which is how the agent learns to
// restore the board and exit; a child that does not exit in time is killed.
class LocalProcessTransport : public LineTransport {
public:
    LocalProcessTransport(const std::vector<std::string>& argv, std::string description);
    ~LocalProcessTransport() override;

    void writeLine(const std::string& line) override;
    std::optional<std::string> readLine(int timeoutMs) override;
    void close() override;
    std::string describe() const override { return description_; }
    pid_t pid() const { return pid_; }

private:
    std::string stderrTail();
    void reap(int graceMs);

    std::string description_;
    pid_t pid_ = -1;
    int toChild_ = -1;
    int fromChild_ = -1;
    int errFromChild_ = -1;
    std::string buffer_;
    std::string errBuffer_;
    int exitStatus_ = -1;
};

// Path of dvfo-edge: $DVFO_EDGE, next to the running executable, the build tree, then PATH.
std::string locateEdgeAgent();

} // namespace dvfo
