#include "services/meetings/pg_store.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::meetings {
namespace {

using pg::Bytes;
using pg::Int;
using pg::Text;
using v1::Booking;
using v1::Meeting;
using v1::Room;

// The SQLite schema's migrations, in PostgreSQL's dialect, as one.
const pg::Migrations kMigrations = {
    R"sql(
CREATE TABLE meetings (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  owner TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  data BYTEA NOT NULL,
  start_micros BIGINT NOT NULL DEFAULT 0,
  end_micros BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX meetings_by_create ON meetings(create_micros, id);
CREATE INDEX meetings_by_account ON meetings(account, create_micros, id);
CREATE INDEX meetings_by_owner ON meetings(owner, create_micros, id);
CREATE INDEX meetings_by_start ON meetings(start_micros) WHERE start_micros > 0;
CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  data BYTEA NOT NULL
);
CREATE TABLE bookings (
  name TEXT PRIMARY KEY,
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  start_micros BIGINT NOT NULL,
  state INTEGER NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX bookings_by_meeting ON bookings(meeting_id, start_micros, name);
CREATE INDEX bookings_by_start ON bookings(start_micros, name);
CREATE TABLE occupancy (
  unit TEXT NOT NULL,
  start_micros BIGINT NOT NULL,
  end_micros BIGINT NOT NULL,
  booking TEXT NOT NULL,
  meeting TEXT NOT NULL,
  room TEXT NOT NULL,
  hold INTEGER NOT NULL
);
CREATE INDEX occupancy_by_unit ON occupancy(unit, start_micros);
CREATE INDEX occupancy_by_booking ON occupancy(booking);
CREATE INDEX occupancy_by_start ON occupancy(start_micros);
CREATE TABLE diary_meta (
  key TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
CREATE TABLE request_ids (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource_name TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  PRIMARY KEY (method, request_id)
);
CREATE TABLE activity_outbox (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  request_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  detail TEXT NOT NULL,
  subject TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros BIGINT NOT NULL,
  kind INTEGER NOT NULL DEFAULT 0,
  body BYTEA NOT NULL DEFAULT '\x',
  traceparent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activity_outbox_due ON activity_outbox(next_attempt_micros);
CREATE INDEX activity_outbox_notices ON activity_outbox(subject, id) WHERE kind = 3;
CREATE TABLE records (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  parent TEXT NOT NULL,
  tag TEXT NOT NULL,
  seq BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX records_by_parent ON records(kind, parent, seq, name);
CREATE INDEX records_by_tag ON records(kind, tag, seq, name) WHERE tag <> '';
)sql",
    // 2: meetings listed by state (0 = written before this migration, filled
    // in from the stored message at start-up).
    R"sql(
ALTER TABLE meetings ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
CREATE INDEX meetings_by_state ON meetings(state, create_micros, id);
)sql",
    // 3: request ids scoped to their caller, with the digest of the request
    // that used them (common/request_ids.h). Ids recorded before have no
    // caller, so no caller's key reaches them: a retry sent across this
    // upgrade creates anew.
    R"sql(
ALTER TABLE request_ids ADD COLUMN caller TEXT NOT NULL DEFAULT '';
ALTER TABLE request_ids ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE request_ids DROP CONSTRAINT request_ids_pkey;
ALTER TABLE request_ids ADD PRIMARY KEY (method, caller, request_id);
)sql",
};

constexpr int64_t kLongestMeetingMicros = int64_t{32} * 24 * 3600 * 1000000;

absl::StatusOr<std::vector<Occupancy>> Occupancies(const absl::StatusOr<pg::Result>& r) {
  if (!r.ok()) return r.status();
  std::vector<Occupancy> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back(Occupancy{r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Text(i, 3), static_cast<int>(r->Int(i, 4)),
                            r->Int(i, 5), r->Int(i, 6)});
  }
  return out;
}

std::vector<Record> Records(const pg::Result& r) {
  std::vector<Record> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(Record{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Int(i, 4), r.Bytes(i, 5)});
  }
  return out;
}

class PgTx final : public MeetingsTx {
 public:
  explicit PgTx(pg::Connection& db) : db_(db) {}

  absl::StatusOr<std::optional<Meeting>> GetMeeting(const std::string& id) override {
    return pg::Message<Meeting>(db_.Exec("SELECT data FROM meetings WHERE id = $1", {Text(id)}), "meeting");
  }

