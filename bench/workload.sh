#!/usr/bin/env bash
# The shared benchmark's five rules (../shared/bench/SPEC.md, R1-R5), written
# in Moat (bench/workload/rules.moat), evaluated on FILE by the `moat` binary.
#
#   bench/workload.sh FILE            # findings as JSON on stdout
#   MOAT=/path/to/moat bench/workload.sh FILE
#
# Prints Moat's own finding objects ({"findings": [{"rule_id": "R1",
# "subject": "<resource id>", ...}]}), which ../shared/bench/check_findings.py
# reads directly, so only Moat runs in the timed path:
#   time bench/workload.sh W.json > moat.json
#   time jq -c -f ../shared/bench/peers/rules.jq W.json > jq.json
#   ../shared/bench/check_findings.py W.json moat.json jq.json
# Exits 0 whether or not there are findings; non-zero only when Moat fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
moat="${MOAT:-$root/build/cli/moat}"
if [[ $# -ne 1 ]]; then
  echo "usage: bench/workload.sh FILE   (the moat binary comes from \$MOAT, default build/cli/moat)" >&2
  exit 2
fi
# `moat eval` exits 1 when it reports findings: that is success here.
rc=0
"$moat" eval --policy "$root/bench/workload/rules.moat" --input "$1" --format json || rc=$?
[[ $rc -eq 0 || $rc -eq 1 ]] || exit "$rc"
