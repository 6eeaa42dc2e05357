#include "remote/ssh/sftpclient.h"

#include "core/common/sha256.h"
#include "remote/ssh/sshexec.h"

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dvfo {

namespace {

// 32 KiB stays below every server's SFTP packet limit (OpenSSH: 256 KiB) and the
// libssh 0.10 write path, which sends one request per call.
constexpr std::size_t kChunk = 32 * 1024;

const char* sftpErrorText(int code) {
    switch (code) {
    case SSH_FX_OK:
        return "no error";
    case SSH_FX_EOF:
        return "unexpected end of file";
    case SSH_FX_NO_SUCH_FILE:
        return "no such file or directory";
    case SSH_FX_PERMISSION_DENIED:
        return "permission denied";
    case SSH_FX_FAILURE:
        return "operation failed";
    case SSH_FX_BAD_MESSAGE:
        return "bad message";
    case SSH_FX_NO_CONNECTION:
        return "no connection";
    case SSH_FX_CONNECTION_LOST:
        return "connection lost";
    case SSH_FX_OP_UNSUPPORTED:
        return "operation not supported by the server";
    case SSH_FX_INVALID_HANDLE:
        return "invalid handle";
    case SSH_FX_NO_SUCH_PATH:
        return "no such path";
    case SSH_FX_FILE_ALREADY_EXISTS:
        return "file already exists";
    case SSH_FX_WRITE_PROTECT:
        return "write protected";
    case SSH_FX_NO_MEDIA:
        return "no media";
    default:
        return "unknown SFTP error";
    }
}

std::string parentOf(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return {};
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

std::string randomSuffix() {
    static const char* digits = "0123456789abcdef";
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 8; ++i)
        s.push_back(digits[rd() % 16]);
    return s;
}

struct AttrGuard {
    sftp_attributes attr = nullptr;
    ~AttrGuard() {
        if (attr)
            sftp_attributes_free(attr);
    }
};

RemoteFileInfo toInfo(sftp_attributes a) {
    RemoteFileInfo info;
    info.size = a->size;
    info.permissions = a->permissions & 07777;
    const unsigned fmt = a->permissions & 0170000;
    info.isDirectory = fmt == 0040000 || (fmt == 0 && a->type == SSH_FILEXFER_TYPE_DIRECTORY);
    info.isRegular = fmt == 0100000 || (fmt == 0 && a->type == SSH_FILEXFER_TYPE_REGULAR);
    info.isSymlink = fmt == 0120000 || (fmt == 0 && a->type == SSH_FILEXFER_TYPE_SYMLINK);
    info.mtime = std::int64_t(a->mtime64 ? a->mtime64 : a->mtime);
    return info;
}

} // namespace

SftpClient::SftpClient(SshSession& session) : m_session(session) {
    auto guard = m_session.lock();
    if (!m_session.isConnected())
        throw SshError(SshError::Kind::ConnectionLost, "Not connected to " + m_session.describe());
    m_sftp = sftp_new(m_session.handle());
    if (!m_sftp)
        m_session.throwSessionError(SshError::Kind::Sftp,
                                    "Cannot open an SFTP channel on " + m_session.describe());
    m_generation = m_session.generation();
    if (sftp_init(m_sftp) != SSH_OK) {
        const int code = sftp_get_error(m_sftp);
        sftp_free(m_sftp);
        m_sftp = nullptr;
        m_session.throwSessionError(SshError::Kind::Sftp,
                                    "SFTP subsystem of " + m_session.describe() +
                                        " did not start (" + sftpErrorText(code) +
                                        "; is 'Subsystem sftp' enabled in sshd_config?)");
    }
}

SftpClient::~SftpClient() {
    auto guard = m_session.lock();
    // After a disconnect libssh already freed the channel inside m_sftp; calling
    // sftp_free would touch freed memory, so the small struct is leaked instead.
    if (m_sftp && m_generation == m_session.generation())
        sftp_free(m_sftp);
    m_sftp = nullptr;
}

void SftpClient::fail(const std::string& what, const std::string& path) const {
    const int code = m_sftp ? sftp_get_error(m_sftp) : SSH_FX_NO_CONNECTION;
    const std::string where = m_session.describe() + ":" + path;
    if (m_session.transportDead()) {
        throw SshError(SshError::Kind::ConnectionLost, "Connection to " + m_session.describe() +
                                                           " lost during " + what + " of " + path +
                                                           ": " + m_session.lastError());
    }
    std::string detail = sftpErrorText(code);
    if (code == SSH_FX_FAILURE || code == SSH_FX_OK) {
        const std::string extra = m_session.lastError();
        if (!extra.empty() && extra != "unknown error")
            detail += " (" + extra + ")";
    }
    throw SshError(SshError::Kind::Sftp, "SFTP " + what + " of " + where + " failed: " + detail);
}

const std::string& SftpClient::homeDirectory() {
    if (m_home.empty()) {
        auto guard = m_session.lock();
        char* p = sftp_canonicalize_path(m_sftp, ".");
        if (!p)
            fail("home directory lookup", ".");
        m_home = p;
        ssh_string_free_char(p);
    }
    return m_home;
}

std::string SftpClient::resolve(const std::string& remotePath) {
    if (remotePath.empty() || remotePath == "~")
        return homeDirectory();
    if (remotePath.rfind("~/", 0) == 0)
        return homeDirectory() + remotePath.substr(1);
    if (remotePath.front() != '/')
        return homeDirectory() + "/" + remotePath;
    return remotePath;
}

std::optional<RemoteFileInfo> SftpClient::statImpl(const std::string& path, bool follow) {
    const std::string p = resolve(path);
    auto guard = m_session.lock();
    AttrGuard a;
    a.attr = follow ? sftp_stat(m_sftp, p.c_str()) : sftp_lstat(m_sftp, p.c_str());
    if (!a.attr) {
        const int code = sftp_get_error(m_sftp);
        if (code == SSH_FX_NO_SUCH_FILE || code == SSH_FX_NO_SUCH_PATH)
            return std::nullopt;
        fail("stat", p);
    }
    return toInfo(a.attr);
}

std::optional<RemoteFileInfo> SftpClient::stat(const std::string& remotePath) {
    return statImpl(remotePath, true);
}

std::optional<RemoteFileInfo> SftpClient::lstat(const std::string& remotePath) {
    return statImpl(remotePath, false);
}

void SftpClient::mkdirs(const std::string& remotePath, unsigned int mode) {
    const std::string path = resolve(remotePath);
    std::string prefix;
    std::size_t pos = 0;
    while (pos < path.size()) {
        const auto next = path.find('/', pos + 1);
        prefix = path.substr(0, next == std::string::npos ? path.size() : next);
        pos = next == std::string::npos ? path.size() : next;
        if (prefix.empty() || prefix == "/" || prefix.back() == '/')
            continue;
        auto info = stat(prefix);
        if (info) {
            if (!info->isDirectory) {
                throw SshError(SshError::Kind::Sftp, "Cannot create directory " +
                                                         m_session.describe() + ":" + path + ": " +
                                                         prefix + " exists and is not a directory");
            }
            continue;
        }
        auto guard = m_session.lock();
        if (sftp_mkdir(m_sftp, prefix.c_str(), mode_t(mode)) != SSH_OK) {
            // Someone else may have created it in between; only fail if it is still missing.
            const int code = sftp_get_error(m_sftp);
            guard.unlock();
            auto again = stat(prefix);
            if (again && again->isDirectory)
                continue;
            (void)code;
            fail("mkdir", prefix);
        }
    }
}

void SftpClient::chmod(const std::string& remotePath, unsigned int mode) {
    const std::string p = resolve(remotePath);
    auto guard = m_session.lock();
    if (sftp_chmod(m_sftp, p.c_str(), mode_t(mode)) != SSH_OK)
        fail("chmod", p);
}

bool SftpClient::remove(const std::string& remotePath) {
    const std::string p = resolve(remotePath);
    auto guard = m_session.lock();
    if (sftp_unlink(m_sftp, p.c_str()) == SSH_OK)
        return true;
    const int code = sftp_get_error(m_sftp);
    if (code == SSH_FX_NO_SUCH_FILE || code == SSH_FX_NO_SUCH_PATH)
        return false;
    fail("remove", p);
}

bool SftpClient::removeDirectory(const std::string& remotePath) {
    const std::string p = resolve(remotePath);
    auto guard = m_session.lock();
    if (sftp_rmdir(m_sftp, p.c_str()) == SSH_OK)
        return true;
    const int code = sftp_get_error(m_sftp);
    if (code == SSH_FX_NO_SUCH_FILE || code == SSH_FX_NO_SUCH_PATH)
        return false;
    fail("rmdir", p);
}

void SftpClient::renameOver(const std::string& from, const std::string& to) {
    {
        auto guard = m_session.lock();
        if (sftp_rename(m_sftp, from.c_str(), to.c_str()) == SSH_OK)
            return;
    }
    // SFTPv3 rename refuses to replace an existing file and libssh 0.10 has no
    // posix-rename@openssh.com call, so fall back to mv(1), which uses rename(2) and
    // is therefore atomic on the board.
    if (!lstat(to))
        fail("rename", from + " -> " + to);
    SshExec exec(m_session);
    exec.runChecked("mv -f -- " + SshExec::shellQuote(from) + " " + SshExec::shellQuote(to),
                    std::chrono::seconds(30));
}

void SftpClient::rename(const std::string& from, const std::string& to) {
    renameOver(resolve(from), resolve(to));
}

void SftpClient::symlink(const std::string& target, const std::string& linkPath) {
    const std::string link = resolve(linkPath);
    if (auto info = lstat(link)) {
        if (!info->isSymlink) {
            throw SshError(SshError::Kind::Sftp, "Cannot create symlink " + m_session.describe() +
                                                     ":" + link + ": a non-link file exists there");
        }
        remove(link);
    }
    auto guard = m_session.lock();
    // The target is stored verbatim (relative targets stay relative).
    if (sftp_symlink(m_sftp, target.c_str(), link.c_str()) != SSH_OK)
        fail("symlink", link + " -> " + target);
}

std::string SftpClient::readLink(const std::string& remotePath) {
    const std::string p = resolve(remotePath);
    auto guard = m_session.lock();
    char* t = sftp_readlink(m_sftp, p.c_str());
    if (!t)
        fail("readlink", p);
    std::string out = t;
    ssh_string_free_char(t);
    return out;
}

std::string SftpClient::remoteSha256(const std::string& remotePath) {
    const std::string p = resolve(remotePath);
    SshExec exec(m_session);
    ExecOptions options;
    options.timeout = std::chrono::minutes(5);
    const ExecResult r = exec.run("sha256sum -b -- " + SshExec::shellQuote(p), options);
    if (!r.ok() || r.stdoutText.size() < 64) {
        throw SshError(SshError::Kind::Verify,
                       "Cannot compute SHA-256 of " + m_session.describe() + ":" + p +
                           " with sha256sum (exit status " + std::to_string(r.exitStatus) +
                           (r.stderrText.empty() ? std::string() : "; " + r.stderrText) + ")");
    }
    std::string hex = r.stdoutText.substr(0, 64);
    for (char& c : hex) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) {
            throw SshError(SshError::Kind::Verify,
                           "Unexpected sha256sum output for " + p + ": " + r.stdoutText);
        }
        c = char(std::tolower(static_cast<unsigned char>(c)));
    }
    return hex;
}