  absl::Status PutMeeting(const std::string& id, const Meeting& m) override {
    return db_
        .Exec(
            "INSERT INTO meetings(id, account, owner, create_micros, data, start_micros, end_micros, state)"
            " VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT(id) DO UPDATE SET owner = EXCLUDED.owner,"
            " data = EXCLUDED.data, start_micros = EXCLUDED.start_micros, end_micros = EXCLUDED.end_micros,"
            " state = EXCLUDED.state",
            {Text(id), Text(m.account()), Text(m.owner()), Int(ToUnixMicros(m.audit().create_time())),
             Bytes(m.SerializeAsString()), Int(m.has_start_time() ? ToUnixMicros(m.start_time()) : 0),
             Int(m.has_end_time() ? ToUnixMicros(m.end_time()) : 0), Int(m.state())})
        .status();
  }

  // Fills in meetings.state for rows written before migration 2.
  absl::Status BackfillStates() {
    std::string last;
    for (;;) {
      auto r =
          db_.Exec("SELECT id, data FROM meetings WHERE state = 0 AND id > $1 ORDER BY id LIMIT 500", {Text(last)});
      if (!r.ok()) return r.status();
      if (r->rows() == 0) return absl::OkStatus();
      for (int i = 0; i < r->rows(); ++i) {
        Meeting m;
        if (!m.ParseFromString(r->Bytes(i, 1))) return absl::DataLossError("a stored meeting is corrupt");
        if (auto u = db_.Exec("UPDATE meetings SET state = $1 WHERE id = $2", {Int(m.state()), Text(r->Text(i, 0))});
            !u.ok()) {
          return u.status();
        }
      }
      last = r->Text(r->rows() - 1, 0);
    }
  }

  absl::StatusOr<std::vector<Meeting>> ListMeetings(const std::string& account, const std::string& owner,
                                                    Meeting::State state,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit) override {
    std::string sql =
        "SELECT data FROM meetings WHERE ($1 = '' OR account = $1) AND ($2 = '' OR owner = $2)"
        " AND ($4 = 0 OR state = $4)";
    std::vector<pg::Param> params = {Text(account), Text(owner), Int(limit), Int(state)};
    if (after) {
      sql += " AND (create_micros, id) < ($5, $6)";
      params.push_back(Int(after->first));
      params.push_back(Text(after->second));
    }
    sql += " ORDER BY create_micros DESC, id DESC LIMIT $3";
    return pg::Messages<Meeting>(db_.Exec(sql, params), "meeting");
  }

  absl::StatusOr<std::optional<Room>> GetRoom(const std::string& id) override {
    return pg::Message<Room>(db_.Exec("SELECT data FROM rooms WHERE id = $1", {Text(id)}), "room");
  }

  absl::Status InsertRoom(const std::string& id, const Room& room) override {
    return db_.Exec("INSERT INTO rooms(id, data) VALUES ($1, $2)", {Text(id), Bytes(room.SerializeAsString())})
        .status();
  }

  absl::Status PutRoom(const std::string& id, const Room& room) override {
    return db_.Exec("UPDATE rooms SET data = $2 WHERE id = $1", {Text(id), Bytes(room.SerializeAsString())}).status();
  }

  absl::StatusOr<std::vector<Room>> ListRooms(const std::string& after_id, int limit) override {
    return pg::Messages<Room>(
        db_.Exec("SELECT data FROM rooms WHERE id > $1 ORDER BY id LIMIT $2", {Text(after_id), Int(limit)}), "room");
  }

  absl::StatusOr<std::optional<Booking>> GetBooking(const std::string& name) override {
    return pg::Message<Booking>(db_.Exec("SELECT data FROM bookings WHERE name = $1", {Text(name)}), "booking");
  }

