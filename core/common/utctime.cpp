#include "core/common/utctime.h"

#include <chrono>
#include <cstdio>
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

std::string utcNowIsoMillis() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t secs = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80]; // room for any int the compiler thinks tm fields might hold
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms));
    return buf;
}

std::string utcNowCompact() {
    return utcNow("%Y%m%dT%H%M%SZ");
}

} // namespace dvfo
