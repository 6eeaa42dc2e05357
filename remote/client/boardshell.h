#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dvfo {

class LineTransport;

// What a command run on a board left behind.
struct ShellResult {
    int exitStatus = -1; // -1 when none was reported (killed, timed out)
    bool timedOut = false;
    std::string stdoutText;
    std::string stderrText;

    bool ok() const { return exitStatus == 0 && !timedOut; }
};

struct FileUploadOptions {
    unsigned int mode = 0644;
    // Write next to the target and rename over it once complete (and verified): a running
    // program is never half-overwritten and an interrupted copy never sits under the real name.
    bool atomic = true;
    // Compare the sha256 of the written copy with the local file's.
    bool verifySha256 = true;
};

// A board's shell and file system, as deployment and the agent installer use them. SshBoardShell
// reaches a board over SSH; LocalBoardShell is this machine, where the built-in emulated boards
// live. Everything above this interface (the deploy steps, AgentInstaller) is the same code for
// both, so an emulated board exercises exactly what a real one does. Paths on the board may start
// with "~/" (the home directory there); relative paths are relative to that home directory too.
class BoardShell {
public:
    virtual ~BoardShell() = default;

    // Runs `command` with POSIX sh on the board. A command still running after `timeout` is
    // killed and the result says timedOut; a non-zero exit is in the result, not thrown. Throws
    // only when the board cannot be reached (SshError, std::runtime_error).
    virtual ShellResult run(const std::string& command, std::chrono::milliseconds timeout) = 0;
    // Copies a local file to `boardPath`, creating missing parent directories.
    virtual void upload(const std::string& localPath, const std::string& boardPath,
                        const FileUploadOptions& options) = 0;
    // mkdir -p; existing directories are fine.
    virtual void makeDirectories(const std::string& boardPath) = 0;
    // Where the symbolic link at `boardPath` points, std::nullopt when nothing is there.
    virtual std::optional<std::string> readLink(const std::string& boardPath) = 0;
    // `boardPath` made absolute ("~/x" and "x" relative to the home directory on the board).
    virtual std::string absolutePath(const std::string& boardPath) = 0;
    // Starts `command` and keeps it running with its stdin open until the returned transport is
    // closed or destroyed, or the connection drops (then the command sees EOF): for what must
    // last exactly as long as this connection, like the deploy lock. Throws like run().
    virtual std::unique_ptr<LineTransport> startCommand(const std::string& command) = 0;
    // "user@host:port" or "this machine", for messages.
    virtual std::string describe() const = 0;

    // POSIX sh single quoting, for building command lines from paths and arguments.
    static std::string quote(std::string_view text);
    // Like quote(), but a leading "~/" stays outside the quotes as "$HOME"/ so the board's shell
    // expands it.
    static std::string quotePath(const std::string& path);
};

} // namespace dvfo
