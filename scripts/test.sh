#!/usr/bin/env bash
# The second command of the README, and what CI runs (.ci/run): installs
# whatever is missing, builds, and runs every test (GoogleTest suites, policy
# tests through `moat test`, the command-line checks, the Python package) in
# the release build; then, unless MOAT_CI_SANITIZE=0, the sanitizer stages
# (docs/hardening.md, "CI"):
#   asan-build  one clang-14 ASan+UBSan build of the tests and the libFuzzer
#               targets (build-asan/, scripts/sanitize.sh asan-build)
#   asan-test   the suite in it, heavy tests excepted (scripts/sanitize.sh asan-test)
#   fuzz        each fuzz target for $MOAT_FUZZ_SECONDS (default 30 here) with
#               the binaries from asan-build and at most
#               $MOAT_FUZZ_SHARED_MAX (default 200 here) seeds from ../shared
#   tsan        the concurrency tests under ThreadSanitizer (build-tsan/)
# Every stage is timed (wall clock, and the CPU time of its processes: on a
# shared machine CPU/cores estimates the wall time of an idle one); a failing
# stage is named, the stages that do not depend on it still run, and the run
# exits non-zero.
#
#   MOAT_CI_SANITIZE=0 scripts/test.sh     release build and tests only
#   MOAT_CI_RELEASE=0 scripts/test.sh      sanitizer stages only
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${MOAT_JOBS:-$(nproc)}"

summary=()
failed=()
# CPU seconds (user + system) of every finished child process so far. The
# builtin `times` must run in this shell (a subshell reports its own, empty,
# children), so it writes to a file.
cpu_file="$(mktemp)"
trap 'rm -f "$cpu_file"' EXIT
# Sets cpu_now; call it directly, never inside $(...).
child_cpu() {
  times > "$cpu_file"
  cpu_now=$(tail -n 1 "$cpu_file" | awk '{ t = 0; for (i = 1; i <= 2; ++i) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } printf "%d", t }')
}
# stage NAME COMMAND...: runs COMMAND, records its time and outcome.
stage() {
  local name="$1" start=$SECONDS cpu0 rc=0
  shift
  child_cpu
  cpu0=$cpu_now
  echo "==== CI stage $name: $*"
  "$@" || rc=$?
  child_cpu
  local took=$((SECONDS - start)) cpu=$((cpu_now - cpu0))
  local took_text
  took_text="$(printf '%4dm%02ds wall, %4dm%02ds CPU' $((took / 60)) $((took % 60)) $((cpu / 60)) $((cpu % 60)))"
  if [[ $rc -eq 0 ]]; then
    summary+=("$(printf '%-14s %s  ok' "$name" "$took_text")")
    echo "==== CI stage $name: ok ($took_text)"
    return 0
  fi
  summary+=("$(printf '%-14s %s  FAILED (exit %d)' "$name" "$took_text" "$rc")")
  failed+=("$name")
  echo "!!!! CI stage $name FAILED (exit $rc) after ${took}s" >&2
  return 1
}
skip() {
  summary+=("$(printf '%-14s %8s  skipped: %s' "$1" "" "$2")")
  echo "==== CI stage $1 skipped: $2"
}

stage deps "$root/scripts/deps.sh" || { echo "CI FAILED: stage deps (Debian packages)" >&2; exit 1; }
if [[ "${MOAT_CI_RELEASE:-1}" == 0 ]]; then
  skip release "MOAT_CI_RELEASE=0"
elif stage release-build "$root/scripts/build.sh"; then
  stage release-test ctest --test-dir "$root/build" --output-on-failure -j "$jobs" --timeout 600 \
    --no-tests=error || true
else
  skip release-test "release-build failed"
fi

if [[ "${MOAT_CI_SANITIZE:-1}" != 0 ]]; then
  if stage asan-build "$root/scripts/sanitize.sh" asan-build; then
    stage asan-test "$root/scripts/sanitize.sh" asan-test || true
    stage fuzz env MOAT_FUZZ_BUILD=0 MOAT_FUZZ_SECONDS="${MOAT_FUZZ_SECONDS:-30}" \
      MOAT_FUZZ_SHARED_MAX="${MOAT_FUZZ_SHARED_MAX:-200}" "$root/scripts/fuzz.sh" || true
  else
    skip asan-test "asan-build failed"
    skip fuzz "asan-build failed"
  fi
  stage tsan "$root/scripts/sanitize.sh" tsan || true
else
  skip sanitizers "MOAT_CI_SANITIZE=0"
fi

child_cpu
echo "==== CI stages (total $((SECONDS / 60))m$((SECONDS % 60))s wall, $((cpu_now / 60))m CPU on $(nproc) cores)"
printf '  %s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "CI FAILED in stage(s): ${failed[*]}" >&2
  exit 1
fi
