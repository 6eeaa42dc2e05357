#pragma once
#include "remote/edge/runtimelayout.h"

#include <iosfwd>

namespace dvfo {

// `dvfo-edge deploy-lock --root R`: the board side of the deploy lock. Holds an flock on
// <root>/deploy.lock while its standard input stays open, so the lock lives exactly as long as
// the deploy's connection: a deploy that is killed, or whose SSH connection drops, closes that
// input and the lock goes with it. The studio and the CLI (and two studios) take the same lock,
// so two deploys never share a board's staging area or interleave their switches.
class DeployLock {
public:
    // Waits up to `waitMs` for the lock, prints "locked" on `out`, then reads fd 0 until EOF.
    // Returns the exit code (0, or 1 with the holder named on `err` when the wait ran out).
    static int holdWhileInputOpen(const RuntimeLayout& layout, int waitMs, std::ostream& out,
                                  std::ostream& err);
};

} // namespace dvfo
