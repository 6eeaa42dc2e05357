// The live monitor's sample batches (core/monitorsample.*), which the studio reads from a board's
// agent: parsing may only throw std::invalid_argument, and what is accepted must survive
// monitorBatchJson -> parseMonitorBatch unchanged.
#include "core/board/monitorsample.h"

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

using namespace dvfo;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const json j =
        json::parse(std::string(reinterpret_cast<const char*>(data), size), nullptr, false);
    if (j.is_discarded())
        return 0;
    try {
        const std::vector<MonitorSample> samples = parseMonitorBatch(j);
        const json out = monitorBatchJson(samples);
        if (monitorBatchJson(parseMonitorBatch(out)) != out)
            std::abort();
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
