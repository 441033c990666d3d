#!/usr/bin/env bash
# Makes the README's pictures of Rivulet Studio, the way a user sees it: the real binary in a
# real X server (Xvfb), the train sample running with its simulation, the live output and map
# filling. Writes docs/images/studio.png (light theme) and docs/images/studio-dark.png.
# Uses a throwaway workspace and settings, so your own studio session is untouched. The
# sample's ports (8006, 8025, 8026, and its gateway's 9099, 8099, 9443, 9763) must be free.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${RIVULET_BUILD_DIR:-build}
./scripts/build.sh >/dev/null
for port in 8006 8025 8026 9099 8099 9443 9763; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "screenshots: port $port is in use; stop what listens there (the sample needs it)" >&2
        exit 1
    fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shoot() { # out.png [studio options...]
    local out=$1; shift
    XDG_CONFIG_HOME=$tmp/config-$RANDOM XDG_DATA_HOME=$tmp/data \
        xvfb-run -a -s "-screen 0 1600x1000x24" \
        "$BUILD_DIR/bin/rivulet-studio" --workspace "$tmp/workspace" --sample TrainLocation \
        --run --simulate TrainLocation.sim.json --rate 150 --screenshot "$out" --after 8 "$@"
    echo "screenshots: wrote $out"
}
shoot docs/images/studio.png
shoot docs/images/studio-dark.png --dark
