#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Restarts the runtime (`dvfo-edge runtime restart`) so it loads <root>/current. As a deploy's
// trial (`trial`), the pending marker is armed in the same command, so this restart, and only
// this one, may start the unconfirmed bundle (see PendingDeploy).
class RestartRuntimeStep : public DeployStep {
public:
    explicit RestartRuntimeStep(bool trial = false) : trial_(trial) {}
    std::string name() const override { return "restart"; }
    void run(DeployContext& context) override;

private:
    bool trial_;
};

} // namespace dvfo
