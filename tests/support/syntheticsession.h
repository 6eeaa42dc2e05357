#pragma once
// A small stored profile for tests that train or evaluate without profiling first.
#include "core/workspace/profilestore.h"

#include <cstdint>

// Creates a session in `store` (session 1 of an empty workspace): ResNet-18's 12 units on the
// emulated Xavier NX at a 2x2x2 grid (lowest and highest level per domain) with
// race-to-idle-like numbers: latency ~ 1/f per domain, energy = (static + dynamic) x time.
// Returns the session id.
int64_t storeSyntheticResnet18Session(dvfo::ProfileStore& store);
