#include "services/notifications/sqlite_store.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::notifications {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using v1::Dispatch;
using v1::Notice;

const sqlite::Migrations kMigrations = {
    // 1: notices, revisions, dispatch records, the escalation outbox.
    R"sql(
CREATE TABLE notices (
  id TEXT PRIMARY KEY,
  meeting TEXT NOT NULL,
  create_micros INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX notices_by_meeting ON notices(meeting, create_micros, id);
CREATE INDEX notices_by_create ON notices(create_micros, id);
CREATE TABLE revisions (
  notice_id TEXT NOT NULL REFERENCES notices(id),
  revision INTEGER NOT NULL,
  digest TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (notice_id, revision)
);
CREATE TABLE dispatches (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  notice_id TEXT NOT NULL REFERENCES notices(id),
  revision INTEGER NOT NULL,
  department TEXT NOT NULL,
  meeting TEXT NOT NULL,
  state INTEGER NOT NULL,
  dispatch_micros INTEGER NOT NULL,
  deadline_micros INTEGER NOT NULL,
  escalated INTEGER NOT NULL,
  next_attempt_micros INTEGER NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  data BLOB NOT NULL
);
CREATE TABLE attempts (
  dispatch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  time_micros INTEGER NOT NULL,
  channel TEXT NOT NULL,
  receivers INTEGER NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (dispatch, seq)
) WITHOUT ROWID;
CREATE INDEX dispatches_by_department ON dispatches(department, state, dispatch_micros, name);
CREATE INDEX dispatches_due ON dispatches(next_attempt_micros) WHERE state = 1;
CREATE INDEX dispatches_escalation ON dispatches(deadline_micros) WHERE state = 1 AND escalated = 0;
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL,
  payload BLOB NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_micros);
)sql",
    // 2: alerts to staff and roles.
    R"sql(
CREATE TABLE alerts (
  name TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  create_micros INTEGER NOT NULL,
  request_id TEXT,
  data BLOB NOT NULL
);
CREATE INDEX alerts_by_recipient ON alerts(recipient, create_micros, name);
CREATE UNIQUE INDEX alerts_by_request ON alerts(request_id) WHERE request_id IS NOT NULL;
)sql",
    // 3: an alert's request id is scoped to its caller, and the digest of
    // the request that used it is kept (common/request_ids.h). Ids recorded
    // before have no caller, so no caller's key reaches them.
    R"sql(
ALTER TABLE alerts ADD COLUMN request_caller TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN request_digest TEXT NOT NULL DEFAULT '';
DROP INDEX alerts_by_request;
CREATE UNIQUE INDEX alerts_by_request ON alerts(request_caller, request_id) WHERE request_id IS NOT NULL;
)sql",
};

using sqlite::ParseStored;
using sqlite::StoredRow;
using sqlite::StoredRows;

// Dispatch rows are (data, attempt_count).
absl::StatusOr<std::vector<Dispatch>> DispatchRows(Statement& st) {
  std::vector<Dispatch> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    auto d = ParseStored<Dispatch>(st.Blob(0), "dispatch");
    if (!d.ok()) return d.status();
    d->clear_attempts();
    d->set_attempt_count(static_cast<int32_t>(st.Int(1)));
    out.push_back(std::move(*d));
  }
}

constexpr int kShownAttempts = 20;

std::string WithoutAttempts(Dispatch d) {
  d.clear_attempts();
  d.clear_attempt_count();
  return d.SerializeAsString();
}

// Dispatch names of one notice lie in [NoticePrefix, NoticePrefixEnd): the
// primary key serves queries by notice without an index of their own.
std::string NoticePrefix(const std::string& notice_id) { return absl::StrCat("notices/", notice_id, "/"); }
std::string NoticePrefixEnd(const std::string& notice_id) { return absl::StrCat("notices/", notice_id, "0"); }

class SqliteTx final : public NotificationsTx {
 public:
  SqliteTx(Connection& db, bool writable) : db_(db), writable_(writable) {}

