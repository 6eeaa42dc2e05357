#include "remote/edge/savedclockstate.h"
#include "core/common/jsoninteger.h"

#include "core/common/sha256.h"
#include "remote/edge/boardhal.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace dvfo {

namespace {

constexpr const char* kFormat = "dvfo-edge-clock-state";
constexpr int kVersion = 1;

std::string errnoText(int err) {
    return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

// mkdir -p with private permissions: the state names which files the agent will write as root.
void makeDirectories(const std::string& dir) {
    std::string partial;
    std::istringstream parts(dir);
    std::string part;
    while (std::getline(parts, part, '/')) {
        if (part.empty())
            continue;
        partial += "/" + part;
        if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
            throw HalError(
                "cannot create " + partial + " to keep the original clocks: " + errnoText(errno) +
                "; run dvfo-edge as root or set XDG_RUNTIME_DIR to a writable directory");
    }
}

void fsyncDirectory(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return; // the entry is in place either way; only its durability is at stake
    ::fsync(fd);
    ::close(fd);
}

void writeAll(int fd, const std::string& text, const std::string& path) {
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw HalError("cannot write " + path + ": " + errnoText(errno));
        done += size_t(n);
    }
}

} // namespace

SavedClockState::SavedClockState(const std::string& boardRoot, std::string directory)
    : root_(boardRoot), directory_(std::move(directory)) {
    while (directory_.size() > 1 && directory_.back() == '/')
        directory_.pop_back();
    // The real board gets a name a person finds; a fake tree one derived from its path.
    const std::string name =
        root_ == "/" ? "clocks.json" : "clocks-" + Sha256::hexOf(root_).substr(0, 16) + ".json";
    path_ = directory_ + "/" + name;
}

std::string SavedClockState::defaultDirectory() {
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    if (xdg && xdg[0] == '/')
        return std::string(xdg) + "/dvfo-edge";
    return "/run/dvfo-edge";
}

std::optional<nlohmann::json> SavedClockState::load() const {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return std::nullopt;
        throw HalError("cannot read the saved original clocks in " + path_ + ": " +
                       errnoText(errno));
    }
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            throw HalError("cannot read the saved original clocks in " + path_ + ": " +
                           errnoText(err));
        }
        if (n == 0)
            break;
        text.append(buf, size_t(n));
        if (text.size() > (1u << 20)) {
            ::close(fd);
            throw HalError("saved original clocks in " + path_ + " are larger than 1 MiB");
        }
    }
    ::close(fd);

    // Never fall back to the current state here: after a crash it is the pinned one.
    const std::string what =
        "the saved original clocks in " + path_ +
        " are unreadable; put the governors and limits back by hand (or reboot), then delete the "
        "file";
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw HalError(what + " (not JSON: " + e.what() + ")");
    }
    if (!doc.is_object() || doc.value("format", std::string()) != kFormat)
        throw HalError(what + " (no \"format\": \"" + kFormat + "\")");
    if (!doc.contains("version") || !doc["version"].is_number_integer() ||
        jsonInteger<int>(doc["version"]) != kVersion)
        throw HalError(what + " (unsupported version, expected " + std::to_string(kVersion) + ")");
    if (!doc.contains("root") || !doc["root"].is_string() ||
        doc["root"].get<std::string>() != root_)
        throw HalError(what + " (written for another board root, expected \"" + root_ + "\")");
    if (!doc.contains("state") || !doc["state"].is_object())
        throw HalError(what + " (no \"state\" object)");
    return doc["state"];
}

nlohmann::json SavedClockState::store(const nlohmann::json& state) {
    makeDirectories(directory_);
    if (auto existing = load())
        return *existing;

    const nlohmann::json doc{{"format", kFormat},
                             {"version", kVersion},
                             {"root", root_},
                             {"pid", int(::getpid())},
                             {"state", state}};
    const std::string tmp = path_ + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        throw HalError("cannot create " + tmp +
                       " to keep the original clocks: " + errnoText(errno) +
                       "; run dvfo-edge as root or set XDG_RUNTIME_DIR to a writable directory");
    try {
        writeAll(fd, doc.dump(2) + "\n", tmp);
        if (::fsync(fd) != 0)
            throw HalError("cannot fsync " + tmp + ": " + errnoText(errno));
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    ::close(fd);
    // link(2), unlike rename(2), refuses to replace: of two agents pinning at once, the one that
    // stored first keeps the true original and the other adopts it.
    const int linked = ::link(tmp.c_str(), path_.c_str());
    const int err = errno;
    ::unlink(tmp.c_str());
    if (linked != 0 && err != EEXIST)
        throw HalError("cannot store the original clocks in " + path_ + ": " + errnoText(err));
    fsyncDirectory(directory_);
    if (linked != 0) {
        auto winner = load();
        if (!winner)
            throw HalError("the original clocks in " + path_ + " vanished while storing them");
        return *winner;
    }
    return state;
}

void SavedClockState::remove() {
    if (::unlink(path_.c_str()) != 0) {
        if (errno == ENOENT)
            return;
        throw HalError("cannot remove the saved original clocks " + path_ + ": " +
                       errnoText(errno));
    }
    fsyncDirectory(directory_);
}

} // namespace dvfo
