#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, separate build tree) and runs each for a bounded time on
# a scratch copy of its committed seed corpus. Every harness runs; the script exits non-zero when
# any of them found a crash, leak, sanitizer report, timeout or out-of-memory (the reproducer is
# left in BUILD/artifacts/, the log in BUILD/fuzz_NAME.log).
#   tests/fuzz/run-fuzzers.sh [SECONDS_EACH=45] [BUILD_DIR=build-fuzz]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-45}"
build="${2:-build-fuzz}"
cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++
cmake --build "$build" --target fuzzers
mkdir -p "$build/artifacts"
failed=()
for corpus in tests/fuzz/corpus/*/; do
  name="$(basename "$corpus")"
  scratch="$build/corpus/$name"
  mkdir -p "$scratch"
  echo "== fuzz_$name: ${seconds} s"
  log="$build/fuzz_$name.log"
  # New inputs go to the scratch directory (first argument); the committed seeds are read only.
  status=0
  "$build/fuzz_$name" "$scratch" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" >"$log" 2>&1 || status=$?
  grep -E "^stat::(number_of_executed_units|new_units_added)" "$log" || true
  if [ "$status" -ne 0 ]; then
    grep -E -A 30 "^==[0-9]+==|runtime error|terminate called" "$log" | head -n 60 >&2 || tail -n 60 "$log" >&2
    echo "fuzz_$name failed (exit $status); reproducer in $build/artifacts/, log $log" >&2
    failed+=("fuzz_$name")
  fi
done
total=$(ls -d tests/fuzz/corpus/*/ | wc -l)
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzers with findings: ${failed[*]}" >&2
fi
# A plain closing line for CI: harnesses without findings, harnesses with.
echo "fuzzers: $((total - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
