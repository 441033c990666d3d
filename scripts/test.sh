#!/usr/bin/env bash
# README command 2: installs what is missing, builds, and runs the whole test suite with ctest.
# Widget tests run offscreen; the rest run under Xvfb so that screenshot tests have a display.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
BUILD_DIR=${RIVULET_BUILD_DIR:-build}
exec xvfb-run -a -s "-screen 0 1600x1000x24" \
    ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "${RIVULET_JOBS:-$(nproc)}" "$@"
