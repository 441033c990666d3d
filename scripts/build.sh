#!/usr/bin/env bash
# Configures (once) and builds Rivulet into build/. Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${RIVULET_BUILD_DIR:-build}
if [[ ! -f $BUILD_DIR/build.ninja || $# -gt 0 ]]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
cmake --build "$BUILD_DIR" --parallel "${RIVULET_JOBS:-$(nproc)}"
