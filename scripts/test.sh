#!/usr/bin/env bash
# The second command of the README, and what CI runs: installs whatever is
# missing, builds, and runs every test (GoogleTest suites, policy tests
# through `moat test`, and the command-line checks).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j "${MOAT_JOBS:-$(nproc)}" --timeout 600 --no-tests=error
