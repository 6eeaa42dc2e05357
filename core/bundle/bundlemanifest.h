#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dvfo {

// One file of a bundle, relative to the bundle directory.
struct BundleFile {
    std::string path;   // e.g. "policy/policy.pt"
    std::string sha256; // hex
    int64_t size = 0;
    std::string role; // "policy", "policy-sidecar", "attention", "attention-weights", "other"
};

// Where the runtime offloads the cloud share, and what it does when that fails.
struct BundleEndpoint {
    std::string url; // "http://host:port"; empty = edge-only
    std::string model = "dvfo_cloud_tail";
    int timeoutMs = 1000;
    bool tls = false;
    std::string fallback = "edge-only"; // what to do when the cloud fails: "edge-only" | "fail"
};

// manifest.json of a policy bundle: what it is, for which board and model, where it came from,
// and the checksum of every file. Written by PolicyBundle::create, read on the studio and the
// board.
class BundleManifest {
public:
    static constexpr const char* kFormat = "dvfo-bundle";
    static constexpr const char* kFileName = "manifest.json";

    std::string bundleVersion; // unique, file-name safe: the directory name on the board
    std::string name;
    std::string createdAt; // ISO-8601 UTC
    std::string dvfoVersion = DVFO_VERSION;
    int protocolVersion = DVFO_PROTOCOL_VERSION;
    std::string boardSpecId; // e.g. "xavier-nx"
    std::string model;       // the attention-split model, e.g. "small_cnn"
    double eta = 0.5;        // energy/latency trade-off the policy was trained for
    double sloMs = 0;        // latency objective per inference; 0 = none
    int64_t sessionId = 0;   // provenance: profile session (0 = unknown)
    int64_t runId = 0;       // provenance: training run (0 = unknown)
    std::vector<BundleFile> files;
    BundleEndpoint endpoint;

    nlohmann::json toJson() const;
    // Throws BundleError naming the missing or mistyped field.
    static BundleManifest fromJson(const nlohmann::json& j);
    // <dir>/manifest.json. Throws BundleError when missing or malformed.
    static BundleManifest load(const std::string& dir);
    void save(const std::string& dir) const;

    const BundleFile* findRole(const std::string& role) const;
};

} // namespace dvfo
