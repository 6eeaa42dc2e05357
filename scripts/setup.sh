#!/usr/bin/env bash
# The two set-up commands of the README:
#   scripts/setup.sh demo   install, build, profile ResNet-18 on the embedded emulated Xavier NX,
#                           train the DVFO policy on it and compare it with the baselines
#   scripts/setup.sh test   install, build, run every test (plus the sanitizer build of core/remote
#                           and a bounded run of every fuzzer)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"
jobs="$(nproc)"
# ccache keys on paths relative to the clone, so another clone of the same sources (CI's) hits.
export CCACHE_BASEDIR="$PWD"

bash scripts/install-deps.sh
# The test command checks the formatting first: a minute's fix should not wait for the build.
if [ "$mode" = test ]; then bash scripts/check-format.sh; fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"

case "$mode" in
  demo)
    # The whole loop on the embedded emulated Xavier NX: profile ResNet-18 over a 3x3x3 grid of
    # (CPU, GPU, EMC) clocks, train the DVFO policy on that profile for an edge server on a MEC
    # link (bandwidth walking in 5..400 Mbit/s, RTT 2 ms; energy weighted 0.7), compare it with
    # the baselines and the oracle. Its own workspace, so a rerun starts from session 1 again.
    rm -f build/demo.db build/demo.db-wal build/demo.db-shm
    ./build/app/dvfo profile --board emulated:xavier-nx --model resnet18 --tuples grid:3x3x3 \
      --db build/demo.db --csv build/profile-xavier-nx-resnet18.csv
    scenario=(--eta 0.7 --trace randomwalk:min=5,max=400,step=20,rtt=2)
    ./build/app/dvfo train --db build/demo.db --session 1 "${scenario[@]}" --out build/demo-policy
    ./build/app/dvfo evaluate --db build/demo.db --session 1 "${scenario[@]}" --policy build/demo-policy
    # The closed loop: the policy and the baselines on the emulated board's real runtime, against
    # a local dvfo-cloud, their cloud traffic on the same link; what it realises vs the prediction.
    ./build/app/dvfo loop --db build/demo.db --session 1 "${scenario[@]}" --policy build/demo-policy \
      --inferences 300 --json build/demo-loop.json
    ;;
  test)
    ctest --test-dir build --output-on-failure -j "$jobs"
    # AddressSanitizer + UBSan build of the core and remote unit tests (no GUI).
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDVFO_SANITIZE=ON -DDVFO_BUILD_GUI=OFF
    unit_tests="tst_boardspec tst_emulationmodel tst_agentprotocol tst_dnnmodel tst_profilestore \
      tst_policyguard tst_savedclockstate tst_monitorseries tst_boardidentity \
      tst_sysfsboard tst_attentionsplit tst_sweepplanner tst_dvfoenvironment tst_trainingrunstore tst_policybundle \
      tst_dqnagent tst_inferenceprotocol tst_servicelimits tst_trainserveparity tst_hindsightoracle"
    # shellcheck disable=SC2086
    cmake --build build-asan -j "$jobs" --target $unit_tests
    ctest --test-dir build-asan --output-on-failure -j "$jobs" -R "^($(echo $unit_tests | tr ' ' '|'))\$"
    # libFuzzer (clang, ASan + UBSan) on every parser of other processes' input, 45 s each;
    # a crash fails the run.
    bash tests/fuzz/run-fuzzers.sh 45 build-fuzz
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
