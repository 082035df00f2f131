// The meetings' queries, once for both backends.
#include "services/meetings/store.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/meetings/forwarder.h"

namespace atrium::meetings {
namespace {

using db::Arg;
using v1::Booking;
using v1::Meeting;
using v1::Room;

// Meetings last at most this long (agreements are checked against it), which
// bounds the look-back of a search by date.
constexpr int64_t kLongestMeetingMicros = int64_t{32} * 24 * 3600 * 1000000;

constexpr char kRecordColumns[] = "SELECT name, kind, parent, tag, seq, data FROM records";

absl::StatusOr<std::vector<Record>> Records(const absl::StatusOr<db::Rows>& r) {
  if (!r.ok()) return r.status();
  std::vector<Record> out;
  for (int i = 0; i < r->size(); ++i) {
    out.push_back(Record{r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Text(i, 3), r->Int(i, 4), r->Bytes(i, 5)});
  }
  return out;
}

// Occupancies overlapping [start, end), of `unit` or (empty) of every unit,
// by start. Only those starting no longer ago than the longest occupancy
// ever stored can reach past `start`, which bounds the search by start
// (bookings may last 14 days; most last hours).
absl::StatusOr<std::vector<Occupancy>> Overlapping(db::Tx& tx, const std::string& unit, int64_t start, int64_t end,
                                                   int limit) {
  std::vector<Arg> args = {end, start, limit};
  if (!unit.empty()) args.push_back(unit);
  auto r = tx.Query(absl::StrCat("SELECT unit, booking, meeting, room, hold, start_micros, end_micros FROM occupancy"
                                 " WHERE start_micros < $1 AND end_micros > $2 AND start_micros >= $2 -"
                                 " COALESCE((SELECT value FROM diary_meta WHERE key = 'longest_occupancy'), 0)",
                                 unit.empty() ? "" : " AND unit = $4", " ORDER BY start_micros LIMIT $3"),
                    args);
  if (!r.ok()) return r.status();
  std::vector<Occupancy> out;
  for (int i = 0; i < r->size(); ++i) {
    out.push_back(Occupancy{r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Text(i, 3), static_cast<int>(r->Int(i, 4)),
                            r->Int(i, 5), r->Int(i, 6)});
  }
  return out;
}

// Keyset pagination: " AND (a, b) <op> ($n, $m)" when there is a position.
std::string After(db::Params& p, const char* columns, const char* op,
                  const std::optional<std::pair<int64_t, std::string>>& after) {
  if (!after) return "";
  const std::string first = p.Add(after->first);
  return absl::StrCat(" AND (", columns, ") ", op, " (", first, ", ", p.Add(after->second), ")");
}

}  // namespace

absl::StatusOr<std::optional<Meeting>> MeetingsTx::GetMeeting(const std::string& id) {
  return db::Message<Meeting>(tx_.Query("SELECT data FROM meetings WHERE id = $1", {id}), "meeting");
}

absl::Status MeetingsTx::PutMeeting(const std::string& id, const Meeting& m) {
  return tx_.Exec(
      "INSERT INTO meetings(id, account, owner, create_micros, data, start_micros, end_micros, state)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner,"
      " data = excluded.data, start_micros = excluded.start_micros, end_micros = excluded.end_micros,"
      " state = excluded.state",
      {id, m.account(), m.owner(), ToUnixMicros(m.audit().create_time()), Arg::Blob(m.SerializeAsString()),
       m.has_start_time() ? ToUnixMicros(m.start_time()) : int64_t{0},
       m.has_end_time() ? ToUnixMicros(m.end_time()) : int64_t{0}, m.state()});
}

absl::StatusOr<std::vector<Meeting>> MeetingsTx::ListMeetings(
    const std::string& account, const std::string& owner, Meeting::State state,
    const std::optional<std::pair<int64_t, std::string>>& after, int limit) {
  db::Params p;
  std::string sql = "SELECT data FROM meetings WHERE 1 = 1";
  if (!account.empty()) sql += " AND account = " + p.Add(account);
  if (!owner.empty()) sql += " AND owner = " + p.Add(owner);
  if (state != Meeting::STATE_UNSPECIFIED) sql += " AND state = " + p.Add(state);
  sql += After(p, "create_micros, id", "<", after);
  sql += " ORDER BY create_micros DESC, id DESC LIMIT " + p.Add(limit);
  return db::Messages<Meeting>(tx_.Query(sql, p.args()), "meeting");
}

absl::StatusOr<std::vector<Meeting>> MeetingsTx::MeetingsBetween(int64_t start, int64_t end) {
  return db::Messages<Meeting>(
      tx_.Query("SELECT data FROM meetings WHERE start_micros > 0 AND start_micros < $1 AND start_micros >= $2"
                " AND end_micros > $3 ORDER BY start_micros, id",
                {end, start - kLongestMeetingMicros, start}),
      "meeting");
}

absl::StatusOr<std::optional<Room>> MeetingsTx::GetRoom(const std::string& id) {
  return db::Message<Room>(tx_.Query("SELECT data FROM rooms WHERE id = $1", {id}), "room");
}

absl::Status MeetingsTx::InsertRoom(const std::string& id, const Room& room) {
  return tx_.Exec("INSERT INTO rooms(id, data) VALUES ($1, $2)", {id, Arg::Blob(room.SerializeAsString())});
}

absl::Status MeetingsTx::PutRoom(const std::string& id, const Room& room) {
  return tx_.Exec("UPDATE rooms SET data = $1 WHERE id = $2", {Arg::Blob(room.SerializeAsString()), id});
}

absl::StatusOr<std::vector<Room>> MeetingsTx::ListRooms(const std::string& after_id, int limit) {
  return db::Messages<Room>(tx_.Query("SELECT data FROM rooms WHERE id > $1 ORDER BY id LIMIT $2", {after_id, limit}),
                            "room");
}

absl::StatusOr<std::optional<v1::LostReason>> MeetingsTx::GetLostReason(const std::string& code) {
  return db::Message<v1::LostReason>(tx_.Query("SELECT data FROM lost_reasons WHERE code = $1", {code}), "lost reason");
}

absl::Status MeetingsTx::InsertLostReason(const std::string& code, const v1::LostReason& reason) {
  return tx_.Exec("INSERT INTO lost_reasons(code, state, data) VALUES ($1, $2, $3)",
                  {code, static_cast<int64_t>(reason.state()), Arg::Blob(reason.SerializeAsString())});
}

absl::Status MeetingsTx::PutLostReason(const std::string& code, const v1::LostReason& reason) {
  return tx_.Exec("UPDATE lost_reasons SET state = $1, data = $2 WHERE code = $3",
                  {static_cast<int64_t>(reason.state()), Arg::Blob(reason.SerializeAsString()), code});
}

absl::StatusOr<std::vector<v1::LostReason>> MeetingsTx::ListLostReasons(const std::string& after_code, bool retired,
                                                                        int limit) {
  // The state left out: RETIRED, or none (0 is no stored state).
  const int64_t left_out = retired ? 0 : static_cast<int64_t>(v1::LostReason::RETIRED);
  return db::Messages<v1::LostReason>(
      tx_.Query("SELECT data FROM lost_reasons WHERE code > $1 AND state <> $2 ORDER BY code LIMIT $3",
                {after_code, left_out, limit}),
      "lost reason");
}

absl::StatusOr<std::optional<Booking>> MeetingsTx::GetBooking(const std::string& name) {
  return db::Message<Booking>(tx_.Query("SELECT data FROM bookings WHERE name = $1", {name}), "booking");
}

absl::Status MeetingsTx::PutBooking(const std::string& meeting_id, const Booking& b,
                                    const std::vector<std::string>& units) {
  absl::Status s = tx_.Exec(
      "INSERT INTO bookings(name, meeting_id, start_micros, state, data) VALUES ($1, $2, $3, $4, $5)"
      " ON CONFLICT (name) DO UPDATE SET state = excluded.state, data = excluded.data,"
      " start_micros = excluded.start_micros",
      {b.name(), meeting_id, ToUnixMicros(b.start_time()), b.state(), Arg::Blob(b.SerializeAsString())});
  if (s.ok()) s = tx_.Exec("DELETE FROM occupancy WHERE booking = $1", {b.name()});
  if (!s.ok() || b.state() != Booking::ACTIVE) return s;
  const int64_t start = ToUnixMicros(b.start_time()) - int64_t{b.setup_minutes()} * 60 * 1000000;
  const int64_t end = ToUnixMicros(b.end_time()) + int64_t{b.teardown_minutes()} * 60 * 1000000;
  // The longest occupancy ever stored bounds the searches (Overlapping).
  s = tx_.Exec(
      "INSERT INTO diary_meta(key, value) VALUES ('longest_occupancy', $1) ON CONFLICT (key)"
      " DO UPDATE SET value = excluded.value WHERE excluded.value > diary_meta.value",
      {end - start});
  for (size_t i = 0; s.ok() && i < units.size(); ++i) {
    s = tx_.Exec(
        "INSERT INTO occupancy(unit, start_micros, end_micros, booking, meeting, room, hold)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {units[i], start, end, b.name(), absl::StrCat("meetings/", meeting_id), b.room(), b.hold()});
  }
  return s;
}

absl::StatusOr<std::vector<Booking>> MeetingsTx::ListBookings(
    const std::string& meeting_id, bool show_cancelled, const std::optional<std::pair<int64_t, std::string>>& after,
    int limit) {
  db::Params p;
  std::string sql = "SELECT data FROM bookings WHERE 1 = 1";
  if (!meeting_id.empty()) sql += " AND meeting_id = " + p.Add(meeting_id);
  if (!show_cancelled) sql += " AND state = " + p.Add(Booking::ACTIVE);
  sql += After(p, "start_micros, name", ">", after);
  sql += " ORDER BY start_micros, name LIMIT " + p.Add(limit);
  return db::Messages<Booking>(tx_.Query(sql, p.args()), "booking");
}

absl::StatusOr<std::vector<Occupancy>> MeetingsTx::Occupancies(const std::vector<std::string>& units, int64_t start,
                                                               int64_t end, int limit) {
  std::vector<Occupancy> out;
  for (const auto& unit : units) {
    ASSIGN_OR_RETURN(auto found, Overlapping(tx_, unit, start, end, limit));
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

absl::StatusOr<std::vector<Occupancy>> MeetingsTx::AllOccupancies(int64_t start, int64_t end, int limit) {
  return Overlapping(tx_, "", start, end, limit);
}

absl::StatusOr<std::optional<Record>> MeetingsTx::GetRecord(const std::string& name) {
  auto r = Records(tx_.Query(absl::StrCat(kRecordColumns, " WHERE name = $1"), {name}));
  if (!r.ok()) return r.status();
  if (r->empty()) return std::optional<Record>();
  return std::optional<Record>(std::move(r->front()));
}

absl::Status MeetingsTx::PutRecord(const Record& r) {
  return tx_.Exec(
      "INSERT INTO records(name, kind, parent, tag, seq, data) VALUES ($1, $2, $3, $4, $5, $6)"
      " ON CONFLICT (name) DO UPDATE SET tag = excluded.tag, data = excluded.data",
      {r.name, r.kind, r.parent, r.tag, r.seq, Arg::Blob(r.data)});
}

absl::StatusOr<std::vector<Record>> MeetingsTx::ListRecords(const std::string& kind, const std::string& key,
                                                            bool by_tag,
                                                            const std::optional<std::pair<int64_t, std::string>>& after,
                                                            int limit) {
  db::Params p;
  std::string sql = absl::StrCat(kRecordColumns, " WHERE kind = ", p.Add(kind));
  sql += by_tag ? " AND tag <> '' AND tag = " + p.Add(key) : " AND parent = " + p.Add(key);
  sql += After(p, "seq, name", ">", after);
  sql += " ORDER BY seq, name LIMIT " + p.Add(limit);
  return Records(tx_.Query(sql, p.args()));
}

absl::StatusOr<MeetingsGauges> MeetingsTx::ReadGauges(int64_t now) {
  MeetingsGauges out;
  // Occupancy rows of combinations count once per booking.
  auto r = tx_.Query("SELECT hold, COUNT(DISTINCT booking) FROM occupancy WHERE end_micros > $1 GROUP BY hold", {now});
  if (!r.ok()) return r.status();
  for (int i = 0; i < r->size(); ++i) out.active_bookings[static_cast<int>(r->Int(i, 0))] = r->Int(i, 1);
  ASSIGN_OR_RETURN(auto o, tx_.Query("SELECT kind, COUNT(*) FROM outbox GROUP BY kind"));
  for (int i = 0; i < o.size(); ++i) out.outbox[static_cast<int>(o.Int(i, 0))] = o.Int(i, 1);
  return out;
}

namespace {

constexpr char kFactColumns[] =
    "meeting_id, account, owner, segment, state, event_month, create_month, contracted, close_month, room_nights,"
    " rooms, fnb, conference, total, actual_room_nights, actual_rooms, actual_fnb, actual_conference, actual_total,"
    " lost_reason, competitor, lost_value, history_size";

SalesFact FactAt(const db::Rows& r, int i) {
  SalesFact f;
  f.meeting_id = r.Text(i, 0);
  f.account = r.Text(i, 1);
  f.owner = r.Text(i, 2);
  f.segment = r.Text(i, 3);
  f.state = static_cast<int>(r.Int(i, 4));
  f.event_month = r.Int(i, 5);
  f.create_month = r.Int(i, 6);
  f.contracted = r.Int(i, 7) != 0;
  f.close_month = r.Int(i, 8);
  f.value = {r.Int(i, 9), r.Int(i, 10), r.Int(i, 11), r.Int(i, 12), r.Int(i, 13)};
  f.actual = {r.Int(i, 14), r.Int(i, 15), r.Int(i, 16), r.Int(i, 17), r.Int(i, 18)};
  f.lost_reason = r.Text(i, 19);
  f.competitor = r.Text(i, 20);
  f.lost_value = r.Int(i, 21);
  f.history_size = static_cast<int>(r.Int(i, 22));
  return f;
}

// " AND owner = $n AND segment = $m" for the filters given.
std::string OwnerAndSegment(db::Params& p, const std::string& owner, const std::string& segment) {
  std::string sql;
  if (!owner.empty()) sql += " AND owner = " + p.Add(owner);
  if (!segment.empty()) sql += " AND segment = " + p.Add(segment);
  return sql;
}

}  // namespace

absl::StatusOr<std::optional<SalesFact>> MeetingsTx::GetSalesFact(const std::string& meeting_id) {
  ASSIGN_OR_RETURN(auto r, tx_.Query(absl::StrCat("SELECT ", kFactColumns, " FROM sales_facts WHERE meeting_id = $1"),
                                     {meeting_id}));
  if (r.empty()) return std::optional<SalesFact>();
  return std::optional<SalesFact>(FactAt(r, 0));
}

absl::Status MeetingsTx::PutSalesFact(const SalesFact& f) {
  return tx_.Exec(
      absl::StrCat("INSERT INTO sales_facts(", kFactColumns,
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,"
                   " $20, $21, $22, $23) ON CONFLICT (meeting_id) DO UPDATE SET account = excluded.account,"
                   " owner = excluded.owner, segment = excluded.segment, state = excluded.state,"
                   " event_month = excluded.event_month, create_month = excluded.create_month,"
                   " contracted = excluded.contracted, close_month = excluded.close_month,"
                   " room_nights = excluded.room_nights, rooms = excluded.rooms, fnb = excluded.fnb,"
                   " conference = excluded.conference, total = excluded.total,"
                   " actual_room_nights = excluded.actual_room_nights, actual_rooms = excluded.actual_rooms,"
                   " actual_fnb = excluded.actual_fnb, actual_conference = excluded.actual_conference,"
                   " actual_total = excluded.actual_total, lost_reason = excluded.lost_reason,"
                   " competitor = excluded.competitor, lost_value = excluded.lost_value,"
                   " history_size = excluded.history_size"),
      {f.meeting_id,
       f.account,
       f.owner,
       f.segment,
       f.state,
       f.event_month,
       f.create_month,
       f.contracted ? 1 : 0,
       f.close_month,
       f.value.room_nights,
       f.value.rooms,
       f.value.fnb,
       f.value.conference,
       f.value.total,
       f.actual.room_nights,
       f.actual.rooms,
       f.actual.fnb,
       f.actual.conference,
       f.actual.total,
       f.lost_reason,
       f.competitor,
       f.lost_value,
       f.history_size});
}

absl::Status MeetingsTx::AddDefiniteChange(const SalesFact& f, const DefiniteChange& c, int64_t micros,
                                           int64_t change_month) {
  return tx_.Exec(
      "INSERT INTO definite_changes(meeting_id, account, owner, segment, kind, event_month, change_month, micros,"
      " meetings, room_nights, rooms, fnb, conference, total)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
      {f.meeting_id, f.account, f.owner, f.segment, c.kind, c.event_month, change_month, micros, c.meetings,
       c.delta.room_nights, c.delta.rooms, c.delta.fnb, c.delta.conference, c.delta.total});
}

absl::Status MeetingsTx::AddMeetingChange(const ChangeRow& row) {
  return tx_.Exec(
      "INSERT INTO meeting_changes(actor, micros, kind, owner, segment, month, revision, data)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {row.actor, row.micros, row.kind, row.owner, row.segment, row.month, row.revision,
       Arg::Blob(row.change.SerializeAsString())});
}

namespace {

// The five measures of a row from column `first` on.
Amounts AmountsAt(const db::Rows& r, int i, int first) {
  return {r.Int(i, first), r.Int(i, first + 1), r.Int(i, first + 2), r.Int(i, first + 3), r.Int(i, first + 4)};
}

// "SUM(a), SUM(b), ..." of the measures with `prefix` (e.g. "actual_").
std::string SumsOf(const std::string& prefix) {
  std::string out;
  for (const char* m : {"room_nights", "rooms", "fnb", "conference", "total"}) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", "SUM(", prefix, m, ")");
  }
  return out;
}

// A sum past 64 bits: SQLite refuses it (OUT_OF_RANGE, common/sqlite.cc);
// PostgreSQL's numeric sum is read saturated, and the figures' bound
// refuses that.
absl::Status Summed(const absl::Status& s) {
  if (s.code() == absl::StatusCode::kOutOfRange) return SumTooLarge();
  return s;
}

std::string ChangeWhere(db::Params& p, const ChangeQuery& q) {
  const std::string from = p.Add(q.from);
  const std::string to = p.Add(q.to);
  return absl::StrCat(" FROM definite_changes WHERE ", q.column, " BETWEEN ", from, " AND ", to,
                      " AND micros <= ", p.Add(q.as_of_micros), OwnerAndSegment(p, q.owner, q.segment));
}

std::string FactWhere(db::Params& p, const FactQuery& q) {
  const std::string from = p.Add(q.from);
  std::string range = absl::StrCat(q.column, " BETWEEN ", from, " AND ", p.Add(q.to));
  if (q.or_undated) range = absl::StrCat("(", range, " OR ", q.column, " = 0)");
  // Spelled out for the partial index sales_facts_by_close to be chosen.
  if (q.column == "close_month") range += " AND close_month > 0";
  std::string sql = absl::StrCat(" FROM sales_facts WHERE ", range, OwnerAndSegment(p, q.owner, q.segment));
  if (!q.states.empty()) {
    sql += " AND state IN (";
    for (size_t i = 0; i < q.states.size(); ++i) sql += (i ? ", " : "") + p.Add(q.states[i]);
    sql += ")";
  }
  return sql;
}

}  // namespace

absl::StatusOr<std::vector<DefiniteSum>> MeetingsTx::SumDefiniteChanges(const ChangeQuery& q, bool by_kind) {
  db::Params p;
  // Grouped in the order of the covering index (schema.cc): month first.
  const std::string group = absl::StrCat(q.column, ", owner, segment", by_kind ? ", kind" : "");
  // What rose and fell matters to revaluations only (by kind).
  std::string rises = by_kind ? ", SUM(CASE WHEN total >= 0 THEN 1 ELSE 0 END), " : ", 0, ";
  absl::StrAppend(&rises, SumsOf(""));
  for (const char* m : {"room_nights", "rooms", "fnb", "conference", "total"}) {
    absl::StrAppend(&rises, by_kind ? absl::StrCat(", SUM(CASE WHEN ", m, " > 0 THEN ", m, " ELSE 0 END)") : ", 0");
  }
  const std::string sql = absl::StrCat("SELECT owner, segment, ", q.column, by_kind ? ", kind" : ", 0",
                                       ", COUNT(*), SUM(meetings)", rises, ChangeWhere(p, q), " GROUP BY ", group);
  auto r = tx_.Query(sql, p.args());
  RETURN_IF_ERROR(Summed(r.status()));
  std::vector<DefiniteSum> out(static_cast<size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) {
    DefiniteSum& d = out[i];
    d.owner = r->Text(i, 0);
    d.segment = r->Text(i, 1);
    d.month = r->Int(i, 2);
    d.kind = static_cast<int>(r->Int(i, 3));
    d.changes = r->Int(i, 4);
    d.meetings = r->Int(i, 5);
    d.rising = r->Int(i, 6);
    d.delta = AmountsAt(*r, i, 7);
    d.rises = AmountsAt(*r, i, 12);
  }
  return out;
}

absl::StatusOr<std::vector<FactSum>> MeetingsTx::SumSalesFacts(FactGroup group, const FactQuery& q) {
  db::Params p;
  // (owner, segment, month, state, reason, competitor, count, contracted,
  // lost, five measures, lost value), grouped by what `group` keeps apart.
  // The groups in the order of the covering index (schema.cc): month first.
  std::string keys = absl::StrCat(q.column, ", owner, segment");
  if (group == FactGroup::kOpen) keys += ", state";
  if (group == FactGroup::kClosed) keys += ", state, lost_reason, competitor";
  std::string select = absl::StrCat("SELECT owner, segment, ", q.column);
  switch (group) {
    case FactGroup::kSettled:
      absl::StrAppend(&select, ", 0, '', '', COUNT(*), 0, 0, ", SumsOf("actual_"), ", 0");
      break;
    case FactGroup::kOpen: absl::StrAppend(&select, ", state, '', '', COUNT(*), 0, 0, ", SumsOf(""), ", 0"); break;
    case FactGroup::kEnquiries:
      absl::StrAppend(&select, ", 0, '', '', COUNT(*), SUM(contracted), SUM(CASE WHEN state = ", v1::Meeting::LOST,
                      " THEN 1 ELSE 0 END), 0, 0, 0, 0, 0, 0");
      break;
    case FactGroup::kClosed:
      absl::StrAppend(&select, ", state, lost_reason, competitor, COUNT(*), 0, 0, 0, 0, 0, 0, 0, SUM(lost_value)");
      break;
  }
  // (The statement is made before the arguments are read: they are added
  // as it is.)
  const std::string sql = absl::StrCat(select, FactWhere(p, q), " GROUP BY ", keys);
  auto r = tx_.Query(sql, p.args());
  RETURN_IF_ERROR(Summed(r.status()));
  std::vector<FactSum> out(static_cast<size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) {
    FactSum& f = out[i];
    f.owner = r->Text(i, 0);
    f.segment = r->Text(i, 1);
    f.month = r->Int(i, 2);
    f.state = static_cast<int>(r->Int(i, 3));
    f.lost_reason = r->Text(i, 4);
    f.competitor = r->Text(i, 5);
    f.facts = r->Int(i, 6);
    f.contracted = r->Int(i, 7);
    f.lost = r->Int(i, 8);
    f.value = AmountsAt(*r, i, 9);
    f.lost_value = r->Int(i, 14);
  }
  return out;
}

absl::StatusOr<std::vector<AccountSum>> MeetingsTx::TopDefiniteAccounts(const ChangeQuery& q, int limit) {
  db::Params p;
  const std::string where = ChangeWhere(p, q);
  const std::string sql = absl::StrCat("SELECT account, SUM(meetings), ", SumsOf(""), where,
                                       " GROUP BY account HAVING SUM(meetings) > 0 ORDER BY SUM(total) DESC, account"
                                       " LIMIT ",
                                       p.Add(limit));
  auto r = tx_.Query(sql, p.args());
  RETURN_IF_ERROR(Summed(r.status()));
  std::vector<AccountSum> out(static_cast<size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) out[i] = {r->Text(i, 0), r->Int(i, 1), AmountsAt(*r, i, 2)};
  return out;
}

absl::StatusOr<std::vector<AccountSum>> MeetingsTx::SettledOfAccounts(const FactQuery& q,
                                                                      const std::vector<std::string>& accounts) {
  if (accounts.empty()) return std::vector<AccountSum>();
  db::Params p;
  std::string sql = absl::StrCat("SELECT account, COUNT(*), ", SumsOf("actual_"), FactWhere(p, q), " AND account IN (");
  for (size_t i = 0; i < accounts.size(); ++i) sql += (i ? ", " : "") + p.Add(accounts[i]);
  auto r = tx_.Query(sql + ") GROUP BY account", p.args());
  RETURN_IF_ERROR(Summed(r.status()));
  std::vector<AccountSum> out(static_cast<size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) out[i] = {r->Text(i, 0), r->Int(i, 1), AmountsAt(*r, i, 2)};
  return out;
}

absl::StatusOr<std::vector<ChangeRow>> MeetingsTx::ChangesBy(const std::string& actor, int64_t from, int64_t to,
                                                             const std::optional<std::pair<int64_t, int64_t>>& after,
                                                             int limit) {
  db::Params p;
  std::string sql = "SELECT id, micros, data FROM meeting_changes WHERE actor = " + p.Add(actor);
  sql += " AND micros >= " + p.Add(from);
  sql += " AND micros < " + p.Add(to);
  if (after) {
    const std::string micros = p.Add(after->first);
    sql += absl::StrCat(" AND (micros, id) > (", micros, ", ", p.Add(after->second), ")");
  }
  sql += " ORDER BY micros, id LIMIT " + p.Add(limit);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  std::vector<ChangeRow> out(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    out[i].id = r.Int(i, 0);
    out[i].micros = r.Int(i, 1);
    if (!r.Parse(i, 2, &out[i].change)) return absl::DataLossError("a stored meeting change is corrupt");
  }
  return out;
}

absl::StatusOr<std::map<std::tuple<std::string, std::string, int64_t>, int>> MeetingsTx::LaterRevisions(
    int64_t from_month, int64_t to_month, const std::string& owner, const std::string& segment) {
  db::Params p;
  const std::string from = p.Add(from_month);
  std::string sql =
      absl::StrCat("SELECT owner, segment, month, COUNT(*) FROM meeting_changes WHERE revision > 1 AND month BETWEEN ",
                   from, " AND ", p.Add(to_month));
  sql += OwnerAndSegment(p, owner, segment) + " GROUP BY owner, segment, month";
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  std::map<std::tuple<std::string, std::string, int64_t>, int> out;
  for (int i = 0; i < r.size(); ++i) out[{r.Text(i, 0), r.Text(i, 1), r.Int(i, 2)}] = static_cast<int>(r.Int(i, 3));
  return out;
}

absl::StatusOr<std::vector<OutboxMessage>> MeetingsTx::DueOutbox(int64_t now, int limit) {
  // (The kind is spelled out, for the partial index outbox_notices to match.)
  auto r = tx_.Query(absl::StrCat("SELECT id, peer, method, body, traceparent, attempts, label, kind, key FROM outbox o"
                                  " WHERE next_attempt_micros <= $1 AND NOT (kind = ",
                                  OutboxEntry::kNotice, " AND EXISTS (SELECT 1 FROM outbox p WHERE p.kind = ",
                                  OutboxEntry::kNotice, " AND p.key = o.key AND p.id < o.id)) ORDER BY id LIMIT $2"),
                     {now, limit});
  if (!r.ok()) return r.status();
  std::vector<OutboxMessage> out;
  for (int i = 0; i < r->size(); ++i) {
    out.push_back(OutboxMessage{r->Int(i, 0), r->Text(i, 1), r->Text(i, 2), r->Bytes(i, 3), r->Text(i, 4),
                                static_cast<int>(r->Int(i, 5)), r->Text(i, 6), static_cast<int>(r->Int(i, 7)),
                                r->Text(i, 8)});
  }
  return out;
}

absl::Status UpgradeRows(MeetingsStore& store) {
  return store.Write([](MeetingsTx& t) -> absl::Status {
    db::Tx& tx = t.db();
    // meetings.state of rows written before it had a column (SQLite step 5,
    // PostgreSQL step 2), from the stored message.
    for (std::string last;;) {
      auto r = tx.Query("SELECT id, data FROM meetings WHERE state = 0 AND id > $1 ORDER BY id LIMIT 500", {last});
      if (!r.ok()) return r.status();
      if (r->empty()) break;
      for (int i = 0; i < r->size(); ++i) {
        Meeting m;
        if (!r->Parse(i, 1, &m)) return absl::DataLossError("a stored meeting is corrupt");
        absl::Status s = tx.Exec("UPDATE meetings SET state = $1 WHERE id = $2", {m.state(), r->Text(i, 0)});
        if (!s.ok()) return s;
      }
      last = r->Text(r->size() - 1, 0);
    }
    // The writes earlier releases left waiting in activity_outbox, in their
    // order and due when they were: the request an activity stands for is
    // built here (ToMessage), so no SQL step can move them. Their failed
    // attempts start again from 0. (A later release may drop the table.)
    ASSIGN_OR_RETURN(
        auto r, tx.Query("SELECT id, account, request_id, summary, detail, subject, attempts, kind, body, traceparent,"
                         " next_attempt_micros FROM activity_outbox ORDER BY id"));
    if (r.empty()) return absl::OkStatus();
    for (int i = 0; i < r.size(); ++i) {
      const OutboxMessage m = ToMessage(OutboxEntry{r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4),
                                                    r.Text(i, 5), static_cast<int>(r.Int(i, 6)),
                                                    static_cast<int>(r.Int(i, 7)), r.Bytes(i, 8), r.Text(i, 9)});
      RETURN_IF_ERROR(t.AddOutbox(m, r.Int(i, 10)));
    }
    return tx.Exec("DELETE FROM activity_outbox");
  });
}

}  // namespace atrium::meetings
