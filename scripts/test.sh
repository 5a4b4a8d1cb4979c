#!/usr/bin/env bash
# Sets up, builds and runs Braid's whole test suite (what CI runs):
#   1. the release build and every test registered with CTest;
#   2. the scheduler's tests again under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cmake --preset release
cmake --build --preset release
ctest --preset release

TSAN_TESTS=(scheduler_core_test scheduler_test scheduler_concurrency_test scheduler_sim_test simulate_command_test)
cmake --preset tsan
cmake --build --preset tsan --target "${TSAN_TESTS[@]}"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir build/tsan -L scheduler -j2 --output-on-failure
