#!/usr/bin/env bash
# Builds the images (scripts/build-images.sh) and runs each one as it ships:
# the service must come up as its non-root user (65532) inside the image
# and answer its gRPC health check SERVING; the notifications service prints
# a notice whose Chinese text pdftotext reads back (the fonts are in it).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
export BUILDAH_ISOLATION=chroot
b() { buildah --storage-driver vfs "$@"; }
scripts/build-images.sh "$build" test
work=$(mktemp -d)
key="$work/jwt.key"
head -c 32 /dev/urandom | base64 >"$key"
chmod 644 "$key"
status=0
port=50990
for service in clients notifications meetings inspections sales; do
  port=$((port + 1))
  ctr=$(b from "atrium/$service:test")
  b copy --quiet "$ctr" "$key" /tmp/jwt.key >/dev/null
  timeout 30 buildah --storage-driver vfs run --user 65532:65532 "$ctr" -- "/usr/local/bin/atrium-$service" \
    --listen="127.0.0.1:$port" --db-path="/data/$service.db" --jwt-key-file=/tmp/jwt.key \
    >"$work/$service.log" 2>&1 &
  runner=$!
  ok=""
  for _ in $(seq 50); do
    if "$build/cli/atrium" health "$service" --addr "127.0.0.1:$port" 2>/dev/null | grep -q "^$service: SERVING"; then
      ok=1
      break
    fi
    sleep 0.2
  done
  # The service's own process (not buildah's, whose command line is alike).
  pid=""
  for p in $(pgrep -f "atrium-$service --listen=127.0.0.1:$port" || true); do
    case "$(cat "/proc/$p/comm" 2>/dev/null)" in atrium-*) pid=$p ;; esac
  done
  uid=$( [ -n "$pid" ] && awk '/^Uid:/ {print $2}' "/proc/$pid/status" || echo "?")
  # A service that prints does so inside its image: the fonts are there.
  printed=ok
  if [ -n "$ok" ] && [ "$service" = notifications ]; then
    token=$("$build/cli/atrium" token mint --key-file "$key" --sub mgr-image --role manager)
    A=("$build/cli/atrium" --addr "127.0.0.1:$port" --token "$token")
    "${A[@]}" notifications dispatch-notice revision.notice_id=n-image revision.revision=1 revision.title=镜像测试会议 \
      revision.owner=mgr-image revision.meeting_start_time=2030-03-15T09:00:00+08:00 \
      --request '{"revision":{"sections":[{"department":"fnb","heading":"餐饮安排","fields":[{"path":"lunch","label":"午餐","value":"120 人"}]}]}}' \
      >/dev/null &&
      "${A[@]}" notifications print-notice-revision name=notices/n-image/revisions/1 --out "$work/notice.pdf" >/dev/null &&
      pdftotext "$work/notice.pdf" - | grep -q 镜像测试会议 || printed="the notice did not print with its Chinese text"
  fi
  if [ -n "$ok" ] && [ "$uid" = "65532" ] && [ "$printed" = ok ]; then
    echo "ok   atrium/$service: SERVING as uid $uid"
  else
    echo "FAIL atrium/$service: health ${ok:-not SERVING}, uid $uid, printing: $printed" >&2
    cat "$work/$service.log" >&2
    status=1
  fi
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  b rm "$ctr" >/dev/null
done
for service in clients notifications meetings inspections sales; do b rmi "atrium/$service:test" >/dev/null 2>&1 || true; done
rm -rf "$work"
exit $status
