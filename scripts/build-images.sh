#!/usr/bin/env bash
# Builds a container image per service with buildah, from the project's own
# build (build/ unless given): FROM scratch, the stripped binary and exactly
# the shared libraries it links (ldd), the time-zone data, the CA bundle TLS
# is verified against, the fonts of the
# printed documents for a service that prints, a non-root user (65532). No
# base image is pulled.
#
#   scripts/build-images.sh [build-dir] [tag]     -> atrium/<service>:<tag> (default dev)
#
# Uses buildah's vfs storage driver and chroot isolation, which work without
# a container engine or privileges beyond root.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
tag="${2:-dev}"
export BUILDAH_ISOLATION=chroot
b() { buildah --storage-driver vfs "$@"; }
command -v buildah >/dev/null || {
  echo "buildah is missing (apt-get install buildah)" >&2
  exit 1
}
for service in clients notifications meetings inspections sales; do
  binary="$build/services/$service/atrium-$service"
  [ -x "$binary" ] || {
    echo "$binary is missing: build first (scripts/build.sh)" >&2
    exit 1
  }
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/usr/local/bin" "$root/etc" "$root/tmp" "$root/data" "$root/usr/share"
  cp "$binary" "$root/usr/local/bin/"
  strip --strip-debug "$root/usr/local/bin/atrium-$service"
  # The libraries the binary loads, and the loader, at their own paths.
  ldd "$binary" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  cp -r /usr/share/zoneinfo "$root/usr/share/"
  # The CAs TLS is verified against (libcurl's default bundle): the hotel's
  # identity provider is reached over https.
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  # A service that prints documents: fontconfig's configuration and the Noto
  # Sans CJK fonts (regular and bold) the documents are set in.
  if ldd "$binary" | grep -q libpango; then
    mkdir -p "$root/usr/share/fonts/opentype/noto"
    cp -r /etc/fonts "$root/etc/"
    cp /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc \
      "$root/usr/share/fonts/opentype/noto/"
  fi
  printf 'root:x:0:0::/:/sbin/nologin\natrium:x:65532:65532::/data:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\natrium:x:65532:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  ctr=$(b from scratch)
  b copy --quiet "$ctr" "$root" / >/dev/null
  # The service's only writable place (a volume in Kubernetes) is its user's.
  mnt=$(b mount "$ctr")
  chown 65532:65532 "$mnt/data"
  b umount "$ctr" >/dev/null
  b config --user 65532:65532 --workingdir /data \
    --entrypoint "[\"/usr/local/bin/atrium-$service\"]" \
    --cmd "[\"--listen=0.0.0.0:50051\",\"--db-path=/data/$service.db\"]" \
    --port 50051 --env ATRIUM_LOG_FORMAT=json \
    --label org.opencontainers.image.title="atrium-$service" \
    --label org.opencontainers.image.source="https://example.invalid/atrium" "$ctr"
  b commit --quiet --rm "$ctr" "atrium/$service:$tag" >/dev/null
  rm -rf "$root"
  trap - EXIT
  echo "atrium/$service:$tag  $(b inspect --format '{{.FromImageID}}' "atrium/$service:$tag" 2>/dev/null | cut -c1-12)"
done
b images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep atrium/ || true
