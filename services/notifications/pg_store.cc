#include "services/notifications/pg_store.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::notifications {
namespace {

using pg::Bytes;
using pg::Int;
using pg::Text;
using v1::Dispatch;
using v1::Notice;

// The SQLite schema's migrations, in PostgreSQL's dialect, as one.
const pg::Migrations kMigrations = {
    R"sql(
CREATE TABLE notices (
  id TEXT PRIMARY KEY,
  meeting TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX notices_by_meeting ON notices(meeting, create_micros, id);
CREATE INDEX notices_by_create ON notices(create_micros, id);
CREATE TABLE revisions (
  notice_id TEXT NOT NULL REFERENCES notices(id),
  revision INTEGER NOT NULL,
  digest TEXT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (notice_id, revision)
);
CREATE TABLE dispatches (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  notice_id TEXT NOT NULL REFERENCES notices(id),
  revision INTEGER NOT NULL,
  department TEXT NOT NULL,
  meeting TEXT NOT NULL,
  state INTEGER NOT NULL,
  dispatch_micros BIGINT NOT NULL,
  deadline_micros BIGINT NOT NULL,
  escalated INTEGER NOT NULL,
  next_attempt_micros BIGINT NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  data BYTEA NOT NULL
);
CREATE TABLE attempts (
  dispatch BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  time_micros BIGINT NOT NULL,
  channel TEXT NOT NULL,
  receivers INTEGER NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (dispatch, seq)
);
CREATE INDEX dispatches_by_department ON dispatches(department, state, dispatch_micros, name);
CREATE INDEX dispatches_by_notice ON dispatches(notice_id, revision);
CREATE INDEX dispatches_due ON dispatches(next_attempt_micros) WHERE state = 1;
CREATE INDEX dispatches_escalation ON dispatches(deadline_micros) WHERE state = 1 AND escalated = 0;
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  channel TEXT NOT NULL,
  payload BYTEA NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_micros);
CREATE TABLE alerts (
  name TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  create_micros BIGINT NOT NULL,
  request_id TEXT,
  data BYTEA NOT NULL
);
CREATE INDEX alerts_by_recipient ON alerts(recipient, create_micros, name);
CREATE UNIQUE INDEX alerts_by_request ON alerts(request_id) WHERE request_id IS NOT NULL;
)sql",
    // 2: an alert's request id is scoped to its caller, and the digest of
    // the request that used it is kept (common/request_ids.h). Ids recorded
    // before have no caller, so no caller's key reaches them.
    R"sql(
ALTER TABLE alerts ADD COLUMN request_caller TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN request_digest TEXT NOT NULL DEFAULT '';
DROP INDEX alerts_by_request;
CREATE UNIQUE INDEX alerts_by_request ON alerts(request_caller, request_id) WHERE request_id IS NOT NULL;
)sql",
};

constexpr int kShownAttempts = 20;

std::string WithoutAttempts(Dispatch d) {
  d.clear_attempts();
  d.clear_attempt_count();
  return d.SerializeAsString();
}

// Dispatch rows are (data, attempt_count).
absl::StatusOr<std::vector<Dispatch>> DispatchRows(const absl::StatusOr<pg::Result>& r) {
  if (!r.ok()) return r.status();
  std::vector<Dispatch> out;
  for (int i = 0; i < r->rows(); ++i) {
    Dispatch d;
    if (!d.ParseFromString(r->Bytes(i, 0))) return absl::DataLossError("a stored dispatch is corrupt");
    d.clear_attempts();
    d.set_attempt_count(static_cast<int32_t>(r->Int(i, 1)));
    out.push_back(std::move(d));
  }
  return out;
}

class PgTx final : public NotificationsTx {
 public:
  explicit PgTx(pg::Connection& db) : db_(db) {}

  absl::StatusOr<std::optional<Notice>> GetNotice(const std::string& id) override {
    return pg::Message<Notice>(db_.Exec("SELECT data FROM notices WHERE id = $1", {Text(id)}), "notice");
  }

  absl::Status PutNotice(const std::string& id, const Notice& n) override {
    return db_
        .Exec(
            "INSERT INTO notices(id, meeting, create_micros, data) VALUES ($1,$2,$3,$4)"
            " ON CONFLICT(id) DO UPDATE SET data = EXCLUDED.data",
            {Text(id), Text(n.meeting()), Int(ToUnixMicros(n.create_time())), Bytes(n.SerializeAsString())})
        .status();
  }

