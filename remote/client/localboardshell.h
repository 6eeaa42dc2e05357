#pragma once
#include "remote/client/boardshell.h"

namespace dvfo {

// This machine as a board's shell: where the built-in emulated boards live. Commands run with
// /bin/sh in their own process group (killed as a whole on timeout), files are copied locally.
class LocalBoardShell : public BoardShell {
public:
    ShellResult run(const std::string& command, std::chrono::milliseconds timeout) override;
    void upload(const std::string& localPath, const std::string& boardPath,
                const FileUploadOptions& options) override;
    void makeDirectories(const std::string& boardPath) override;
    std::optional<std::string> readLink(const std::string& boardPath) override;
    std::string absolutePath(const std::string& boardPath) override;
    std::unique_ptr<LineTransport> startCommand(const std::string& command) override;
    std::string describe() const override { return "this machine"; }
};

} // namespace dvfo
