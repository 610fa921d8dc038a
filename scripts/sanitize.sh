#!/usr/bin/env bash
# Sanitizer builds (docs/hardening.md), clang-14, -O1 with line tables:
#
#   scripts/sanitize.sh [all]         asan, then tsan
#   scripts/sanitize.sh asan          asan-build, then asan-test
#   scripts/sanitize.sh asan-build [TARGET...]
#       build-asan/: AddressSanitizer + UndefinedBehaviorSanitizer
#       (-fno-sanitize-recover=undefined: any UB fails), tests ON, bench OFF,
#       and the libFuzzer targets (MOAT_FUZZ=ON: the engine carries coverage
#       instrumentation, only fuzz/ links the libFuzzer driver), so this one
#       build serves the test suite and scripts/fuzz.sh. Builds everything,
#       or only the TARGETs given.
#   scripts/sanitize.sh asan-test
#       the whole ctest suite in build-asan/ except heavy tests: CTest tests
#       labelled `heavy` and GoogleTest suites whose name ends in `Heavy`
#       (regex $MOAT_HEAVY_REGEX); those run in the release build only.
#   scripts/sanitize.sh tsan
#       build-tsan/: ThreadSanitizer; builds only moat_concurrency_tests
#       (the engine and tests/unit/concurrency_test.cc) and runs the tests
#       matching the GoogleTest filter $MOAT_TSAN_FILTER (default Concurrency.*).
#
# Environment: MOAT_ASAN_DIR, MOAT_TSAN_DIR (build folders, default
# build-asan/ and build-tsan/ in the source tree), MOAT_JOBS (default nproc),
# MOAT_CCACHE=0 to build without ccache even when it is installed.
# The Python extension is never built here (an instrumented extension cannot
# be loaded by an uninstrumented interpreter); only C and C++ is instrumented.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${MOAT_JOBS:-$(nproc)}"
mode="${1:-all}"
[[ $# -gt 0 ]] && shift
asan_dir="${MOAT_ASAN_DIR:-$root/build-asan}"
tsan_dir="${MOAT_TSAN_DIR:-$root/build-tsan}"
heavy_regex="${MOAT_HEAVY_REGEX:-^[A-Za-z0-9_]*Heavy\\.}"
export CC="${CC:-clang-14}" CXX="${CXX:-clang++-14}"
# The sanitizers symbolize stack traces with the llvm-symbolizer on PATH;
# Debian's llvm-14 puts it only here (/usr/bin/llvm-symbolizer is the llvm package's).
[[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]] && export PATH="/usr/lib/llvm-14/bin:$PATH"

# configure DIR SANITIZE_FLAGS LINK_FLAGS [CMAKE_ARGS...]
configure() {
  local dir="$1" flags="$2 -fno-omit-frame-pointer" link="$3"
  shift 3
  local extra=()
  # -G Ninja only when the build folder is new (an existing one keeps its generator).
  [[ -f "$dir/CMakeCache.txt" ]] || extra+=(-G Ninja)
  # ccache only when present (CI does not need it; deps.sh does not install it).
  if [[ "${MOAT_CCACHE:-1}" != 0 ]] && command -v ccache >/dev/null; then
    extra+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  else
    extra+=(-UCMAKE_C_COMPILER_LAUNCHER -UCMAKE_CXX_COMPILER_LAUNCHER)
  fi
  # -O1 -gline-tables-only: usable stack traces at a fraction of -O2 -g's
  # compile and link time.
  cmake -S "$root" -B "$dir" "${extra[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DMOAT_BUILD_TESTS=ON -DMOAT_BUILD_BENCH=OFF -DMOAT_WERROR=OFF -DMOAT_BUILD_PYTHON=OFF \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$link" "$@" >/dev/null
}

asan_build() {
  # -fsanitize-link-c++-runtime -lstdc++: the C programs (the C API test and
  # examples) link libmoat.so, whose UBSan checks (vptr, function) live in
  # the C++ part of the runtime that clang's C driver leaves out.
  configure "$asan_dir" "-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
    "-fsanitize=address,undefined -fsanitize-link-c++-runtime -lstdc++" -DMOAT_FUZZ=ON
  if [[ $# -gt 0 ]]; then
    cmake --build "$asan_dir" -j "$jobs" --target "$@"
  else
    cmake --build "$asan_dir" -j "$jobs"
  fi
}

asan_test() {
  echo "== ASan+UBSan: ctest, without tests labelled heavy or matching $heavy_regex"
  cd "$asan_dir"
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    ctest --output-on-failure -j "$jobs" --timeout 600 --no-tests=error -LE heavy -E "$heavy_regex"
}

tsan() {
  local filter="${MOAT_TSAN_FILTER:-Concurrency.*}"
  configure "$tsan_dir" "-fsanitize=thread" "-fsanitize=thread"
  cmake --build "$tsan_dir" -j "$jobs" --target moat_concurrency_tests
  echo "== TSan: moat_concurrency_tests --gtest_filter=$filter"
  local out
  out="$(mktemp)"
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}" \
    "$tsan_dir/tests/moat_concurrency_tests" --gtest_filter="$filter" | tee "$out"
  # A filter that matches nothing must not pass as a clean run.
  if ! grep -q '^\[  PASSED  \] [1-9]' "$out"; then
    rm -f "$out"
    echo "TSan: no test matched $filter" >&2
    return 1
  fi
  rm -f "$out"
}

case "$mode" in
  asan-build) asan_build "$@" ;;
  asan-test) asan_test ;;
  asan) asan_build && asan_test ;;
  tsan) tsan ;;
  all)
    status=0
    ( asan_build && asan_test ) || status=1
    tsan || status=1
    exit $status ;;
  *) echo "usage: scripts/sanitize.sh [all|asan|asan-build [TARGET...]|asan-test|tsan]" >&2; exit 2 ;;
esac
