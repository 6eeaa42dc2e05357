#include "remote/edge/sysfsfile.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace dvfo::sysfs {

namespace fs = std::filesystem;

std::string errnoMessage(const std::string& action, const std::string& path, int err) {
    std::string msg = "cannot " + action + " " + path + ": " + std::strerror(err) + " (errno " +
                      std::to_string(err) + ")";
    if (err == EACCES || err == EPERM) {
        const bool write = action.rfind("write", 0) == 0;
        msg += write ? "; run dvfo-edge as root or grant write access to this file"
                     : "; run dvfo-edge as root or grant read access to this file";
    } else if (err == ENOENT) {
        msg += "; the kernel does not expose this file (wrong board template, or debugfs not "
               "mounted)";
    } else if (err == EINVAL && action.rfind("write", 0) == 0) {
        msg += "; the kernel rejected the value";
    }
    return msg;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

bool isDirectory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> listDir(const std::string& path) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(path, ec);
    if (ec) {
        // A missing directory is a normal "not on this board"; a forbidden one is not.
        if (ec.value() == EACCES || ec.value() == EPERM)
            throw HalError(errnoMessage("list", path, ec.value()));
        return names;
    }
    for (const auto& e : it)
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string readFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw HalError(errnoMessage("read", path, errno));
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            throw HalError(errnoMessage("read", path, err));
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

std::string trim(const std::string& s) {
    auto junk = [](char c) { return c == '\0' || std::isspace(static_cast<unsigned char>(c)); };
    size_t b = 0, e = s.size();
    while (b < e && junk(s[b]))
        ++b;
    while (e > b && junk(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

std::string readTrimmed(const std::string& path) {
    return trim(readFile(path));
}

void writeFile(const std::string& path, const std::string& value) {
    // O_TRUNC is ignored by sysfs but makes the fake trees in the tests behave like it.
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        throw HalError(errnoMessage("write '" + value + "' to", path, errno));
    ssize_t n;
    do {
        n = ::write(fd, value.data(), value.size());
    } while (n < 0 && errno == EINTR);
    // sysfs store callbacks report rejection through write(2), so keep that errno.
    const int err = n < 0 ? errno : 0;
    const bool closeFailed = ::close(fd) != 0;
    const int closeErr = errno;
    if (n < 0)
        throw HalError(errnoMessage("write '" + value + "' to", path, err));
    if (static_cast<size_t>(n) != value.size())
        throw HalError("cannot write '" + value + "' to " + path + ": short write (" +
                       std::to_string(n) + " of " + std::to_string(value.size()) + " bytes)");
    if (closeFailed)
        throw HalError(errnoMessage("write '" + value + "' to", path, closeErr));
}

namespace {

std::string quoted(const std::string& content) {
    std::string shown = content.size() > 80 ? content.substr(0, 80) + "..." : content;
    std::string out;
    for (char c : shown) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\0')
            out += "\\0";
        else
            out += c;
    }
    return "'" + out + "'";
}

} // namespace

int64_t parseInt64(const std::string& content, const std::string& path) {
    const std::string t = trim(content);
    int64_t v = 0;
    const auto res = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || res.ec != std::errc() || res.ptr != t.data() + t.size())
        throw HalError("malformed content " + quoted(content) + " in " + path +
                       ": expected an integer");
    return v;
}

double parseDouble(const std::string& content, const std::string& path) {
    const std::string t = trim(content);
    // Locale-independent: sysfs never prints a decimal comma.
    std::istringstream in(t);
    in.imbue(std::locale::classic());
    double v = 0;
    in >> v;
    if (t.empty() || in.fail() || !in.eof())
        throw HalError("malformed content " + quoted(content) + " in " + path +
                       ": expected a number");
    return v;
}

std::vector<int64_t> parseInt64List(const std::string& content, const std::string& path) {
    std::vector<int64_t> out;
    std::istringstream in(content);
    std::string tok;
    while (in >> tok) {
        const std::string t = trim(tok);
        if (t.empty())
            continue;
        int64_t v = 0;
        const auto res = std::from_chars(t.data(), t.data() + t.size(), v);
        if (res.ec != std::errc() || res.ptr != t.data() + t.size())
            throw HalError("malformed content " + quoted(content) + " in " + path + ": token '" +
                           t + "' is not an integer");
        out.push_back(v);
    }
    return out;
}

int64_t readInt64(const std::string& path) {
    return parseInt64(readFile(path), path);
}

double readDouble(const std::string& path) {
    return parseDouble(readFile(path), path);
}

} // namespace dvfo::sysfs