  absl::Status PutBooking(const std::string& meeting_id, const Booking& b,
                          const std::vector<std::string>& units) override {
    if (auto r = db_.Exec("INSERT INTO bookings(name, meeting_id, start_micros, state, data) VALUES ($1,$2,$3,$4,$5)"
                          " ON CONFLICT(name) DO UPDATE SET state = EXCLUDED.state, data = EXCLUDED.data,"
                          " start_micros = EXCLUDED.start_micros",
                          {Text(b.name()), Text(meeting_id), Int(ToUnixMicros(b.start_time())), Int(b.state()),
                           Bytes(b.SerializeAsString())});
        !r.ok()) {
      return r.status();
    }
    if (auto r = db_.Exec("DELETE FROM occupancy WHERE booking = $1", {Text(b.name())}); !r.ok()) return r.status();
    if (b.state() != Booking::ACTIVE) return absl::OkStatus();
    const int64_t start = ToUnixMicros(b.start_time()) - int64_t{b.setup_minutes()} * 60 * 1000000;
    const int64_t end = ToUnixMicros(b.end_time()) + int64_t{b.teardown_minutes()} * 60 * 1000000;
    if (auto r = db_.Exec("INSERT INTO diary_meta(key, value) VALUES ('longest_occupancy', $1)"
                          " ON CONFLICT(key) DO UPDATE SET value = GREATEST(diary_meta.value, EXCLUDED.value)",
                          {Int(end - start)});
        !r.ok()) {
      return r.status();
    }
    for (const auto& unit : units) {
      if (auto r = db_.Exec("INSERT INTO occupancy(unit, start_micros, end_micros, booking, meeting, room, hold)"
                            " VALUES ($1,$2,$3,$4,$5,$6,$7)",
                            {Text(unit), Int(start), Int(end), Text(b.name()),
                             Text(absl::StrCat("meetings/", meeting_id)), Text(b.room()), Int(b.hold())});
          !r.ok()) {
        return r.status();
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Booking>> ListBookings(const std::string& meeting_id, bool show_cancelled,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit) override {
    std::string sql = "SELECT data FROM bookings WHERE ($1 = '' OR meeting_id = $1) AND ($2 OR state = 1)";
    std::vector<pg::Param> params = {Text(meeting_id), Text(show_cancelled ? "true" : "false"), Int(limit)};
    if (after) {
      sql += " AND (start_micros, name) > ($4, $5)";
      params.push_back(Int(after->first));
      params.push_back(Text(after->second));
    }
    sql += " ORDER BY start_micros, name LIMIT $3";
    return pg::Messages<Booking>(db_.Exec(sql, params), "booking");
  }

  absl::StatusOr<std::vector<Occupancy>> Occupancies(const std::vector<std::string>& units, int64_t start, int64_t end,
                                                     int limit) override {
    std::vector<Occupancy> out;
    for (const auto& unit : units) {
      auto rows = meetings::Occupancies(
          db_.Exec("SELECT unit, booking, meeting, room, hold, start_micros, end_micros FROM occupancy"
                   " WHERE unit = $1 AND start_micros < $2 AND end_micros > $3 AND start_micros >= $3 -"
                   " COALESCE((SELECT value FROM diary_meta WHERE key = 'longest_occupancy'), 0)"
                   " ORDER BY start_micros LIMIT $4",
                   {Text(unit), Int(end), Int(start), Int(limit)}));
      if (!rows.ok()) return rows.status();
      out.insert(out.end(), rows->begin(), rows->end());
    }
    return out;
  }

  absl::StatusOr<std::vector<Occupancy>> AllOccupancies(int64_t start, int64_t end, int limit) override {
    return meetings::Occupancies(
        db_.Exec("SELECT unit, booking, meeting, room, hold, start_micros, end_micros FROM occupancy"
                 " WHERE start_micros < $1 AND end_micros > $2 AND start_micros >= $2 -"
                 " COALESCE((SELECT value FROM diary_meta WHERE key = 'longest_occupancy'), 0)"
                 " ORDER BY start_micros LIMIT $3",
                 {Int(end), Int(start), Int(limit)}));
  }

  absl::StatusOr<std::vector<Meeting>> MeetingsBetween(int64_t start, int64_t end) override {
    return pg::Messages<Meeting>(db_.Exec("SELECT data FROM meetings WHERE start_micros > 0 AND start_micros < $1 AND "
                                          "start_micros >= $2::BIGINT - $3::BIGINT"
                                          " AND end_micros > $2 ORDER BY start_micros, id",
                                          {Int(end), Int(start), Int(kLongestMeetingMicros)}),
                                 "meeting");
  }

  absl::StatusOr<std::optional<Record>> GetRecord(const std::string& name) override {
    auto r = db_.Exec("SELECT name, kind, parent, tag, seq, data FROM records WHERE name = $1", {Text(name)});
    if (!r.ok()) return r.status();
    auto rows = Records(*r);
    if (rows.empty()) return std::optional<Record>();
    return std::optional<Record>(std::move(rows.front()));
  }

  absl::Status PutRecord(const Record& r) override {
    return db_
        .Exec(
            "INSERT INTO records(name, kind, parent, tag, seq, data) VALUES ($1,$2,$3,$4,$5,$6)"
            " ON CONFLICT(name) DO UPDATE SET tag = EXCLUDED.tag, data = EXCLUDED.data",
            {Text(r.name), Text(r.kind), Text(r.parent), Text(r.tag), Int(r.seq), Bytes(r.data)})
        .status();
  }

  absl::StatusOr<std::vector<Record>> ListRecords(const std::string& kind, const std::string& key, bool by_tag,
                                                  const std::optional<std::pair<int64_t, std::string>>& after,
                                                  int limit) override {
    std::string sql = "SELECT name, kind, parent, tag, seq, data FROM records WHERE kind = $1";
    sql += by_tag ? " AND tag = $2 AND tag <> ''" : " AND parent = $2";
    std::vector<pg::Param> params = {Text(kind), Text(key), Int(limit)};
    if (after) {
      sql += " AND (seq, name) > ($4, $5)";
      params.push_back(Int(after->first));
      params.push_back(Text(after->second));
    }
    sql += " ORDER BY seq, name LIMIT $3";
    auto r = db_.Exec(sql, params);
    if (!r.ok()) return r.status();
    return Records(*r);
  }

  absl::StatusOr<MeetingsGauges> ReadGauges(int64_t now) override {
    MeetingsGauges out;
    auto r =
        db_.Exec("SELECT hold, COUNT(DISTINCT booking) FROM occupancy WHERE end_micros > $1 GROUP BY hold", {Int(now)});
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) out.active_bookings[static_cast<int>(r->Int(i, 0))] = r->Int(i, 1);
    auto o = db_.Exec("SELECT kind, COUNT(*) FROM activity_outbox GROUP BY kind");
    if (!o.ok()) return o.status();
    for (int i = 0; i < o->rows(); ++i) out.outbox[static_cast<int>(o->Int(i, 0))] = o->Int(i, 1);
    return out;
  }

  absl::Status AddOutbox(const OutboxEntry& a, int64_t now) override {
    return db_
        .Exec(
            "INSERT INTO activity_outbox(account, request_id, summary, detail, subject, attempts,"
            " next_attempt_micros, kind, body, traceparent) VALUES ($1,$2,$3,$4,$5,0,$6,$7,$8,$9)",
            {Text(a.account), Text(a.request_id), Text(a.summary), Text(a.detail), Text(a.subject), Int(now),
             Int(a.kind), Bytes(a.body), Text(a.traceparent)})
        .status();
  }

  absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now, int limit) override {
    auto r = db_.Exec(
        "SELECT id, account, request_id, summary, detail, subject, attempts, kind, body, traceparent"
        " FROM activity_outbox o WHERE next_attempt_micros <= $1 AND NOT (kind = 3 AND EXISTS"
        " (SELECT 1 FROM activity_outbox p WHERE p.kind = 3 AND p.subject = o.subject AND p.id < o.id))"
        " ORDER BY id LIMIT $2",
        {Int(now), Int(limit)});
    if (!r.ok()) return r.status();
    std::vector<OutboxEntry> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(OutboxEntry{r->Int(i, 0), r->Text(i, 1), r->Text(i, 2), r->Text(i, 3), r->Text(i, 4), r->Text(i, 5),
                                static_cast<int>(r->Int(i, 6)), static_cast<int>(r->Int(i, 7)), r->Bytes(i, 8),
                                r->Text(i, 9)});
    }
    return out;
  }

