#include "core/bundle/policybundle.h"
#include "core/common/utctime.h"

#include "core/bundle/bundleerror.h"
#include "core/dnn/dnnmodel.h"
#include "core/rl/dvfoobservation.h"
#include "core/common/sha256.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace dvfo {

namespace {

// Copies every regular file under `from` to `to`/..., returning their paths relative to `root`.
void copyTree(const fs::path& from, const fs::path& to, const fs::path& root,
              std::vector<std::string>& copied) {
    fs::create_directories(to);
    std::vector<fs::path> entries;
    for (const auto& e : fs::recursive_directory_iterator(from))
        if (e.is_regular_file())
            entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    for (const auto& p : entries) {
        const fs::path target = to / fs::relative(p, from);
        fs::create_directories(target.parent_path());
        fs::copy_file(p, target, fs::copy_options::overwrite_existing);
        copied.push_back(fs::relative(target, root).generic_string());
    }
}

std::string attentionModel(const std::string& attentionDir) {
    std::ifstream in(attentionDir + "/attention.json");
    try {
        nlohmann::json j;
        in >> j;
        return j.at("model").get<std::string>();
    } catch (const std::exception&) {
        throw BundleError("attention checkpoint " + attentionDir +
                          ": attention.json is missing or has no 'model'");
    }
}

} // namespace

std::string PolicyBundle::roleOf(const std::string& p) {
    if (p == "policy/policy.pt")
        return "policy";
    if (p == "policy/policy.json")
        return "policy-sidecar";
    if (p == "attention/attention.json")
        return "attention";
    if (p == "attention/weights.pt")
        return "attention-weights";
    return "other";
}

bool PolicyBundle::isZooModel(const std::string& model) {
    const auto zoo = DnnModel::available();
    return std::find(zoo.begin(), zoo.end(), model) != zoo.end();
}

// What the runtime needs from a trained policy's sidecar to build the observation it was trained
// on; refused at deploy as the runtime refuses it at load.
std::string PolicyBundle::sidecarProblem(const std::string& dir) {
    std::ifstream in(dir + "/policy/policy.json");
    if (!in)
        return {}; // reported as a missing file
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object())
        return "policy/policy.json is not a JSON object";
    if (j.value("format", std::string()) != "dvfo-policy")
        return {};
    try {
        if (!j.contains("observation"))
            return "policy/policy.json has no observation layout";
        ObservationLayout::fromJson(j["observation"]);
        if (!j.contains("modelConstants"))
            return "policy/policy.json has no modelConstants (tail FLOPs fraction, full-offload "
                   "bytes, edge latency at max clocks): the runtime could not build the "
                   "observation the policy was trained on; train it again with this version";
        ModelConstants::fromJson(j["modelConstants"]);
    } catch (const std::exception& e) {
        return std::string("policy/policy.json: ") + e.what();
    }
    return {};
}

