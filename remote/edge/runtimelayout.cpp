#include "remote/edge/runtimelayout.h"

#include <cstdlib>

namespace dvfo {

std::string RuntimeLayout::defaultRoot() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.local/share/dvfo-edge";
}

} // namespace dvfo
