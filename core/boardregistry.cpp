#include "core/boardregistry.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dvfo {

namespace fs = std::filesystem;
using nlohmann::json;

json BoardEntry::toJson() const {
    json j{{"name", name}, {"host", host}, {"port", port}, {"user", user}, {"identityFile", identityFile},
           {"group", group}, {"agentPath", agentPath}, {"acceptNewHostKey", acceptNewHostKey}};
    if (!emulate.empty())
        j["emulate"] = emulate;
    if (!sysfsRoot.empty())
        j["sysfsRoot"] = sysfsRoot;
    return j;
}

BoardEntry BoardEntry::fromJson(const json& j) {
    try {
        BoardEntry e;
        e.name = j.at("name").get<std::string>();
        e.host = j.at("host").get<std::string>();
        e.port = j.value("port", 0);
        e.user = j.value("user", "");
        e.identityFile = j.value("identityFile", "");
        e.group = j.value("group", "");
        e.agentPath = j.value("agentPath", e.agentPath);
        e.emulate = j.value("emulate", "");
        e.sysfsRoot = j.value("sysfsRoot", "");
        e.acceptNewHostKey = j.value("acceptNewHostKey", false);
        return e;
    } catch (const json::exception& ex) {
        throw std::runtime_error(std::string("malformed board entry: ") + ex.what());
    }
}

std::string BoardRegistry::defaultPath() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        return std::string(x) + "/dvfo/boards.json";
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.config/dvfo/boards.json";
}

BoardRegistry::BoardRegistry(std::string path) : path_(std::move(path)) {
    std::ifstream f(path_);
    if (!f)
        return; // no boards yet
    std::stringstream ss;
    ss << f.rdbuf();
    json j;
    try {
        j = json::parse(ss.str());
    } catch (const json::parse_error& e) {
        throw std::runtime_error("board list " + path_ + " is not valid JSON (" + e.what() +
                                 "); fix or remove it");
    }
    if (!j.contains("boards") || !j["boards"].is_array())
        throw std::runtime_error("board list " + path_ + " has no \"boards\" array; fix or remove it");
    for (const auto& b : j["boards"])
        boards_.push_back(BoardEntry::fromJson(b));
}

std::optional<BoardEntry> BoardRegistry::find(const std::string& name) const {
    for (const auto& b : boards_)
        if (b.name == name)
            return b;
    return std::nullopt;
}

void BoardRegistry::upsert(const BoardEntry& entry) {
    if (entry.name.empty() || entry.host.empty())
        throw std::invalid_argument("a board needs a name and a host");
    if (entry.name.rfind("emulated:", 0) == 0 || entry.name.find_first_of(" \t/") != std::string::npos)
        throw std::invalid_argument("board name '" + entry.name +
                                    "' is reserved or has spaces/slashes; pick another name");
    if (entry.port < 0 || entry.port > 65535)
        throw std::invalid_argument("port must be 0..65535");
    for (auto& b : boards_)
        if (b.name == entry.name) {
            b = entry;
            return;
        }
    boards_.push_back(entry);
}

bool BoardRegistry::remove(const std::string& name) {
    for (auto it = boards_.begin(); it != boards_.end(); ++it)
        if (it->name == name) {
            boards_.erase(it);
            return true;
        }
    return false;
}

std::vector<BoardEntry> BoardRegistry::group(const std::string& g) const {
    std::vector<BoardEntry> out;
    for (const auto& b : boards_)
        if (b.group == g)
            out.push_back(b);
    return out;
}

void BoardRegistry::save() const {
    const fs::path p(path_);
    if (p.has_parent_path())
        fs::create_directories(p.parent_path());
    json arr = json::array();
    for (const auto& b : boards_)
        arr.push_back(b.toJson());
    const std::string tmp = path_ + ".tmp";
    {
        std::ofstream f(tmp, std::ios::trunc);
        if (!f)
            throw std::runtime_error("cannot write " + tmp);
        f << json{{"version", 1}, {"boards", arr}}.dump(2) << "\n";
        if (!f.flush())
            throw std::runtime_error("cannot write " + tmp);
    }
    fs::rename(tmp, path_);
}

} // namespace dvfo
