#!/usr/bin/env bash
# Configures and builds Atrium. Usage: scripts/build.sh [build-dir] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"
shift || true
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.local/ccache}"
mkdir -p "$CCACHE_DIR"
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
fi
cmake --build "$dir" -j "$(nproc)"
