#pragma once
// A synthetic profile for tests that need a whole environment but no sweep: small_cnn on a 2x2x2
// grid of the Xavier NX tables, latency and energy falling with each clock.
#include "core/profile/profiletable.h"

dvfo::ProfileTable smallCnnProfile();