  absl::StatusOr<std::optional<Notice>> GetNotice(const std::string& id) override {
    Statement& st = db_.Prepare("SELECT data FROM notices WHERE id = ?");
    st.Bind(1, id);
    return StoredRow<Notice>(st, "notice");
  }

  absl::Status PutNotice(const std::string& id, const Notice& n) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO notices(id, meeting, create_micros, data) VALUES (?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET data = excluded.data");
    st.Bind(1, id).Bind(2, n.meeting()).Bind(3, ToUnixMicros(n.create_time())).BindBlob(4, n.SerializeAsString());
    return st.Run();
  }

  absl::StatusOr<std::vector<Notice>> ListNotices(const std::string& meeting,
                                                  const std::optional<std::pair<int64_t, std::string>>& after,
                                                  int limit) override {
    std::string sql = "SELECT data FROM notices WHERE 1";
    if (!meeting.empty()) sql += " AND meeting = ?1";
    if (after) sql += " AND (create_micros, id) < (?2, ?3)";
    sql += " ORDER BY create_micros DESC, id DESC LIMIT ?4";
    Statement& st = db_.Prepare(sql);
    if (!meeting.empty()) st.Bind(1, meeting);
    if (after) st.Bind(2, after->first).Bind(3, after->second);
    st.Bind(4, static_cast<int64_t>(limit));
    return StoredRows<Notice>(st, "notice");
  }

  absl::StatusOr<std::optional<StoredRevision>> GetRevision(const std::string& notice_id, int revision) override {
    Statement& st = db_.Prepare("SELECT data, digest FROM revisions WHERE notice_id = ? AND revision = ?");
    st.Bind(1, notice_id).Bind(2, static_cast<int64_t>(revision));
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<StoredRevision>();
    auto r = ParseStored<v1::NoticeRevision>(st.Blob(0), "revision");
    if (!r.ok()) return r.status();
    return std::optional<StoredRevision>(StoredRevision{st.Text(1), std::move(*r)});
  }

