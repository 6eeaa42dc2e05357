#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Puts the previous bundle back: switches current to context.previousDir, restarts the
// runtime and checks its health. Without a previous bundle, removes current and stops the runtime.
class RollbackStep : public DeployStep {
public:
    std::string name() const override { return "rollback"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
