#!/usr/bin/env bash
# Makes the README's pictures of the developer portal, the way a user sees it: the browser test
# tests/e2e/portal/tutorial.mjs walks the tutorial in Debian's chromium against the real
# `rivulet run --config` with the sample deployment on its own ports (9099, 8099, 9443, 9763,
# 8006, 8026, 8025 must be free), and saves docs/images/portal-*.png on the way.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${RIVULET_BUILD_DIR:-build}
./scripts/setup.sh
./scripts/build.sh >/dev/null
RIVULET_SAMPLE_PORTS=1 RIVULET_SCREENSHOT_DIR=docs/images \
    node tests/e2e/portal/tutorial.mjs "$BUILD_DIR/bin/rivulet"
