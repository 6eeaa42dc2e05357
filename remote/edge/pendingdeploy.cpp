#include "remote/edge/pendingdeploy.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;

namespace dvfo {

namespace {
void fsyncPath(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

std::string bootId() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

std::string linkTarget(const std::string& link) {
    std::error_code ec;
    const fs::path t = fs::read_symlink(link, ec);
    return ec ? std::string() : t.filename().string();
}

void writeDurably(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != ssize_t(text.size()) ||
        ::fsync(fd) != 0) {
        const int err = errno;
        if (fd >= 0)
            ::close(fd);
        throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(err));
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot rename " + tmp + ": " + std::strerror(errno));
    fsyncPath(fs::path(path).parent_path().string());
}

void removeDurably(const std::string& path) {
    ::unlink(path.c_str());
    fsyncPath(fs::path(path).parent_path().string());
}

// <root>/current -> bundles/<dir>, atomically (symlink to a temp name, rename over) and durably.
void pointCurrentAt(const RuntimeLayout& layout, const std::string& dir) {
    const std::string tmp = layout.currentDir() + ".fallback-tmp";
    ::unlink(tmp.c_str());
    if (::symlink(("bundles/" + dir).c_str(), tmp.c_str()) != 0 ||
        ::rename(tmp.c_str(), layout.currentDir().c_str()) != 0)
        throw std::runtime_error("cannot switch current back to " + dir + ": " +
                                 std::strerror(errno));
    fsyncPath(layout.root);
}
} // namespace

std::string PendingDeploy::bundleToRun(const RuntimeLayout& layout, std::ostream& log) {
    const std::string current = linkTarget(layout.currentDir());
    auto dirOf = [&](const std::string& name) { return layout.bundlesDir() + "/" + name; };
    const std::string running = current.empty() ? layout.currentDir() : dirOf(current);
    std::ifstream in(layout.pendingPath());
    if (!in)
        return running;
    std::stringstream ss;
    ss << in.rdbuf();
    const auto marker = nlohmann::json::parse(ss.str(), nullptr, false);
    const bool readable = marker.is_object();
    const std::string bundle = readable ? marker.value("bundle", std::string()) : std::string();
    if (readable && bundle != current) {
        // Written, but the deploy stopped before it switched `current`: current is confirmed.
        removeDurably(layout.pendingPath());
        log << "dvfo-edge run: dropped the marker of an unfinished deploy of " << bundle << "\n";
        return running;
    }
    const auto armed = readable ? marker.value("armed", nlohmann::json()) : nlohmann::json();
    // Armed for this boot only: a reboot between arming and the restart must not start it.
    if (armed.is_string() && armed.get<std::string>() == bootId()) {
        nlohmann::json started = marker;
        started["armed"] = false;
        started["started"] = true;
        writeDurably(layout.pendingPath(),
                     started.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
        log << "dvfo-edge run: starting " << current
            << " on trial: it runs until its deploy's health check confirms it\n";
        return running;
    }
    std::string fallback = readable ? marker.value("fallback", std::string()) : std::string();
    if (fallback.empty() || fallback == current)
        fallback = linkTarget(layout.root + "/previous");
    if (fallback.empty() || fallback == current || !fs::is_directory(dirOf(fallback))) {
        throw std::runtime_error("bundle " + current +
                                 " never passed its health check and there is no previous bundle "
                                 "to fall back to; deploy again");
    }
    pointCurrentAt(layout, fallback);
    removeDurably(layout.pendingPath());
    log << "dvfo-edge run: bundle " << current << " never passed its health check; fell back to "
        << fallback << "\n";
    return dirOf(fallback);
}

} // namespace dvfo
