#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace dvfo {

// The governors and limits found before dvfo-edge first pinned a board, kept on disk so that a
// later process (`dvfo-edge restore`, the next agent after a SIGKILL) puts back the true original
// instead of whatever pinned state it finds, as `jetson_clocks --store/--restore` do.
//
// The file lives in a runtime directory ($XDG_RUNTIME_DIR/dvfo-edge when set, else
// /run/dvfo-edge): tmpfs, so a reboot, which resets the clocks anyway, also forgets the state.
// One file per HAL root, so fake trees in tests never share one with the real board.
//
// The first writer wins: store() creates the file with link(2), which fails when another process
// stored first, and then hands back what that process stored. A file that cannot be parsed is a
// HalError, never an excuse to snapshot the (possibly pinned) current state.
class SavedClockState {
public:
    explicit SavedClockState(const std::string& boardRoot,
                             std::string directory = defaultDirectory());

    // $XDG_RUNTIME_DIR/dvfo-edge when XDG_RUNTIME_DIR is set and absolute, else /run/dvfo-edge.
    static std::string defaultDirectory();

    const std::string& path() const { return path_; }

    // The stored state, or nothing when no file exists. Throws HalError for an unreadable or
    // corrupt file, or one written for another HAL root.
    std::optional<nlohmann::json> load() const;
    // Stores `state` durably (temp file, fsync, link into place, fsync of the directory) unless a
    // state is stored already; returns the state that is stored now. Throws HalError.
    nlohmann::json store(const nlohmann::json& state);
    // Forgets the stored state (after a complete restore). Missing file: nothing to do.
    void remove();

private:
    std::string root_;
    std::string directory_;
    std::string path_;
};

} // namespace dvfo