std::string SftpClient::upload(const std::string& localPath, const std::string& remotePath,
                               const UploadOptions& options) {
    const int localFd = ::open(localPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (localFd < 0) {
        throw SshError(SshError::Kind::Config,
                       "Cannot open " + localPath + " for upload: " + std::strerror(errno));
    }
    struct FdGuard {
        int fd;
        ~FdGuard() { ::close(fd); }
    } fdGuard{localFd};
    struct stat st {};
    if (::fstat(localFd, &st) != 0 || !S_ISREG(st.st_mode))
        throw SshError(SshError::Kind::Config, localPath + " is not a regular file");
    const std::uint64_t total = std::uint64_t(st.st_size);
    const unsigned int mode =
        options.mode >= 0 ? unsigned(options.mode) : unsigned(st.st_mode & 07777);

    const std::string target = resolve(remotePath);
    if (options.createParents) {
        const std::string parent = parentOf(target);
        if (!parent.empty())
            mkdirs(parent);
    }
    const std::string temp = options.atomic ? target + ".dvfo-part-" + randomSuffix() : target;

    Sha256 hash;
    std::uint64_t done = 0;
    {
        auto guard = m_session.lock();
        sftp_file file =
            sftp_open(m_sftp, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode_t(0600));
        if (!file)
            fail("upload", temp);
        guard.unlock();

        auto abort = [&](SshError error) {
            auto g = m_session.lock();
            sftp_close(file);
            if (options.atomic && !m_session.transportDead())
                sftp_unlink(m_sftp, temp.c_str());
            throw error;
        };
        if (options.progress && !options.progress(0, total))
            abort(SshError(SshError::Kind::Cancelled, "Upload of " + localPath + " cancelled"));
        std::vector<char> buf(kChunk);
        for (;;) {
            const ssize_t n = ::read(localFd, buf.data(), buf.size());
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                abort(SshError(SshError::Kind::Config,
                               "Read error on " + localPath + ": " + std::strerror(errno)));
            }
            if (n == 0)
                break;
            hash.update(buf.data(), std::size_t(n));
            {
                auto g = m_session.lock();
                const ssize_t w = sftp_write(file, buf.data(), std::size_t(n));
                if (w != n) {
                    // Capture the error now: abort() runs more SFTP requests.
                    try {
                        fail("upload", temp);
                    } catch (SshError& e) {
                        g.unlock();
                        abort(e);
                    }
                }
                m_session.noteActivity();
            }
            done += std::uint64_t(n);
            if (options.progress && !options.progress(done, total)) {
                abort(SshError(SshError::Kind::Cancelled,
                               "Upload of " + localPath + " to " + target + " cancelled"));
            }
        }
        guard.lock();
        if (sftp_close(file) != SSH_OK)
            fail("upload (close)", temp);
    }
    const std::string localHash = hash.hexDigest();

    try {
        chmod(temp, mode);
        if (options.verifySha256) {
            const std::string remoteHash = remoteSha256(temp);
            if (remoteHash != localHash) {
                throw SshError(SshError::Kind::Verify,
                               "Checksum mismatch after uploading " + localPath + " to " +
                                   m_session.describe() + ":" + target + ": local " + localHash +
                                   ", remote " + remoteHash);
            }
        }
        if (options.atomic)
            renameOver(temp, target);
    } catch (...) {
        if (options.atomic && !m_session.transportDead()) {
            auto guard = m_session.lock();
            sftp_unlink(m_sftp, temp.c_str());
        }
        throw;
    }
    return localHash;
}

