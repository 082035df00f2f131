#!/usr/bin/env bash
# Printed documents measured from outside: a meeting notice rendered by the
# notifications service and a week's function diary of every room rendered
# by the meetings service, each against an empty call of the same service
# in the same run.
#
#   bench/documents.sh [--rooms=50] [--meetings=2000] [--fields=60] [--seconds=10] [--build=DIR]
#
# bench/documents_fixture writes the data through the services' own code (a
# notice's two revisions with four departments' sections and `--fields`
# fields, a tenth changed; the diary of `--rooms` rooms and `--meetings`
# meetings) and the requests. The real binaries serve them on core 0;
# bench/grpc_load sends one call at a time from core 1 for `--seconds`
# each: GetNotice, PrintNoticeRevision (the whole of revision 2, its changes
# marked), GetRoom, PrintFunctionDiary (seven days, every room). Targets:
# a notice's p99 < 100 ms, the diary of 50 rooms p99 < 300 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
rooms=50
meetings=2000
fields=60
seconds=10
build=build
for a in "$@"; do
  case $a in
    --rooms=*) rooms=${a#*=} ;;
    --meetings=*) meetings=${a#*=} ;;
    --fields=*) fields=${a#*=} ;;
    --seconds=*) seconds=${a#*=} ;;
    --build=*) build=${a#*=} ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done
cores() { if [ "$(nproc)" -ge 2 ]; then echo "$1"; else echo 0; fi; }

# shellcheck source=bench/lib.sh
source bench/lib.sh
scratch atrium-documents-bench
openssl rand -hex 32 >"$dir/jwt.key"
token=$("$build/cli/atrium" token mint --key-file "$dir/jwt.key" --ttl 50m --sub mgr-bench --role manager)
"$build/bench/documents_fixture" --dir="$dir" --rooms="$rooms" --meetings="$meetings" --fields="$fields"

n_port=$(free_port)
m_port=$(free_port)
common=(--jwt-key-file="$dir/jwt.key" --log-level=warn --timezone=Asia/Shanghai --hotel-name=金陵国际会议酒店)
taskset -c "$(cores 0)" "$build/services/notifications/atrium-notifications" --listen="127.0.0.1:$n_port" \
  --db-path="$dir/notifications.db" --redis=127.0.0.1:1 "${common[@]}" >"$dir/notifications.log" 2>&1 &
pids+=($!)
taskset -c "$(cores 0)" "$build/services/meetings/atrium-meetings" --listen="127.0.0.1:$m_port" \
  --db-path="$dir/meetings.db" --clients-address=127.0.0.1:1 --notifications-address=127.0.0.1:1 \
  "${common[@]}" >"$dir/meetings.log" 2>&1 &
pids+=($!)
for p in "$n_port" "$m_port"; do wait_port "$p"; done

# What a call costs, one at a time: "p50 p99" in ms.
measure() {  # measure PORT METHOD FILE
  local out
  out=$(taskset -c "$(cores 1)" "$build/bench/grpc_load" --target="127.0.0.1:$1" --token="$token" --method="$2" \
    --requests="$3" --cycle --connections=1 --streams=1 --seconds="$seconds" --warmup=1) || {
    echo "grpc_load failed: $out" >&2
    tail -5 "$dir"/*.log >&2
    exit 1
  }
  case $out in *" failed=0 "*) ;; *) echo "calls failed: $out" >&2; exit 1 ;; esac
  local p50 p99
  p50=$(sed -n 's/.* p50_ms=\([0-9.]*\).*/\1/p' <<<"$out")
  p99=$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$out")
  echo "$p50 $p99"
}

# One of each, to see them answer (and the page counts).
"$build/cli/atrium" notifications print-notice-revision name=notices/n-bench/revisions/2 --addr "127.0.0.1:$n_port" \
  --token "$token" --out "$dir/notice.pdf"
diary_day=$(python3 -c "import datetime; print((datetime.date(2027,1,1)+datetime.timedelta(days=30)).isoformat())")
"$build/cli/atrium" meetings print-function-diary --request "{\"startDate\":{\"year\":${diary_day:0:4},\"month\":$((10#${diary_day:5:2})),\"day\":$((10#${diary_day:8:2}))}}" \
  --addr "127.0.0.1:$m_port" --token "$token" --out "$dir/diary.pdf"

read -r ne50 ne99 < <(measure "$n_port" /atrium.notifications.v1.NotificationsService/GetNotice "$dir/notice_empty.bin")
read -r n50 n99 < <(measure "$n_port" /atrium.notifications.v1.NotificationsService/PrintNoticeRevision "$dir/notice.bin")
read -r de50 de99 < <(measure "$m_port" /atrium.meetings.v1.MeetingsService/GetRoom "$dir/diary_empty.bin")
read -r d50 d99 < <(measure "$m_port" /atrium.meetings.v1.MeetingsService/PrintFunctionDiary "$dir/diary.bin")

ratio() { echo "scale=1; $1 / $2" | bc; }
printf '\n%-44s %10s %10s %14s\n' "call (one at a time, ${seconds}s each)" "p50 ms" "p99 ms" "p99 / empty"
printf '%-44s %10s %10s %13sx\n' "notifications: empty (GetNotice)" "$ne50" "$ne99" "1.0"
printf '%-44s %10s %10s %13sx  target p99 < 100 ms\n' "notice of $fields fields (PrintNoticeRevision)" "$n50" "$n99" "$(ratio "$n99" "$ne99")"
printf '%-44s %10s %10s %13sx\n' "meetings: empty (GetRoom)" "$de50" "$de99" "1.0"
printf '%-44s %10s %10s %13sx  target p99 < 300 ms\n' "diary, a week of $rooms rooms (PrintFunctionDiary)" "$d50" "$d99" "$(ratio "$d99" "$de99")"
