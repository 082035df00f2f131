#!/usr/bin/env bash
# One meeting from enquiry to settled bill against the local suite
# (scripts/dev-up.sh first): the README's walk-through, step by step, with
# F&B and Rooms receiving the notice over Redis and signing it.
#
#   scripts/walkthrough.sh          prints each command and what it answered
set -euo pipefail
cd "$(dirname "$0")/.."
A=build/cli/atrium
K=.local/keys/jwt.key
REDIS=127.0.0.1:6379
mint() { "$A" token mint --key-file "$K" "$@"; }
MGR=$(mint --sub mgr-wang --name "Wang Min" --role manager)
KAM=$(mint --sub kam-li --name "Li Na" --role key_account_manager)
FIN=$(mint --sub fin-qian --name 钱会计 --role finance)
PMS=$(mint --sub service:pms --name 预订系统 --role service)  # the hotel's reservation system
declare -A DEPT
for d in fnb rooms front_office engineering; do DEPT[$d]=$(mint --sub "$d-staff" --role "$d"); done

step() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
as() {  # as TOKEN command...: runs the CLI as someone, echoing the command
  local token=$1
  shift
  printf '$ atrium %s\n' "$*" >&2
  ATRIUM_TOKEN=$token "$A" "$@"
}
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d'+sys.argv[1]))" "$1"; }

step "F&B and Rooms watch their channels (and sign what arrives)"
LOGS=$(mktemp -d)
for d in fnb rooms; do
  ATRIUM_TOKEN=${DEPT[$d]} "$A" notices watch --department "$d" --redis "$REDIS" --sign >"$LOGS/$d.log" 2>&1 &
done
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

step "The manager's rooms and price list"
for room in hall-a:宴会厅A:300 hall-b:宴会厅B:200; do
  IFS=: read -r id name seats <<<"$room"
  as "$MGR" meetings create-room room_id="$id" room.display_name="$name" \
    --request "{\"room\":{\"capacities\":[{\"style\":\"THEATRE\",\"seats\":$seats}]}}" >/dev/null 2>&1 || true
done
as "$MGR" meetings update-price-list --request '{"priceList":{"items":[
  {"category":"ROOMS","item":"deluxe-king","unitPrice":{"amountMinor":"80000"}},
  {"category":"FNB","item":"lunch-150","unitPrice":{"amountMinor":"15000"}},
  {"category":"VENUE","item":"rooms/hall-a","unitPrice":{"amountMinor":"1000000"}}]}}' >/dev/null

step "The account and the enquiry"
ACCOUNT=$(as "$KAM" clients create-account account.kind=company \
  account.display_name="华东经销商联盟 $(date +%s)" --json | field '["name"]')
MEETING=$(as "$KAM" meetings create-meeting meeting.account="$ACCOUNT" \
  meeting.title="2027 华东区经销商年会" meeting.origin=walk_in --json | field '["name"]')
echo "$MEETING of $ACCOUNT"
as "$KAM" meetings record-site-visit name="$MEETING" note="客户参观宴会厅A与客房" --json | field '["state"]'
as "$KAM" meetings start-negotiation name="$MEETING" note="需求：120人，一天会议，60间豪华大床房" --json | field '["state"]'
as "$KAM" meetings record-intent name="$MEETING" --json | field '["state"]'
START=$(date -u -d "+$((30 + RANDOM % 600)) days" +%Y-%m-%d)  # a day with hall-a free, on a rerun too
as "$KAM" meetings create-booking parent="$MEETING" booking.room=rooms/hall-a \
  booking.start_time="${START}T01:00:00Z" booking.end_time="${START}T09:00:00Z" \
  booking.setup_minutes=120 booking.style=theatre booking.attendees=120 booking.hold=definite --json | field '["name"]'

