#include "remote/ssh/knownhostsfile.h"

#include "core/common/sha256.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <unistd.h>

namespace dvfo {

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::array<uint8_t, 20> sha1(const std::string& data) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::string m = data;
    const uint64_t bits = uint64_t(data.size()) * 8;
    m.push_back(char(0x80));
    while (m.size() % 64 != 56)
        m.push_back('\0');
    for (int i = 7; i >= 0; --i)
        m.push_back(char((bits >> (i * 8)) & 0xff));
    auto rol = [](uint32_t v, int n) { return (v << n) | (v >> (32 - n)); };
    for (size_t off = 0; off < m.size(); off += 64) {
        uint32_t w[80];
        for (int i = 0; i < 16; ++i)
            w[i] = uint32_t(uint8_t(m[off + 4 * i])) << 24 |
                   uint32_t(uint8_t(m[off + 4 * i + 1])) << 16 |
                   uint32_t(uint8_t(m[off + 4 * i + 2])) << 8 |
                   uint32_t(uint8_t(m[off + 4 * i + 3]));
        for (int i = 16; i < 80; ++i)
            w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; ++i) {
            uint32_t f, k;
            if (i < 20) {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            } else if (i < 40) {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            } else if (i < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            } else {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }
            const uint32_t t = rol(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = rol(b, 30);
            b = a;
            a = t;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
    }
    std::array<uint8_t, 20> out{};
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 4; ++j)
            out[size_t(4 * i + j)] = uint8_t(h[i] >> (24 - 8 * j));
    return out;
}

// OpenSSH's match_pattern: `*` any run, `?` one character, case-insensitive for host names.
bool wildcardMatch(const char* s, const char* p) {
    for (;; ++s, ++p) {
        if (!*p)
            return !*s;
        if (*p == '*') {
            while (p[1] == '*')
                ++p;
            if (!p[1])
                return true;
            for (; *s; ++s)
                if (wildcardMatch(s, p + 1))
                    return true;
            return false;
        }
        if (!*s)
            return false;
        if (*p != '?' && std::tolower(uint8_t(*p)) != std::tolower(uint8_t(*s)))
            return false;
    }
}

std::vector<std::string> splitFields(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string f; in >> f;)
        out.push_back(f);
    return out;
}

// Whole file, or an error text (a missing file is no error: empty with ok).
bool readFile(const std::string& path, std::string* text, std::string* error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return true;
        *error = std::strerror(errno);
        return false;
    }
    char buf[65536];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *error = std::strerror(errno);
            ::close(fd);
            return false;
        }
        text->append(buf, size_t(n));
    }
    ::close(fd);
    return true;
}

std::string keyTypeOfBlob(const std::string& blob) {
    if (blob.size() < 4)
        return {};
    const uint32_t n = uint32_t(uint8_t(blob[0])) << 24 | uint32_t(uint8_t(blob[1])) << 16 |
                       uint32_t(uint8_t(blob[2])) << 8 | uint32_t(uint8_t(blob[3]));
    return n <= blob.size() - 4 ? blob.substr(4, n) : std::string();
}

} // namespace

std::string KnownHostsFile::base64Encode(const std::string& bytes, bool pad) {
    std::string out;
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 |
                           uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6)
            out.push_back(kB64[(v >> s) & 63]);
    }
    const size_t rest = bytes.size() - i;
    if (rest) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
        if (rest == 2)
            v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
        out.push_back(kB64[(v >> 18) & 63]);
        out.push_back(kB64[(v >> 12) & 63]);
        if (rest == 2)
            out.push_back(kB64[(v >> 6) & 63]);
        if (pad)
            out.append(rest == 1 ? "==" : "=");
    }
    return out;
}

bool KnownHostsFile::base64Decode(const std::string& text, std::string* bytes) {
    bytes->clear();
    uint32_t v = 0;
    int bits = 0;
    size_t padding = 0;
    for (char ch : text) {
        if (ch == '=') {
            ++padding;
            continue;
        }
        if (padding)
            return false; // data after padding
        const char* p = std::strchr(kB64, ch);
        if (!ch || !p)
            return false;
        v = (v << 6) | uint32_t(p - kB64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes->push_back(char((v >> bits) & 0xff));
        }
    }
    return padding <= 2 && !text.empty();
}

