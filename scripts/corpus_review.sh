#!/usr/bin/env bash
# Scan a corpus of real applications with the rule library from disk and summarize it:
# findings per rule, UNKNOWN outcomes per rule, files that could not be scanned (with the
# corpus' list of files a strict parser rejects, to tell malformed input from loader bugs),
# and the time taken. Results are recorded in docs/corpus-review.md.
#
#   scripts/corpus_review.sh [CORPUS_DIR] [--moat BIN] [--now DATE] [--top N] [--json OUT]
#
# CORPUS_DIR defaults to ../shared/corpus/serverless-patterns. Needs bash and jq. The scan
# report is written to a temporary file (never into the corpus). Exit code: 0, or 1 when a
# file failed to scan that the corpus' _malformed.tsv does not list (a loader bug).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
corpus="$here/../shared/corpus/serverless-patterns"
moat="${MOAT:-/work/bin/moat}"
now="2026-11-29"
top=20
json_out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --moat) moat="$2"; shift 2 ;;
    --now) now="$2"; shift 2 ;;
    --top) top="$2"; shift 2 ;;
    --json) json_out="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) corpus="$1"; shift ;;
  esac
done
command -v jq >/dev/null || { echo "corpus_review.sh: jq is required" >&2; exit 2; }
[ -d "$corpus" ] || { echo "corpus_review.sh: no such directory: $corpus" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
report="${json_out:-$tmp/scan.json}"

start=$(date +%s.%N)
set +e
"$moat" scan "$corpus" --no-bundled --policy "$here/stdlib-policies" --format json \
  --fail-on none --now "$now" --show-unknown --output "$report" 2>"$tmp/stderr"
rc=$?
set -e
end=$(date +%s.%N)
if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
  echo "corpus_review.sh: moat scan exited $rc" >&2; cat "$tmp/stderr" >&2; exit 2
fi
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b-a}')
eval_ms=$(jq '[.files[].millis // 0] | add // 0 | . * 100 | round / 100' "$report")

echo "corpus:    $corpus"
jq -r '"templates: \(.summary.templates) scanned, \(.summary.skipped) other files skipped, \(.summary.errors) errors"' "$report"
jq -r '"formats:   " + ([.files[] | select(.format) | .format] | group_by(.) | map("\(.[0]) \(length)") | join(", "))' "$report"
jq -r '"findings:  \([.findings[] | select(.outcome == "fail")] | length) (\([.findings[] | select(.outcome == "unknown")] | length) UNKNOWN, \([.findings[] | select(.outcome == "error")] | length) ERROR outcomes)"' "$report"
echo "time:      ${elapsed} s wall, ${eval_ms} ms summed per-file evaluation"
echo
echo "Findings per rule (top $top):"
jq -r '[.findings[] | select(.outcome == "fail") | .rule_id] | group_by(.) | map([.[0], length])
       | sort_by(-.[1], .[0]) | .[] | "  \(.[1] | tostring | (" " * (5 - length)) + .)  \(.[0])"' "$report" | head -n "$top"
echo
echo "UNKNOWN outcomes per rule (top 10):"
jq -r '[.findings[] | select(.outcome == "unknown") | .rule_id] | group_by(.) | map([.[0], length])
       | sort_by(-.[1], .[0]) | .[] | "  \(.[1] | tostring | (" " * (5 - length)) + .)  \(.[0])"' "$report" | head -n 10
errs=$(jq '[.findings[] | select(.outcome == "error")] | length' "$report")
if [ "$errs" -gt 0 ]; then
  echo
  echo "ERROR outcomes (rule mistakes or budgets):"
  jq -r '.findings[] | select(.outcome == "error") | "  \(.rule_id) \(.file):\(.location.line // 0) \(.message)"' "$report"
fi

# Files that could not be scanned, against the corpus' list of files a strict parser rejects.
malformed="$(dirname "$corpus")/_malformed.tsv"
name=$(basename "$corpus")
echo
echo "Files that could not be scanned:"
unexpected=0
while IFS=$'\t' read -r file error; do
  [ -n "$file" ] || continue
  rel="${file#"$(dirname "$corpus")"/}"
  error="${error#"$file":}"
  if [ -f "$malformed" ] && cut -f1 "$malformed" | grep -qxF "$rel"; then
    echo "  malformed  $rel: $error"
  else
    echo "  UNEXPECTED $rel: $error"
    unexpected=$((unexpected + 1))
  fi
done < <(jq -r '.files[] | select(.error) | "\(.path)\t\(.error)"' "$report")
if [ -f "$malformed" ]; then
  listed=$(awk -F'\t' -v p="$name/" 'index($1, p) == 1' "$malformed" | wc -l)
  echo "  ($listed files of $name are listed in _malformed.tsv; malformed files that are not"
  echo "   templates, such as example-pattern.json, are skipped, not errors)"
fi
[ "$unexpected" -eq 0 ] || { echo "corpus_review.sh: $unexpected file(s) failed that are not malformed" >&2; exit 1; }
