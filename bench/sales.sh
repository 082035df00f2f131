#!/usr/bin/env bash
# The sales management service measured from outside: the monthly pack and a
# daily report's draft over three years of a department's data, each against
# an empty call of the same service in the same run.
#
#   bench/sales.sh [--kams=30] [--meetings=100000] [--activities=1000000] [--rounds=5]
#                  [--packs=20] [--drafts=100] [--build=DIR]
#
# bench/sales_fixture writes the data through the services' own stores
# (clients: accounts, activities, visits, ledger, complaints; meetings: every
# meeting saved as its enquiry and again at its stage; sales: the targets).
# Then the real clients, meetings and sales binaries serve it on core 0 and
# bench/sales_load calls the sales service from core 1, one call at a time,
# in rounds that alternate an empty call (GetWorkCalendar), the pack of last
# month (GetMonthlyPack) and drafts (DraftDailyReport of each KAM and a
# working day of the last four weeks). Targets: the pack's p99 < 200 ms, a
# draft's p99 < 20 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
kams=30
meetings=100000
activities=1000000
rounds=5
packs=20
drafts=100
build=build
for a in "$@"; do
  case $a in
    --kams=*) kams=${a#*=} ;;
    --meetings=*) meetings=${a#*=} ;;
    --activities=*) activities=${a#*=} ;;
    --rounds=*) rounds=${a#*=} ;;
    --packs=*) packs=${a#*=} ;;
    --drafts=*) drafts=${a#*=} ;;
    --build=*) build=${a#*=} ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done
cores() { if [ "$(nproc)" -ge 2 ]; then echo "$1"; else echo 0; fi; }

# shellcheck source=bench/lib.sh
source bench/lib.sh
scratch atrium-sales-bench
openssl rand -hex 32 >"$dir/jwt.key"
token=$("$build/cli/atrium" token mint --key-file "$dir/jwt.key" --ttl 50m --sub mgr-bench --role manager)

t0=$(date +%s.%N)
"$build/bench/sales_fixture" --dir="$dir" --kams="$kams" --meetings="$meetings" --activities="$activities"
printf 'loaded in %.1f s: %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$(du -sh "$dir" | cut -f1)"

clients_port=$(free_port)
meetings_port=$(free_port)
sales_port=$(free_port)
common=(--jwt-key-file="$dir/jwt.key" --log-level=warn --timezone=Asia/Shanghai)
taskset -c "$(cores 0)" "$build/services/clients/atrium-clients" --listen="127.0.0.1:$clients_port" \
  --db-path="$dir/clients.db" --notifications-address=127.0.0.1:1 "${common[@]}" >"$dir/clients.log" 2>&1 &
pids+=($!)
taskset -c "$(cores 0)" "$build/services/meetings/atrium-meetings" --listen="127.0.0.1:$meetings_port" \
  --db-path="$dir/meetings.db" --clients-address="127.0.0.1:$clients_port" \
  --notifications-address=127.0.0.1:1 "${common[@]}" >"$dir/meetings.log" 2>&1 &
pids+=($!)
taskset -c "$(cores 0)" "$build/services/sales/atrium-sales" --listen="127.0.0.1:$sales_port" \
  --db-path="$dir/sales.db" --clients-address="127.0.0.1:$clients_port" \
  --meetings-address="127.0.0.1:$meetings_port" --peer-deadline=30s "${common[@]}" >"$dir/sales.log" 2>&1 &
pids+=($!)
for p in "$clients_port" "$meetings_port" "$sales_port"; do wait_port "$p"; done

taskset -c "$(cores 1)" "$build/bench/sales_load" --addr="127.0.0.1:$sales_port" --token="$token" --kams="$kams" \
  --rounds="$rounds" --packs="$packs" --drafts="$drafts" || { tail -20 "$dir"/*.log >&2; exit 1; }