std::string SftpClient::download(const std::string& remotePath, const std::string& localPath,
                                 const TransferProgress& progress, bool verifySha256) {
    const std::string source = resolve(remotePath);
    const std::string temp = localPath + ".dvfo-part";
    const int localFd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (localFd < 0) {
        throw SshError(SshError::Kind::Config,
                       "Cannot create " + temp + ": " + std::strerror(errno));
    }
    bool keep = false;
    struct Cleanup {
        int fd;
        const std::string& path;
        bool& keep;
        ~Cleanup() {
            if (fd >= 0)
                ::close(fd);
            if (!keep)
                ::unlink(path.c_str());
        }
    } cleanup{localFd, temp, keep};

    Sha256 hash;
    unsigned int remoteMode = 0644;
    {
        auto guard = m_session.lock();
        sftp_file file = sftp_open(m_sftp, source.c_str(), O_RDONLY, 0);
        if (!file)
            fail("download", source);
        // Closing needs the session lock, and an exception may leave this scope while
        // it is released.
        struct FileGuard {
            SshSession& s;
            sftp_file f;
            ~FileGuard() {
                auto g = s.lock();
                sftp_close(f);
            }
        } fileGuard{m_session, file};
        std::uint64_t total = 0;
        {
            AttrGuard a;
            a.attr = sftp_fstat(file);
            if (a.attr) {
                total = a.attr->size;
                remoteMode = a.attr->permissions & 0777;
            }
        }
        guard.unlock();
        if (progress && !progress(0, total))
            throw SshError(SshError::Kind::Cancelled, "Download of " + source + " cancelled");
        std::vector<char> buf(kChunk);
        std::uint64_t done = 0;
        for (;;) {
            guard.lock();
            const ssize_t n = sftp_read(file, buf.data(), buf.size());
            if (n < 0)
                fail("download", source);
            guard.unlock();
            if (n == 0)
                break;
            hash.update(buf.data(), std::size_t(n));
            for (ssize_t off = 0; off < n;) {
                const ssize_t w = ::write(localFd, buf.data() + off, std::size_t(n - off));
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0) {
                    throw SshError(SshError::Kind::Config,
                                   "Write error on " + temp + ": " + std::strerror(errno));
                }
                off += w;
            }
            done += std::uint64_t(n);
            if (progress && !progress(done, total))
                throw SshError(SshError::Kind::Cancelled, "Download of " + source + " cancelled");
        }
        guard.lock();
    }
    const std::string localHash = hash.hexDigest();
    if (verifySha256) {
        const std::string remoteHash = remoteSha256(source);
        if (remoteHash != localHash) {
            throw SshError(SshError::Kind::Verify,
                           "Checksum mismatch after downloading " + m_session.describe() + ":" +
                               source + ": remote " + remoteHash + ", local " + localHash);
        }
    }
    ::fchmod(localFd, remoteMode);
    if (::fsync(localFd) != 0 || ::close(localFd) != 0) {
        cleanup.fd = -1;
        throw SshError(SshError::Kind::Config,
                       "Cannot write " + temp + ": " + std::strerror(errno));
    }
    cleanup.fd = -1;
    if (::rename(temp.c_str(), localPath.c_str()) != 0) {
        throw SshError(SshError::Kind::Config,
                       "Cannot rename " + temp + " to " + localPath + ": " + std::strerror(errno));
    }
    keep = true;
    return localHash;
}

