#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Remembers what <root>/current points to (kept as <root>/previous) and switches current to the
// new bundle with an atomic rename.
class SwitchCurrentStep : public DeployStep {
public:
    std::string name() const override { return "switch"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
