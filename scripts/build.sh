#!/usr/bin/env bash
# Configures and builds Atrium. Usage: scripts/build.sh [build-dir] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build}"
shift || true
# The compiler cache lives outside the checkout, so a fresh clone on the same
# machine (as CI makes) builds warm.
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/atrium-ccache}"
mkdir -p "$CCACHE_DIR"
# Paths relative to the checkout, and no working directory in the hash, so that
# two checkouts share cache entries.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
fi
cmake --build "$dir" -j "$(nproc)"
