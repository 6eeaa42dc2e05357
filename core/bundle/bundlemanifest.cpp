#include "core/bundle/bundlemanifest.h"

#include "core/bundle/bundleerror.h"
#include "core/common/jsoninteger.h"

#include <fstream>
#include <sstream>
#include <type_traits>

namespace dvfo {

using nlohmann::json;

json BundleManifest::toJson() const {
    json files_ = json::array();
    for (const auto& f : files)
        files_.push_back(
            {{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}, {"role", f.role}});
    return {{"format", kFormat},
            {"bundleVersion", bundleVersion},
            {"name", name},
            {"createdAt", createdAt},
            {"dvfoVersion", dvfoVersion},
            {"protocolVersion", protocolVersion},
            {"boardSpecId", boardSpecId},
            {"model", model},
            {"eta", eta},
            {"sloMs", sloMs},
            {"provenance", {{"sessionId", sessionId}, {"runId", runId}}},
            {"files", files_},
            {"cloudEndpoint",
             {{"url", endpoint.url},
              {"model", endpoint.model},
              {"timeoutMs", endpoint.timeoutMs},
              {"tls", endpoint.tls},
              {"fallback", endpoint.fallback}}}};
}

namespace {
template <typename T> T field(const json& j, const char* key, const std::string& where) {
    if (!j.is_object() || !j.contains(key))
        throw BundleError("bundle manifest: missing field '" + where + key + "'");
    try {
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
            return jsonInteger<T>(j.at(key));
        else
            return j.at(key).get<T>();
    } catch (const json::exception&) {
        throw BundleError("bundle manifest: field '" + where + key + "' has the wrong type");
    }
}
template <typename T>
T optionalField(const json& j, const char* key, T fallback, const std::string& where) {
    return j.is_object() && j.contains(key) ? field<T>(j, key, where) : fallback;
}
} // namespace

BundleManifest BundleManifest::fromJson(const json& j) {
    if (!j.is_object())
        throw BundleError("bundle manifest: not a JSON object");
    const auto format = field<std::string>(j, "format", "");
    if (format != kFormat)
        throw BundleError("bundle manifest: format is '" + format + "', expected '" + kFormat +
                          "'");
    BundleManifest m;
    m.bundleVersion = field<std::string>(j, "bundleVersion", "");
    if (m.bundleVersion.empty() || m.bundleVersion.find_first_of("/\\ \t\n") != std::string::npos ||
        m.bundleVersion[0] == '.')
        throw BundleError("bundle manifest: bundleVersion '" + m.bundleVersion +
                          "' is not a valid directory name");
    m.name = optionalField<std::string>(j, "name", "", "");
    m.createdAt = field<std::string>(j, "createdAt", "");
    m.dvfoVersion = field<std::string>(j, "dvfoVersion", "");
    m.protocolVersion = field<int>(j, "protocolVersion", "");
    m.boardSpecId = field<std::string>(j, "boardSpecId", "");
    m.model = field<std::string>(j, "model", "");
    m.eta = optionalField<double>(j, "eta", 0.5, "");
    m.sloMs = optionalField<double>(j, "sloMs", 0.0, "");
    if (j.contains("provenance")) {
        m.sessionId = optionalField<int64_t>(j["provenance"], "sessionId", 0, "provenance.");
        m.runId = optionalField<int64_t>(j["provenance"], "runId", 0, "provenance.");
    }
    const auto files = field<json>(j, "files", "");
    if (!files.is_array())
        throw BundleError("bundle manifest: field 'files' is not an array");
    for (const auto& f : files) {
        BundleFile bf;
        bf.path = field<std::string>(f, "path", "files[].");
        bf.sha256 = field<std::string>(f, "sha256", "files[].");
        bf.size = field<int64_t>(f, "size", "files[].");
        bf.role = optionalField<std::string>(f, "role", "other", "files[].");
        if (bf.path.empty() || bf.path[0] == '/' || bf.path.find("..") != std::string::npos)
            throw BundleError("bundle manifest: file path '" + bf.path +
                              "' must be relative and stay in the bundle");
        m.files.push_back(bf);
    }
    if (j.contains("cloudEndpoint")) {
        const auto& e = j["cloudEndpoint"];
        const std::string w = "cloudEndpoint.";
        m.endpoint.url = optionalField<std::string>(e, "url", "", w);
        m.endpoint.model = optionalField<std::string>(e, "model", m.endpoint.model, w);
        m.endpoint.timeoutMs = optionalField<int>(e, "timeoutMs", m.endpoint.timeoutMs, w);
        m.endpoint.tls = optionalField<bool>(e, "tls", false, w);
        m.endpoint.fallback = optionalField<std::string>(e, "fallback", m.endpoint.fallback, w);
    }
    return m;
}

BundleManifest BundleManifest::load(const std::string& dir) {
    const std::string path = dir + "/" + kFileName;
    std::ifstream in(path);
    if (!in)
        throw BundleError("bundle " + dir + ": missing " + kFileName);
    json j;
    try {
        in >> j;
    } catch (const json::exception& e) {
        throw BundleError(path + ": not valid JSON (" + e.what() + ")");
    }
    try {
        return fromJson(j);
    } catch (const BundleError& e) {
        throw BundleError(path + ": " + e.what());
    }
}

void BundleManifest::save(const std::string& dir) const {
    const std::string path = dir + "/" + kFileName;
    std::ofstream out(path + ".tmp");
    out << toJson().dump(2) << "\n";
    out.close();
    if (!out || std::rename((path + ".tmp").c_str(), path.c_str()) != 0)
        throw BundleError("cannot write " + path);
}

const BundleFile* BundleManifest::findRole(const std::string& role) const {
    for (const auto& f : files)
        if (f.role == role)
            return &f;
    return nullptr;
}

} // namespace dvfo
