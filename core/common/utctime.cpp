#include "core/common/utctime.h"

#include <chrono>
#include <ctime>

namespace dvfo {

namespace {
std::string utcNow(const char* format) {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}
} // namespace

std::string utcNowIso() {
    return utcNow("%Y-%m-%dT%H:%M:%SZ");
}

std::string utcNowCompact() {
    return utcNow("%Y%m%dT%H%M%SZ");
}

} // namespace dvfo
