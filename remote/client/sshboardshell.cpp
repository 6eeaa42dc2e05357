#include "remote/client/sshboardshell.h"

#include "remote/ssh/sftpclient.h"
#include "remote/ssh/sshexec.h"

namespace dvfo {

SshBoardShell::SshBoardShell(SshSession& session) : session_(session) {}

SshBoardShell::SshBoardShell(std::unique_ptr<SshSession> session)
    : ownedSession_(std::move(session)), session_(*ownedSession_) {}

SshBoardShell::~SshBoardShell() = default;

SftpClient& SshBoardShell::sftp() {
    if (!sftp_)
        sftp_ = std::make_unique<SftpClient>(session_);
    return *sftp_;
}

ShellResult SshBoardShell::run(const std::string& command, std::chrono::milliseconds timeout) {
    SshExec exec(session_);
    ExecOptions options;
    options.timeout = timeout;
    ExecResult r = exec.run(command, options);
    ShellResult result;
    result.exitStatus = r.exitStatus;
    result.timedOut = r.timedOut;
    result.stdoutText = std::move(r.stdoutText);
    result.stderrText = std::move(r.stderrText);
    return result;
}

void SshBoardShell::upload(const std::string& localPath, const std::string& boardPath,
                           const FileUploadOptions& options) {
    UploadOptions o;
    o.mode = int(options.mode);
    o.atomic = options.atomic;
    o.verifySha256 = options.verifySha256;
    sftp().upload(localPath, boardPath, o);
}

void SshBoardShell::makeDirectories(const std::string& boardPath) {
    sftp().mkdirs(boardPath);
}

std::optional<std::string> SshBoardShell::readLink(const std::string& boardPath) {
    if (!sftp().lstat(boardPath))
        return std::nullopt;
    return sftp().readLink(boardPath);
}

std::string SshBoardShell::absolutePath(const std::string& boardPath) {
    return sftp().resolve(boardPath);
}

std::string SshBoardShell::describe() const {
    return session_.describe();
}

} // namespace dvfo
