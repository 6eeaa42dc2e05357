#pragma once
#include <chrono>
#include <cstdio>
#include <string>

namespace dvfo::cli {

// One-line progress with rate and ETA on stderr; plain periodic lines when stderr is no terminal.
class ProgressBar {
public:
    ProgressBar(size_t total, std::string label);
    void update(size_t done, const std::string& detail);
    void finish();

private:
    size_t total_;
    std::string label_;
    bool tty_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point lastDraw_;
    int lastPercent_ = -1;
};

std::string formatDuration(double seconds);

} // namespace dvfo::cli
