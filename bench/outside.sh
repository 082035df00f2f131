#!/usr/bin/env bash
# Speed measured from outside, against the floor of what any design must do.
# The servers run on core 0 (with Redis), the load generators on core 1; the
# targets of a section alternate round by round (A B A B ...), so a noisy
# moment hits each; every section prints each round, the medians and their
# ratio to the section's baseline.
#
#   bench/outside.sh [--only=SECTIONS] [--accounts=N] [--meetings=5000,50000] [--seconds=S]
#                    [--rounds=R] [--build=DIR] [--clients-bin=PATH]
#
# Sections (--only=reads,creates,meetings,notifications,watch; all by default):
#   reads          h2load (Debian's nghttp2-client) sends pre-encoded requests
#                  with a real token to a bare callback-API server whose one
#                  method does nothing (the ceiling, bench/bare_server.cc) and
#                  to the clients binary on --accounts accounts: GetAccount
#                  (target >= 0.6 x) and a filtered page of 50 (>= 0.3 x);
#                  then the p99 of a filtered page and of a name search, one
#                  call at a time (target < 20 ms at 1,000,000 accounts).
#   creates        CreateAccount, durable, sent by bench/grpc_load (each
#                  request a new company) against bench/sqlite_floor, a bare
#                  loop inserting the same rows through the same group commit
#                  and fsync (target >= 0.5 x), with as many writers as the
#                  service's workers (64) and as the calls in flight (256).
#   meetings       for each diary size of --meetings: CreateBooking with its
#                  conflict check, each a free slot, from bench/grpc_load
#                  against the bare server (target >= 0.3 x), and the p99 of a
#                  week's availability over every room, one call at a time.
#   notifications  DispatchNotice from bench/grpc_load to the service and to
#                  the relay floor (gRPC in, PUBLISH out, nothing stored; a
#                  process of its own): closed-loop capacity (target >= 0.7 x)
#                  and CPU per dispatch of the server and Redis (<= 1.5 x);
#                  then open loop, the latency from each scheduled call to a
#                  subscriber's receipt: offered half the floor's capacity
#                  (p99 <= 3 x the floor's), and half the service's own, with
#                  0 and 10,000 dispatches pending.
#   watch          1,000 WatchDispatches streams held open: the notifications
#                  service's resident memory and threads (target < 200 MB, no
#                  thread per stream).
#
# A figure counts only calls answered OK: h2load's against the service's own
# metrics, grpc_load's by their status. --clients-bin runs another build of
# the clients service against the same ceiling (an A/B of a change).
set -euo pipefail
cd "$(dirname "$0")/.."
only=reads,creates,meetings,notifications,watch
accounts=1000
meetings_sizes=5000,50000
seconds=5
rounds=3
build=build
clients_bin=
connections=8
streams=32
for a in "$@"; do
  case $a in
    --only=*) only=${a#*=} ;;
    --accounts=*) accounts=${a#*=} ;;
    --meetings=*) meetings_sizes=${a#*=} ;;
    --seconds=*) seconds=${a#*=} ;;
    --rounds=*) rounds=${a#*=} ;;
    --build=*) build=${a#*=} ;;
    --clients-bin=*) clients_bin=${a#*=} ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs two cores: one for the servers, one for the load" >&2; exit 2; }
section() { [[ ",$only," == *",$1,"* ]]; }

# shellcheck source=bench/lib.sh
source bench/lib.sh
scratch atrium-outside
openssl rand -hex 32 >"$dir/jwt.key"
mint() { "$build/cli/atrium" token mint --key-file "$dir/jwt.key" --ttl 50m "$@"; }
token=$(mint --sub mgr-bench --role manager)
service_token=$(mint --sub service:meetings --role service)

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { echo "$1 / $2" | bc -l; }
# A key's value in a line of key=value.
field() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
rss_mb() { awk '/VmRSS/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"; }
threads_of() { awk '/Threads/ { print $2 }' "/proc/$1/status"; }
# CPU time of processes so far, in clock ticks (utime + stime).
cpu_ticks() { local n=0 p; for p in "$@"; do n=$((n + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$n"; }
ticks_per_second=$(getconf CLK_TCK)

# The calls of `method` a service answered OK so far (its own metrics).
answered_ok() {
  curl -s "http://127.0.0.1:$1/metrics" |
    awk -v m="grpc_method=\"$2\"" 'index($0, "grpc_server_handled_total{") == 1 && index($0, m) && index($0, "grpc_code=\"OK\"") { n += $NF } END { printf "%d\n", n }'
}
# h2load against port/path with the request in `file`; prints calls/s.
h2() {
  local port=$1 path=$2 file=$3
  taskset -c 1 h2load -c "$connections" -m "$streams" -D "$seconds" --warm-up-time=1 \
    -H 'content-type: application/grpc' -H 'te: trailers' -H "authorization: Bearer $token" \
    -d "$file" "http://127.0.0.1:$port$path" >"$dir/h2load.out" 2>&1 || { cat "$dir/h2load.out" >&2; exit 1; }
  awk '/^finished in/ { gsub(",", "", $4); print $4 }' "$dir/h2load.out"
}
bare() { h2 "$bare_port" /atrium.bench.v1.BenchService/Empty "$dir/empty.bin"; }
# bench/grpc_load on core 1 (later flags override these).
grpc_load() {
  taskset -c 1 "$build/bench/grpc_load" --connections="$connections" --streams="$streams" --seconds="$seconds" "$@"
}
# The same; prints its key=value line, fails when a call failed.
gload() {
  local out
  out=$(grpc_load "$@") || { echo "grpc_load failed: $out" >&2; exit 1; }
  if [ "$(field failed "$out")" != 0 ]; then
    echo "grpc_load: calls failed: $out" >&2
    exit 1
  fi
  echo "$out"
}

bare_port=$(free_port)
taskset -c 0 "$build/bench/bare_server" --port="$bare_port" &
pids+=($!)
wait_port "$bare_port"
printf '\0\0\0\0\0' >"$dir/empty.bin"  # google.protobuf.Empty as a gRPC message: a frame header of length 0
echo "h2load and grpc_load: $connections connections x $streams streams, ${seconds}s per run after 1 s of warm-up; $rounds rounds"

# --- the clients service: reads and durable creates -------------------------
clients_sections() {
  local creates=$((rounds * (seconds + 1) * 12000))
  t0=$(date +%s.%N)
  "$build/bench/clients_fixture" --db="$dir/clients.db" --out="$dir" --accounts="$accounts" --creates="$creates"
  printf 'clients: loaded %d accounts in %.1f s\n' "$accounts" "$(echo "$(date +%s.%N) - $t0" | bc)"
  cp "$dir/clients.db" "$dir/floor.db"
  local svc_port metrics_port pid
  svc_port=$(free_port)
  metrics_port=$(free_port)
  taskset -c 0 "${clients_bin:-$build/services/clients/atrium-clients}" --listen="127.0.0.1:$svc_port" \
    --db-path="$dir/clients.db" --jwt-key-file="$dir/jwt.key" --notifications-address=127.0.0.1:1 \
    --metrics-listen="127.0.0.1:$metrics_port" --log-level=warn >"$dir/clients.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_port "$svc_port"
  # As h2, for the service: fails when a call was not answered OK.
  h2_clients() {
    local method=$1 file=$2 before after rate succeeded
    before=$(answered_ok "$metrics_port" "$method")
    rate=$(h2 "$svc_port" "/atrium.clients.v1.ClientsService/$method" "$file")
    succeeded=$(awk '/^requests:/ { print $8 }' "$dir/h2load.out")
    after=$(answered_ok "$metrics_port" "$method")
    # h2load counts the measured calls only; the service also those of the warm-up.
    if [ "$((after - before))" -lt "$succeeded" ]; then
      echo "$method: h2load finished $succeeded calls, the service answered $((after - before)) OK" >&2
      tail -5 "$dir/clients.log" >&2
      exit 1
    fi
    echo "$rate"
  }
  if section reads; then
    local b=() g=() l=()
    for r in $(seq 1 "$rounds"); do
      b+=("$(bare)")
      g+=("$(h2_clients GetAccount "$dir/get.bin")")
      l+=("$(h2_clients ListAccounts "$dir/list.bin")")
      printf 'round %d  bare %9.0f/s | GetAccount %9.0f/s | ListAccounts (owner+segment, 50) %9.0f/s\n' \
        "$r" "${b[-1]}" "${g[-1]}" "${l[-1]}"
    done
    local mb mg ml
    mb=$(median "${b[@]}") mg=$(median "${g[@]}") ml=$(median "${l[@]}")
    echo "reads: medians over $rounds rounds, $accounts accounts:"
    printf '  bare empty handler (ceiling) %9.0f calls/s\n' "$mb"
    printf '  GetAccount                   %9.0f calls/s = %.2f x ceiling (target >= 0.6)\n' "$mg" "$(ratio "$mg" "$mb")"
    printf '  ListAccounts, page of 50     %9.0f calls/s = %.2f x ceiling (target >= 0.3)\n' "$ml" "$(ratio "$ml" "$mb")"
    # Latency one call at a time: what a user waits for on a quiet service.
    local list_one search_one
    list_one=$(gload --connections=1 --streams=1 --cycle --target="127.0.0.1:$svc_port" --token="$token" \
      --method=/atrium.clients.v1.ClientsService/ListAccounts --requests="$dir/list.bin")
    search_one=$(gload --connections=1 --streams=1 --cycle --target="127.0.0.1:$svc_port" --token="$token" \
      --method=/atrium.clients.v1.ClientsService/ListAccounts --requests="$dir/search.bin")
    printf '  one call at a time: filtered page of 50 p99 %.2f ms, name search p99 %.2f ms (target < 20 ms at 1,000,000)\n' \
      "$(field p99_ms "$list_one")" "$(field p99_ms "$search_one")"
  fi
  if section creates; then
    # The floor runs with as many writers as the service lets wait on the
    # group commit at once (its 64 workers, the default), and with as many as
    # the load has calls in flight: the second shows what the bound on the
    # service's threads costs a durable write.
    local c=() f=() g=() first=0 out f64 f256
    for r in $(seq 1 "$rounds"); do
      out=$(gload --target="127.0.0.1:$svc_port" --token="$token" --first="$first" \
        --method=/atrium.clients.v1.ClientsService/CreateAccount --requests="$dir/create.bin")
      first=$((first + $(field used "$out")))
      c+=("$(field rate "$out")")
      # The floor inserts the rows this round's calls stored (read before its
      # clock starts) into two copies of its database, one per number of writers.
      cp "$dir/floor.db" "$dir/floor-b.db"
      f64=$(taskset -c 0 "$build/bench/sqlite_floor" --from="$dir/clients.db" --to="$dir/floor.db" --threads=64)
      f256=$(taskset -c 0 "$build/bench/sqlite_floor" --from="$dir/clients.db" --to="$dir/floor-b.db" \
        --threads=$((connections * streams)))
      mv "$dir/floor-b.db" "$dir/floor.db"
      f+=("$(field rate "$f64")") g+=("$(field rate "$f256")")
      printf 'round %d  CreateAccount %7.0f/s (p99 %.1f ms) | bare insert loop, the same %d accounts: 64 writers %7.0f/s, %d writers %7.0f/s\n' \
        "$r" "${c[-1]}" "$(field p99_ms "$out")" "$(field accounts "$f64")" "${f[-1]}" "$((connections * streams))" "${g[-1]}"
    done
    local mc mf mg
    mc=$(median "${c[@]}") mf=$(median "${f[@]}") mg=$(median "${g[@]}")
    echo "creates: medians over $rounds rounds:"
    printf '  bare insert loop (same rows, indexes, group commit, fsync), 64 writers  %7.0f accounts/s\n' "$mf"
    printf '  the same, %d writers                                                   %7.0f accounts/s\n' "$((connections * streams))" "$mg"
    printf '  CreateAccount, durable (64 workers)  %7.0f calls/s = %.2f x the floor with 64 writers (target >= 0.5), %.2f x with %d\n' \
      "$mc" "$(ratio "$mc" "$mf")" "$(ratio "$mc" "$mg")" "$((connections * streams))"
  fi
  printf '  clients service resident memory after the runs: %s MB\n' "$(rss_mb "$pid")"
  kill "$pid"
}
if section reads || section creates; then clients_sections; fi

# --- the meetings service: bookings and availability -------------------------
meetings_section() {
  local m=$1 svc_port pid out
  local bookings=$((rounds * (seconds + 1) * 12000))
  t0=$(date +%s.%N)
  "$build/bench/meetings_fixture" --db="$dir/meetings-$m.db" --out="$dir" --meetings="$m" --bookings="$bookings"
  printf 'meetings: loaded %d meetings (a booking each, 200 rooms) in %.1f s\n' "$m" "$(echo "$(date +%s.%N) - $t0" | bc)"
  svc_port=$(free_port)
  # The diary is loaded years ahead; the horizon lets the bench book there.
  taskset -c 0 "$build/services/meetings/atrium-meetings" --listen="127.0.0.1:$svc_port" \
    --db-path="$dir/meetings-$m.db" --jwt-key-file="$dir/jwt.key" --clients-address=127.0.0.1:1 \
    --notifications-address=127.0.0.1:1 --booking-horizon=400000h --log-level=warn >"$dir/meetings.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_port "$svc_port"
  local b=() k=() first=0
  for r in $(seq 1 "$rounds"); do
    b+=("$(bare)")
    out=$(gload --target="127.0.0.1:$svc_port" --token="$token" --first="$first" \
      --method=/atrium.meetings.v1.MeetingsService/CreateBooking --requests="$dir/booking.bin")
    first=$((first + $(field used "$out")))
    k+=("$(field rate "$out")")
    printf 'round %d  bare %9.0f/s | CreateBooking (checked, %d meetings) %7.0f/s\n' "$r" "${b[-1]}" "$m" "${k[-1]}"
  done
  local mb mk
  mb=$(median "${b[@]}") mk=$(median "${k[@]}")
  out=$(gload --connections=1 --streams=1 --cycle --target="127.0.0.1:$svc_port" --token="$token" \
    --method=/atrium.meetings.v1.MeetingsService/GetAvailability --requests="$dir/availability.bin")
  echo "meetings, $m meetings: medians over $rounds rounds:"
  printf '  bare empty handler (ceiling, h2load) %9.0f calls/s\n' "$mb"
  printf '  CreateBooking with its conflict check %8.0f calls/s = %.2f x ceiling (target >= 0.3)\n' "$mk" "$(ratio "$mk" "$mb")"
  printf '  availability, a week of every room, one call at a time: p50 %.2f ms, p99 %.2f ms\n' \
    "$(field p50_ms "$out")" "$(field p99_ms "$out")"
  kill "$pid"
}
if section meetings; then
  for m in ${meetings_sizes//,/ }; do meetings_section "$m"; done
fi

# --- the notifications service: capacity, CPU, latency, streams --------------
if section notifications || section watch; then
  redis_port=$(free_port)
  taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    >"$dir/redis.log" 2>&1 &
  redis_pid=$!
  pids+=("$redis_pid")
  wait_port "$redis_port"
  notices=$((rounds * (seconds + 1) * 8000 + 10000))
  "$build/bench/notifications_outside" requests --out="$dir" --notices="$notices"
  relay_port=$(free_port)
  taskset -c 0 "$build/bench/notifications_outside" relay --redis="127.0.0.1:$redis_port" --port="$relay_port" &
  relay_pid=$!
  pids+=("$relay_pid")
  wait_port "$relay_port"
fi
# Starts a notifications service on a fresh database: sets n_port, n_pid.
start_notifications() {
  rm -f "$dir"/n.db*
  redis-cli -p "$redis_port" FLUSHALL >/dev/null
  n_port=$(free_port)
  taskset -c 0 "$build/services/notifications/atrium-notifications" --listen="127.0.0.1:$n_port" \
    --db-path="$dir/n.db" --jwt-key-file="$dir/jwt.key" --redis="127.0.0.1:$redis_port" \
    --watch-max-streams=2000 --watch-max-streams-per-caller=2000 --log-level=warn "$@" >"$dir/n.log" 2>&1 &
  n_pid=$!
  pids+=("$n_pid")
  wait_port "$n_port"
}
stop_notifications() { kill "$n_pid"; wait "$n_pid" 2>/dev/null || true; }
dispatch_method=/atrium.notifications.v1.NotificationsService/DispatchNotice
# Closed loop against port; prints "rate cpu_us_per_dispatch" (server + Redis).
capacity() {
  local port=$1 server=$2 first=$3 c0 out c1
  c0=$(cpu_ticks "$server" "$redis_pid")
  out=$(gload --target="127.0.0.1:$port" --token="$service_token" --method="$dispatch_method" \
    --requests="$dir/dispatch.bin" --first="$first")
  c1=$(cpu_ticks "$server" "$redis_pid")
  # Two dispatches per notice; the CPU of warm-up and drain is counted too.
  echo "$(field rate "$out") $(echo "($c1 - $c0) * 1000000 / $ticks_per_second / $(field used "$out") / 2" | bc -l)"
}
# Open loop at `rate` notices/s against port, the subscriber timing each
# dispatch; prints the receiver's key=value line.
latency() {
  local port=$1 rate=$2 first=$3 n start
  n=$(echo "$rate * ($seconds + 1) / 1" | bc)
  start=$(($(date +%s%N) + 1500000000))
  taskset -c 1 "$build/bench/notifications_outside" receive --redis="127.0.0.1:$redis_port" --notices="$n" \
    --first="$first" --rate="$rate" --start-at="$start" --skip="$(echo "$rate / 1" | bc)" >"$dir/rx.out" &
  local rx=$!
  sleep 0.5
  # A call the service refuses (shedding load) is counted, not fatal: its
  # dispatches are missing from those delivered.
  grpc_load --target="127.0.0.1:$port" --token="$service_token" --method="$dispatch_method" \
    --requests="$dir/dispatch.bin" --first="$first" --rate="$rate" --start-at="$start" --warmup=1 >"$dir/load.out"
  wait "$rx"
  echo "$(grep '^delivered=' "$dir/rx.out") refused=$(field failed "$(cat "$dir/load.out")")"
}
if section notifications; then
  fr=() fc=() sr=() sc=() first=0
  for r in $(seq 1 "$rounds"); do
    read -r rate cpu <<<"$(capacity "$relay_port" "$relay_pid" "$first")"
    fr+=("$rate") fc+=("$cpu")
    first=$((first + (seconds + 1) * 8000))
    start_notifications
    read -r rate cpu <<<"$(capacity "$n_port" "$n_pid" 0)"
    stop_notifications
    sr+=("$rate") sc+=("$cpu")
    printf 'round %d  relay floor %7.0f dispatches/s, %4.0f us CPU each | service %7.0f/s, %4.0f us\n' \
      "$r" "$(echo "${fr[-1]} * 2" | bc)" "${fc[-1]}" "$(echo "${sr[-1]} * 2" | bc)" "${sc[-1]}"
  done
  mfr=$(median "${fr[@]}") mfc=$(median "${fc[@]}") msr=$(median "${sr[@]}") msc=$(median "${sc[@]}")
  echo "notifications, closed loop: medians over $rounds rounds (2 departments a notice):"
  printf '  relay floor  %7.0f dispatches/s, %4.0f us CPU per dispatch (server + Redis)\n' "$(echo "$mfr * 2" | bc)" "$mfc"
  printf '  service      %7.0f dispatches/s = %.2f x floor (target >= 0.7); %4.0f us CPU = %.2f x floor (target <= 1.5)\n' \
    "$(echo "$msr * 2" | bc)" "$(ratio "$msr" "$mfr")" "$msc" "$(ratio "$msc" "$mfc")"
  # Offered half the floor's capacity (notices/s; two dispatches each).
  half=$(echo "$mfr / 2" | bc)
  # And half the service's own capacity: its latency when it is not overloaded.
  half_own=$(echo "$msr / 2" | bc)
  lf=() l0=() lp=() lo=() first=0
  for r in $(seq 1 "$rounds"); do
    out=$(latency "$relay_port" "$half" "$first")
    lf+=("$(field p99_ms "$out")")
    printf 'round %d  relay floor: %s\n' "$r" "$out"
    start_notifications
    out=$(latency "$n_port" "$half" 0)
    l0+=("$(field p99_ms "$out")")
    printf '         service, 0 pending: %s\n' "$out"
    stop_notifications
    start_notifications
    out=$(latency "$n_port" "$half_own" 0)
    lo+=("$(field p99_ms "$out")")
    printf '         service, 0 pending, offered %d dispatches/s: %s\n' "$((half_own * 2))" "$out"
    stop_notifications
    start_notifications
    # 10,000 unsigned dispatches first (5,000 notices), their first publication drained.
    gload --target="127.0.0.1:$n_port" --token="$service_token" --method="$dispatch_method" \
      --requests="$dir/pending.bin" --warmup=0 --seconds=60 --first="$((notices - 5000))" >/dev/null 2>&1 || true
    sleep 3
    out=$(latency "$n_port" "$half_own" 0)
    lp+=("$(field p99_ms "$out")")
    printf '         service, 10,000 pending, offered %d dispatches/s: %s\n' "$((half_own * 2))" "$out"
    stop_notifications
    first=$((first + (seconds + 1) * half))
  done
  mlf=$(median "${lf[@]}") ml0=$(median "${l0[@]}") mlp=$(median "${lp[@]}")
  echo "notifications, offered $((half * 2)) dispatches/s (half the floor's capacity): p99 call -> subscriber, medians:"
  printf '  relay floor          %8.2f ms\n' "$mlf"
  printf '  service, 0 pending   %8.2f ms = %.1f x floor (target <= 3)\n' "$ml0" "$(ratio "$ml0" "$mlf")"
  mlo=$(median "${lo[@]}")
  echo "notifications, offered $((half_own * 2)) dispatches/s (half the service's own capacity): p99 call -> subscriber, medians:"
  printf '  service, 0 pending      %8.2f ms\n' "$mlo"
  printf '  service, 10,000 pending %8.2f ms = %.2f x with none\n' "$mlp" "$(ratio "$mlp" "$mlo")"
fi
if section watch; then
  start_notifications
  idle_rss=$(rss_mb "$n_pid") idle_threads=$(threads_of "$n_pid")
  grpc_load --target="127.0.0.1:$n_port" --token="$service_token" \
    --method=/atrium.notifications.v1.NotificationsService/WatchDispatches --requests="$dir/watch.bin" \
    --hold=1000 --seconds=8 >"$dir/watch.out" &
  w=$!
  sleep 6
  held_rss=$(rss_mb "$n_pid") held_threads=$(threads_of "$n_pid")
  wait "$w"
  echo "watch: $(cat "$dir/watch.out")"
  printf '  notifications with 1,000 WatchDispatches streams open: %s MB resident (idle %s MB; target < 200 MB), %d threads (idle %d)\n' \
    "$held_rss" "$idle_rss" "$held_threads" "$idle_threads"
  stop_notifications
fi
