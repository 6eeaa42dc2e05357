#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Before anything is sent: makes sure dvfo-edge is on the board (uploading it when missing, as
// for profiling), asks it which board it drives and which protocol it speaks, and validates the
// local bundle against that (files, checksums, board, protocol). A mismatch refuses the bundle.
class CheckBoardStep : public DeployStep {
public:
    std::string name() const override { return "check"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
