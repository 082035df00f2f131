#!/usr/bin/env bash
# Speed measured from outside: h2load (Debian's nghttp2-client) sends
# pre-encoded gRPC requests with a real token, first to a bare callback-API
# server whose one method does nothing (the ceiling: bench/bare_server.cc),
# then to the real clients service binary on a database of --accounts
# accounts. The servers run on core 0, h2load on core 1; the targets
# alternate round by round (bare, GetAccount, ListAccounts, bare, ...), so
# a noisy moment hits each. Every call the service answered is checked
# against its own metrics: a figure counts only calls answered OK.
#
#   bench/outside.sh [--accounts=N] [--seconds=S] [--rounds=R] [--build=DIR] [--clients-bin=PATH]
#
# --clients-bin runs another build of the service against the same ceiling
# (an A/B of a change: run both, alternately).
#
# Prints each round's calls/s and the medians with their ratio to the
# ceiling (targets: GetAccount >= 0.6 x, a filtered page of 50 >= 0.3 x).
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=1000
seconds=5
rounds=3
build=build
clients_bin=
connections=8
streams=32
for a in "$@"; do
  case $a in
    --accounts=*) accounts=${a#*=} ;;
    --seconds=*) seconds=${a#*=} ;;
    --rounds=*) rounds=${a#*=} ;;
    --build=*) build=${a#*=} ;;
    --clients-bin=*) clients_bin=${a#*=} ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs two cores: one for the servers, one for h2load" >&2; exit 2; }

# shellcheck source=bench/lib.sh
source bench/lib.sh
scratch atrium-outside

openssl rand -hex 32 >"$dir/jwt.key"
t0=$(date +%s.%N)
"$build/bench/clients_fixture" --db="$dir/clients.db" --out="$dir" --accounts="$accounts"
printf 'loaded %d accounts in %.1f s\n' "$accounts" "$(echo "$(date +%s.%N) - $t0" | bc)"
token=$("$build/cli/atrium" token mint --key-file "$dir/jwt.key" --sub mgr-bench --role manager --ttl 1h)

bare_port=$(free_port)
taskset -c 0 "$build/bench/bare_server" --port="$bare_port" &
pids+=($!)
svc_port=$(free_port)
metrics_port=$(free_port)
taskset -c 0 "${clients_bin:-$build/services/clients/atrium-clients}" --listen="127.0.0.1:$svc_port" --db-path="$dir/clients.db" \
  --jwt-key-file="$dir/jwt.key" --notifications-address=127.0.0.1:1 --metrics-listen="127.0.0.1:$metrics_port" \
  --log-level=warn >"$dir/clients.log" 2>&1 &
pids+=($!)
wait_port "$bare_port"
wait_port "$svc_port"

# The calls of `method` the service answered OK so far (its own metrics).
answered_ok() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" |
    awk -v m="grpc_method=\"$1\"" 'index($0, "grpc_server_handled_total{") == 1 && index($0, m) && index($0, "grpc_code=\"OK\"") { n += $NF } END { printf "%d\n", n }'
}
# Runs h2load against `path` with the request in `file`; prints calls/s.
load() {
  local port=$1 path=$2 file=$3
  taskset -c 1 h2load -c "$connections" -m "$streams" -D "$seconds" --warm-up-time=1 \
    -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $token" \
    -d "$file" "http://127.0.0.1:$port$path" >"$dir/h2load.out" 2>&1 || { cat "$dir/h2load.out" >&2; exit 1; }
  awk '/^finished in/ { gsub(",", "", $4); print $4 }' "$dir/h2load.out"
}
# As load, for the service: fails when a call was not answered OK.
load_service() {
  local method=$1 file=$2 before after rate succeeded
  before=$(answered_ok "$method")
  rate=$(load "$svc_port" "/atrium.clients.v1.ClientsService/$method" "$file")
  succeeded=$(awk '/^requests:/ { print $8 }' "$dir/h2load.out")
  after=$(answered_ok "$method")
  # h2load counts the measured calls only; the service also those of the warm-up.
  if [ "$((after - before))" -lt "$succeeded" ]; then
    echo "$method: h2load finished $succeeded calls, the service answered $((after - before)) OK" >&2
    tail -5 "$dir/clients.log" >&2
    exit 1
  fi
  echo "$rate"
}

echo "h2load: $connections connections x $streams streams, ${seconds}s per run after 1 s of warm-up; $rounds rounds"
bare=() get=() list=()
for r in $(seq 1 "$rounds"); do
  bare+=("$(load "$bare_port" /atrium.bench.v1.BenchService/Empty "$dir/empty.bin")")
  get+=("$(load_service GetAccount "$dir/get.bin")")
  list+=("$(load_service ListAccounts "$dir/list.bin")")
  printf 'round %d  bare %9.0f/s | GetAccount %9.0f/s | ListAccounts (owner+segment, 50) %9.0f/s\n' \
    "$r" "${bare[-1]}" "${get[-1]}" "${list[-1]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mb=$(median "${bare[@]}")
mg=$(median "${get[@]}")
ml=$(median "${list[@]}")
echo "medians over $rounds rounds, $accounts accounts:"
printf '  bare empty handler (ceiling) %9.0f calls/s\n' "$mb"
printf '  GetAccount                   %9.0f calls/s = %.2f x ceiling (target >= 0.6)\n' "$mg" "$(echo "$mg / $mb" | bc -l)"
printf '  ListAccounts, page of 50     %9.0f calls/s = %.2f x ceiling (target >= 0.3)\n' "$ml" "$(echo "$ml / $mb" | bc -l)"
rss=$(awk '/VmRSS/ { print $2 }' "/proc/${pids[1]}/status")
printf '  clients service resident memory after the runs: %.1f MB\n' "$(echo "$rss / 1024" | bc -l)"