  absl::StatusOr<std::vector<Notice>> ListNotices(const std::string& meeting,
                                                  const std::optional<std::pair<int64_t, std::string>>& after,
                                                  int limit) override {
    std::string sql = "SELECT data FROM notices WHERE ($1 = '' OR meeting = $1)";
    std::vector<pg::Param> params = {Text(meeting), Int(limit)};
    if (after) {
      sql += " AND (create_micros, id) < ($3, $4)";
      params.push_back(Int(after->first));
      params.push_back(Text(after->second));
    }
    sql += " ORDER BY create_micros DESC, id DESC LIMIT $2";
    return pg::Messages<Notice>(db_.Exec(sql, params), "notice");
  }

  absl::StatusOr<std::optional<StoredRevision>> GetRevision(const std::string& notice_id, int revision) override {
    auto r = db_.Exec("SELECT data, digest FROM revisions WHERE notice_id = $1 AND revision = $2",
                      {Text(notice_id), Int(revision)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<StoredRevision>();
    v1::NoticeRevision rev;
    if (!rev.ParseFromString(r->Bytes(0, 0))) return absl::DataLossError("a stored revision is corrupt");
    return std::optional<StoredRevision>(StoredRevision{r->Text(0, 1), std::move(rev)});
  }

  absl::Status PutRevision(const std::string& notice_id, int revision, const std::string& digest,
                           const std::string& serialized) override {
    return db_
        .Exec("INSERT INTO revisions(notice_id, revision, digest, data) VALUES ($1,$2,$3,$4)",
              {Text(notice_id), Int(revision), Text(digest), Bytes(serialized)})
        .status();
  }

  absl::StatusOr<std::optional<Dispatch>> GetDispatch(const std::string& name) override {
    auto r = db_.Exec("SELECT data, attempt_count, id FROM dispatches WHERE name = $1", {Text(name)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<Dispatch>();
    Dispatch d;
    if (!d.ParseFromString(r->Bytes(0, 0))) return absl::DataLossError("a stored dispatch is corrupt");
    d.clear_attempts();
    d.set_attempt_count(static_cast<int32_t>(r->Int(0, 1)));
    auto at = db_.Exec(
        "SELECT time_micros, channel, receivers, error FROM attempts WHERE dispatch = $1 ORDER BY seq DESC LIMIT $2",
        {Int(r->Int(0, 2)), Int(kShownAttempts)});
    if (!at.ok()) return at.status();
    for (int i = at->rows() - 1; i >= 0; --i) {
      v1::DeliveryAttempt* a = d.add_attempts();
      *a->mutable_time() = ToProto(absl::FromUnixMicros(at->Int(i, 0)));
      a->set_channel(at->Text(i, 1));
      a->set_receivers(static_cast<int32_t>(at->Int(i, 2)));
      a->set_error(at->Text(i, 3));
    }
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
    // $10 is "" when the schedule stays as it is.
    return db_
        .Exec(
            "INSERT INTO dispatches(name, notice_id, revision, department, meeting, state, dispatch_micros,"
            " deadline_micros, escalated, next_attempt_micros, data)"
            " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,COALESCE(NULLIF($10, '')::BIGINT, 0),$11)"
            " ON CONFLICT(name) DO UPDATE SET state = EXCLUDED.state, escalated = EXCLUDED.escalated,"
            " next_attempt_micros = COALESCE(NULLIF($10, '')::BIGINT, dispatches.next_attempt_micros),"
            " data = EXCLUDED.data",
            {Text(d.name()), Text(d.notice().substr(sizeof("notices/") - 1)), Int(d.revision()), Text(d.department()),
             Text(d.meeting()), Int(d.state()), Int(ToUnixMicros(d.dispatch_time())),
             Int(ToUnixMicros(d.sign_deadline())), Int(d.has_escalate_time() ? 1 : 0),
             Text(next_attempt_micros ? std::to_string(*next_attempt_micros) : ""), Bytes(serialized)})
        .status();
  }

  absl::StatusOr<bool> RecordAttempt(const std::string& name, const v1::DeliveryAttempt& a,
                                     int64_t next_attempt_micros) override {
    auto up = db_.Exec(
        "UPDATE dispatches SET attempts_made = attempts_made + 1, attempt_count = attempt_count + $1,"
        " next_attempt_micros = CASE WHEN state = 1 THEN $2 ELSE next_attempt_micros END"
        " WHERE name = $3 RETURNING attempts_made, id",
        {Int(a.receivers() >= 0 ? 1 : 0), Int(next_attempt_micros), Text(name)});
    if (!up.ok()) return up.status();
    if (up->rows() == 0) return false;
    if (auto r = db_.Exec(
            "INSERT INTO attempts(dispatch, seq, time_micros, channel, receivers, error) VALUES ($1,$2,$3,$4,$5,$6)",
            {Int(up->Int(0, 1)), Int(up->Int(0, 0)), Int(ToUnixMicros(a.time())), Text(a.channel()), Int(a.receivers()),
             Text(a.error())});
        !r.ok()) {
      return r.status();
    }
    return true;
  }

  absl::StatusOr<std::vector<Dispatch>> ListDispatches(const DispatchQuery& q) override {
    std::vector<pg::Param> params;
    auto param = [&](pg::Param p) {
      params.push_back(std::move(p));
      return absl::StrCat("$", params.size());
    };
    std::string sql = q.meeting.empty() ? "SELECT d.data, d.attempt_count FROM dispatches d WHERE TRUE"
                                        : "SELECT d.data, d.attempt_count FROM dispatches d JOIN notices n"
                                          " ON d.notice_id = n.id WHERE n.meeting = " +
                                              param(Text(q.meeting));
    if (!q.department.empty()) sql += " AND d.department = " + param(Text(q.department));
    if (!q.notice_id.empty()) sql += " AND d.notice_id = " + param(Text(q.notice_id));
    if (q.revision != 0) sql += " AND d.revision = " + param(Int(q.revision));
    if (q.unsigned_only) sql += " AND d.state = 1";
    if (q.deadline_before > 0) sql += " AND d.deadline_micros < " + param(Int(q.deadline_before));
    if (q.after) {
      const std::string micros = param(Int(q.after->first));
      sql += " AND (d.dispatch_micros, d.name) > (" + micros + ", " + param(Text(q.after->second)) + ")";
    }
    sql += " ORDER BY d.dispatch_micros, d.name LIMIT " + param(Int(q.limit));
    return DispatchRows(db_.Exec(sql, params));
  }

  absl::StatusOr<std::vector<Dispatch>> RevisionDispatches(const std::string& notice_id, int revision) override {
    return DispatchRows(db_.Exec(
        "SELECT data, attempt_count FROM dispatches WHERE notice_id = $1 AND revision = $2 ORDER BY department",
        {Text(notice_id), Int(revision)}));
  }

  absl::StatusOr<std::vector<Dispatch>> DueForDelivery(int64_t now, int limit) override {
    return DispatchRows(
        db_.Exec("SELECT data, attempt_count FROM dispatches WHERE state = 1 AND next_attempt_micros <= $1"
                 " ORDER BY next_attempt_micros LIMIT $2",
                 {Int(now), Int(limit)}));
  }

  absl::StatusOr<std::vector<Dispatch>> DueForEscalation(int64_t now, int limit) override {
    return DispatchRows(db_.Exec(
        "SELECT data, attempt_count FROM dispatches WHERE state = 1 AND escalated = 0 AND deadline_micros <= $1"
        " ORDER BY deadline_micros LIMIT $2",
        {Int(now), Int(limit)}));
  }

  absl::StatusOr<int> LastSignedRevision(const std::string& notice_id, const std::string& department) override {
    auto r = db_.Exec(
        "SELECT COALESCE(MAX(revision), 0) FROM dispatches WHERE notice_id = $1 AND department = $2 AND state = 2",
        {Text(notice_id), Text(department)});
    if (!r.ok()) return r.status();
    return static_cast<int>(r->Int(0, 0));
  }

  absl::StatusOr<DeliveryGauges> ReadGauges(int64_t now) override {
    DeliveryGauges out;
    auto r = db_.Exec(
        "SELECT department, COUNT(*), SUM(CASE WHEN deadline_micros < $1 THEN 1 ELSE 0 END) FROM dispatches"
        " WHERE state = 1 GROUP BY department",
        {Int(now)});
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) out.unsigned_and_overdue[r->Text(i, 0)] = {r->Int(i, 1), r->Int(i, 2)};
    auto o = db_.Exec("SELECT COUNT(*) FROM outbox");
    if (!o.ok()) return o.status();
    out.outbox = o->Int(0, 0);
    return out;
  }

  absl::Status InsertAlert(const v1::Alert& a, const std::optional<RequestKey>& key) override {
    return db_
        .Exec(
            "INSERT INTO alerts(name, recipient, create_micros, request_id, request_caller, request_digest, data)"
            " VALUES ($1,$2,$3,NULLIF($4, ''),$5,$6,$7)",
            {Text(a.name()), Text(a.recipient()), Int(ToUnixMicros(a.create_time())), Text(key ? key->request_id : ""),
             Text(key ? key->caller : ""), Text(key ? key->digest : ""), Bytes(a.SerializeAsString())})
        .status();
  }

  absl::StatusOr<std::optional<std::pair<v1::Alert, std::string>>> AlertByRequest(const RequestKey& key) override {
    auto r = db_.Exec("SELECT data, request_digest FROM alerts WHERE request_caller = $1 AND request_id = $2",
                      {Text(key.caller), Text(key.request_id)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<std::pair<v1::Alert, std::string>>();
    v1::Alert alert;
    if (!alert.ParseFromString(r->Bytes(0, 0))) return absl::DataLossError("a stored alert is corrupt");
    return std::optional<std::pair<v1::Alert, std::string>>(std::make_pair(std::move(alert), r->Text(0, 1)));
  }

  absl::StatusOr<std::vector<v1::Alert>> ListAlerts(const std::string& recipient,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit) override {
    std::string sql = "SELECT data FROM alerts WHERE recipient = $1";
    std::vector<pg::Param> params = {Text(recipient), Int(limit)};
    if (after) {
      sql += " AND (create_micros, name) < ($3, $4)";
      params.push_back(Int(after->first));
      params.push_back(Text(after->second));
    }
    sql += " ORDER BY create_micros DESC, name DESC LIMIT $2";
    return pg::Messages<v1::Alert>(db_.Exec(sql, params), "alert");
  }

  absl::Status AddOutbox(const std::string& channel, const std::string& payload, int64_t now) override {
    return db_
        .Exec("INSERT INTO outbox(channel, payload, attempts, next_attempt_micros) VALUES ($1, $2, 0, $3)",
              {Text(channel), Bytes(payload), Int(now)})
        .status();
  }

  absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now, int limit) override {
    auto r = db_.Exec(
        "SELECT id, channel, payload, attempts FROM outbox WHERE next_attempt_micros <= $1 ORDER BY id LIMIT $2",
        {Int(now), Int(limit)});
    if (!r.ok()) return r.status();
    std::vector<OutboxEntry> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(OutboxEntry{r->Int(i, 0), r->Text(i, 1), r->Bytes(i, 2), static_cast<int>(r->Int(i, 3))});
    }
    return out;
  }

  absl::Status DeleteOutbox(int64_t id) override {
    return db_.Exec("DELETE FROM outbox WHERE id = $1", {Int(id)}).status();
  }

  absl::Status RetryOutbox(int64_t id, int64_t next) override {
    return db_
        .Exec("UPDATE outbox SET attempts = attempts + 1, next_attempt_micros = $1 WHERE id = $2", {Int(next), Int(id)})
        .status();
  }

  absl::StatusOr<int64_t> CountUnsigned() override {
    auto r = db_.Exec("SELECT count(*) FROM dispatches WHERE state = 1");
    if (!r.ok()) return r.status();
    return r->Int(0, 0);
  }

 private:
  pg::Connection& db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PgNotificationsStore>> PgNotificationsStore::Open(const std::string& url,
                                                                                 int connections) {
  auto pool = pg::Pool::Open(url, kMigrations, connections);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<PgNotificationsStore>(new PgNotificationsStore(std::move(*pool)));
}

absl::Status PgNotificationsStore::Write(const std::function<absl::Status(NotificationsTx&)>& fn) {
  return pg::WriteAs<PgTx>(*pool_, fn);
}

absl::Status PgNotificationsStore::WriteThen(const std::function<absl::Status(NotificationsTx&)>& fn,
                                             const std::function<void()>& committed) {
  absl::Status s = pg::WriteAs<PgTx>(*pool_, fn);
  if (s.ok() && committed) committed();
  return s;
}

absl::Status PgNotificationsStore::Read(const std::function<absl::Status(NotificationsTx&)>& fn) {
  return pg::ReadAs<PgTx>(*pool_, fn);
}

}  // namespace atrium::notifications
