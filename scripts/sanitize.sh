#!/usr/bin/env bash
# Sanitizer runs of the test suite (docs/hardening.md):
#   build-asan/  clang-14, AddressSanitizer + UndefinedBehaviorSanitizer
#                (-fno-sanitize-recover=undefined: any UB fails the test),
#                tests ON, bench OFF; runs the whole ctest suite.
#   build-tsan/  clang-14, ThreadSanitizer; builds the unit tests and runs
#                those matching $MOAT_TSAN_FILTER (default: Concurrency).
# Usage: scripts/sanitize.sh [asan|tsan|all]   (default all)
# The Python extension is never built here (sanitizer runtimes and the
# interpreter do not mix); only C and C++ code is instrumented.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${MOAT_JOBS:-$(nproc)}"
which="${1:-all}"
export CC="${CC:-clang-14}" CXX="${CXX:-clang++-14}"

# -G Ninja only when the build folder is new (an existing one keeps its generator).
generator() { [[ -f "$1/CMakeCache.txt" ]] || echo "-GNinja"; }

status=0
if [[ "$which" == all || "$which" == asan ]]; then
  dir="$root/build-asan"
  flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake -S "$root" -B "$dir" $(generator "$dir") -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMOAT_BUILD_TESTS=ON -DMOAT_BUILD_BENCH=OFF -DMOAT_WERROR=OFF \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== ASan+UBSan: ctest"
  ( cd "$dir" &&
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    ctest --output-on-failure -j "$jobs" --timeout 1800 --no-tests=error ) || status=1
fi

if [[ "$which" == all || "$which" == tsan ]]; then
  dir="$root/build-tsan"
  filter="${MOAT_TSAN_FILTER:-Concurrency}"
  flags="-fsanitize=thread -fno-omit-frame-pointer"
  cmake -S "$root" -B "$dir" $(generator "$dir") -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMOAT_BUILD_TESTS=ON -DMOAT_BUILD_BENCH=OFF -DMOAT_WERROR=OFF \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
  cmake --build "$dir" -j "$jobs" --target moat moat_tests
  echo "== TSan: ctest -R $filter"
  ( cd "$dir" &&
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}" \
    ctest --output-on-failure -R "$filter" --timeout 1800 --no-tests=error ) || status=1
fi
exit $status
