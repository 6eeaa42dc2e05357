#include "remote/edge/telemetrywriter.h"
#include "core/common/jsoninteger.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace dvfo {

namespace {
void readFile(const std::string& path, int64_t since, std::vector<nlohmann::json>& out,
              int64_t* maxSeq) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        // A line cut by a crash mid-write is skipped, not fatal.
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("seq") ||
            !j["seq"].is_number_integer())
            continue;
        const int64_t seq = jsonInteger<int64_t>(j["seq"]);
        if (maxSeq && seq > *maxSeq)
            *maxSeq = seq;
        if (seq > since)
            out.push_back(std::move(j));
    }
}
} // namespace

TelemetryWriter::TelemetryWriter(std::string path, std::string rotatedPath, int64_t maxBytes)
    : path_(std::move(path)), rotatedPath_(std::move(rotatedPath)), maxBytes_(maxBytes) {
    std::vector<nlohmann::json> ignored;
    readFile(rotatedPath_, INT64_MAX, ignored, &seq_);
    readFile(path_, INT64_MAX, ignored, &seq_);
}

int64_t TelemetryWriter::write(nlohmann::json record) {
    std::lock_guard<std::mutex> lock(mutex_);
    record["seq"] = ++seq_;
    if (!record.contains("t"))
        record["t"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    std::error_code ec;
    if (std::filesystem::exists(path_, ec) &&
        int64_t(std::filesystem::file_size(path_, ec)) >= maxBytes_)
        std::filesystem::rename(path_, rotatedPath_, ec);
    std::ofstream out(path_, std::ios::app);
    // Records carry error texts from the network (a cloud's error page) that need not be UTF-8.
    out << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out.flush();
    return seq_;
}

int64_t TelemetryWriter::lastSeq() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seq_;
}

std::vector<nlohmann::json> TelemetryWriter::readSince(const std::string& path,
                                                       const std::string& rotatedPath,
                                                       int64_t since, size_t limit) {
    std::vector<nlohmann::json> out;
    readFile(rotatedPath, since, out, nullptr);
    readFile(path, since, out, nullptr);
    if (out.size() > limit)
        out.resize(limit);
    return out;
}

} // namespace dvfo
