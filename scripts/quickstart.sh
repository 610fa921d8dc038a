#!/usr/bin/env bash
# The first command of the README: install, build, and run Moat's main job
# on an example (check the example policies, then evaluate them over the
# benchmark's 1k-resource document).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
moat="$root/build/cli/moat"
cd "$root"  # relative paths read better in the output
echo
echo "\$ moat check examples/bench/rules.moat"
"$moat" check examples/bench/rules.moat
echo
echo "\$ moat eval --policy examples/bench/rules.moat --input examples/bench/sample.json"
set +e
"$moat" eval --policy examples/bench/rules.moat --input examples/bench/sample.json --now 2026-11-29 --report-unknown
status=$?
set -e
# Exit status 1 means "findings": that is the expected outcome here.
[ "$status" -le 1 ]
