#!/usr/bin/env bash
# Installs the Debian 12 packages Moat builds with, when any is missing.
# Uses sudo when not run as root. Safe to run again: it installs nothing
# when everything is present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  clang-14 libclang-rt-14-dev llvm-14
  default-jre-headless antlr4 libantlr4-runtime-dev uuid-dev
  nlohmann-json3-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev libyaml-dev libre2-dev zlib1g-dev
  python3 python3-dev python3-venv python3-setuptools python3-wheel python3-pytest
  pybind11-dev python3-pybind11 python3-distributed
  jq python3-jsonschema
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "moat: installing ${#missing[@]} Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
  -o DPkg::Lock::Timeout=600 "${missing[@]}"
