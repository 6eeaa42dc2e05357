#include "remote/client/boardconnector.h"

#include "core/boardspec.h"
#include "remote/client/localprocesstransport.h"

#include <stdexcept>

namespace dvfo {

bool isEmulatedBoardName(const std::string& board) { return board.rfind("emulated:", 0) == 0; }

std::unique_ptr<AgentClient> connectBoard(const std::string& board) {
    if (isEmulatedBoardName(board)) {
        const std::string id = board.substr(9);
        BoardSpec::builtin(id); // unknown board: clear error before any process starts
        auto transport = std::make_unique<LocalProcessTransport>(
            std::vector<std::string>{locateEdgeAgent(), "--emulate", id, "serve"}, "emulated " + id + " (local)");
        return std::make_unique<AgentClient>(std::move(transport));
    }
    throw std::invalid_argument("unknown board '" + board + "': use emulated:<" + [] {
        std::string s;
        for (const auto& id : BoardSpec::builtinIds())
            s += (s.empty() ? "" : "|") + id;
        return s;
    }() + ">");
}

} // namespace dvfo
