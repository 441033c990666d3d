#!/usr/bin/env bash
# Installs what Rivulet needs to build, run and test on Debian 12: only what is missing, so it
# is quick to run again. Runs apt through sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config git
    qt6-base-dev libqt6opengl6-dev qt6-websockets-dev qt6-charts-dev
    qt6-svg-dev libqt6sql6-sqlite qt6-qpa-plugins libqscintilla2-qt6-dev
    libsimdjson-dev libyaml-cpp-dev libsodium-dev libssl-dev
    xvfb xauth curl ca-certificates
    libkf5syntaxhighlighting-tools desktop-file-utils appstream
    zlib1g-dev dpkg-dev systemd binutils
    nodejs npm
    chromium
)

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
        echo "setup: not root and no sudo: install these packages by hand: ${PACKAGES[*]}" >&2
        exit 1
    fi
    sudo_cmd=(sudo)
fi

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        # A newer Node.js from elsewhere is fine: do not ask apt for nodejs/npm then.
        if [[ $p == nodejs || $p == npm ]] && command -v "${p/nodejs/node}" >/dev/null; then
            continue
        fi
        missing+=("$p")
    fi
done
if ((${#missing[@]} > 0)); then
    echo "setup: installing ${missing[*]}"
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# wscat, the reference WebSocket client of the README's commands.
if ! command -v wscat >/dev/null; then
    echo "setup: installing wscat (npm)"
    "${sudo_cmd[@]}" npm install --global --no-fund --no-audit --loglevel=error wscat@6 >/dev/null
fi

# The end-to-end tests' own Node.js tools, pinned by tests/e2e/package-lock.json: wscat, and
# playwright-core, which drives Debian's chromium (above) in the developer portal's browser
# tests (it never downloads a browser of its own).
if [[ -f tests/e2e/package-lock.json ]]; then
    if [[ ! -d tests/e2e/node_modules ]] \
        || [[ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]]; then
        echo "setup: installing the e2e test tools (npm ci)"
        (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
            npm ci --no-fund --no-audit --loglevel=error >/dev/null)
    fi
fi
