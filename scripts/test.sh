#!/usr/bin/env bash
# The one command that installs what is missing, builds, and runs every test:
# the normal build, then the tests again under AddressSanitizer and UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

# Every temporary directory the tests make (databases, PostgreSQL clusters,
# logs) goes under one directory of this run, removed when it ends. The
# PostgreSQL server runs as its own user and must be able to pass through.
export TMPDIR="$(mktemp -d /tmp/atrium-test.XXXXXX)"
chmod 711 "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT

echo "== Kubernetes manifests"
scripts/check-manifests.sh
echo "== proto contracts"
scripts/check-protos.sh
# The OpenID Connect provider the identity tests get their tokens from.
(cd tests/oidc && npm ci --no-audit --no-fund --silent)

echo "== build (RelWithDebInfo)"
scripts/build.sh build
echo "== tests"
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 300)
find "$TMPDIR" -mindepth 1 -delete
echo "== container images (buildah): each runs as its non-root user and answers health"
scripts/test-images.sh build

echo "== build (ASan+UBSan)"
BUILD_TYPE=Debug scripts/build.sh build-asan -DATRIUM_SANITIZE=ON -DATRIUM_BUILD_BENCH=OFF
echo "== tests under ASan+UBSan"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# What the leak checker ignores, and why: scripts/lsan.supp.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
(cd build-asan && ctest --output-on-failure -j "$(nproc)" --timeout 600)
