#!/usr/bin/env bash
# docs/fleet-view.png: the README's walk-through on the emulated Xavier NX (profile, train, attention
# checkpoint, bundle, cloud half, deploy) with the studio's Fleet view watching, under Xvfb.
#   scripts/make-fleet-screenshot.sh [BUILD_DIR]     (default: build)
# Everything it makes, the runtime root included, is under a temp directory that is its $HOME, so
# your workspace and ~/.local/share/dvfo-edge are not touched; the runtime and the cloud server
# are stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
build="$(cd "${1:-build}" && pwd)"
B="$build/app/dvfo"
work="$(mktemp -d)"
export HOME="$work/home"
mkdir -p "$HOME"
cd "$work"

cloud=""
cleanup() {
  "$build/remote/dvfo-edge" --emulate xavier-nx runtime stop || true
  [ -n "$cloud" ] && kill "$cloud" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Small sizes: the picture needs a trained policy, not a good one (about a minute on 2 cores).
"$B" profile --board emulated:xavier-nx --model small_cnn --tuples grid:3x3x2 --db ws.db
"$B" train --db ws.db --session 1 --steps 3000 --out policy
"$B" attention train --model small_cnn --epochs 1 --train-limit 6000 --out ckpt --quiet
"$build/remote/dvfo-cloud" --checkpoint ckpt --port 8000 --threads 2 > cloud.log 2>&1 &
cloud=$!
"$B" bundle --db ws.db create --policy policy --attention ckpt --board xavier-nx --session 1 \
  --run 1 --cloud-url http://127.0.0.1:8000 --eta 0.5 --slo-ms 30

# The studio first (its agent calibrates this machine once when it connects), then the deploy it
# watches; the shot is taken 30 s after the first telemetry arrives.
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/app/dvfo-studio" --workspace ws.db \
  --fleet-screenshot "$repo/docs/fleet-view.png" --fleet-wait-s 30 &
studio=$!
sleep 15
"$B" deploy --db ws.db --board emulated:xavier-nx --bundle 1
wait "$studio"
ls -l "$repo/docs/fleet-view.png"
