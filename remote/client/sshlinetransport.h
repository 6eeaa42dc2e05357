#pragma once
#include "remote/client/linetransport.h"
#include "remote/ssh/sshchannelstream.h"
#include "remote/ssh/sshsession.h"

#include <memory>

namespace dvfo {

// `dvfo-edge serve` on a board, over an SSH channel. Owns the session so the transport lives
// as long as the agent conversation; closing it closes the agent's stdin (which restores the
// board) and then the connection.
class SshLineTransport : public LineTransport {
public:
    SshLineTransport(std::unique_ptr<SshSession> session, const std::string& command);
    ~SshLineTransport() override;

    void writeLine(const std::string& line) override;
    std::optional<std::string> readLine(int timeoutMs) override;
    void close() override;
    std::string describe() const override { return description_; }

private:
    std::unique_ptr<SshSession> session_;
    std::unique_ptr<SshChannelStream> stream_;
    std::string description_;
};

} // namespace dvfo
