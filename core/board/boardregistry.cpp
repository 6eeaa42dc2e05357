#include "core/board/boardregistry.h"
#include "core/common/jsoninteger.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace dvfo {

namespace fs = std::filesystem;
using nlohmann::json;

json BoardEntry::toJson() const {
    json j{{"name", name},
           {"host", host},
           {"port", port},
           {"user", user},
           {"identityFile", identityFile},
           {"group", group},
           {"agentPath", agentPath}};
    if (!emulate.empty())
        j["emulate"] = emulate;
    if (!sysfsRoot.empty())
        j["sysfsRoot"] = sysfsRoot;
    return j;
}

BoardEntry BoardEntry::fromJson(const json& j) {
    try {
        BoardEntry e;
        e.name = j.at("name").get<std::string>();
        e.host = j.at("host").get<std::string>();
        e.port = jsonIntegerOr<int>(j, "port", 0);
        e.user = j.value("user", "");
        e.identityFile = j.value("identityFile", "");
        e.group = j.value("group", "");
        e.agentPath = j.value("agentPath", e.agentPath);
        e.emulate = j.value("emulate", "");
        e.sysfsRoot = j.value("sysfsRoot", "");
        return e;
    } catch (const json::exception& ex) {
        throw std::runtime_error(std::string("malformed board entry: ") + ex.what());
    }
}

std::string BoardRegistry::defaultPath() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        return std::string(x) + "/dvfo/boards.json";
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.config/dvfo/boards.json";
}

namespace {
std::mutex noticeMutex;
BoardRegistry::NoticeHandler noticeHandler;
std::vector<std::string> undelivered; // for a handler set later (the studio's log)

void notice(const std::string& text) {
    std::lock_guard<std::mutex> lock(noticeMutex);
    if (noticeHandler) {
        noticeHandler(text);
        return;
    }
    std::cerr << "dvfo: " << text << "\n";
    undelivered.push_back(text);
}

// flock on <path>.lock for the lifetime of this object (the file itself is replaced by rename,
// so it cannot carry the lock).
class RegistryLock {
public:
    explicit RegistryLock(const std::string& path) {
        const fs::path p(path);
        if (p.has_parent_path())
            fs::create_directories(p.parent_path());
        fd_ = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0)
            throw std::runtime_error("cannot lock " + path + ": " + std::strerror(errno));
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    ~RegistryLock() { ::close(fd_); }
    RegistryLock(const RegistryLock&) = delete;
    RegistryLock& operator=(const RegistryLock&) = delete;

private:
    int fd_ = -1;
};

void fsyncOrThrow(int fd, const std::string& what) {
    if (::fsync(fd) != 0)
        throw std::runtime_error("cannot write " + what + ": " + std::strerror(errno));
}
} // namespace

void BoardRegistry::setNoticeHandler(NoticeHandler handler) {
    std::lock_guard<std::mutex> lock(noticeMutex);
    noticeHandler = std::move(handler);
    if (noticeHandler)
        for (const auto& text : undelivered)
            noticeHandler(text);
    if (noticeHandler)
        undelivered.clear();
}

BoardRegistry::BoardRegistry(std::string path) : path_(std::move(path)) {
    if (!load())
        return;
    // A file of an older version trusted new host keys per board for good: drop the flag once.
    try {
        modify([](BoardRegistry&) {});
    } catch (const std::exception& e) {
        notice("could not rewrite " + path_ + ": " + e.what()); // the flag is ignored anyway
    }
    notice("boards.json (" + path_ +
           ") had \"acceptNewHostKey\" set; that flag is gone (it made trusting a new host key "
           "permanent) and the file was rewritten without it. Unknown host keys are now accepted "
           "per connection: --accept-fingerprint SHA256:... (CLI) or the studio's dialog.");
}

bool BoardRegistry::load() {
    boards_.clear();
    std::ifstream f(path_);
    if (!f)
        return false; // no boards yet
    std::stringstream ss;
    ss << f.rdbuf();
    json j;
    try {
        j = json::parse(ss.str());
    } catch (const json::exception& e) { // parse_error, and out_of_range for numbers like 1e999
        throw std::runtime_error("board list " + path_ + " is not valid JSON (" + e.what() +
                                 "); fix or remove it");
    }
    if (!j.contains("boards") || !j["boards"].is_array())
        throw std::runtime_error("board list " + path_ +
                                 " has no \"boards\" array; fix or remove it");
    bool migrated = false;
    for (const auto& b : j["boards"]) {
        migrated |= b.is_object() && b.contains("acceptNewHostKey");
        boards_.push_back(BoardEntry::fromJson(b));
    }
    return migrated;
}

void BoardRegistry::modify(const std::function<void(BoardRegistry&)>& change) {
    RegistryLock lock(path_);
    load();
    change(*this);
    write();
}

std::optional<BoardEntry> BoardRegistry::find(const std::string& name) const {
    for (const auto& b : boards_)
        if (b.name == name)
            return b;
    return std::nullopt;
}

void BoardRegistry::upsert(const BoardEntry& entry) {
    if (entry.name.empty() || entry.host.empty())
        throw std::invalid_argument("a board needs a name and a host");
    if (entry.name.rfind("emulated:", 0) == 0 ||
        entry.name.find_first_of(" \t/") != std::string::npos)
        throw std::invalid_argument("board name '" + entry.name +
                                    "' is reserved or has spaces/slashes; pick another name");
    if (entry.port < 0 || entry.port > 65535)
        throw std::invalid_argument("port must be 0..65535");
    for (auto& b : boards_)
        if (b.name == entry.name) {
            b = entry;
            return;
        }
    boards_.push_back(entry);
}

bool BoardRegistry::remove(const std::string& name) {
    for (auto it = boards_.begin(); it != boards_.end(); ++it)
        if (it->name == name) {
            boards_.erase(it);
            return true;
        }
    return false;
}

std::vector<BoardEntry> BoardRegistry::group(const std::string& g) const {
    std::vector<BoardEntry> out;
    for (const auto& b : boards_)
        if (b.group == g)
            out.push_back(b);
    return out;
}

void BoardRegistry::save() const {
    RegistryLock lock(path_);
    write();
}

void BoardRegistry::write() const {
    json arr = json::array();
    for (const auto& b : boards_)
        arr.push_back(b.toJson());
    const std::string text = json{{"version", 1}, {"boards", arr}}.dump(2) + "\n";
    const std::string tmp = path_ + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    if (::write(fd, text.data(), text.size()) != ssize_t(text.size())) {
        const int err = errno;
        ::close(fd);
        throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(err));
    }
    fsyncOrThrow(fd, tmp);
    ::close(fd);
    fs::rename(tmp, path_);
    const fs::path parent = fs::path(path_).has_parent_path() ? fs::path(path_).parent_path() : ".";
    const int dir = ::open(parent.c_str(), O_RDONLY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir); // the rename itself reaches the disk
        ::close(dir);
    }
}

} // namespace dvfo
