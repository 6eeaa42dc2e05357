#include "remote/client/sshboardshell.h"

#include "remote/client/linetransport.h"
#include "remote/ssh/sftpclient.h"
#include "remote/ssh/sshchannelstream.h"
#include "remote/ssh/sshexec.h"

namespace dvfo {

namespace {
// A command on a channel of a session the shell shares (SshLineTransport owns its session).
class SharedSessionCommand : public LineTransport {
public:
    SharedSessionCommand(SshSession& session, const std::string& command)
        : stream_(session, command), description_(session.describe()) {}
    ~SharedSessionCommand() override { close(); }
    void writeLine(const std::string& line) override {
        try {
            stream_.writeLine(line);
        } catch (const SshError& e) {
            throw TransportError(description_ + ": " + e.what());
        }
    }
    std::optional<std::string> readLine(int timeoutMs) override {
        try {
            return stream_.readLine(std::chrono::milliseconds(timeoutMs));
        } catch (const SshError& e) {
            throw TransportError(description_ + ": " + e.what());
        }
    }
    void close() override {
        try {
            stream_.closeInput();
            stream_.close();
        } catch (const SshError&) {
            // The connection is gone: the command saw EOF on its side already.
        }
    }
    std::string describe() const override { return description_; }

private:
    SshChannelStream stream_;
    std::string description_;
};
} // namespace

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

std::unique_ptr<LineTransport> SshBoardShell::startCommand(const std::string& command) {
    return std::make_unique<SharedSessionCommand>(session_, command);
}

std::string SshBoardShell::describe() const {
    return session_.describe();
}

} // namespace dvfo
