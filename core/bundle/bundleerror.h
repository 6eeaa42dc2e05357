#pragma once
#include <stdexcept>

namespace dvfo {

// A policy bundle that cannot be created, read or accepted: missing file, checksum mismatch,
// board or model mismatch, protocol too new, malformed manifest. what() names the file/field.
class BundleError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace dvfo
