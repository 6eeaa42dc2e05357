#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Waits until the runtime answers on its socket, running, with the policy loaded and the expected
// bundle version (`dvfo-edge runtime status --wait-ms --expect-version`). With `confirm` (a
// deploy's check of its new bundle), a healthy runtime confirms the bundle: the pending marker is
// removed, so the bundle survives restarts from now on.
class HealthCheckStep : public DeployStep {
public:
    explicit HealthCheckStep(bool confirm = false) : confirm_(confirm) {}
    std::string name() const override { return "health"; }
    void run(DeployContext& context) override;

private:
    bool confirm_;
};

} // namespace dvfo
