#include "services/meetings/sqlite_store.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::meetings {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using v1::Booking;
using v1::Meeting;
using v1::Room;

const sqlite::Migrations kMigrations = {
    // 1: meetings, rooms, bookings and what they occupy, idempotency keys.
    R"sql(
CREATE TABLE meetings (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  owner TEXT NOT NULL,
  create_micros INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX meetings_by_create ON meetings(create_micros, id);
CREATE INDEX meetings_by_account ON meetings(account, create_micros, id);
CREATE INDEX meetings_by_owner ON meetings(owner, create_micros, id);
CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  data BLOB NOT NULL
);
CREATE TABLE bookings (
  name TEXT PRIMARY KEY,
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  start_micros INTEGER NOT NULL,
  state INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX bookings_by_meeting ON bookings(meeting_id, start_micros, name);
CREATE INDEX bookings_by_start ON bookings(start_micros, name);
CREATE TABLE occupancy (
  unit TEXT NOT NULL,
  start_micros INTEGER NOT NULL,
  end_micros INTEGER NOT NULL,
  booking TEXT NOT NULL,
  meeting TEXT NOT NULL,
  room TEXT NOT NULL,
  hold INTEGER NOT NULL
);
CREATE INDEX occupancy_by_unit ON occupancy(unit, start_micros);
CREATE INDEX occupancy_by_booking ON occupancy(booking);
CREATE INDEX occupancy_by_start ON occupancy(start_micros);
-- The longest occupancy ever stored: it bounds how far back an overlap
-- search must look (bookings may last 14 days; most last hours).
CREATE TABLE diary_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE request_ids (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_micros INTEGER NOT NULL,
  PRIMARY KEY (method, request_id)
);
)sql",
    // 2: the outbox of sales-record entries for the clients service.
    R"sql(
CREATE TABLE activity_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  request_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  detail TEXT NOT NULL,
  subject TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros INTEGER NOT NULL
);
CREATE INDEX activity_outbox_due ON activity_outbox(next_attempt_micros);
)sql",
    // 3: the outbox carries other writes too (preferences, receivables,
    // notices); meetings' dates for the day's view; sub-resources of meetings.
    R"sql(
ALTER TABLE activity_outbox ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity_outbox ADD COLUMN body BLOB NOT NULL DEFAULT x'';
ALTER TABLE meetings ADD COLUMN start_micros INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN end_micros INTEGER NOT NULL DEFAULT 0;
CREATE INDEX activity_outbox_notices ON activity_outbox(subject, id) WHERE kind = 3;
CREATE INDEX meetings_by_start ON meetings(start_micros) WHERE start_micros > 0;
CREATE TABLE records (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  parent TEXT NOT NULL,
  tag TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX records_by_parent ON records(kind, parent, seq, name);
CREATE INDEX records_by_tag ON records(kind, tag, seq, name) WHERE tag <> '';
)sql",
    // 4: the trace an outbox entry continues.
    R"sql(
ALTER TABLE activity_outbox ADD COLUMN traceparent TEXT NOT NULL DEFAULT '';
)sql",
    // 5: meetings listed by state (0 = written before this migration, filled
    // in from the stored message at start-up).
    R"sql(
ALTER TABLE meetings ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
CREATE INDEX meetings_by_state ON meetings(state, create_micros, id);
)sql",
    // 6: request ids scoped to their caller, with the digest of the request
    // that used them (common/request_ids.h); the primary key changes, so the
    // table is rebuilt. Ids recorded before have no caller, so no caller's
    // key reaches them: a retry sent across this upgrade creates anew.
    sqlite::kRequestIdsByCallerMigration,
};

// Meetings last at most this long (agreements are checked against it), which
// bounds the look-back of a search by date.
constexpr int64_t kLongestMeetingMicros = int64_t{32} * 24 * 3600 * 1000000;

using sqlite::ParseStored;
using sqlite::StoredRow;
using sqlite::StoredRows;

