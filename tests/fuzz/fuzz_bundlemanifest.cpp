// Bundle manifests (core/bundlemanifest.*): manifest.json as uploaded to a board. fromJson may
// only throw BundleError, and what it accepts must survive toJson -> fromJson unchanged.
#include "core/bundle/bundleerror.h"
#include "core/bundle/bundlemanifest.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace dvfo;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const json j = json::parse(reinterpret_cast<const char*>(data),
                               reinterpret_cast<const char*>(data) + size, nullptr, false);
    if (j.is_discarded())
        return 0;
    try {
        const BundleManifest m = BundleManifest::fromJson(j);
        const json out = m.toJson();
        if (BundleManifest::fromJson(out).toJson() != out)
            std::abort();
    } catch (const BundleError&) {
    }
    return 0;
}
