#pragma once
#include <string>
#include <vector>

namespace dvfo {

// OpenSSH known_hosts files, read the way ssh reads them, for SshSession's host key check. Our
// own parser rather than libssh's, because libssh 0.10 skips what it cannot parse (CRLF lines,
// @cert-authority, sk- and certificate key types) and ignores @revoked, so a changed key could
// look merely unknown, and an unknown key can be accepted.
//
// Per line: optional marker (@revoked, @cert-authority), host patterns (comma-separated, `*`/`?`
// wildcards, `!` negation, `[host]:port`, hashed `|1|salt|hash`), key type, base64 key, comment.
class KnownHostsFile {
public:
    // Something a file says about the host, for messages: "<file>:<line> expects <type> <fp>".
    struct Finding {
        std::string file;
        int line = 0; // 0: the whole file (it could not be read)
        std::string text;
    };
    struct Verdict {
        bool matched = false;           // a plain entry for the host has exactly the server's key
        std::vector<Finding> revoked;   // @revoked entries with the server's key: always refused
        std::vector<Finding> conflicts; // other keys for the host, unparsable entries for it,
                                        // unreadable files: refused unless the key matched
    };

    // Checks `files` (missing files are fine) for `host` on `port` (entries "host" for port 22,
    // "[host]:port" otherwise) against the server key (`keyType`, raw public key blob).
    static Verdict check(const std::vector<std::string>& files, const std::string& host, int port,
                         const std::string& keyType, const std::string& keyBlob);

    // One line's host field against the host (patterns, negation, hashed entries).
    static bool hostFieldMatches(const std::string& field, const std::string& host, int port);
    // "SHA256:<base64 without padding>" of a raw key blob, as ssh-keygen -l prints it.
    static std::string fingerprint(const std::string& keyBlob);
    // The known_hosts line for a key: "[host]:port type base64" (or "host ..." for port 22).
    static std::string entry(const std::string& host, int port, const std::string& keyType,
                             const std::string& keyBlob);

    static std::string base64Encode(const std::string& bytes, bool pad = true);
    // False when `text` is not base64.
    static bool base64Decode(const std::string& text, std::string* bytes);
    static std::string hmacSha1(const std::string& key, const std::string& data);
};

} // namespace dvfo
