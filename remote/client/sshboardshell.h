#pragma once
#include "remote/client/boardshell.h"

#include <memory>

namespace dvfo {

class SftpClient;
class SshSession;

// A board reached over SSH: commands through SshExec, files through SFTP (opened on first use,
// on the same connection).
class SshBoardShell : public BoardShell {
public:
    // Uses a session someone else owns and keeps connected.
    explicit SshBoardShell(SshSession& session);
    // Owns the session: it is closed with this shell.
    explicit SshBoardShell(std::unique_ptr<SshSession> session);
    ~SshBoardShell() override;

    ShellResult run(const std::string& command, std::chrono::milliseconds timeout) override;
    void upload(const std::string& localPath, const std::string& boardPath,
                const FileUploadOptions& options) override;
    void makeDirectories(const std::string& boardPath) override;
    std::optional<std::string> readLink(const std::string& boardPath) override;
    std::string absolutePath(const std::string& boardPath) override;
    std::unique_ptr<LineTransport> startCommand(const std::string& command) override;
    std::string describe() const override;

private:
    SftpClient& sftp();

    std::unique_ptr<SshSession> ownedSession_;
    SshSession& session_;
    std::unique_ptr<SftpClient> sftp_; // declared after the session: closed before it
};

} // namespace dvfo