void SftpClient::writeFile(const std::string& remotePath, const std::string& content, int mode) {
    // Reuse the upload path (atomic, verified) through a private temporary file: the
    // extra local I/O is negligible for the small files this is meant for.
    char tmpl[] = "/tmp/dvfo-sftp-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    if (fd < 0)
        throw SshError(SshError::Kind::Config,
                       std::string("Cannot create a temporary file: ") + std::strerror(errno));
    struct Unlink {
        const char* p;
        ~Unlink() { ::unlink(p); }
    } unlinkGuard{tmpl};
    const ssize_t n = ::write(fd, content.data(), content.size());
    ::close(fd);
    if (n != ssize_t(content.size()))
        throw SshError(SshError::Kind::Config, "Cannot write a temporary file");
    UploadOptions options;
    options.mode = mode;
    options.verifySha256 = false;
    upload(tmpl, remotePath, options);
}

std::string SftpClient::readFile(const std::string& remotePath, std::uint64_t maxBytes) {
    const std::string p = resolve(remotePath);
    auto guard = m_session.lock();
    sftp_file file = sftp_open(m_sftp, p.c_str(), O_RDONLY, 0);
    if (!file)
        fail("read", p);
    struct FileGuard {
        sftp_file f;
        ~FileGuard() { sftp_close(f); }
    } fileGuard{file};
    std::string out;
    std::vector<char> buf(kChunk);
    for (;;) {
        const ssize_t n = sftp_read(file, buf.data(), buf.size());
        if (n < 0)
            fail("read", p);
        if (n == 0)
            break;
        out.append(buf.data(), std::size_t(n));
        if (out.size() > maxBytes) {
            throw SshError(SshError::Kind::Sftp, m_session.describe() + ":" + p +
                                                     " is larger than " + std::to_string(maxBytes) +
                                                     " bytes");
        }
    }
    return out;
}

} // namespace dvfo
