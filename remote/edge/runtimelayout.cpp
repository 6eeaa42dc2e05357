#include "remote/edge/runtimelayout.h"

#include "core/common/sha256.h"

#include <cstdlib>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace dvfo {

namespace {
bool usableDirectory(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return !ec && ::access(dir.c_str(), W_OK | X_OK) == 0;
}
} // namespace

std::string RuntimeLayout::defaultRootInHome(const std::string& emulatedBoardId) {
    const std::string root = "~/.local/share/dvfo-edge";
    return emulatedBoardId.empty() ? root : root + "/emulated-" + emulatedBoardId;
}

std::string RuntimeLayout::defaultRoot(const std::string& emulatedBoardId) {
    return expandHome(defaultRootInHome(emulatedBoardId));
}

std::string RuntimeLayout::expandHome(const std::string& path) {
    if (path.rfind("~/", 0) != 0)
        return path;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + path.substr(1);
}

std::string RuntimeLayout::runDirectory() {
    if (const char* dir = std::getenv("DVFO_EDGE_RUN_DIR"); dir && *dir && usableDirectory(dir))
        return dir;
    if (usableDirectory("/run/dvfo-edge"))
        return "/run/dvfo-edge";
    if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) {
        const std::string dir = std::string(xdg) + "/dvfo-edge";
        if (usableDirectory(dir))
            return dir;
    }
    const std::string dir = "/tmp/dvfo-edge-" + std::to_string(::getuid());
    usableDirectory(dir);
    ::chmod(dir.c_str(), 0700);
    return dir;
}

std::string RuntimeLayout::pidPath() const {
    std::error_code ec;
    std::string absolute =
        std::filesystem::weakly_canonical(std::filesystem::absolute(root, ec), ec).string();
    if (absolute.empty())
        absolute = root;
    while (absolute.size() > 1 && absolute.back() == '/')
        absolute.pop_back();
    return runDirectory() + "/runtime-" + Sha256::hexOf(absolute).substr(0, 16) + ".pid";
}

std::string RuntimeLayout::versionOfBundleDir(const std::string& dirName) {
    const auto at = dirName.rfind('@');
    return at == std::string::npos ? dirName : dirName.substr(0, at);
}

} // namespace dvfo
