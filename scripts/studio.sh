#!/usr/bin/env bash
# README command 1: installs what is missing, builds, and opens Rivulet Studio on the train
# sample. Without a display it runs the studio under Xvfb and saves a screenshot instead.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
BUILD_DIR=${RIVULET_BUILD_DIR:-build}
# The sample is imported into the workspace (with its train simulation), so edits stay there.
if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
    exec "$BUILD_DIR/bin/rivulet-studio" --sample TrainLocation "$@"
fi
echo "studio: no display here; running Rivulet Studio under Xvfb with the train simulation" \
     "and saving a screenshot" >&2
xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$BUILD_DIR/bin/rivulet-studio" --sample TrainLocation --run \
    --simulate TrainLocation.sim.json --rate 100 --screenshot "$BUILD_DIR/studio.png" --after 5 "$@"
echo "studio: saved $BUILD_DIR/studio.png" >&2
