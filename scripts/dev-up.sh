#!/usr/bin/env bash
# The one command that installs what is missing, builds, and starts the whole
# local suite with its data under .local/. Prints each service's address.
# Stop it with scripts/dev-down.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build

root="$PWD/.local"
mkdir -p "$root/data" "$root/keys" "$root/logs" "$root/run"
# A development signing key (HS256). Deployments use RS256/ES256 key pairs.
[ -s "$root/keys/jwt.key" ] || (umask 077 && openssl rand -hex 32 > "$root/keys/jwt.key")
[ -s "$root/keys/page-token.key" ] || (umask 077 && openssl rand -hex 32 > "$root/keys/page-token.key")

scripts/dev-down.sh >/dev/null 2>&1 || true

redis_port="${ATRIUM_REDIS_PORT:-6379}"
start_redis() {
  # Its own Redis for the suite, with its data under .local (append-only
  # file, so pending pub/sub traffic state survives a restart of Redis itself).
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$root/data" --appendonly yes \
    --daemonize no >>"$root/logs/redis.log" 2>&1 &
  echo $! > "$root/run/redis.pid"
  for _ in $(seq 50); do
    if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  redis-cli -p "$redis_port" ping >/dev/null || { echo "redis failed to start; see $root/logs/redis.log" >&2; exit 1; }
  printf '%-14s 127.0.0.1:%s   (log %s)\n' redis "$redis_port" "$root/logs/redis.log"
}

start() {  # name port binary [extra flags...]
  local name=$1 port=$2 bin=$3
  shift 3
  "$bin" --listen="127.0.0.1:$port" --db-path="$root/data/$name.db" \
    --jwt-key-file="$root/keys/jwt.key" --page-token-secret-file="$root/keys/page-token.key" "$@" \
    >>"$root/logs/$name.log" 2>&1 &
  echo $! > "$root/run/$name.pid"
  for _ in $(seq 50); do
    if grep -q "serving on" "$root/logs/$name.log" 2>/dev/null; then break; fi
    if ! kill -0 "$(cat "$root/run/$name.pid")" 2>/dev/null; then
      echo "$name failed to start; see $root/logs/$name.log" >&2
      tail -5 "$root/logs/$name.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  printf '%-14s 127.0.0.1:%s   (log %s)\n' "$name" "$port" "$root/logs/$name.log"
}

echo "Atrium is running:"
start_redis
start clients "${ATRIUM_CLIENTS_PORT:-50051}" build/services/clients/atrium-clients \
  --notifications-address="127.0.0.1:${ATRIUM_NOTIFICATIONS_PORT:-50052}"
start notifications "${ATRIUM_NOTIFICATIONS_PORT:-50052}" build/services/notifications/atrium-notifications \
  --redis="127.0.0.1:$redis_port"
start meetings "${ATRIUM_MEETINGS_PORT:-50053}" build/services/meetings/atrium-meetings \
  --clients-address="127.0.0.1:${ATRIUM_CLIENTS_PORT:-50051}" \
  --notifications-address="127.0.0.1:${ATRIUM_NOTIFICATIONS_PORT:-50052}"
start inspections "${ATRIUM_INSPECTIONS_PORT:-50054}" build/services/inspections/atrium-inspections \
  --notifications-address="127.0.0.1:${ATRIUM_NOTIFICATIONS_PORT:-50052}" \
  --meetings-address="127.0.0.1:${ATRIUM_MEETINGS_PORT:-50053}"
start sales "${ATRIUM_SALES_PORT:-50055}" build/services/sales/atrium-sales \
  --clients-address="127.0.0.1:${ATRIUM_CLIENTS_PORT:-50051}" \
  --meetings-address="127.0.0.1:${ATRIUM_MEETINGS_PORT:-50053}"
cat <<TXT

Try it (a development token for a key account manager):
  export ATRIUM_TOKEN=\$(build/cli/atrium token mint --key-file .local/keys/jwt.key --sub kam-li --name "Li Na" --role key_account_manager)
  build/cli/atrium clients create-account account.kind=company account.display_name="上海浦东会展有限公司"
  build/cli/atrium clients list-accounts
Meeting notices (see README): watch as F&B in another terminal, then dispatch one:
  ATRIUM_TOKEN=\$(build/cli/atrium token mint --key-file .local/keys/jwt.key --sub fnb-zhou --role fnb) \\
    build/cli/atrium notices watch --department fnb --redis 127.0.0.1:$redis_port
One meeting from enquiry to settled bill: scripts/walkthrough.sh
Stop it: scripts/dev-down.sh
TXT
