#pragma once

#include "remote/ssh/sshsession.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

struct sftp_session_struct;

namespace dvfo {

// (bytes done, bytes total); return false to abort the transfer (SshError Cancelled).
using TransferProgress = std::function<bool(std::uint64_t done, std::uint64_t total)>;

struct RemoteFileInfo {
    std::uint64_t size = 0;
    unsigned int permissions = 0; // mode bits (07777)
    bool isDirectory = false;
    bool isRegular = false;
    bool isSymlink = false;
    std::int64_t mtime = 0;
};

struct UploadOptions {
    // Remote permission bits; -1 copies the local file's bits. Applied with chmod
    // after writing, so the remote umask does not interfere.
    int mode = -1;
    // Compare the remote `sha256sum` of the written file with the local hash.
    bool verifySha256 = true;
    // Write to "<path>.dvfo-part" and rename over <path> only when complete and
    // verified: a running binary is never half-overwritten and an interrupted upload
    // never leaves a truncated file under the real name.
    bool atomic = true;
    bool createParents = true;
    TransferProgress progress;
};

// SFTP file operations on a connected SshSession (opens its own sftp channel).
// Remote paths may start with "~/" (expanded to the login home directory); relative
// paths are relative to it as well. One SftpClient must be used from one thread at a
// time and destroyed before its session is disconnected.
class SftpClient {
public:
    explicit SftpClient(SshSession& session);
    ~SftpClient();
    SftpClient(const SftpClient&) = delete;
    SftpClient& operator=(const SftpClient&) = delete;

    // Returns the SHA-256 (hex) of the uploaded content.
    std::string upload(const std::string& localPath, const std::string& remotePath,
                       const UploadOptions& options = {});
    // Downloads via "<local>.dvfo-part" + rename. Returns the SHA-256 (hex) of the
    // content; with verifySha256 it is checked against the remote `sha256sum`.
    std::string download(const std::string& remotePath, const std::string& localPath,
                         const TransferProgress& progress = {}, bool verifySha256 = false);

    void writeFile(const std::string& remotePath, const std::string& content, int mode = 0644);
    std::string readFile(const std::string& remotePath, std::uint64_t maxBytes = 16u << 20);

    // mkdir -p; existing directories are fine.
    void mkdirs(const std::string& remotePath, unsigned int mode = 0755);
    // Replaces `to` if it exists (rename(2) semantics).
    void rename(const std::string& from, const std::string& to);
    // Creates linkPath -> target, replacing an existing symlink at linkPath.
    void symlink(const std::string& target, const std::string& linkPath);
    std::string readLink(const std::string& remotePath);
    // Removes a file or symlink; returns false if it did not exist.
    bool remove(const std::string& remotePath);
    // Removes an empty directory; returns false if it did not exist.
    bool removeDirectory(const std::string& remotePath);
    void chmod(const std::string& remotePath, unsigned int mode);
    // stat follows symlinks, lstat does not; std::nullopt when the path does not exist.
    std::optional<RemoteFileInfo> stat(const std::string& remotePath);
    std::optional<RemoteFileInfo> lstat(const std::string& remotePath);
    bool exists(const std::string& remotePath) { return lstat(remotePath).has_value(); }

    // Runs `sha256sum` on the board. Throws SshError if it is missing or fails.
    std::string remoteSha256(const std::string& remotePath);
    // "~/x" and relative paths made absolute.
    std::string resolve(const std::string& remotePath);
    const std::string& homeDirectory();

private:
    [[noreturn]] void fail(const std::string& what, const std::string& path) const;
    void renameOver(const std::string& from, const std::string& to);
    std::optional<RemoteFileInfo> statImpl(const std::string& path, bool follow);

    SshSession& m_session;
    sftp_session_struct* m_sftp = nullptr;
    std::uint64_t m_generation = 0;
    std::string m_home;
};

} // namespace dvfo
