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

namespace {
// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.mmm]Z"; < 0 when it does not parse.
double parseIso(const std::string& text) {
    std::tm tm{};
    int millis = 0, consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return -1;
    const char* rest = text.c_str() + consumed;
    if (*rest == '.') {
        int digits = 0;
        if (std::sscanf(rest, ".%3d%n", &millis, &digits) != 1 || digits != 4)
            return -1;
        rest += digits;
    }
    if (std::string(rest) != "Z")
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const std::time_t t = timegm(&tm);
    return t < 0 ? -1 : double(t) + millis / 1000.0;
}
} // namespace

double secondsBetweenIso(const std::string& from, const std::string& to) {
    const double a = parseIso(from), b = parseIso(to);
    return a < 0 || b < 0 || b < a ? -1 : b - a;
}

} // namespace dvfo
