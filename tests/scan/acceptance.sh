#!/usr/bin/env bash
# The acceptance checks on real applications from ../shared/corpus:
# lambhack (serverless.yml) must show its unauthenticated HTTP event and its
# deprecated go1.x runtime; the serverless security workshop (SAM) must show
# missing authentication, plaintext database credentials, no request
# validation, no throttling and no tracing, each in its category.
# usage: acceptance.sh MOAT_BINARY SOURCE_DIR
set -euo pipefail
moat="$1"
corpus="$2/../shared/corpus"
if [ ! -d "$corpus" ]; then
  echo "skipped: no ../shared/corpus"
  exit 0
fi
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
fail=0
expect() {  # expect RULE_ID CATEGORY WHAT
  if jq -e --arg r "$1" --arg c "$2" '[.findings[] | select(.rule_id == $r and .category == $c and .outcome == "fail")] | length > 0' "$out" >/dev/null; then
    echo "ok    $1 ($2): $3"
  else
    echo "FAIL  $1 ($2): $3 not reported"
    fail=1
  fi
}
"$moat" scan "$corpus/lambhack" --format json --now 2026-11-29 --fail-on none >"$out"
expect MOAT-AUTH-001 authentication "lambhack: unauthenticated HTTP event"
expect MOAT-OBS-001 obsolete "lambhack: deprecated go1.x runtime"
"$moat" scan "$corpus/aws-serverless-security-workshop/src" --format json --now 2026-11-29 --fail-on none >"$out"
expect MOAT-AUTH-001 authentication "workshop: API methods without authentication"
expect MOAT-SEC-020 secrets "workshop: database password passed as a plain template parameter"
expect MOAT-INJ-001 injection "workshop: no request validation"
expect MOAT-DOS-003 exhaustion "workshop: no throttling"
expect MOAT-MON-007 monitoring "workshop: functions without tracing"
exit $fail
