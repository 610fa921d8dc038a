#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang-14, ASan+UBSan) in the ASan
# build folder that also holds the sanitizer test suite (scripts/sanitize.sh
# asan-build; build-asan/ unless $MOAT_ASAN_DIR says otherwise) and runs each
# for $MOAT_FUZZ_SECONDS seconds (default 60). See docs/hardening.md.
#
#   scripts/fuzz.sh [TARGET...]      default: every target
#
# Environment:
#   MOAT_FUZZ_SECONDS  seconds per target (default 60)
#   MOAT_FUZZ_JOBS     targets run at the same time (default 1)
#   MOAT_FUZZ_SHARED   1 (default): when ../shared/corpus exists, add its
#                      files of the right kind as extra seeds (linked from a
#                      scratch folder, read only, never copied into the
#                      repository); 0: only the seeds in fuzz/corpus/
#   MOAT_FUZZ_SHARED_MAX  at most this many shared seeds per target (default 1500)
#   MOAT_JOBS          build parallelism (default nproc)
#   MOAT_FUZZ_BUILD    1 (default): configure and build the targets first;
#                      0: run the targets already in $MOAT_ASAN_DIR/fuzz/
#   MOAT_ASAN_DIR      the build folder (default build-asan/)
#
# Everything a run writes (new corpus entries, crash reproducers, logs) goes
# to <build>/fuzz-run/<target>/; fuzz/corpus/ and ../shared are never written.
# Exits non-zero if any target crashed, leaked, timed out or ran out of
# memory, printing the reproducer; replay one with
#   <build>/fuzz/<target> <reproducer>
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MOAT_ASAN_DIR:-$root/build-asan}"
seconds="${MOAT_FUZZ_SECONDS:-60}"
parallel="${MOAT_FUZZ_JOBS:-1}"
use_shared="${MOAT_FUZZ_SHARED:-1}"
shared_max="${MOAT_FUZZ_SHARED_MAX:-1500}"
shared="$(cd "$root/.." && pwd)/shared/corpus"

# The sanitizers symbolize stack traces with the llvm-symbolizer on PATH;
# Debian's llvm-14 puts it only here (/usr/bin/llvm-symbolizer is the llvm package's).
[[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]] && export PATH="/usr/lib/llvm-14/bin:$PATH"

all_targets=(fuzz_policy_parser fuzz_compile_eval fuzz_json fuzz_yaml fuzz_template fuzz_event)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")

if [[ "${MOAT_FUZZ_BUILD:-1}" != 0 ]]; then
  MOAT_ASAN_DIR="$build" "$root/scripts/sanitize.sh" asan-build "${targets[@]}"
fi
for t in "${targets[@]}"; do
  [[ -x "$build/fuzz/$t" ]] || { echo "fuzzing: $build/fuzz/$t is not built" >&2; exit 1; }
done

# Per target: longest input, dictionary, and which shared files seed it.
max_len() {
  case "$1" in
    fuzz_policy_parser) echo 8192 ;; fuzz_compile_eval) echo 4096 ;;
    fuzz_template) echo 32768 ;; *) echo 16384 ;;
  esac
}
dict() {
  case "$1" in
    fuzz_policy_parser|fuzz_compile_eval) echo "$root/fuzz/dict/policy.dict" ;;
    fuzz_yaml|fuzz_template) echo "$root/fuzz/dict/cloudformation.dict" ;;
    fuzz_event) echo "$root/fuzz/dict/event.dict" ;;
    *) echo "" ;;
  esac
}
# Shared files for a target, smallest first (prints paths).
shared_files() {
  local names
  case "$1" in
    fuzz_json) names=(-name '*.json') ;;
    fuzz_yaml) names=(-name '*.yaml' -o -name '*.yml') ;;
    fuzz_template) names=(-name '*.json' -o -name '*.yaml' -o -name '*.yml' -o -name '*.template') ;;
    fuzz_event) find "$shared/aws-lambda-go" "$shared/aws-sam-cli" "$shared/serverless-patterns" \
                  -type f -name '*.json' -size -64k -printf '%s %p\n' 2>/dev/null |
                  sort -n | head -n "$shared_max" | cut -d' ' -f2-; return ;;
    *) return ;;  # no policies in the shared corpus
  esac
  find "$shared" -type f \( "${names[@]}" \) -size -64k -printf '%s %p\n' 2>/dev/null |
    sort -n | head -n "$shared_max" | cut -d' ' -f2-
}

run_one() {
  local target="$1" dir="$build/fuzz-run/$1"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  local corpora=("$dir/corpus" "$root/fuzz/corpus/$target")
  if [[ "$use_shared" == 1 && -d "$shared" ]]; then
    rm -rf "$dir/shared-seeds"; mkdir -p "$dir/shared-seeds"
    local i=0 f
    while IFS= read -r f; do
      ln -s "$f" "$dir/shared-seeds/$((i++))-$(basename "$f")"
    done < <(shared_files "$target")
    [[ $i -gt 0 ]] && corpora+=("$dir/shared-seeds")
  fi
  local args=(-max_total_time="$seconds" -max_len="$(max_len "$target")" -rss_limit_mb=2048 -timeout=10
              -print_final_stats=1 -artifact_prefix="$dir/artifacts/")
  local d; d="$(dict "$target")"
  [[ -n "$d" ]] && args+=(-dict="$d")
  echo "== $target: ${seconds}s, log $dir/fuzz.log"
  if "$build/fuzz/$target" "${args[@]}" "${corpora[@]}" >"$dir/fuzz.log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
      "$dir/fuzz.log" | sed "s/^/   $target: /"
    return 0
  fi
  echo "!! $target FAILED; last lines of $dir/fuzz.log:"
  tail -n 40 "$dir/fuzz.log"
  local r
  for r in "$dir"/artifacts/*; do
    [[ -e "$r" ]] && echo "!! reproducer: $r  (replay: $build/fuzz/$target $r)"
  done
  return 1
}

failed=()
if [[ "$parallel" -le 1 ]]; then
  for t in "${targets[@]}"; do run_one "$t" || failed+=("$t"); done
else
  mkdir -p "$build/fuzz-run"
  for t in "${targets[@]}"; do
    while [[ $(jobs -rp | wc -l) -ge "$parallel" ]]; do sleep 1; done
    ( rc=0; run_one "$t" > "$build/fuzz-run/$t.out" 2>&1 || rc=$?; echo "$rc" > "$build/fuzz-run/$t.rc" ) &
  done
  wait
  for t in "${targets[@]}"; do
    cat "$build/fuzz-run/$t.out"
    [[ "$(cat "$build/fuzz-run/$t.rc")" == 0 ]] || failed+=("$t")
  done
fi

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} target(s), no crash"
