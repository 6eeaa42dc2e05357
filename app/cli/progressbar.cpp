#include "app/cli/progressbar.h"

#include <unistd.h>

namespace dvfo::cli {

std::string formatDuration(double s) {
    char buf[32];
    if (s < 60)
        snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
    else
        snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, (int(s) % 3600) / 60);
    return buf;
}

ProgressBar::ProgressBar(size_t total, std::string label)
    : total_(total), label_(std::move(label)), tty_(isatty(2)),
      start_(std::chrono::steady_clock::now()), lastDraw_(start_ - std::chrono::seconds(10)) {}

void ProgressBar::update(size_t done, const std::string& detail) {
    const auto now = std::chrono::steady_clock::now();
    const int percent = total_ ? int(100.0 * double(done) / double(total_)) : 100;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = done ? elapsed * double(total_ - done) / double(done) : 0;
    if (tty_) {
        if (now - lastDraw_ < std::chrono::milliseconds(100) && done != total_)
            return;
        const int width = 30;
        const int filled = total_ ? int(double(width) * double(done) / double(total_)) : width;
        fprintf(stderr, "\r\033[K%s [%s%s] %3d%% %zu/%zu  %s  ETA %s", label_.c_str(),
                std::string(size_t(filled), '#').c_str(),
                std::string(size_t(width - filled), '.').c_str(), percent, done, total_,
                detail.c_str(), done ? formatDuration(eta).c_str() : "?");
    } else {
        if (percent / 10 == lastPercent_ / 10 && done != total_)
            return;
        fprintf(stderr, "%s %3d%% %zu/%zu %s ETA %s\n", label_.c_str(), percent, done, total_,
                detail.c_str(), done ? formatDuration(eta).c_str() : "?");
    }
    lastPercent_ = percent;
    lastDraw_ = now;
    fflush(stderr);
}

void ProgressBar::finish() {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (tty_)
        fprintf(stderr, "\r\033[K");
    fprintf(stderr, "%s done in %s\n", label_.c_str(), formatDuration(elapsed).c_str());
}

} // namespace dvfo::cli