std::string KnownHostsFile::hmacSha1(const std::string& key, const std::string& data) {
    std::string k = key.size() > 64 ? [&] {
        const auto d = sha1(key);
        return std::string(d.begin(), d.end());
    }()
                                    : key;
    k.resize(64, '\0');
    std::string inner(64, '\0'), outer(64, '\0');
    for (size_t i = 0; i < 64; ++i) {
        inner[i] = char(k[i] ^ 0x36);
        outer[i] = char(k[i] ^ 0x5c);
    }
    const auto ih = sha1(inner + data);
    const auto oh = sha1(outer + std::string(ih.begin(), ih.end()));
    return std::string(oh.begin(), oh.end());
}

std::string KnownHostsFile::fingerprint(const std::string& keyBlob) {
    Sha256 h;
    h.update(keyBlob);
    const auto d = h.digest();
    return "SHA256:" + base64Encode(std::string(d.begin(), d.end()), false);
}

std::string KnownHostsFile::entry(const std::string& host, int port, const std::string& keyType,
                                  const std::string& keyBlob) {
    const std::string name = port == 22 ? host : "[" + host + "]:" + std::to_string(port);
    return name + " " + keyType + " " + base64Encode(keyBlob);
}

bool KnownHostsFile::hostFieldMatches(const std::string& field, const std::string& host, int port) {
    const std::string name = port == 22 ? host : "[" + host + "]:" + std::to_string(port);
    if (field.rfind("|1|", 0) == 0) {
        const auto bar = field.find('|', 3);
        std::string salt, hash;
        if (bar == std::string::npos || !base64Decode(field.substr(3, bar - 3), &salt) ||
            !base64Decode(field.substr(bar + 1), &hash))
            return false;
        return hmacSha1(salt, name) == hash;
    }
    bool matched = false;
    std::istringstream in(field);
    for (std::string pattern; std::getline(in, pattern, ',');) {
        const bool negated = !pattern.empty() && pattern[0] == '!';
        if (negated)
            pattern.erase(0, 1);
        if (pattern.empty())
            continue;
        if (wildcardMatch(name.c_str(), pattern.c_str())) {
            if (negated)
                return false; // a negated match excludes the host whatever else matches
            matched = true;
        }
    }
    return matched;
}

KnownHostsFile::Verdict KnownHostsFile::check(const std::vector<std::string>& files,
                                              const std::string& host, int port,
                                              const std::string& keyType,
                                              const std::string& keyBlob) {
    Verdict v;
    for (const std::string& file : files) {
        std::string text, error;
        if (!readFile(file, &text, &error)) {
            v.conflicts.push_back({file, 0, "cannot be read (" + error + ")"});
            continue;
        }
        std::istringstream in(text);
        int lineNo = 0;
        for (std::string line; std::getline(in, line);) {
            ++lineNo;
            while (!line.empty() &&
                   (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
                line.pop_back(); // CRLF files (edited on Windows) are read like LF files
            std::vector<std::string> f = splitFields(line);
            if (f.empty() || f[0][0] == '#')
                continue;
            std::string marker;
            if (f[0][0] == '@') {
                marker = f[0];
                f.erase(f.begin());
                if (f.empty())
                    continue;
            }
            if (!hostFieldMatches(f[0], host, port))
                continue;
            std::string blob;
            if (f.size() < 3 || !base64Decode(f[2], &blob) || keyTypeOfBlob(blob) != f[1]) {
                v.conflicts.push_back(
                    {file, lineNo, "has an entry for the host that cannot be parsed"});
                continue;
            }
            const bool same = f[1] == keyType && blob == keyBlob;
            const std::string what = f[1] + " " + fingerprint(blob);
            if (marker == "@revoked") {
                if (same)
                    v.revoked.push_back({file, lineNo, "revokes " + what});
            } else if (marker == "@cert-authority") {
                // A CA for host certificates, not a host key; we do not use certificates.
            } else if (!marker.empty()) {
                v.conflicts.push_back(
                    {file, lineNo, "has an unknown marker " + marker + " for the host"});
            } else if (same) {
                v.matched = true;
            } else {
                v.conflicts.push_back({file, lineNo, "expects " + what});
            }
        }
    }
    return v;
}

} // namespace dvfo
