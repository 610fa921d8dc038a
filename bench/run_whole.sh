#!/usr/bin/env bash
# Whole-process comparison of Moat with jq on the shared benchmark workload
# (../shared/bench/SPEC.md), in one run, engines alternating, medians.
#
#   bench/run_whole.sh [MOAT_BINARY] [REPETITIONS]
#
#   MOAT_BINARY   default: ROOT/build/cli/moat
#   REPETITIONS   default: 5 (or $N)
#   MOAT_BENCH_DIR  where workload-{1k,10k,100k}.json live (default /tmp/moat-bench;
#                   generated with ../shared/bench/gen_workload.py when missing)
#   SIZES         default "1k 10k 100k"
#
# Per size and repetition it runs, in an order that rotates every repetition:
#   moat    moat eval --policy bench/workload/rules.moat --input W --format json
#   jq      jq -c -f ../shared/bench/peers/rules.jq W
#   jq-parse  jq empty W        (parse only: a floor for any jq-based run)
# each under /usr/bin/time -f "%e %M %U %S" (wall seconds, peak RSS KiB, CPU
# seconds; on a shared machine CPU time is the steadier figure). The %e
# figure has a 10 ms resolution, so the script also takes a nanosecond clock
# around the same invocation and reports that as the wall time (the two agree
# to within the fork/exec of /usr/bin/time itself, about a millisecond).
# Before timing, Moat's and jq's findings are checked with check_findings.py;
# a mismatch stops the script.
#
# Output: raw measurements on stderr, a markdown table of medians on stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="$ROOT/../shared/bench"
MOAT="${1:-$ROOT/build/cli/moat}"
REPS="${2:-${N:-5}}"
DIR="${MOAT_BENCH_DIR:-/tmp/moat-bench}"
SIZES="${SIZES:-1k 10k 100k}"
POLICY="$ROOT/bench/workload/rules.moat"
JQ_RULES="$SHARED/peers/rules.jq"
TIME=/usr/bin/time

die() { echo "run_whole.sh: $*" >&2; exit 2; }
[[ -x "$MOAT" ]] || die "moat binary not found or not executable: $MOAT"
[[ -x "$TIME" ]] || die "$TIME is required (Debian package 'time')"
command -v jq >/dev/null || die "jq is required"
[[ -f "$JQ_RULES" ]] || die "missing $JQ_RULES"
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "repetitions must be a positive integer: $REPS"

missing=0
for s in $SIZES; do [[ -f "$DIR/workload-$s.json" ]] || missing=1; done
if (( missing )); then
  echo "generating workloads in $DIR" >&2
  mkdir -p "$DIR"
  python3 "$SHARED/gen_workload.py" --sizes 1000,10000,100000 --outdir "$DIR" >&2
fi

TMP="$(mktemp -d /tmp/moat-whole.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

# run ENGINE WORKLOAD OUT -> prints "wall_us rss_kib time_e_s cpu_s"
run() {
  local engine="$1" w="$2" out="$3" t0 t1 rc=0
  local -a cmd
  case "$engine" in
    moat) cmd=("$MOAT" eval --policy "$POLICY" --input "$w" --format json) ;;
    jq) cmd=(jq -c -f "$JQ_RULES" "$w") ;;
    jq-parse) cmd=(jq empty "$w") ;;
  esac
  t0=$(date +%s%N)
  "$TIME" -f "%e %M %U %S" -o "$TMP/time" "${cmd[@]}" >"$out" 2>"$TMP/stderr" || rc=$?
  t1=$(date +%s%N)
  # moat exits 1 when there are findings; anything else is a failure.
  if (( rc != 0 )) && ! [[ "$engine" == moat && $rc == 1 ]]; then
    cat "$TMP/stderr" >&2
    die "$engine failed on $w (exit $rc)"
  fi
  # /usr/bin/time writes "Command exited with non-zero status N" first when rc != 0.
  local e m u s
  read -r e m u s < <(tail -n 1 "$TMP/time")
  echo "$(( (t1 - t0) / 1000 )) $m $e $(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}')"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

ENGINES=(moat jq jq-parse)
echo "moat: $MOAT ($("$MOAT" --version 2>/dev/null || echo 'version unknown'))" >&2
echo "jq: $(jq --version); repetitions: $REPS; load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

