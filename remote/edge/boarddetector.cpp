#include "remote/edge/boarddetector.h"

#include "remote/edge/boardconditionsreader.h"
#include "remote/edge/boardhal.h"

#include <utility>

namespace dvfo {

namespace {

bool has(const std::string& s, const char* part) {
    return s.find(part) != std::string::npos;
}

} // namespace

std::string boardIdForModel(const std::string& model) {
    // Most specific first: "Orin Nano" must not match "Nano", "Xavier NX" not "Xavier".
    if (has(model, "Orin Nano"))
        return "orin-nano";
    if (has(model, "Orin NX"))
        return "orin-nx";
    if (has(model, "AGX Orin"))
        return "agx-orin";
    if (has(model, "Xavier NX"))
        return "xavier-nx";
    // L4T 32 names the AGX Xavier devkit plainly "Jetson-AGX".
    if (has(model, "AGX Xavier") || model == "Jetson-AGX")
        return "agx-xavier";
    if (has(model, "TX2") || has(model, "quill"))
        return "jetson-tx2";
    if (has(model, "Jetson Nano"))
        return "jetson-nano";
    throw HalError(
        "unknown board model '" + model +
        "': not an Orin Nano, Orin NX, AGX Orin, Xavier NX, AGX Xavier, TX2 or Nano; "
        "pass --board with the built-in spec that fits it (dvfo-edge --help lists them)");
}

std::string detectBoardId(const std::string& root) {
    std::string model;
    try {
        model = BoardConditionsReader(root).deviceTreeModel();
    } catch (const HalError& e) {
        throw HalError(std::string(e.what()) + "; pass --board (e.g. --board xavier-nx)");
    }
    return boardIdForModel(model);
}

} // namespace dvfo
