#!/usr/bin/env bash
# Installs the Debian 12 packages Atrium builds and runs with, if missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libhiredis-dev libspdlog-dev libjwt-dev libjansson-dev libsqlite3-dev libssl-dev prometheus-cpp-dev libpq-dev
  # the identity provider: its keys (JWKS) over HTTPS, and its tokens (JOSE)
  libcurl4-openssl-dev libcjose-dev ca-certificates
  libgtest-dev libbenchmark-dev
  # printed documents: PDF by Cairo, text by Pango in the Noto CJK fonts;
  # poppler's pdftotext and pdftoppm read them back in the tests
  libpango1.0-dev libcairo2-dev fonts-noto-cjk fontconfig poppler-utils
  redis-server sqlite3 openssl tzdata clang-format prometheus buildah postgresql
  # bench/outside.sh: h2load, and what the script reads its figures with;
  # python3 for its free ports and for the README walk-through test
  nghttp2-client bc curl util-linux python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Tools that may come from elsewhere than a Debian package of that name:
# kubectl (kustomize rendering of deploy/) and Node.js with npm (the
# manifests' schema validation).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# kubectl: Google's package where its apt source is configured, else
# Debian's kubernetes-client (an older kustomize, which the overlays also suit).
if ! command -v kubectl >/dev/null; then
  echo "installing: kubectl"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends kubectl >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null
fi