class SqliteTx final : public MeetingsTx {
 public:
  SqliteTx(Connection& db, bool writable) : db_(db), writable_(writable) {}

  absl::StatusOr<std::optional<Meeting>> GetMeeting(const std::string& id) override {
    Statement& st = db_.Prepare("SELECT data FROM meetings WHERE id = ?");
    st.Bind(1, id);
    return StoredRow<Meeting>(st, "meeting");
  }

  absl::Status PutMeeting(const std::string& id, const Meeting& m) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO meetings(id, account, owner, create_micros, data, start_micros, end_micros, state)"
        " VALUES (?,?,?,?,?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, data = excluded.data,"
        " start_micros = excluded.start_micros, end_micros = excluded.end_micros, state = excluded.state");
    st.Bind(1, id)
        .Bind(2, m.account())
        .Bind(3, m.owner())
        .Bind(4, ToUnixMicros(m.audit().create_time()))
        .BindBlob(5, m.SerializeAsString())
        .Bind(6, m.has_start_time() ? ToUnixMicros(m.start_time()) : int64_t{0})
        .Bind(7, m.has_end_time() ? ToUnixMicros(m.end_time()) : int64_t{0})
        .Bind(8, static_cast<int64_t>(m.state()));
    return st.Run();
  }

  // Fills in meetings.state for rows written before migration 5.
  absl::Status BackfillStates() {
    std::string last;
    for (;;) {
      std::vector<std::pair<std::string, int>> rows;
      Statement& st = db_.Prepare("SELECT id, data FROM meetings WHERE state = 0 AND id > ? ORDER BY id LIMIT 500");
      st.Bind(1, last);
      for (;;) {
        auto row = st.Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        Meeting m;
        if (!m.ParseFromString(st.Blob(1))) return absl::DataLossError("a stored meeting is corrupt");
        rows.emplace_back(st.Text(0), m.state());
      }
      if (rows.empty()) return absl::OkStatus();
      for (const auto& [id, state] : rows) {
        Statement& up = db_.Prepare("UPDATE meetings SET state = ? WHERE id = ?");
        up.Bind(1, static_cast<int64_t>(state)).Bind(2, id);
        if (auto s = up.Run(); !s.ok()) return s;
      }
      last = rows.back().first;
    }
  }

  absl::StatusOr<std::vector<Meeting>> MeetingsBetween(int64_t start, int64_t end) override {
    Statement& st = db_.Prepare(
        "SELECT data FROM meetings WHERE start_micros > 0 AND start_micros < ?1 AND start_micros >= ?2 - ?3"
        " AND end_micros > ?2 ORDER BY start_micros, id");
    st.Bind(1, end).Bind(2, start).Bind(3, kLongestMeetingMicros);
    return StoredRows<Meeting>(st, "meeting");
  }

  absl::StatusOr<std::optional<Record>> GetRecord(const std::string& name) override {
    Statement& st = db_.Prepare("SELECT name, kind, parent, tag, seq, data FROM records WHERE name = ?");
    st.Bind(1, name);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<Record>();
    return std::optional<Record>(Record{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Blob(5)});
  }

  absl::Status PutRecord(const Record& r) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO records(name, kind, parent, tag, seq, data) VALUES (?,?,?,?,?,?)"
        " ON CONFLICT(name) DO UPDATE SET tag = excluded.tag, data = excluded.data");
    st.Bind(1, r.name).Bind(2, r.kind).Bind(3, r.parent).Bind(4, r.tag).Bind(5, r.seq).BindBlob(6, r.data);
    return st.Run();
  }

  absl::StatusOr<std::vector<Record>> ListRecords(const std::string& kind, const std::string& key, bool by_tag,
                                                  const std::optional<std::pair<int64_t, std::string>>& after,
                                                  int limit) override {
    std::string sql = "SELECT name, kind, parent, tag, seq, data FROM records WHERE kind = ?1";
    sql += by_tag ? " AND tag = ?2 AND tag <> ''" : " AND parent = ?2";
    if (after) sql += " AND (seq, name) > (?3, ?4)";
    sql += " ORDER BY seq, name LIMIT ?5";
    Statement& st = db_.Prepare(sql);
    st.Bind(1, kind).Bind(2, key);
    if (after) st.Bind(3, after->first).Bind(4, after->second);
    st.Bind(5, static_cast<int64_t>(limit));
    std::vector<Record> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) return out;
      out.push_back(Record{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Blob(5)});
    }
  }

  absl::StatusOr<std::vector<Meeting>> ListMeetings(const std::string& account, const std::string& owner,
                                                    Meeting::State state,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit) override {
    std::string sql = "SELECT data FROM meetings WHERE 1";
    if (!account.empty()) sql += " AND account = ?1";
    if (!owner.empty()) sql += " AND owner = ?2";
    if (state != Meeting::STATE_UNSPECIFIED) sql += " AND state = ?6";
    if (after) sql += " AND (create_micros, id) < (?3, ?4)";
    sql += " ORDER BY create_micros DESC, id DESC LIMIT ?5";
    Statement& st = db_.Prepare(sql);
    if (!account.empty()) st.Bind(1, account);
    if (!owner.empty()) st.Bind(2, owner);
    if (after) st.Bind(3, after->first).Bind(4, after->second);
    st.Bind(5, static_cast<int64_t>(limit));
    if (state != Meeting::STATE_UNSPECIFIED) st.Bind(6, static_cast<int64_t>(state));
    return StoredRows<Meeting>(st, "meeting");
  }

  absl::StatusOr<std::optional<Room>> GetRoom(const std::string& id) override {
    Statement& st = db_.Prepare("SELECT data FROM rooms WHERE id = ?");
    st.Bind(1, id);
    return StoredRow<Room>(st, "room");
  }

  absl::Status InsertRoom(const std::string& id, const Room& room) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare("INSERT INTO rooms(id, data) VALUES (?, ?)");
    st.Bind(1, id).BindBlob(2, room.SerializeAsString());
    return st.Run();
  }

  absl::Status PutRoom(const std::string& id, const Room& room) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare("UPDATE rooms SET data = ? WHERE id = ?");
    st.BindBlob(1, room.SerializeAsString()).Bind(2, id);
    return st.Run();
  }

  absl::StatusOr<std::vector<Room>> ListRooms(const std::string& after_id, int limit) override {
    Statement& st = db_.Prepare("SELECT data FROM rooms WHERE id > ? ORDER BY id LIMIT ?");
    st.Bind(1, after_id).Bind(2, static_cast<int64_t>(limit));
    return StoredRows<Room>(st, "room");
  }

  absl::StatusOr<std::optional<Booking>> GetBooking(const std::string& name) override {
    Statement& st = db_.Prepare("SELECT data FROM bookings WHERE name = ?");
    st.Bind(1, name);
    return StoredRow<Booking>(st, "booking");
  }

  absl::Status PutBooking(const std::string& meeting_id, const Booking& b,
                          const std::vector<std::string>& units) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO bookings(name, meeting_id, start_micros, state, data) VALUES (?,?,?,?,?)"
        " ON CONFLICT(name) DO UPDATE SET state = excluded.state, data = excluded.data,"
        " start_micros = excluded.start_micros");
    st.Bind(1, b.name())
        .Bind(2, meeting_id)
        .Bind(3, ToUnixMicros(b.start_time()))
        .Bind(4, static_cast<int64_t>(b.state()))
        .BindBlob(5, b.SerializeAsString());
    if (auto s = st.Run(); !s.ok()) return s;
    if (auto s = db_.Prepare("DELETE FROM occupancy WHERE booking = ?").Bind(1, b.name()).Run(); !s.ok()) return s;
    if (b.state() != Booking::ACTIVE) return absl::OkStatus();
    const int64_t start = ToUnixMicros(b.start_time()) - int64_t{b.setup_minutes()} * 60 * 1000000;
    const int64_t end = ToUnixMicros(b.end_time()) + int64_t{b.teardown_minutes()} * 60 * 1000000;
    Statement& longest = db_.Prepare(
        "INSERT INTO diary_meta(key, value) VALUES ('longest_occupancy', ?1)"
        " ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)");
    if (auto s = longest.Bind(1, end - start).Run(); !s.ok()) return s;
    for (const auto& unit : units) {
      Statement& ins = db_.Prepare(
          "INSERT INTO occupancy(unit, start_micros, end_micros, booking, meeting, room, hold)"
          " VALUES (?,?,?,?,?,?,?)");
      ins.Bind(1, unit)
          .Bind(2, start)
          .Bind(3, end)
          .Bind(4, b.name())
          .Bind(5, absl::StrCat("meetings/", meeting_id))
          .Bind(6, b.room())
          .Bind(7, static_cast<int64_t>(b.hold()));
      if (auto s = ins.Run(); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Booking>> ListBookings(const std::string& meeting_id, bool show_cancelled,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit) override {
    std::string sql = "SELECT data FROM bookings WHERE 1";
    if (!meeting_id.empty()) sql += " AND meeting_id = ?1";
    if (!show_cancelled) sql += " AND state = 1";
    if (after) sql += " AND (start_micros, name) > (?2, ?3)";
    sql += " ORDER BY start_micros, name LIMIT ?4";
    Statement& st = db_.Prepare(sql);
    if (!meeting_id.empty()) st.Bind(1, meeting_id);
    if (after) st.Bind(2, after->first).Bind(3, after->second);
    st.Bind(4, static_cast<int64_t>(limit));
    return StoredRows<Booking>(st, "booking");
  }

  absl::StatusOr<std::vector<Occupancy>> Occupancies(const std::vector<std::string>& units, int64_t start, int64_t end,
                                                     int limit) override {
    std::vector<Occupancy> out;
    // Per unit: those starting before `end` and not longer ago than the
    // longest possible occupancy, then those actually reaching past `start`.
    Statement& st = db_.Prepare(
        "SELECT unit, booking, meeting, room, hold, start_micros, end_micros FROM occupancy"
        " WHERE unit = ?1 AND start_micros < ?2 AND end_micros > ?4 AND start_micros >= ?4 -"
        " IFNULL((SELECT value FROM diary_meta WHERE key = 'longest_occupancy'), 0)"
        " ORDER BY start_micros LIMIT ?5");
    for (const auto& unit : units) {
      st.Reset();
      st.Bind(1, unit).Bind(2, end).Bind(4, start);
      st.Bind(5, static_cast<int64_t>(limit));
      for (;;) {
        auto row = st.Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        out.push_back(Occupancy{st.Text(0), st.Text(1), st.Text(2), st.Text(3), static_cast<int>(st.Int(4)), st.Int(5),
                                st.Int(6)});
      }
    }
    return out;
  }

  absl::StatusOr<std::vector<Occupancy>> AllOccupancies(int64_t start, int64_t end, int limit) override {
    Statement& st = db_.Prepare(
        "SELECT unit, booking, meeting, room, hold, start_micros, end_micros FROM occupancy"
        " WHERE start_micros < ?1 AND end_micros > ?3 AND start_micros >= ?3 -"
        " IFNULL((SELECT value FROM diary_meta WHERE key = 'longest_occupancy'), 0)"
        " ORDER BY start_micros LIMIT ?4");
    st.Bind(1, end).Bind(3, start).Bind(4, static_cast<int64_t>(limit));
    std::vector<Occupancy> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) return out;
      out.push_back(
          Occupancy{st.Text(0), st.Text(1), st.Text(2), st.Text(3), static_cast<int>(st.Int(4)), st.Int(5), st.Int(6)});
    }
  }

  absl::StatusOr<MeetingsGauges> ReadGauges(int64_t now) override {
    MeetingsGauges out;
    // Occupancy rows of combinations count once per booking.
    Statement& st =
        db_.Prepare("SELECT hold, COUNT(DISTINCT booking) FROM occupancy WHERE end_micros > ? GROUP BY hold");
    st.Bind(1, now);
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.active_bookings[static_cast<int>(st.Int(0))] = st.Int(1);
    }
    Statement& outbox = db_.Prepare("SELECT kind, COUNT(*) FROM activity_outbox GROUP BY kind");
    for (;;) {
      auto row = outbox.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.outbox[static_cast<int>(outbox.Int(0))] = outbox.Int(1);
    }
    return out;
  }

  absl::Status AddOutbox(const OutboxEntry& a, int64_t now) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO activity_outbox(account, request_id, summary, detail, subject, attempts, next_attempt_micros,"
        " kind, body, traceparent) VALUES (?,?,?,?,?,0,?,?,?,?)");
    st.Bind(1, a.account)
        .Bind(2, a.request_id)
        .Bind(3, a.summary)
        .Bind(4, a.detail)
        .Bind(5, a.subject)
        .Bind(6, now)
        .Bind(7, static_cast<int64_t>(a.kind))
        .BindBlob(8, a.body)
        .Bind(9, a.traceparent);
    return st.Run();
  }

  absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now, int limit) override {
    // A notice revision waits for the earlier revisions of its meeting: the
    // notifications service accepts them in order only.
    Statement& st = db_.Prepare(
        "SELECT id, account, request_id, summary, detail, subject, attempts, kind, body, traceparent"
        " FROM activity_outbox o"
        " WHERE next_attempt_micros <= ?1 AND NOT (kind = 3 AND EXISTS (SELECT 1 FROM activity_outbox p"
        "   WHERE p.kind = 3 AND p.subject = o.subject AND p.id < o.id))"
        " ORDER BY id LIMIT ?2");
    st.Bind(1, now).Bind(2, static_cast<int64_t>(limit));
    std::vector<OutboxEntry> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) return out;
      out.push_back(OutboxEntry{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5),
                                static_cast<int>(st.Int(6)), static_cast<int>(st.Int(7)), st.Blob(8), st.Text(9)});
    }
  }

  absl::Status DeleteOutbox(int64_t id) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    return db_.Prepare("DELETE FROM activity_outbox WHERE id = ?").Bind(1, id).Run();
  }

  absl::Status RetryOutbox(int64_t id, int64_t next) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    return db_.Prepare("UPDATE activity_outbox SET attempts = attempts + 1, next_attempt_micros = ? WHERE id = ?")
        .Bind(1, next)
        .Bind(2, id)
        .Run();
  }

  absl::StatusOr<std::optional<RememberedRequest>> LookupRequest(const RequestKey& key) override {
    return sqlite::LookupRequest(db_, key);
  }

  absl::Status RememberRequest(const RequestKey& key, const std::string& resource_name, int64_t now_micros) override {
    return sqlite::RememberRequest(db_, key, resource_name, now_micros);
  }

 private:
  absl::Status CheckWritable() const {
    return writable_ ? absl::OkStatus() : absl::InternalError("write in a read transaction");
  }

  Connection& db_;
  bool writable_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteMeetingsStore>> SqliteMeetingsStore::Open(const std::string& path, int readers) {
  auto pool = sqlite::ConnectionPool::Open(path, kMigrations, readers < 1 ? 1 : readers);
  if (!pool.ok()) return pool.status();
  std::unique_ptr<SqliteMeetingsStore> store(new SqliteMeetingsStore(std::move(*pool)));
  if (auto s = store->Write([](MeetingsTx& tx) { return static_cast<SqliteTx&>(tx).BackfillStates(); }); !s.ok()) {
    return s;
  }
  return store;
}

absl::Status SqliteMeetingsStore::Write(const std::function<absl::Status(MeetingsTx&)>& fn) {
  return sqlite::WriteAs<SqliteTx>(*pool_, fn);
}

absl::Status SqliteMeetingsStore::Read(const std::function<absl::Status(MeetingsTx&)>& fn) {
  return sqlite::ReadAs<SqliteTx>(*pool_, fn);
}

}  // namespace atrium::meetings
