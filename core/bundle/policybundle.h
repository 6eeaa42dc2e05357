#pragma once
#include "core/bundle/bundlemanifest.h"

#include <string>
#include <vector>

namespace dvfo {

// What a bundle is checked against before it is sent or started.
struct BundleExpectations {
    std::string boardSpecId; // empty: any board
    std::string model;       // empty: any model
    int maxProtocolVersion = DVFO_PROTOCOL_VERSION;
};

struct BundleCreateOptions {
    std::string policyDir; // policy.json sidecar (+ TorchScript policy.pt for trained policies, +
                           // anything else)
    std::string attentionDir; // attention checkpoint: attention.json + weights.pt (edge and cloud
                              // halves); may be empty for a zoo model (data-free ranking)
    std::string outDir;       // the bundle directory to create; must not exist
    std::string boardSpecId;  // required
    std::string model;        // empty: the checkpoint's model (attention.json)
    std::string name;
    std::string version; // empty: <UTC timestamp>-<8 hex of the content hash>
    BundleEndpoint endpoint;
    double eta = 0.5;
    double sloMs = 0;
    int64_t sessionId = 0;
    int64_t runId = 0;
};

// A policy bundle on disk: manifest.json, policy/ (TorchScript policy and its sidecar) and
// attention/ (the attention-split checkpoint holding the model's edge and cloud halves).
class PolicyBundle {
public:
    // Copies the inputs into outDir (written as outDir.part, renamed when complete), hashes every
    // file and writes the manifest. Throws BundleError for missing inputs or an existing outDir.
    static BundleManifest create(const BundleCreateOptions& options);

    // Every reason the bundle in `dir` must be refused, each a complete sentence: missing or
    // malformed manifest, missing file, size or checksum mismatch, missing policy/attention,
    // board or model mismatch, protocol too new. Empty = valid.
    static std::vector<std::string> problems(const std::string& dir,
                                             const BundleExpectations& expected = {});
    // Throws BundleError listing problems(); returns the manifest when the bundle is valid.
    static BundleManifest validate(const std::string& dir, const BundleExpectations& expected = {});

    // Role of a file from its path inside the bundle.
    static std::string roleOf(const std::string& relativePath);
    // A zoo model (resnet18, ...): its bundles need no attention checkpoint.
    static bool isZooModel(const std::string& model);
    // Why the bundle's trained-policy sidecar cannot drive the runtime (no observation layout of
    // this version, no modelConstants), or empty.
    static std::string sidecarProblem(const std::string& bundleDir);
};

} // namespace dvfo
