// The service's queries, once for both backends; where SQLite and PostgreSQL
// differ (finding a notice's dispatches), side by side.
#include "services/notifications/store.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"

namespace atrium::notifications {
namespace {

using db::Arg;
using db::Dialect;
using v1::Dispatch;
using v1::Notice;

constexpr int kShownAttempts = 20;

// Dispatch rows are (data, attempt_count).
absl::StatusOr<std::vector<Dispatch>> Dispatches(const absl::StatusOr<db::Rows>& r) {
  auto out = db::Messages<Dispatch>(r, "dispatch");
  if (!out.ok()) return out;
  for (int i = 0; i < r->size(); ++i) {
    Dispatch& d = (*out)[static_cast<size_t>(i)];
    d.clear_attempts();
    d.set_attempt_count(static_cast<int32_t>(r->Int(i, 1)));
  }
  return out;
}

// The condition that dispatch `d` is one of a notice's (of its revision
// `revision`, unless 0). SQLite finds them by name, which begins with the
// notice's: the unique index on names serves, and no index by notice is
// written with every dispatch. PostgreSQL compares text in the database's
// locale, where a range of names need not hold just those under a prefix;
// it goes by notice_id, indexed there.
std::string OfNotice(const db::Tx& tx, db::Params& p, const std::string& notice_id, int revision = 0) {
  if (tx.dialect() == Dialect::kPostgres) {
    std::string sql = "d.notice_id = " + p.Add(notice_id);
    if (revision != 0) sql += " AND d.revision = " + p.Add(revision);
    return sql;
  }
  std::string prefix = absl::StrCat("notices/", notice_id, "/");
  if (revision != 0) absl::StrAppend(&prefix, "revisions/", revision, "/dispatches/");
  const std::string from = p.Add(prefix);
  prefix.back() = '0';  // the byte after '/': names under the prefix sort before
  return absl::StrCat("d.name >= ", from, " AND d.name < ", p.Add(prefix));
}

// A keyset page's condition: (columns) past `after` in the order `op` gives.
std::string After(db::Params& p, const char* columns, const char* op, const std::pair<int64_t, std::string>& after) {
  const std::string first = p.Add(after.first);
  return absl::StrCat(" AND (", columns, ") ", op, " (", first, ", ", p.Add(after.second), ")");
}

absl::Status Upsert(db::Tx& tx, const Dispatch& d, const std::string& serialized, std::optional<int64_t> next) {
  // $10 is NULL to keep the stored schedule (a new dispatch starts at 0);
  // the casts tell PostgreSQL its type.
  return tx.Exec(
      "INSERT INTO dispatches(name, notice_id, revision, department, meeting, state, dispatch_micros,"
      " deadline_micros, escalated, next_attempt_micros, data)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE(CAST($10 AS BIGINT), 0), $11)"
      " ON CONFLICT (name) DO UPDATE SET state = excluded.state, escalated = excluded.escalated,"
      " next_attempt_micros = COALESCE(CAST($10 AS BIGINT), dispatches.next_attempt_micros), data = excluded.data",
      {d.name(), d.notice().substr(sizeof("notices/") - 1), d.revision(), d.department(), d.meeting(), d.state(),
       ToUnixMicros(d.dispatch_time()), ToUnixMicros(d.sign_deadline()), d.has_escalate_time(),
       next ? Arg(*next) : Arg::Null(), Arg::Blob(serialized)});
}

}  // namespace

absl::StatusOr<std::optional<Notice>> NotificationsTx::GetNotice(const std::string& id) {
  return db::Message<Notice>(tx_.Query("SELECT data FROM notices WHERE id = $1", {id}), "notice");
}

absl::Status NotificationsTx::PutNotice(const std::string& id, const Notice& n) {
  return tx_.Exec(
      "INSERT INTO notices(id, meeting, create_micros, data) VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (id) DO UPDATE SET data = excluded.data",
      {id, n.meeting(), ToUnixMicros(n.create_time()), Arg::Blob(n.SerializeAsString())});
}

absl::StatusOr<std::vector<Notice>> NotificationsTx::ListNotices(
    const std::string& meeting, const std::optional<std::pair<int64_t, std::string>>& after, int limit) {
  db::Params p;
  std::string sql = "SELECT data FROM notices WHERE TRUE";
  if (!meeting.empty()) sql += " AND meeting = " + p.Add(meeting);
  if (after) sql += After(p, "create_micros, id", "<", *after);
  sql += " ORDER BY create_micros DESC, id DESC LIMIT " + p.Add(limit);
  return db::Messages<Notice>(tx_.Query(sql, p.args()), "notice");
}

absl::StatusOr<std::optional<StoredRevision>> NotificationsTx::GetRevision(const std::string& notice_id, int revision) {
  auto r =
      tx_.Query("SELECT data, digest FROM revisions WHERE notice_id = $1 AND revision = $2", {notice_id, revision});
  auto rev = db::Message<v1::NoticeRevision>(r, "revision");
  if (!rev.ok()) return rev.status();
  if (!*rev) return std::optional<StoredRevision>();
  return std::optional<StoredRevision>(StoredRevision{r->Text(0, 1), std::move(**rev)});
}

absl::Status NotificationsTx::PutRevision(const std::string& notice_id, int revision, const std::string& digest,
                                          const std::string& serialized) {
  return tx_.Exec("INSERT INTO revisions(notice_id, revision, digest, data) VALUES ($1, $2, $3, $4)",
                  {notice_id, revision, digest, Arg::Blob(serialized)});
}

absl::StatusOr<std::optional<Dispatch>> NotificationsTx::GetDispatch(const std::string& name) {
  auto r = tx_.Query("SELECT data, attempt_count, id FROM dispatches WHERE name = $1", {name});
  ASSIGN_OR_RETURN(auto found, Dispatches(r));
  if (found.empty()) return std::optional<Dispatch>();
  Dispatch& d = found.front();
  auto at = tx_.Query(
      "SELECT time_micros, channel, receivers, error FROM attempts WHERE dispatch = $1 ORDER BY seq DESC LIMIT $2",
      {r->Int(0, 2), kShownAttempts});
  if (!at.ok()) return at.status();
  for (int i = at->size() - 1; i >= 0; --i) {  // oldest first
    v1::DeliveryAttempt* a = d.add_attempts();
    *a->mutable_time() = ToProto(absl::FromUnixMicros(at->Int(i, 0)));
    a->set_channel(at->Text(i, 1));
    a->set_receivers(static_cast<int32_t>(at->Int(i, 2)));
    a->set_error(at->Text(i, 3));
  }
  return std::optional<Dispatch>(std::move(d));
}

absl::Status NotificationsTx::PutDispatch(const Dispatch& d, std::optional<int64_t> next_attempt_micros) {
  Dispatch bare = d;
  bare.clear_attempts();
  bare.clear_attempt_count();
  return Upsert(tx_, d, bare.SerializeAsString(), next_attempt_micros);
}

absl::Status NotificationsTx::InsertDispatch(const Dispatch& d, const std::string& serialized,
                                             int64_t next_attempt_micros) {
  return Upsert(tx_, d, serialized, next_attempt_micros);
}

absl::StatusOr<bool> NotificationsTx::RecordAttempt(const std::string& name, const v1::DeliveryAttempt& a,
                                                    int64_t next_attempt_micros) {
  // (Query, needed for the RETURNING, does not refuse a read transaction.)
  if (!tx_.writable()) return absl::InternalError("a write in a read transaction");
  auto up = tx_.Query(
      "UPDATE dispatches SET attempts_made = attempts_made + 1, attempt_count = attempt_count + $1,"
      " next_attempt_micros = CASE WHEN state = 1 THEN $2 ELSE next_attempt_micros END"
      " WHERE name = $3 RETURNING attempts_made, id",
      {a.receivers() >= 0 ? 1 : 0, next_attempt_micros, name});
  if (!up.ok()) return up.status();
  if (up->empty()) return false;
  absl::Status s = tx_.Exec(
      "INSERT INTO attempts(dispatch, seq, time_micros, channel, receivers, error) VALUES ($1, $2, $3, $4, $5, $6)",
      {up->Int(0, 1), up->Int(0, 0), ToUnixMicros(a.time()), a.channel(), a.receivers(), a.error()});
  if (!s.ok()) return s;
  return true;
}

absl::StatusOr<std::vector<Dispatch>> NotificationsTx::ListDispatches(const DispatchQuery& q) {
  db::Params p;
  std::string sql = "SELECT d.data, d.attempt_count FROM dispatches d WHERE TRUE";
  if (!q.meeting.empty()) {
    // A meeting's dispatches are those of its notices, so no index on the
    // meeting is kept per dispatch; SQLite walks the notices first.
    sql = absl::StrCat("SELECT d.data, d.attempt_count FROM ",
                       tx_.dialect() == Dialect::kSqlite
                           ? "notices n CROSS JOIN dispatches d"
                             " ON d.name > 'notices/' || n.id || '/' AND d.name < 'notices/' || n.id || '0'"
                           : "dispatches d JOIN notices n ON d.notice_id = n.id",
                       " WHERE n.meeting = ", p.Add(q.meeting));
  }
  if (!q.department.empty()) sql += " AND d.department = " + p.Add(q.department);
  if (!q.notice_id.empty()) sql += " AND " + OfNotice(tx_, p, q.notice_id);
  if (q.revision != 0) sql += " AND d.revision = " + p.Add(q.revision);
  if (q.unsigned_only) sql += " AND d.state = 1";
  if (q.deadline_before > 0) sql += " AND d.deadline_micros < " + p.Add(q.deadline_before);
  if (q.after) sql += After(p, "d.dispatch_micros, d.name", ">", *q.after);
  sql += " ORDER BY d.dispatch_micros, d.name LIMIT " + p.Add(q.limit);
  return Dispatches(tx_.Query(sql, p.args()));
}

absl::StatusOr<std::vector<Dispatch>> NotificationsTx::RevisionDispatches(const std::string& notice_id, int revision) {
  db::Params p;
  const std::string sql = "SELECT d.data, d.attempt_count FROM dispatches d WHERE " +
                          OfNotice(tx_, p, notice_id, revision) + " ORDER BY d.department";
  return Dispatches(tx_.Query(sql, p.args()));
}

absl::StatusOr<std::vector<Dispatch>> NotificationsTx::DueForDelivery(int64_t now, int limit) {
  return Dispatches(
      tx_.Query("SELECT data, attempt_count FROM dispatches WHERE state = 1 AND next_attempt_micros <= $1"
                " ORDER BY next_attempt_micros LIMIT $2",
                {now, limit}));
}

absl::StatusOr<std::vector<Dispatch>> NotificationsTx::DueForEscalation(int64_t now, int limit) {
  return Dispatches(
      tx_.Query("SELECT data, attempt_count FROM dispatches WHERE state = 1 AND escalated = 0 AND deadline_micros <= $1"
                " ORDER BY deadline_micros LIMIT $2",
                {now, limit}));
}

absl::StatusOr<int> NotificationsTx::LastSignedRevision(const std::string& notice_id, const std::string& department) {
  db::Params p;
  std::string sql = "SELECT COALESCE(MAX(d.revision), 0) FROM dispatches d WHERE " + OfNotice(tx_, p, notice_id);
  sql += " AND d.state = 2 AND d.department = " + p.Add(department);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  return static_cast<int>(r.Int(0, 0));
}

absl::Status NotificationsTx::AddPublication(const std::string& channel, const std::string& payload, int64_t now) {
  return tx_.Exec("INSERT INTO outbox(channel, payload, attempts, next_attempt_micros) VALUES ($1, $2, 0, $3)",
                  {channel, Arg::Blob(payload), now});
}

absl::StatusOr<std::vector<OutboxEntry>> NotificationsTx::DuePublications(int64_t now, int limit) {
  auto r = tx_.Query(
      "SELECT id, channel, payload, attempts FROM outbox WHERE next_attempt_micros <= $1 ORDER BY id LIMIT $2",
      {now, limit});
  if (!r.ok()) return r.status();
  std::vector<OutboxEntry> out;
  for (int i = 0; i < r->size(); ++i) {
    out.push_back(OutboxEntry{r->Int(i, 0), r->Text(i, 1), r->Bytes(i, 2), static_cast<int>(r->Int(i, 3))});
  }
  return out;
}

absl::Status NotificationsTx::DeletePublication(int64_t id) {
  return tx_.Exec("DELETE FROM outbox WHERE id = $1", {id});
}

absl::Status NotificationsTx::RetryPublication(int64_t id, int64_t next) {
  return tx_.Exec("UPDATE outbox SET attempts = attempts + 1, next_attempt_micros = $1 WHERE id = $2", {next, id});
}

absl::StatusOr<DeliveryGauges> NotificationsTx::ReadGauges(int64_t now) {
  DeliveryGauges out;
  auto r = tx_.Query(
      "SELECT department, COUNT(*), SUM(CASE WHEN deadline_micros < $1 THEN 1 ELSE 0 END) FROM dispatches"
      " WHERE state = 1 GROUP BY department",
      {now});
  if (!r.ok()) return r.status();
  for (int i = 0; i < r->size(); ++i) out.unsigned_and_overdue[r->Text(i, 0)] = {r->Int(i, 1), r->Int(i, 2)};
  ASSIGN_OR_RETURN(auto o, tx_.Query("SELECT COUNT(*) FROM outbox"));
  out.outbox = o.Int(0, 0);
  return out;
}

absl::Status NotificationsTx::InsertAlert(const v1::Alert& a, const std::optional<RequestKey>& key) {
  return tx_.Exec(
      "INSERT INTO alerts(name, recipient, create_micros, request_id, request_caller, request_digest, data)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {a.name(), a.recipient(), ToUnixMicros(a.create_time()), key ? Arg(key->request_id) : Arg::Null(),
       key ? key->caller : "", key ? key->digest : "", Arg::Blob(a.SerializeAsString())});
}

absl::StatusOr<std::optional<std::pair<v1::Alert, std::string>>> NotificationsTx::AlertByRequest(
    const RequestKey& key) {
  auto r = tx_.Query("SELECT data, request_digest FROM alerts WHERE request_caller = $1 AND request_id = $2",
                     {key.caller, key.request_id});
  auto alert = db::Message<v1::Alert>(r, "alert");
  if (!alert.ok()) return alert.status();
  if (!*alert) return std::optional<std::pair<v1::Alert, std::string>>();
  return std::optional<std::pair<v1::Alert, std::string>>(std::make_pair(std::move(**alert), r->Text(0, 1)));
}

absl::StatusOr<std::vector<v1::Alert>> NotificationsTx::ListAlerts(
    const std::string& recipient, const std::optional<std::pair<int64_t, std::string>>& after, int limit) {
  db::Params p;
  std::string sql = "SELECT data FROM alerts WHERE recipient = " + p.Add(recipient);
  if (after) sql += After(p, "create_micros, name", "<", *after);
  sql += " ORDER BY create_micros DESC, name DESC LIMIT " + p.Add(limit);
  return db::Messages<v1::Alert>(tx_.Query(sql, p.args()), "alert");
}

}  // namespace atrium::notifications
