#include "services/inspections/sqlite_store.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::inspections {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::StoredRow;
using sqlite::StoredRows;
using v1::CorrectiveAction;
using v1::Inspection;
using v1::InspectionPoint;

const sqlite::Migrations kMigrations = {
    // 1: points, forms with their item results and monthly tallies,
    // corrective actions, reporting marks, the outbox.
    R"sql(
CREATE TABLE points (
  id TEXT PRIMARY KEY,
  data BLOB NOT NULL
);
CREATE TABLE forms (
  point TEXT NOT NULL,
  day INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (point, day)
);
CREATE INDEX forms_by_day ON forms(day, point);
CREATE TABLE results (
  point TEXT NOT NULL,
  day INTEGER NOT NULL,
  item TEXT NOT NULL,
  responsible TEXT NOT NULL,
  meets INTEGER NOT NULL
);
CREATE INDEX results_by_day ON results(day);
CREATE TABLE monthly (
  month INTEGER NOT NULL,
  point TEXT NOT NULL,
  item TEXT NOT NULL,
  responsible TEXT NOT NULL,
  checks INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  PRIMARY KEY (month, point, item, responsible)
);
CREATE TABLE actions (
  id TEXT PRIMARY KEY,
  point TEXT NOT NULL,
  day INTEGER NOT NULL,
  state INTEGER NOT NULL,
  assignee TEXT NOT NULL,
  due_micros INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX actions_by_due ON actions(due_micros, id);
CREATE INDEX actions_open_by_day ON actions(day) WHERE state = 1;
CREATE TABLE marks (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind INTEGER NOT NULL,
  room TEXT NOT NULL,
  body BLOB NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_micros);
)sql",
    // 2: the trace an outbox entry continues.
    R"sql(
ALTER TABLE outbox ADD COLUMN traceparent TEXT NOT NULL DEFAULT '';
)sql",
};

std::vector<Tally> ReadTallies(Statement& st, absl::Status* status) {
  std::vector<Tally> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) {
      *status = row.status();
      return out;
    }
    if (!*row) return out;
    out.push_back(Tally{st.Text(0), st.Text(1), st.Text(2), st.Int(3), st.Int(4)});
  }
}

class SqliteTx final : public InspectionsTx {
 public:
  SqliteTx(Connection& db, bool writable) : db_(db), writable_(writable) {}

  absl::StatusOr<std::optional<InspectionPoint>> GetPoint(const std::string& id) override {
    Statement& st = db_.Prepare("SELECT data FROM points WHERE id = ?");
    st.Bind(1, id);
    return StoredRow<InspectionPoint>(st, "point");
  }

