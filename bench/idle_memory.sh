#!/usr/bin/env bash
# Resident memory of each service binary idle: started on a fresh database
# (and, for notifications, a real redis-server), asked for its health once,
# then left alone for --settle seconds. Target: each < 40 MB.
#
#   bench/idle_memory.sh [--build=DIR] [--settle=S]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
settle=3
for a in "$@"; do
  case $a in
    --build=*) build=${a#*=} ;;
    --settle=*) settle=${a#*=} ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done
# shellcheck source=bench/lib.sh
source bench/lib.sh
scratch atrium-idle
openssl rand -hex 32 >"$dir/jwt.key"
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >"$dir/redis.log" 2>&1 &
pids+=($!)
wait_port "$redis_port"
declare -A flags=(
  [clients]="--notifications-address=127.0.0.1:1"
  [notifications]="--redis=127.0.0.1:$redis_port"
  [meetings]="--clients-address=127.0.0.1:1 --notifications-address=127.0.0.1:1"
  [inspections]="--notifications-address=127.0.0.1:1 --meetings-address=127.0.0.1:1"
  [sales]="--clients-address=127.0.0.1:1 --meetings-address=127.0.0.1:1"
)
for s in clients notifications meetings inspections sales; do
  port=$(free_port)
  # shellcheck disable=SC2086 # the flags are words
  "$build/services/$s/atrium-$s" --listen="127.0.0.1:$port" --db-path="$dir/$s.db" --jwt-key-file="$dir/jwt.key" \
    --log-level=warn ${flags[$s]} >"$dir/$s.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_port "$port"
  sleep "$settle"
  rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
  threads=$(awk '/Threads/ { print $2 }' "/proc/$pid/status")
  printf '%-14s idle: %6.1f MB resident, %3d threads (target < 40 MB)\n' "$s" "$(echo "$rss / 1024" | bc -l)" "$threads"
done
