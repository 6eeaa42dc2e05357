#pragma once
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

// The runtime's telemetry: one JSON line per inference with a sequence number that keeps
// growing across restarts, in <runtime>/telemetry.jsonl, rotated to telemetry.1.jsonl when it
// passes maxBytes (one old file kept). Readers ask for everything after a sequence number.
class TelemetryWriter {
public:
    TelemetryWriter(std::string path, std::string rotatedPath, int64_t maxBytes = 1 << 20);

    // Stamps "seq" (and "t", unix ms, when missing), appends and flushes. Returns the seq.
    // Thread-safe.
    int64_t write(nlohmann::json record);
    int64_t lastSeq() const;

    // Records with seq > since, oldest first, at most `limit`, from the rotated and the current
    // file.
    static std::vector<nlohmann::json> readSince(const std::string& path,
                                                 const std::string& rotatedPath, int64_t since,
                                                 size_t limit = 1000);

private:
    std::string path_, rotatedPath_;
    int64_t maxBytes_;
    mutable std::mutex mutex_;
    int64_t seq_ = 0;
};

} // namespace dvfo
