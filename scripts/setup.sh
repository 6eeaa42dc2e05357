#!/usr/bin/env bash
# The two set-up commands of the README:
#   scripts/setup.sh demo   install, build, profile ResNet-18 on the embedded emulated Xavier NX
#   scripts/setup.sh test   install, build, run every test (plus the sanitizer build of core/remote)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"
jobs="$(nproc)"

bash scripts/install-deps.sh

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"

case "$mode" in
  demo)
    ./build/app/dvfo profile --board emulated:xavier-nx --model resnet18 --tuples grid:3x3x3 \
      --csv build/profile-xavier-nx-resnet18.csv
    ;;
  test)
    ctest --test-dir build --output-on-failure -j "$jobs"
    # AddressSanitizer + UBSan build of the core and remote unit tests (no GUI).
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDVFO_SANITIZE=ON -DDVFO_BUILD_GUI=OFF
    cmake --build build-asan -j "$jobs" --target tst_boardspec tst_emulationmodel tst_agentprotocol \
      tst_dnnmodel tst_profilestore tst_sysfsboard tst_attentionsplit
    ctest --test-dir build-asan --output-on-failure -L unit -j "$jobs"
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
