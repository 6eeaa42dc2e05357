#include "remote/edge/runtimelayout.h"

#include <cstdlib>

namespace dvfo {

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

} // namespace dvfo
