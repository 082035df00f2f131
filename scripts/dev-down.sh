#!/usr/bin/env bash
# Stops the local suite started by scripts/dev-up.sh (SIGTERM: graceful).
set -uo pipefail
cd "$(dirname "$0")/.."
for pidfile in .local/run/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stopped $(basename "$pidfile" .pid)"
  fi
  rm -f "$pidfile"
done
