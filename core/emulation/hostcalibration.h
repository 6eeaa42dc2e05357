#pragma once
#include "core/emulation/emulationmodel.h"

namespace dvfo {
// Measures this machine's matrix-multiply throughput, copy bandwidth and per-operator dispatch
// cost with LibTorch (about 0.3 s). The emulated board scales measured layer times with these.
HostCalibration measureHostCalibration();
} // namespace dvfo
