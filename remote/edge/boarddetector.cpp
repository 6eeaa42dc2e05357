#include "remote/edge/boarddetector.h"

#include "remote/edge/boardhal.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace dvfo {

std::string detectBoardId(const std::string& root) {
    const std::string path = (root == "/" ? std::string() : root) + "/proc/device-tree/model";
    std::ifstream f(path);
    if (!f)
        throw HalError("cannot read " + path + " to tell which board this is; pass --board (e.g. --board xavier-nx)");
    std::stringstream ss;
    ss << f.rdbuf();
    std::string model = ss.str();
    model.erase(std::remove(model.begin(), model.end(), '\0'), model.end());
    // Order matters: "Orin Nano" must not match "Nano", "Xavier NX" must not match "AGX Xavier".
    if (model.find("Orin") != std::string::npos)
        return "agx-orin";
    if (model.find("Xavier NX") != std::string::npos)
        return "xavier-nx";
    if (model.find("TX2") != std::string::npos || model.find("quill") != std::string::npos)
        return "jetson-tx2";
    if (model.find("Nano") != std::string::npos)
        return "jetson-nano";
    throw HalError("unknown board model '" + model + "' in " + path + "; pass --board with one of the built-in boards");
}

} // namespace dvfo
