#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Takes the board's deploy lock (`dvfo-edge deploy-lock`, an flock on <root>/deploy.lock held
// while the command's input is open): a second deploy to the same board, from the CLI or a
// studio, waits for it and never shares its staging area. The lock goes with the connection,
// so a killed deploy never leaves the board locked.
class LockBoardStep : public DeployStep {
public:
    std::string name() const override { return "lock"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