BundleManifest PolicyBundle::create(const BundleCreateOptions& o) {
    if (o.boardSpecId.empty())
        throw BundleError("a bundle needs the board spec it was trained for (e.g. xavier-nx)");
    // Zoo models need no attention checkpoint: the runtime ranks their maps data-free.
    const bool zooWithoutAttention = o.attentionDir.empty() && isZooModel(o.model);
    for (const auto& [dir, what, file] :
         {std::tuple{o.policyDir, "policy directory", "policy.json"},
          std::tuple{o.attentionDir, "attention checkpoint", "weights.pt"}}) {
        if (zooWithoutAttention && dir.empty())
            continue;
        if (dir.empty() || !fs::is_directory(dir))
            throw BundleError(std::string(what) + " '" + dir + "' does not exist");
        if (!fs::is_regular_file(fs::path(dir) / file))
            throw BundleError(std::string(what) + " '" + dir + "' has no " + file);
    }
    if (o.outDir.empty())
        throw BundleError("no output directory for the bundle");
    if (fs::exists(o.outDir))
        throw BundleError("bundle directory " + o.outDir + " already exists");
    if (o.endpoint.fallback != "edge-only" && o.endpoint.fallback != "fail")
        throw BundleError("cloud fallback must be 'edge-only' or 'fail', not '" +
                          o.endpoint.fallback + "'");
    if (o.endpoint.tls)
        throw BundleError(
            "TLS to the cloud endpoint is not supported by this build's cloud client; use http://");

    const fs::path part = o.outDir + ".part";
    fs::remove_all(part);
    BundleManifest m;
    try {
        std::vector<std::string> files;
        copyTree(o.policyDir, part / "policy", part, files);
        if (!zooWithoutAttention)
            copyTree(o.attentionDir, part / "attention", part, files);
        Sha256 all;
        for (const auto& rel : files) {
            BundleFile f;
            f.path = rel;
            f.sha256 = Sha256::hexOfFile((part / rel).string());
            f.size = static_cast<int64_t>(fs::file_size(part / rel));
            f.role = roleOf(rel);
            all.update(rel + ":" + f.sha256 + "\n");
            m.files.push_back(f);
        }
        m.bundleVersion =
            o.version.empty() ? utcNowCompact() + "-" + all.hexDigest().substr(0, 8) : o.version;
        m.name = o.name.empty() ? m.bundleVersion : o.name;
        m.createdAt = utcNowIso();
        m.boardSpecId = o.boardSpecId;
        m.model = o.model.empty() ? attentionModel(o.attentionDir) : o.model;
        if (const std::string why = sidecarProblem(part.string()); !why.empty())
            throw BundleError(why);
        m.eta = o.eta;
        m.sloMs = o.sloMs;
        m.sessionId = o.sessionId;
        m.runId = o.runId;
        m.endpoint = o.endpoint;
        // Round trip through the reader so an invalid version or path is refused here, not on a
        // board.
        m = BundleManifest::fromJson(m.toJson());
        m.save(part.string());
        fs::rename(part, o.outDir);
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(part);
        throw BundleError(std::string("creating the bundle failed: ") + e.what());
    } catch (...) {
        fs::remove_all(part);
        throw;
    }
    return m;
}

std::vector<std::string> PolicyBundle::problems(const std::string& dir,
                                                const BundleExpectations& expected) {
    std::vector<std::string> out;
    BundleManifest m;
    try {
        m = BundleManifest::load(dir);
    } catch (const BundleError& e) {
        out.push_back(e.what());
        return out;
    }
    if (m.protocolVersion > expected.maxProtocolVersion)
        out.push_back("bundle " + m.bundleVersion + " needs protocol version " +
                      std::to_string(m.protocolVersion) + " but this agent speaks " +
                      std::to_string(expected.maxProtocolVersion) +
                      ": update dvfo-edge on the board");
    if (!expected.boardSpecId.empty() && m.boardSpecId != expected.boardSpecId)
        out.push_back("bundle " + m.bundleVersion + " is for board '" + m.boardSpecId +
                      "' but the target is '" + expected.boardSpecId + "'");
    if (!expected.model.empty() && m.model != expected.model)
        out.push_back("bundle " + m.bundleVersion + " is for model '" + m.model + "' but '" +
                      expected.model + "' was expected");
    for (const char* role : {"policy-sidecar", "attention", "attention-weights"})
        if (!m.findRole(role) && (std::string(role) == "policy-sidecar" || !isZooModel(m.model)))
            out.push_back("bundle " + m.bundleVersion + " has no '" + role +
                          "' file in its manifest");
    if (const std::string why = sidecarProblem(dir); !why.empty())
        out.push_back("bundle " + m.bundleVersion + ": " + why);
    for (const auto& f : m.files) {
        const fs::path p = fs::path(dir) / f.path;
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) {
            out.push_back("missing file " + f.path + " in bundle " + m.bundleVersion);
            continue;
        }
        const auto size = static_cast<int64_t>(fs::file_size(p, ec));
        if (size != f.size) {
            out.push_back("size mismatch for " + f.path + ": " + std::to_string(size) +
                          " bytes, manifest says " + std::to_string(f.size));
            continue;
        }
        std::string sha;
        try {
            sha = Sha256::hexOfFile(p.string());
        } catch (const std::exception& e) {
            out.push_back(e.what());
            continue;
        }
        if (sha != f.sha256)
            out.push_back("checksum mismatch for " + f.path + ": sha256 " + sha +
                          ", manifest says " + f.sha256);
    }
    return out;
}

BundleManifest PolicyBundle::validate(const std::string& dir, const BundleExpectations& expected) {
    const auto list = problems(dir, expected);
    if (!list.empty()) {
        std::string text = "bundle refused: " + list.front();
        for (size_t i = 1; i < list.size(); ++i)
            text += "; " + list[i];
        throw BundleError(text);
    }
    return BundleManifest::load(dir);
}

} // namespace dvfo