  absl::Status PutPoint(const std::string& id, const InspectionPoint& p) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st =
        db_.Prepare("INSERT INTO points(id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data");
    st.Bind(1, id).BindBlob(2, p.SerializeAsString());
    return st.Run();
  }

  absl::StatusOr<std::vector<InspectionPoint>> ListPoints(const std::string& after_id, int limit) override {
    Statement& st = db_.Prepare("SELECT data FROM points WHERE id > ? ORDER BY id LIMIT ?");
    st.Bind(1, after_id).Bind(2, static_cast<int64_t>(limit));
    return StoredRows<InspectionPoint>(st, "point");
  }

  absl::StatusOr<std::optional<Inspection>> GetForm(const std::string& point_id, int64_t day) override {
    Statement& st = db_.Prepare("SELECT data FROM forms WHERE point = ? AND day = ?");
    st.Bind(1, point_id).Bind(2, day);
    return StoredRow<Inspection>(st, "inspection");
  }

  absl::Status InsertForm(const std::string& point_id, int64_t day, const Inspection& form) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare("INSERT INTO forms(point, day, data) VALUES (?, ?, ?)");
    st.Bind(1, point_id).Bind(2, day).BindBlob(3, form.SerializeAsString());
    if (auto s = st.Run(); !s.ok()) return s;
    for (const auto& r : form.results()) {
      Statement& row = db_.Prepare("INSERT INTO results(point, day, item, responsible, meets) VALUES (?, ?, ?, ?, ?)");
      row.Bind(1, point_id)
          .Bind(2, day)
          .Bind(3, r.item())
          .Bind(4, form.responsible_person())
          .Bind(5, int64_t{r.meets_standard() ? 1 : 0});
      if (auto s = row.Run(); !s.ok()) return s;
      Statement& month = db_.Prepare(
          "INSERT INTO monthly(month, point, item, responsible, checks, failures) VALUES (?, ?, ?, ?, 1, ?)"
          " ON CONFLICT(month, point, item, responsible) DO UPDATE SET checks = checks + 1,"
          " failures = failures + excluded.failures");
      month.Bind(1, day / 100)
          .Bind(2, point_id)
          .Bind(3, r.item())
          .Bind(4, form.responsible_person())
          .Bind(5, int64_t{r.meets_standard() ? 0 : 1});
      if (auto s = month.Run(); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Inspection>> ListForms(const std::string& point_id, int64_t from_day, int64_t to_day,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit) override {
    std::string sql = "SELECT data FROM forms WHERE day BETWEEN ?1 AND ?2";
    if (!point_id.empty()) sql += " AND point = ?3";
    if (after) sql += " AND (day, point) > (?4, ?5)";
    sql += " ORDER BY day, point LIMIT ?6";
    Statement& st = db_.Prepare(sql);
    st.Bind(1, from_day).Bind(2, to_day);
    if (!point_id.empty()) st.Bind(3, point_id);
    if (after) st.Bind(4, after->first).Bind(5, after->second);
    st.Bind(6, static_cast<int64_t>(limit));
    return StoredRows<Inspection>(st, "inspection");
  }

  absl::StatusOr<std::map<std::string, int64_t>> CountForms(int64_t from_day, int64_t to_day) override {
    Statement& st = db_.Prepare("SELECT point, COUNT(*) FROM forms WHERE day BETWEEN ? AND ? GROUP BY point");
    st.Bind(1, from_day).Bind(2, to_day);
    std::map<std::string, int64_t> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) return out;
      out[st.Text(0)] = st.Int(1);
    }
  }

  absl::StatusOr<std::vector<Tally>> TallyMonths(int64_t from_month, int64_t to_month) override {
    Statement& st = db_.Prepare(
        "SELECT point, item, responsible, SUM(checks), SUM(failures) FROM monthly WHERE month BETWEEN ? AND ?"
        " GROUP BY point, item, responsible");
    st.Bind(1, from_month).Bind(2, to_month);
    absl::Status status;
    auto out = ReadTallies(st, &status);
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<std::vector<Tally>> TallyDays(int64_t from_day, int64_t to_day) override {
    Statement& st = db_.Prepare(
        "SELECT point, item, responsible, COUNT(*), SUM(1 - meets) FROM results WHERE day BETWEEN ? AND ?"
        " GROUP BY point, item, responsible");
    st.Bind(1, from_day).Bind(2, to_day);
    absl::Status status;
    auto out = ReadTallies(st, &status);
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<std::optional<CorrectiveAction>> GetAction(const std::string& id) override {
    Statement& st = db_.Prepare("SELECT data FROM actions WHERE id = ?");
    st.Bind(1, id);
    return StoredRow<CorrectiveAction>(st, "corrective action");
  }

  absl::Status PutAction(const std::string& id, int64_t day, const CorrectiveAction& a) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO actions(id, point, day, state, assignee, due_micros, data) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET state = excluded.state, data = excluded.data");
    st.Bind(1, id)
        .Bind(2, a.point().substr(sizeof("points/") - 1))
        .Bind(3, day)
        .Bind(4, static_cast<int64_t>(a.state()))
        .Bind(5, a.assignee())
        .Bind(6, ToUnixMicros(a.due_time()))
        .BindBlob(7, a.SerializeAsString());
    return st.Run();
  }

  absl::StatusOr<std::vector<CorrectiveAction>> ListActions(const ActionFilter& f) override {
    std::string sql = "SELECT data FROM actions WHERE 1";
    if (f.open_only || f.due_before_micros > 0) sql += " AND state = 1";
    if (f.due_before_micros > 0) sql += " AND due_micros < ?1";
    if (!f.assignee.empty()) sql += " AND assignee = ?2";
    if (!f.point.empty()) sql += " AND point = ?3";
    if (f.after) sql += " AND (due_micros, id) > (?4, ?5)";
    sql += " ORDER BY due_micros, id LIMIT ?6";
    Statement& st = db_.Prepare(sql);
    if (f.due_before_micros > 0) st.Bind(1, f.due_before_micros);
    if (!f.assignee.empty()) st.Bind(2, f.assignee);
    if (!f.point.empty()) st.Bind(3, f.point);
    if (f.after) st.Bind(4, f.after->first).Bind(5, f.after->second);
    st.Bind(6, static_cast<int64_t>(f.limit));
    return StoredRows<CorrectiveAction>(st, "corrective action");
  }

  absl::StatusOr<std::pair<std::map<std::string, int64_t>, std::map<std::string, int64_t>>> CountOpenActions(
      int64_t from_day, int64_t to_day) override {
    Statement& st = db_.Prepare(
        "SELECT point, assignee, COUNT(*) FROM actions WHERE state = 1 AND day BETWEEN ? AND ?"
        " GROUP BY point, assignee");
    st.Bind(1, from_day).Bind(2, to_day);
    std::pair<std::map<std::string, int64_t>, std::map<std::string, int64_t>> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) return out;
      out.first[st.Text(0)] += st.Int(2);
      out.second[st.Text(1)] += st.Int(2);
    }
  }

  absl::StatusOr<std::optional<int64_t>> GetMark(const std::string& key) override {
    Statement& st = db_.Prepare("SELECT value FROM marks WHERE key = ?");
    st.Bind(1, key);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<int64_t>();
    return std::optional<int64_t>(st.Int(0));
  }

  absl::Status SetMark(const std::string& key, int64_t value) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO marks(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    st.Bind(1, key).Bind(2, value);
    return st.Run();
  }

  absl::StatusOr<InspectionsGauges> ReadGauges(int64_t now) override {
    InspectionsGauges out;
    Statement& st = db_.Prepare("SELECT COUNT(*), IFNULL(SUM(due_micros < ?), 0) FROM actions WHERE state = 1");
    st.Bind(1, now);
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (*row) {
      out.open_actions = st.Int(0);
      out.overdue_actions = st.Int(1);
    }
    Statement& outbox = db_.Prepare("SELECT COUNT(*) FROM outbox");
    row = outbox.Step();
    if (!row.ok()) return row.status();
    if (*row) out.outbox = outbox.Int(0);
    return out;
  }

  absl::Status AddOutbox(const OutboxEntry& e, int64_t now) override {
    if (auto s = CheckWritable(); !s.ok()) return s;
    Statement& st = db_.Prepare(
        "INSERT INTO outbox(kind, room, body, attempts, next_attempt_micros, traceparent)"
        " VALUES (?, ?, ?, 0, ?, ?)");
    st.Bind(1, static_cast<int64_t>(e.kind)).Bind(2, e.room).BindBlob(3, e.body).Bind(4, now).Bind(5, e.traceparent);
    return st.Run();
  }

  absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now, int limit) override {
    Statement& st = db_.Prepare(
        "SELECT id, kind, room, body, attempts, traceparent FROM outbox WHERE next_attempt_micros <= ?"
        " ORDER BY id LIMIT ?");
    st.Bind(1, now).Bind(2, static_cast<int64_t>(limit));
    std::vector<OutboxEntry> out;
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) return out;
      out.push_back(OutboxEntry{st.Int(0), static_cast<int>(st.Int(1)), st.Text(2), st.Blob(3),
                                static_cast<int>(st.Int(4)), st.Text(5)});
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

 private:
  absl::Status CheckWritable() const {
    return writable_ ? absl::OkStatus() : absl::InternalError("write in a read transaction");
  }

  Connection& db_;
  bool writable_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteInspectionsStore>> SqliteInspectionsStore::Open(const std::string& path,
                                                                                     int readers) {
  auto pool = sqlite::ConnectionPool::Open(path, kMigrations, readers < 1 ? 1 : readers);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<SqliteInspectionsStore>(new SqliteInspectionsStore(std::move(*pool)));
}

absl::Status SqliteInspectionsStore::Write(const std::function<absl::Status(InspectionsTx&)>& fn) {
  return sqlite::WriteAs<SqliteTx>(*pool_, fn);
}

absl::Status SqliteInspectionsStore::Read(const std::function<absl::Status(InspectionsTx&)>& fn) {
  return sqlite::ReadAs<SqliteTx>(*pool_, fn);
}

}  // namespace atrium::inspections
