#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Runs `dvfo-edge verify-bundle` on the staged copy (manifest, sha256 of every file, board), then
// moves it to <root>/bundles/<version>.
class VerifyChecksumStep : public DeployStep {
public:
    std::string name() const override { return "verify"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