  absl::Status DeleteOutbox(int64_t id) override {
    return db_.Exec("DELETE FROM activity_outbox WHERE id = $1", {Int(id)}).status();
  }

  absl::Status RetryOutbox(int64_t id, int64_t next) override {
    return db_
        .Exec("UPDATE activity_outbox SET attempts = attempts + 1, next_attempt_micros = $1 WHERE id = $2",
              {Int(next), Int(id)})
        .status();
  }

  absl::StatusOr<std::optional<RememberedRequest>> LookupRequest(const RequestKey& key) override {
    return pg::LookupRequest(db_, key);
  }

  absl::Status RememberRequest(const RequestKey& key, const std::string& resource_name, int64_t now_micros) override {
    return pg::RememberRequest(db_, key, resource_name, now_micros);
  }

 private:
  pg::Connection& db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PgMeetingsStore>> PgMeetingsStore::Open(const std::string& url, int connections) {
  auto pool = pg::Pool::Open(url, kMigrations, connections);
  if (!pool.ok()) return pool.status();
  std::unique_ptr<PgMeetingsStore> store(new PgMeetingsStore(std::move(*pool)));
  if (auto s = store->Write([](MeetingsTx& tx) { return static_cast<PgTx&>(tx).BackfillStates(); }); !s.ok()) {
    return s;
  }
  return store;
}

absl::Status PgMeetingsStore::Write(const std::function<absl::Status(MeetingsTx&)>& fn) {
  return pg::WriteAs<PgTx>(*pool_, fn);
}

absl::Status PgMeetingsStore::Read(const std::function<absl::Status(MeetingsTx&)>& fn) {
  return pg::ReadAs<PgTx>(*pool_, fn);
}

}  // namespace atrium::meetings
