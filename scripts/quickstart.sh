#!/usr/bin/env bash
# The first command of the README: install, build, and run Moat's main job
# on an example: `moat scan` of a small serverless application
# (examples/app/template.yaml, AWS SAM) with the bundled rule library.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
moat="$root/build/cli/moat"
cd "$root"  # relative paths read better in the output
echo
echo "\$ moat scan examples/app"
set +e
"$moat" scan examples/app --now 2026-11-29
status=$?
set -e
# Exit status 1 means "findings at or above --fail-on": the expected outcome here.
[ "$status" -le 1 ]
