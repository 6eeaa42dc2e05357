#include "core/profile/sharerecord.h"
#include "core/common/jsoninteger.h"

#include <cmath>
#include <stdexcept>

namespace dvfo {

nlohmann::json ShareRecord::toJson() const {
    nlohmann::json j = unit.toJson();
    j["share"] = shareIndex;
    j["channels"] = channels;
    j["keptChannels"] = keptChannels;
    j["wireBytes"] = wireBytes;
    j["splitLayer"] = splitLayer;
    return j;
}

ShareRecord ShareRecord::fromJson(const nlohmann::json& j) {
    ShareRecord r;
    try {
        r.unit = LayerRecord::fromJson(j);
        r.shareIndex = jsonIntegerAt<int>(j, "share");
        r.channels = jsonIntegerAt<int>(j, "channels");
        r.keptChannels = jsonIntegerAt<int>(j, "keptChannels");
        r.wireBytes = j.at("wireBytes").get<double>();
        r.splitLayer = j.value("splitLayer", "");
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("malformed share record: ") + e.what());
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("malformed share record: ") + e.what());
    }
    if (r.shareIndex < 1 || r.shareIndex > 10)
        throw std::runtime_error("share record: share index " + std::to_string(r.shareIndex) +
                                 " is not in 1..10");
    if (r.channels < 1 || r.keptChannels < 0 || r.keptChannels > r.channels)
        throw std::runtime_error("share record: " + std::to_string(r.keptChannels) + " kept of " +
                                 std::to_string(r.channels) + " channels");
    if (!(r.wireBytes >= 0) || !std::isfinite(r.wireBytes))
        throw std::runtime_error("share record: wire bytes must be a finite number >= 0");
    return r;
}

} // namespace dvfo