declare -A RES
for s in $SIZES; do
  w="$DIR/workload-$s.json"
  bytes=$(stat -c %s "$w")
  # Correctness first, outside the timed runs.
  run moat "$w" "$TMP/moat-$s.json" >/dev/null
  run jq "$w" "$TMP/jq-$s.json" >/dev/null
  echo "checking findings at $s:" >&2
  python3 "$SHARED/check_findings.py" "$w" "$TMP/moat-$s.json" "$TMP/jq-$s.json" >&2 ||
    die "findings differ from the reference at $s"
  : >"$TMP/m-$s"
  for ((r = 0; r < REPS; r++)); do
    for ((k = 0; k < ${#ENGINES[@]}; k++)); do
      e="${ENGINES[$(( (k + r) % ${#ENGINES[@]} ))]}"
      line=$(run "$e" "$w" "$TMP/out")
      read -r us kib es cpu <<<"$line"
      echo "$s $e rep=$r wall_ms=$(awk -v u="$us" 'BEGIN{printf "%.1f", u/1000}') time_e=${es}s cpu=${cpu}s rss_kib=$kib" >&2
      echo "$e $us $kib $cpu" >>"$TMP/m-$s"
    done
  done
  for e in "${ENGINES[@]}"; do
    RES[$s,$e,ms]=$(awk -v e="$e" '$1==e {print $2/1000}' "$TMP/m-$s" | median)
    RES[$s,$e,mib]=$(awk -v e="$e" '$1==e {print $3/1024}' "$TMP/m-$s" | median)
    RES[$s,$e,cpu]=$(awk -v e="$e" '$1==e {print $4*1000}' "$TMP/m-$s" | median)
  done
  RES[$s,mb]=$(awk -v b="$bytes" 'BEGIN{printf "%.2f", b/1e6}')
  RES[$s,mib_in]=$(awk -v b="$bytes" 'BEGIN{print b/1048576}')
done

f1() { awk -v x="$1" 'BEGIN{printf "%.1f", x}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.3f", a/b; else print "n/a"}'; }

echo
echo "Whole process, median of $REPS runs (wall ms / peak RSS MiB); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| size (MB) | moat | jq | jq parse only | moat/jq time | moat/jq-parse time | moat/jq RSS | moat RSS / input |"
echo "|---|---|---|---|---|---|---|---|"
for s in $SIZES; do
  printf '| %s (%s) | %s / %s | %s / %s | %s / %s | %s | %s | %s | %s |\n' \
    "$s" "${RES[$s,mb]}" \
    "$(f1 "${RES[$s,moat,ms]}")" "$(f1 "${RES[$s,moat,mib]}")" \
    "$(f1 "${RES[$s,jq,ms]}")" "$(f1 "${RES[$s,jq,mib]}")" \
    "$(f1 "${RES[$s,jq-parse,ms]}")" "$(f1 "${RES[$s,jq-parse,mib]}")" \
    "$(ratio "${RES[$s,moat,ms]}" "${RES[$s,jq,ms]}")" \
    "$(ratio "${RES[$s,moat,ms]}" "${RES[$s,jq-parse,ms]}")" \
    "$(ratio "${RES[$s,moat,mib]}" "${RES[$s,jq,mib]}")" \
    "$(ratio "${RES[$s,moat,mib]}" "${RES[$s,mib_in]}")"
done

echo
echo "CPU time (user+sys), median ms"
echo
echo "| size | moat | jq | jq parse only | moat/jq CPU | moat/jq-parse CPU |"
echo "|---|---|---|---|---|---|"
for s in $SIZES; do
  printf '| %s | %s | %s | %s | %s | %s |\n' "$s" \
    "$(f1 "${RES[$s,moat,cpu]}")" "$(f1 "${RES[$s,jq,cpu]}")" "$(f1 "${RES[$s,jq-parse,cpu]}")" \
    "$(ratio "${RES[$s,moat,cpu]}" "${RES[$s,jq,cpu]}")" "$(ratio "${RES[$s,moat,cpu]}" "${RES[$s,jq-parse,cpu]}")"
done
