#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dvfo {

// A board the user keeps: how to reach it, never a secret (passwords and passphrases are asked
// for at connect time through callbacks and are not written anywhere).
struct BoardEntry {
    std::string name;          // the user's name for it, also usable as --board NAME
    std::string host;          // host name, address, or a Host alias of ~/.ssh/config
    int port = 0;              // 0: from ~/.ssh/config or 22
    std::string user;          // empty: from ~/.ssh/config or the local user
    std::string identityFile;  // empty: ssh-agent and the default keys
    std::string group;         // fleet group for deployment, e.g. "lab"
    std::string agentPath = "~/.local/bin/dvfo-edge"; // where dvfo-edge lives on the board
    std::string emulate;       // non-empty: run the agent emulated on that host (test rigs)
    std::string sysfsRoot;     // non-empty: agent --sysfs-root (test rigs)
    bool acceptNewHostKey = false; // the user accepted trust-on-first-use for this board

    nlohmann::json toJson() const;
    static BoardEntry fromJson(const nlohmann::json& j); // throws std::runtime_error
};

// boards.json in the user's config dir ($XDG_CONFIG_HOME/dvfo or ~/.config/dvfo).
class BoardRegistry {
public:
    explicit BoardRegistry(std::string path = defaultPath());
    static std::string defaultPath();

    const std::vector<BoardEntry>& boards() const { return boards_; }
    std::optional<BoardEntry> find(const std::string& name) const;
    // Adds or replaces by name. Throws std::invalid_argument for an empty name or host, or a name
    // that clashes with the built-in "emulated:" prefix.
    void upsert(const BoardEntry& entry);
    bool remove(const std::string& name);
    std::vector<BoardEntry> group(const std::string& group) const;
    // Writes atomically (temp file + rename) so a crash never leaves half a file.
    void save() const;
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::vector<BoardEntry> boards_;
};

} // namespace dvfo
