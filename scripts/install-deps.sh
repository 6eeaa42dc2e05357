#!/usr/bin/env bash
# Installs everything DVFO Studio needs on Debian 12 (run as root or with sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=(cmake g++ ninja-build ccache pkg-config
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins libqt6sql6-sqlite
  libqcustomplot-dev libqcustomplot2.1-qt6 libtorch-dev libssh-dev libsqlitecpp-dev libsqlite3-dev
  nlohmann-json3-dev libcpp-httplib-dev libcli11-dev libssl-dev
  openssh-server openssh-client xvfb xauth dataset-fashion-mnist
  # The fuzzers (tests/fuzz): clang, and libFuzzer, which Debian 12 ships in libclang-rt-14-dev.
  clang libclang-rt-14-dev
  # scripts/check-format.sh: the tree is kept formatted by clang-format 14.
  clang-format-14
  # The link-shaping test runs dvfo-cloud and the runtime in a network namespace behind tc tbf.
  iproute2
  # LibTorch's matrix products go through the system BLAS; Debian's default is the reference
  # implementation, which made DQN training and profiling 3x slower. OpenBLAS (serial: torch
  # already chooses its own thread count) takes over libblas.so.3 through update-alternatives.
  libopenblas0-serial)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
