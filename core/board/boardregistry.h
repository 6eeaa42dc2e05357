#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dvfo {

// A board the user keeps: how to reach it, never a secret (passwords and passphrases are asked
// for at connect time through callbacks and are not written anywhere).
struct BoardEntry {
    std::string name;         // the user's name for it, also usable as --board NAME
    std::string host;         // host name, address, or a Host alias of ~/.ssh/config
    int port = 0;             // 0: from ~/.ssh/config or 22
    std::string user;         // empty: from ~/.ssh/config or the local user
    std::string identityFile; // empty: ssh-agent and the default keys
    std::string group;        // fleet group for deployment, e.g. "lab"
    std::string agentPath = "~/.local/bin/dvfo-edge"; // where dvfo-edge lives on the board
    std::string emulate;   // non-empty: run the agent emulated on that host (test rigs)
    std::string sysfsRoot; // non-empty: agent --sysfs-root (test rigs)
    // No host key policy here: an unknown key is accepted per connection (--accept-fingerprint,
    // --accept-new, the studio's dialog), never by a flag that would make it permanent.

    nlohmann::json toJson() const;
    static BoardEntry fromJson(const nlohmann::json& j); // throws std::runtime_error
};

// boards.json in the user's config dir ($XDG_CONFIG_HOME/dvfo or ~/.config/dvfo). Written under
// an flock on boards.json.lock with a temp file + fsync + rename, so the CLI and studios never
// interleave or tear it. A file from before (with "acceptNewHostKey") is migrated on load: the
// flag is dropped, the file rewritten, and a one-time notice goes to the notice handler.
class BoardRegistry {
public:
    explicit BoardRegistry(std::string path = defaultPath());
    static std::string defaultPath();

    // Where load-time notices go (migrations): stderr by default; the studio logs them. Notices
    // given before a handler was set are passed to it when it is set.
    using NoticeHandler = std::function<void(const std::string& notice)>;
    static void setNoticeHandler(NoticeHandler handler);

    const std::vector<BoardEntry>& boards() const { return boards_; }
    std::optional<BoardEntry> find(const std::string& name) const;
    // Adds or replaces by name. Throws std::invalid_argument for an empty name or host, or a name
    // that clashes with the built-in "emulated:" prefix.
    void upsert(const BoardEntry& entry);
    bool remove(const std::string& name);
    std::vector<BoardEntry> group(const std::string& group) const;
    // Writes atomically (temp file, fsync, rename) under the lock, so a crash never leaves half a
    // file. Overwrites changes another process made since this registry was loaded: prefer
    // modify().
    void save() const;
    // Under the lock: reloads the file, applies `change` to it, writes it; this registry then
    // holds the result. Changes made by others in the meantime are kept.
    void modify(const std::function<void(BoardRegistry&)>& change);
    const std::string& path() const { return path_; }

private:
    // Reads the file; returns true when it had to be migrated.
    bool load();
    void write() const; // the caller holds the lock

    std::string path_;
    std::vector<BoardEntry> boards_;
};

} // namespace dvfo
