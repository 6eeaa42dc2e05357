// Board JSON (core/boardspec.*, core/boardregistry.*): a board spec file and an entry of
// boards.json. BoardSpec parsing may only throw std::runtime_error (or std::invalid_argument),
// BoardEntry std::runtime_error; what is accepted must survive toJson -> fromJson.
#include "core/board/boardregistry.h"
#include "core/board/boardspec.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace dvfo;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const BoardSpec spec = BoardSpec::fromJsonText(text);
        const json out = spec.toJson();
        if (BoardSpec::fromJson(out).toJson() != out)
            std::abort();
        (void)spec.tupleCount();
        (void)spec.inputRail();
        (void)spec.idlePowerMw();
        if (spec.tupleCount() > 0)
            (void)spec.contains(spec.maxTuple());
    } catch (const std::runtime_error&) {
    } catch (const std::invalid_argument&) {
    }
    const json j = json::parse(text, nullptr, false);
    if (!j.is_discarded()) {
        try {
            const BoardEntry entry = BoardEntry::fromJson(j);
            if (BoardEntry::fromJson(entry.toJson()).toJson() != entry.toJson())
                std::abort();
        } catch (const std::runtime_error&) {
        }
    }
    return 0;
}
