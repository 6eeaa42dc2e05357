#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace dvfo {

// nlohmann::json converts a JSON float to an integer type with a plain cast: reading 1e47 as an
// int is undefined behaviour (found by fuzz_bundlemanifest). Files and lines that come from
// outside (bundles, sidecars, board replies, telemetry, saved state) read their integers through
// these helpers instead: only a JSON integer inside the target type's range converts, anything
// else throws nlohmann::json::type_error, exactly as a wrong type does, so the callers' existing
// "corrupt" handling covers it.
template <typename T> T jsonInteger(const nlohmann::json& v) {
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>,
                  "jsonInteger reads integer types");
    using Limits = std::numeric_limits<T>;
    if (v.is_number_unsigned()) {
        const uint64_t u = v.get<uint64_t>();
        if (u <= uint64_t(Limits::max()))
            return T(u);
    } else if (v.is_number_integer()) {
        const int64_t i = v.get<int64_t>();
        if constexpr (std::is_signed_v<T>) {
            if (i >= int64_t(Limits::min()) && i <= int64_t(Limits::max()))
                return T(i);
        } else if (i >= 0 && uint64_t(i) <= uint64_t(Limits::max())) {
            return T(i);
        }
    }
    std::string shown = v.dump();
    if (shown.size() > 40)
        shown = shown.substr(0, 40) + "...";
    throw nlohmann::json::type_error::create(302,
                                             "expected an integer from " +
                                                 std::to_string(Limits::min()) + " to " +
                                                 std::to_string(Limits::max()) + ", got " + shown,
                                             nullptr);
}

// j.at(key), read as an integer (throws json::out_of_range when the key is missing).
template <typename T> T jsonIntegerAt(const nlohmann::json& j, const char* key) {
    return jsonInteger<T>(j.at(key));
}

// j.value(key, fallback) for integers: the fallback when j is not an object or lacks the key.
template <typename T> T jsonIntegerOr(const nlohmann::json& j, const char* key, T fallback) {
    if (!j.is_object())
        return fallback;
    const auto it = j.find(key);
    return it == j.end() || it->is_null() ? fallback : jsonInteger<T>(*it);
}

// An array of integers (throws type_error when v is not an array or an element is not one).
template <typename T> std::vector<T> jsonIntegers(const nlohmann::json& v) {
    if (!v.is_array())
        throw nlohmann::json::type_error::create(
            302, "expected an array of integers, got " + std::string(v.type_name()), nullptr);
    std::vector<T> out;
    out.reserve(v.size());
    for (const auto& e : v)
        out.push_back(jsonInteger<T>(e));
    return out;
}

} // namespace dvfo