  absl::Status PutRevision(const std::string& notice_id, int revision, const std::string& digest,
                           const std::string& serialized) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare("INSERT INTO revisions(notice_id, revision, digest, data) VALUES (?,?,?,?)");
    st.Bind(1, notice_id).Bind(2, static_cast<int64_t>(revision)).Bind(3, digest).BindBlob(4, serialized);
    return st.Run();
  }

  absl::StatusOr<std::optional<Dispatch>> GetDispatch(const std::string& name) override {
    Statement& st = db_.Prepare("SELECT data, attempt_count, id FROM dispatches WHERE name = ?");
    st.Bind(1, name);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<Dispatch>();
    auto parsed = ParseStored<Dispatch>(st.Blob(0), "dispatch");
    if (!parsed.ok()) return parsed.status();
    Dispatch d = std::move(*parsed);
    d.clear_attempts();
    d.set_attempt_count(static_cast<int32_t>(st.Int(1)));
    const int64_t id = st.Int(2);
    Statement& at = db_.Prepare(
        "SELECT time_micros, channel, receivers, error FROM attempts WHERE dispatch = ? ORDER BY seq DESC LIMIT ?");
    at.Bind(1, id).Bind(2, static_cast<int64_t>(kShownAttempts));
    std::vector<v1::DeliveryAttempt> recent;
    for (;;) {
      auto row = at.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      v1::DeliveryAttempt a;
      *a.mutable_time() = ToProto(absl::FromUnixMicros(at.Int(0)));
      a.set_channel(at.Text(1));
      a.set_receivers(static_cast<int32_t>(at.Int(2)));
      a.set_error(at.Text(3));
      recent.push_back(std::move(a));
    }
    for (auto it = recent.rbegin(); it != recent.rend(); ++it) *d.add_attempts() = std::move(*it);
    return std::optional<Dispatch>(std::move(d));
  }

  absl::Status InsertDispatch(const Dispatch& d, const std::string& serialized, int64_t next_attempt_micros) override {
    return WriteDispatch(d, serialized, next_attempt_micros);
  }

  absl::Status PutDispatch(const Dispatch& d, std::optional<int64_t> next_attempt_micros) override {
    return WriteDispatch(d, WithoutAttempts(d), next_attempt_micros);
  }

  absl::Status WriteDispatch(const Dispatch& d, const std::string& serialized,
                             std::optional<int64_t> next_attempt_micros) {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO dispatches(name, notice_id, revision, department, meeting, state, dispatch_micros,"
        " deadline_micros, escalated, next_attempt_micros, data) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,IFNULL(?10,0),?11)"
        " ON CONFLICT(name) DO UPDATE SET state = excluded.state, escalated = excluded.escalated,"
        " next_attempt_micros = IFNULL(?10, dispatches.next_attempt_micros), data = excluded.data");
    st.Bind(1, d.name())
        .Bind(2, d.notice().substr(sizeof("notices/") - 1))
        .Bind(3, static_cast<int64_t>(d.revision()))
        .Bind(4, d.department())
        .Bind(5, d.meeting())
        .Bind(6, static_cast<int64_t>(d.state()))
        .Bind(7, ToUnixMicros(d.dispatch_time()))
        .Bind(8, ToUnixMicros(d.sign_deadline()))
        .Bind(9, static_cast<int64_t>(d.has_escalate_time() ? 1 : 0))
        .BindBlob(11, serialized);
    if (next_attempt_micros) {
      st.Bind(10, *next_attempt_micros);
    } else {
      st.BindNull(10);
    }
    return st.Run();
  }

  absl::StatusOr<bool> RecordAttempt(const std::string& name, const v1::DeliveryAttempt& a,
                                     int64_t next_attempt_micros) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& up = db_.Prepare(
        "UPDATE dispatches SET attempts_made = attempts_made + 1, attempt_count = attempt_count + ?1,"
        " next_attempt_micros = CASE WHEN state = 1 THEN ?2 ELSE next_attempt_micros END"
        " WHERE name = ?3 RETURNING attempts_made, id");
    up.Bind(1, static_cast<int64_t>(a.receivers() >= 0 ? 1 : 0)).Bind(2, next_attempt_micros).Bind(3, name);
    auto row = up.Step();
    if (!row.ok()) return row.status();
    if (!*row) return false;
    const int64_t seq = up.Int(0);
    const int64_t id = up.Int(1);
    up.Reset();
    Statement& ins =
        db_.Prepare("INSERT INTO attempts(dispatch, seq, time_micros, channel, receivers, error) VALUES (?,?,?,?,?,?)");
    ins.Bind(1, id)
        .Bind(2, seq)
        .Bind(3, ToUnixMicros(a.time()))
        .Bind(4, a.channel())
        .Bind(5, static_cast<int64_t>(a.receivers()))
        .Bind(6, a.error());
    if (auto s = ins.Run(); !s.ok()) return s;
    return true;
  }

  absl::StatusOr<std::vector<Dispatch>> ListDispatches(const DispatchQuery& q) override {
    // A meeting's dispatches are those of its notices (dispatch names begin
    // with the notice's name), so no index on the meeting is kept per dispatch.
    std::string sql = q.meeting.empty()
                          ? "SELECT data, attempt_count FROM dispatches WHERE 1"
                          : "SELECT d.data, d.attempt_count FROM notices n CROSS JOIN dispatches d"
                            " ON d.name > 'notices/' || n.id || '/' AND d.name < 'notices/' || n.id || '0'"
                            " WHERE n.meeting = ?2";
    if (!q.department.empty()) sql += " AND department = ?1";
    if (!q.notice_id.empty()) sql += " AND name >= ?3 AND name < ?9";  // the notice's names
    if (q.revision != 0) sql += " AND revision = ?4";
    if (q.unsigned_only) sql += " AND state = 1";
    if (q.deadline_before > 0) sql += " AND deadline_micros < ?5";
    if (q.after) sql += " AND (dispatch_micros, name) > (?6, ?7)";
    sql += " ORDER BY dispatch_micros, name LIMIT ?8";
    Statement& st = db_.Prepare(sql);
    if (!q.department.empty()) st.Bind(1, q.department);
    if (!q.meeting.empty()) st.Bind(2, q.meeting);
    if (!q.notice_id.empty()) st.Bind(3, NoticePrefix(q.notice_id)).Bind(9, NoticePrefixEnd(q.notice_id));
    if (q.revision != 0) st.Bind(4, static_cast<int64_t>(q.revision));
    if (q.deadline_before > 0) st.Bind(5, q.deadline_before);
    if (q.after) st.Bind(6, q.after->first).Bind(7, q.after->second);
    st.Bind(8, static_cast<int64_t>(q.limit));
    return DispatchRows(st);
  }

  absl::StatusOr<std::vector<Dispatch>> RevisionDispatches(const std::string& notice_id, int revision) override {
    Statement& st =
        db_.Prepare("SELECT data, attempt_count FROM dispatches WHERE name >= ? AND name < ? ORDER BY department");
    const std::string prefix = absl::StrCat("notices/", notice_id, "/revisions/", revision, "/dispatches/");
    st.Bind(1, prefix).Bind(2, prefix.substr(0, prefix.size() - 1) + "0");
    return DispatchRows(st);
  }

  absl::StatusOr<std::vector<Dispatch>> DueForDelivery(int64_t now, int limit) override {
    Statement& st = db_.Prepare(
        "SELECT data, attempt_count FROM dispatches WHERE state = 1 AND next_attempt_micros <= ?"
        " ORDER BY next_attempt_micros LIMIT ?");
    st.Bind(1, now).Bind(2, static_cast<int64_t>(limit));
    return DispatchRows(st);
  }

  absl::StatusOr<std::vector<Dispatch>> DueForEscalation(int64_t now, int limit) override {
    Statement& st = db_.Prepare(
        "SELECT data, attempt_count FROM dispatches WHERE state = 1 AND escalated = 0 AND deadline_micros <= ?"
        " ORDER BY deadline_micros LIMIT ?");
    st.Bind(1, now).Bind(2, static_cast<int64_t>(limit));
    return DispatchRows(st);
  }

  absl::StatusOr<int> LastSignedRevision(const std::string& notice_id, const std::string& department) override {
    Statement& st = db_.Prepare(
        "SELECT IFNULL(MAX(revision), 0) FROM dispatches WHERE name >= ? AND name < ? AND department = ? AND state = "
        "2");
    st.Bind(1, NoticePrefix(notice_id)).Bind(2, NoticePrefixEnd(notice_id)).Bind(3, department);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    return static_cast<int>(st.Int(0));
  }

  absl::StatusOr<DeliveryGauges> ReadGauges(int64_t now) override {
    DeliveryGauges out;
    Statement& st = db_.Prepare(
        "SELECT department, COUNT(*), SUM(deadline_micros < ?) FROM dispatches WHERE state = 1 GROUP BY department");
    st.Bind(1, now);
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.unsigned_and_overdue[st.Text(0)] = {st.Int(1), st.Int(2)};
    }
    Statement& outbox = db_.Prepare("SELECT COUNT(*) FROM outbox");
    auto row = outbox.Step();
    if (!row.ok()) return row.status();
    if (*row) out.outbox = outbox.Int(0);
    return out;
  }

  absl::Status InsertAlert(const v1::Alert& a, const std::optional<RequestKey>& key) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO alerts(name, recipient, create_micros, request_id, request_caller, request_digest, data)"
        " VALUES (?,?,?,?,?,?,?)");
    st.Bind(1, a.name()).Bind(2, a.recipient()).Bind(3, ToUnixMicros(a.create_time()));
    if (key) {
      st.Bind(4, key->request_id).Bind(5, key->caller).Bind(6, key->digest);
    } else {
      st.BindNull(4).Bind(5, "").Bind(6, "");
    }
    st.BindBlob(7, a.SerializeAsString());
    return st.Run();
  }

  absl::StatusOr<std::optional<std::pair<v1::Alert, std::string>>> AlertByRequest(const RequestKey& key) override {
    Statement& st = db_.Prepare("SELECT data, request_digest FROM alerts WHERE request_caller = ? AND request_id = ?");
    st.Bind(1, key.caller).Bind(2, key.request_id);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<std::pair<v1::Alert, std::string>>();
    auto alert = ParseStored<v1::Alert>(st.Blob(0), "alert");
    if (!alert.ok()) return alert.status();
    return std::optional<std::pair<v1::Alert, std::string>>(std::make_pair(std::move(*alert), st.Text(1)));
  }

  absl::StatusOr<std::vector<v1::Alert>> ListAlerts(const std::string& recipient,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit) override {
    std::string sql = "SELECT data FROM alerts WHERE recipient = ?1";
    if (after) sql += " AND (create_micros, name) < (?2, ?3)";
    sql += " ORDER BY create_micros DESC, name DESC LIMIT ?4";
    Statement& st = db_.Prepare(sql);
    st.Bind(1, recipient);
    if (after) st.Bind(2, after->first).Bind(3, after->second);
    st.Bind(4, static_cast<int64_t>(limit));
    return sqlite::StoredRows<v1::Alert>(st, "alert");
  }

  absl::Status AddOutbox(const std::string& channel, const std::string& payload, int64_t now) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st =
        db_.Prepare("INSERT INTO outbox(channel, payload, attempts, next_attempt_micros) VALUES (?, ?, 0, ?)");
    st.Bind(1, channel).BindBlob(2, payload).Bind(3, now);
    return st.Run();
  }

  absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now, int limit) override {
    Statement& st = db_.Prepare(
        "SELECT id, channel, payload, attempts FROM outbox WHERE next_attempt_micros <= ? ORDER BY id LIMIT ?");
    st.Bind(1, now).Bind(2, static_cast<int64_t>(limit));
    std::vector<OutboxEntry> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) return out;
      out.push_back(OutboxEntry{st.Int(0), st.Text(1), st.Blob(2), static_cast<int>(st.Int(3))});
    }
  }

  absl::Status DeleteOutbox(int64_t id) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    return db_.Prepare("DELETE FROM outbox WHERE id = ?").Bind(1, id).Run();
  }

  absl::Status RetryOutbox(int64_t id, int64_t next) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    return db_.Prepare("UPDATE outbox SET attempts = attempts + 1, next_attempt_micros = ? WHERE id = ?")
        .Bind(1, next)
        .Bind(2, id)
        .Run();
  }

  absl::StatusOr<int64_t> CountUnsigned() override {
    Statement& st = db_.Prepare("SELECT count(*) FROM dispatches WHERE state = 1");
    auto row = st.Step();
    if (!row.ok()) return row.status();
    return st.Int(0);
  }

 private:
  absl::Status CheckWritable() const {
    return writable_ ? absl::OkStatus() : absl::InternalError("write in a read transaction");
  }

  Connection& db_;
  bool writable_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteNotificationsStore>> SqliteNotificationsStore::Open(const std::string& path,
                                                                                         int readers) {
  auto pool = sqlite::ConnectionPool::Open(path, kMigrations, readers < 1 ? 1 : readers);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<SqliteNotificationsStore>(new SqliteNotificationsStore(std::move(*pool)));
}

absl::Status SqliteNotificationsStore::Write(const std::function<absl::Status(NotificationsTx&)>& fn) {
  return sqlite::WriteAs<SqliteTx>(*pool_, fn);
}

absl::Status SqliteNotificationsStore::WriteThen(const std::function<absl::Status(NotificationsTx&)>& fn,
                                                 const std::function<void()>& committed) {
  return sqlite::WriteAs<SqliteTx>(*pool_, fn, committed);
}

absl::Status SqliteNotificationsStore::Read(const std::function<absl::Status(NotificationsTx&)>& fn) {
  return sqlite::ReadAs<SqliteTx>(*pool_, fn);
}

}  // namespace atrium::notifications