step "The agreement: 15% below list is beyond a KAM's 10%, so the manager approves"
Y=${START%%-*}; M=$((10#$(echo "$START" | cut -d- -f2))); D=$((10#${START##*-}))
json_date() { date -u -d "$1" '+{"year":%Y,"month":%-m,"day":%-d}'; }
CUT_OFF=$(json_date "$START -14 days"); DEPOSIT_DUE=$(json_date "yesterday"); BALANCE_DUE=$(json_date "$START +10 days")
agreement() {  # agreement LUNCH_HEADCOUNT ROOM_RATE_FEN
  cat <<JSON
{"agreement":{"startTime":"${START}T01:00:00Z","endTime":"${START}T09:00:00Z","organiser":"华东经销商联盟",
 "attendees":$1,"reception":"签到台设在宴会厅A门口","avRequirements":"两支无线话筒，投影，同传设备",
 "meals":[{"date":{"year":$Y,"month":$M,"day":$D},"kind":"LUNCH","time":"12:00","standard":"lunch-150","headcount":$1,"place":"宴会厅B"}],
 "venues":[{"room":"rooms/hall-a","style":"THEATRE","startTime":"${START}T01:00:00Z","endTime":"${START}T09:00:00Z","purpose":"主会场"}],
 "roomBlock":[{"night":{"year":$Y,"month":$M,"day":$D},"roomType":"deluxe-king","rooms":60}],
 "blockTerms":{"cutOffDate":$CUT_OFF,"attritionThresholdBasisPoints":8000,"attritionRate":{"amountMinor":"50000"}},
 "paymentSchedule":[{"label":"定金","dueDate":$DEPOSIT_DUE,"amount":{"amountMinor":"2000000"}},
                    {"label":"尾款","dueDate":$BALANCE_DUE,"amount":{"amountMinor":"3000000"}}],
 "guests":[{"name":"张总","title":"董事长","arrival":{"year":$Y,"month":$M,"day":$D},"roomType":"deluxe-king","vip":true}],
 "prices":[{"category":"ROOMS","item":"deluxe-king","quantity":"60","unitPrice":{"amountMinor":"$2"}},
           {"category":"FNB","item":"lunch-150","quantity":"$1","unitPrice":{"amountMinor":"15000"}},
           {"category":"VENUE","item":"rooms/hall-a","quantity":"1","unitPrice":{"amountMinor":"1000000"}}]}}
JSON
}
V1=$(as "$KAM" meetings create-agreement parent="$MEETING" --request "$(agreement 120 68000)" --json | field '["name"]')
as "$KAM" meetings sign-agreement name="$V1" client_signatory="王经理" 2>&1 || true  # APPROVAL_REQUIRED
APPROVAL=$(as "$KAM" meetings create-approval-request parent="$MEETING" approval_request.agreement="$V1" \
  approval_request.justification="三年框架客户" --json | field '["name"]')
as "$MGR" meetings list-approval-requests parent=meetings/- pending_for_me=true --json | field '["approval_requests"][0]["name"]'
as "$MGR" meetings approve-request name="$APPROVAL" reason="同意" --json | field '["state"]'
as "$KAM" meetings sign-agreement name="$V1" client_signatory="王经理" --json | field '["state"]'

step "The room block: the reservation system posts the rooming list; the manager extends the cut-off"
as "$PMS" meetings record-pickup parent="$MEETING/block" --request "{\"roomingList\":true,\"reservations\":[
  {\"reference\":\"PMS-0001\",\"roomType\":\"deluxe-king\",\"rooms\":30,\"arrivalDate\":$(json_date "$START"),
   \"departureDate\":$(json_date "$START +1 day")},
  {\"reference\":\"PMS-0002\",\"roomType\":\"deluxe-king\",\"rooms\":10,\"guestName\":\"张总\",
   \"arrivalDate\":$(json_date "$START"),\"departureDate\":$(json_date "$START +1 day")}]}" >/dev/null
as "$MGR" meetings extend-cut-off name="$MEETING/block" cut_off_date="$(date -u -d "$START -7 days" +%Y-%m-%d)" \
  reason="客户名单下周确定" >/dev/null
as "$KAM" meetings get-room-block name="$MEETING/block"
step "The deposit was due yesterday: OVERDUE; the KAM and finance are alerted within a minute"
as "$FIN" meetings get-settlement name="$MEETING/settlement" --json | field '["schedule"]'

step "The notice: F&B and Rooms receive it over Redis and sign"
as "$KAM" meetings issue-notice name="$MEETING" --json | field '["state"]'
sleep 2
ID=${MEETING#meetings/}
as "${DEPT[front_office]}" notices sign "notices/$ID/revisions/1/dispatches/front_office" --remark "VIP接待已安排" >/dev/null
as "${DEPT[engineering]}" notices sign "notices/$ID/revisions/1/dispatches/engineering" --remark "音响已调试" >/dev/null
as "$KAM" meetings get-meeting-notice name="$MEETING/notice"

step "The client adds 30 for lunch: version 2, notice revision 2, everyone signs again"
as "$KAM" meetings create-agreement parent="$MEETING" --request "$(agreement 150 76000)" --json | field '["name"]'
as "$KAM" meetings sign-agreement name="$MEETING/agreements/2" client_signatory="王经理" --json | field '["state"]'
sleep 2
for d in front_office engineering; do
  as "${DEPT[$d]}" notices sign "notices/$ID/revisions/2/dispatches/$d" >/dev/null
done

step "The pre-meeting check, then prepared"
for item in $(as "$KAM" meetings get-meeting name="$MEETING" --json |
  python3 -c 'import json,sys; [print(i["id"]) for i in json.load(sys.stdin).get("checklist",[]) if not i.get("checked")]'); do
  as "$KAM" meetings check-item meeting="$MEETING" item="$item" >/dev/null
done
as "$KAM" meetings mark-prepared name="$MEETING" --json | field '["state"]'

step "The meeting runs: an extra service sold, an incident handled"
as "$KAM" meetings start-meeting name="$MEETING" --json | field '["state"]'
as "$KAM" meetings create-tracking-entry parent="$MEETING" tracking_entry.kind=extra_service \
  tracking_entry.aspect=catering tracking_entry.description="加开下午茶歇" tracking_entry.charge=1500.00 >/dev/null
as "${DEPT[fnb]}" meetings create-tracking-entry parent="$MEETING" tracking_entry.kind=incident \
  tracking_entry.aspect=venue tracking_entry.description="投影仪故障" tracking_entry.action_taken="10分钟内更换备用机" >/dev/null
as "$MGR" meetings get-today-view date="$START"   # 当日客情 on the meeting day
as "$KAM" meetings complete-meeting name="$MEETING" --json | field '["state"]'

step "The bill: charges, attrition (40 of 60 rooms booked: 8 short of 80% x 500), a deposit, the review, settled"
as "$FIN" meetings record-charges name="$MEETING/settlement" --request '{"charges":[
  {"category":"ROOMS","amount":{"amountMinor":"3040000"},"explanation":"实住40间"},
  {"category":"FNB","amount":{"amountMinor":"2400000"},"explanation":"午餐实到160人"},
  {"category":"VENUE","amount":{"amountMinor":"1000000"}},
  {"category":"EXTRAS","amount":{"amountMinor":"150000"}}]}' >/dev/null
as "$FIN" meetings record-payment name="$MEETING/settlement" payment.amount=30000.00 \
  payment.reference=R-0001 payment.date="$(date +%Y-%m-%d)" >/dev/null
as "$FIN" meetings get-settlement name="$MEETING/settlement" --json | field '["attrition"]["workings"]'
as "$KAM" meetings record-bill-review name="$MEETING/settlement" accepted=true reviewer="王经理"
as "$FIN" meetings settle-meeting name="$MEETING" --json | field '["state"]'
as "$KAM" meetings record-guest-preferences name="$MEETING" \
  --request '{"preferences":[{"category":"DIETARY","description":"张总不吃辣","guestName":"张总"}]}' >/dev/null
sleep 2
as "$MGR" clients get-receivables name="$ACCOUNT/receivables"
as "$KAM" clients list-preferences parent="$ACCOUNT"

step "What F&B's watcher printed"
cat "$LOGS/fnb.log"
