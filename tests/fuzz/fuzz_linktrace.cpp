// Link traces from CSV (core/linktrace.* LinkTrace::fromCsv): a measured trace file given to
// `dvfo train`/`evaluate`. Only LinkTraceError may escape; an accepted trace is then sampled.
#include "core/link/linktrace.h"

#include <cstdint>
#include <sstream>
#include <string>

using namespace dvfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        const LinkTrace trace = LinkTrace::fromCsv(in, 100.0, "fuzz");
        (void)trace.describe();
        (void)trace.length();
    } catch (const LinkTraceError&) {
    }
    return 0;
}
