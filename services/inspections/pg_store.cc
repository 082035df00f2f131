#include "services/inspections/pg_store.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::inspections {
namespace {

using pg::Bytes;
using pg::Int;
using pg::Text;
using v1::CorrectiveAction;
using v1::Inspection;
using v1::InspectionPoint;

// The SQLite schema's migrations, in PostgreSQL's dialect, as one.
const pg::Migrations kMigrations = {
    R"sql(
CREATE TABLE points (
  id TEXT PRIMARY KEY,
  data BYTEA NOT NULL
);
CREATE TABLE forms (
  point TEXT NOT NULL,
  day BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (point, day)
);
CREATE INDEX forms_by_day ON forms(day, point);
CREATE TABLE results (
  point TEXT NOT NULL,
  day BIGINT NOT NULL,
  item TEXT NOT NULL,
  responsible TEXT NOT NULL,
  meets INTEGER NOT NULL
);
CREATE INDEX results_by_day ON results(day);
CREATE TABLE monthly (
  month BIGINT NOT NULL,
  point TEXT NOT NULL,
  item TEXT NOT NULL,
  responsible TEXT NOT NULL,
  checks BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  PRIMARY KEY (month, point, item, responsible)
);
CREATE TABLE actions (
  id TEXT PRIMARY KEY,
  point TEXT NOT NULL,
  day BIGINT NOT NULL,
  state INTEGER NOT NULL,
  assignee TEXT NOT NULL,
  due_micros BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE INDEX actions_by_due ON actions(due_micros, id);
CREATE INDEX actions_open_by_day ON actions(day) WHERE state = 1;
CREATE TABLE marks (
  key TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  kind INTEGER NOT NULL,
  room TEXT NOT NULL,
  body BYTEA NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_micros BIGINT NOT NULL,
  traceparent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(next_attempt_micros);
)sql",
};

absl::StatusOr<std::vector<Tally>> Tallies(const absl::StatusOr<pg::Result>& r) {
  if (!r.ok()) return r.status();
  std::vector<Tally> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back(Tally{r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Int(i, 3), r->Int(i, 4)});
  }
  return out;
}

class PgTx final : public InspectionsTx {
 public:
  explicit PgTx(pg::Connection& db) : db_(db) {}

  absl::StatusOr<std::optional<InspectionPoint>> GetPoint(const std::string& id) override {
    return pg::Message<InspectionPoint>(db_.Exec("SELECT data FROM points WHERE id = $1", {Text(id)}), "point");
  }

  absl::Status PutPoint(const std::string& id, const InspectionPoint& p) override {
    return db_
        .Exec("INSERT INTO points(id, data) VALUES ($1, $2) ON CONFLICT(id) DO UPDATE SET data = EXCLUDED.data",
              {Text(id), Bytes(p.SerializeAsString())})
        .status();
  }

  absl::StatusOr<std::vector<InspectionPoint>> ListPoints(const std::string& after_id, int limit) override {
    return pg::Messages<InspectionPoint>(
        db_.Exec("SELECT data FROM points WHERE id > $1 ORDER BY id LIMIT $2", {Text(after_id), Int(limit)}), "point");
  }

  absl::StatusOr<std::optional<Inspection>> GetForm(const std::string& point_id, int64_t day) override {
    return pg::Message<Inspection>(
        db_.Exec("SELECT data FROM forms WHERE point = $1 AND day = $2", {Text(point_id), Int(day)}), "inspection");
  }

  absl::Status InsertForm(const std::string& point_id, int64_t day, const Inspection& form) override {
    if (auto r = db_.Exec("INSERT INTO forms(point, day, data) VALUES ($1, $2, $3)",
                          {Text(point_id), Int(day), Bytes(form.SerializeAsString())});
        !r.ok()) {
      return r.status();
    }
    for (const auto& r : form.results()) {
      if (auto s = db_.Exec("INSERT INTO results(point, day, item, responsible, meets) VALUES ($1,$2,$3,$4,$5)",
                            {Text(point_id), Int(day), Text(r.item()), Text(form.responsible_person()),
                             Int(r.meets_standard() ? 1 : 0)});
          !s.ok()) {
        return s.status();
      }
      if (auto s = db_.Exec(
              "INSERT INTO monthly(month, point, item, responsible, checks, failures) VALUES ($1,$2,$3,$4,1,$5)"
              " ON CONFLICT(month, point, item, responsible) DO UPDATE SET checks = monthly.checks + 1,"
              " failures = monthly.failures + EXCLUDED.failures",
              {Int(day / 100), Text(point_id), Text(r.item()), Text(form.responsible_person()),
               Int(r.meets_standard() ? 0 : 1)});
          !s.ok()) {
        return s.status();
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Inspection>> ListForms(const std::string& point_id, int64_t from_day, int64_t to_day,
                                                    const std::optional<std::pair<int64_t, std::string>>& after,
                                                    int limit) override {
    std::string sql = "SELECT data FROM forms WHERE day BETWEEN $1 AND $2 AND ($3 = '' OR point = $3)";
    std::vector<pg::Param> params = {Int(from_day), Int(to_day), Text(point_id), Int(limit)};
    if (after) {
      sql += " AND (day, point) > ($5, $6)";
      params.push_back(Int(after->first));
      params.push_back(Text(after->second));
    }
    sql += " ORDER BY day, point LIMIT $4";
    return pg::Messages<Inspection>(db_.Exec(sql, params), "inspection");
  }

  absl::StatusOr<std::map<std::string, int64_t>> CountForms(int64_t from_day, int64_t to_day) override {
    auto r = db_.Exec("SELECT point, COUNT(*) FROM forms WHERE day BETWEEN $1 AND $2 GROUP BY point",
                      {Int(from_day), Int(to_day)});
    if (!r.ok()) return r.status();
    std::map<std::string, int64_t> out;
    for (int i = 0; i < r->rows(); ++i) out[r->Text(i, 0)] = r->Int(i, 1);
    return out;
  }

  absl::StatusOr<std::vector<Tally>> TallyMonths(int64_t from_month, int64_t to_month) override {
    return Tallies(db_.Exec(
        "SELECT point, item, responsible, SUM(checks), SUM(failures) FROM monthly WHERE month BETWEEN $1 AND $2"
        " GROUP BY point, item, responsible",
        {Int(from_month), Int(to_month)}));
  }

  absl::StatusOr<std::vector<Tally>> TallyDays(int64_t from_day, int64_t to_day) override {
    return Tallies(
        db_.Exec("SELECT point, item, responsible, COUNT(*), SUM(1 - meets) FROM results WHERE day BETWEEN $1 AND $2"
                 " GROUP BY point, item, responsible",
                 {Int(from_day), Int(to_day)}));
  }

  absl::StatusOr<std::optional<CorrectiveAction>> GetAction(const std::string& id) override {
    return pg::Message<CorrectiveAction>(db_.Exec("SELECT data FROM actions WHERE id = $1", {Text(id)}),
                                         "corrective action");
  }

  absl::Status PutAction(const std::string& id, int64_t day, const CorrectiveAction& a) override {
    return db_
        .Exec(
            "INSERT INTO actions(id, point, day, state, assignee, due_micros, data) VALUES ($1,$2,$3,$4,$5,$6,$7)"
            " ON CONFLICT(id) DO UPDATE SET state = EXCLUDED.state, data = EXCLUDED.data",
            {Text(id), Text(a.point().substr(sizeof("points/") - 1)), Int(day), Int(a.state()), Text(a.assignee()),
             Int(ToUnixMicros(a.due_time())), Bytes(a.SerializeAsString())})
        .status();
  }

  absl::StatusOr<std::vector<CorrectiveAction>> ListActions(const ActionFilter& f) override {
    std::vector<pg::Param> params;
    auto param = [&](pg::Param p) {
      params.push_back(std::move(p));
      return absl::StrCat("$", params.size());
    };
    std::string sql = "SELECT data FROM actions WHERE TRUE";
    if (f.open_only || f.due_before_micros > 0) sql += " AND state = 1";
    if (f.due_before_micros > 0) sql += " AND due_micros < " + param(Int(f.due_before_micros));
    if (!f.assignee.empty()) sql += " AND assignee = " + param(Text(f.assignee));
    if (!f.point.empty()) sql += " AND point = " + param(Text(f.point));
    if (f.after) {
      const std::string due = param(Int(f.after->first));
      sql += " AND (due_micros, id) > (" + due + ", " + param(Text(f.after->second)) + ")";
    }
    sql += " ORDER BY due_micros, id LIMIT " + param(Int(f.limit));
    return pg::Messages<CorrectiveAction>(db_.Exec(sql, params), "corrective action");
  }

  absl::StatusOr<std::pair<std::map<std::string, int64_t>, std::map<std::string, int64_t>>> CountOpenActions(
      int64_t from_day, int64_t to_day) override {
    auto r = db_.Exec(
        "SELECT point, assignee, COUNT(*) FROM actions WHERE state = 1 AND day BETWEEN $1 AND $2"
        " GROUP BY point, assignee",
        {Int(from_day), Int(to_day)});
    if (!r.ok()) return r.status();
    std::pair<std::map<std::string, int64_t>, std::map<std::string, int64_t>> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.first[r->Text(i, 0)] += r->Int(i, 2);
      out.second[r->Text(i, 1)] += r->Int(i, 2);
    }
    return out;
  }

  absl::StatusOr<std::optional<int64_t>> GetMark(const std::string& key) override {
    auto r = db_.Exec("SELECT value FROM marks WHERE key = $1", {Text(key)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(r->Int(0, 0));
  }

  absl::Status SetMark(const std::string& key, int64_t value) override {
    return db_
        .Exec("INSERT INTO marks(key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value",
              {Text(key), Int(value)})
        .status();
  }

  absl::StatusOr<InspectionsGauges> ReadGauges(int64_t now) override {
    InspectionsGauges out;
    auto r = db_.Exec(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_micros < $1 THEN 1 ELSE 0 END), 0) FROM actions WHERE state = 1",
        {Int(now)});
    if (!r.ok()) return r.status();
    out.open_actions = r->Int(0, 0);
    out.overdue_actions = r->Int(0, 1);
    auto o = db_.Exec("SELECT COUNT(*) FROM outbox");
    if (!o.ok()) return o.status();
    out.outbox = o->Int(0, 0);
    return out;
  }

  absl::Status AddOutbox(const OutboxEntry& e, int64_t now) override {
    return db_
        .Exec(
            "INSERT INTO outbox(kind, room, body, attempts, next_attempt_micros, traceparent)"
            " VALUES ($1, $2, $3, 0, $4, $5)",
            {Int(e.kind), Text(e.room), Bytes(e.body), Int(now), Text(e.traceparent)})
        .status();
  }

  absl::StatusOr<std::vector<OutboxEntry>> DueOutbox(int64_t now, int limit) override {
    auto r = db_.Exec(
        "SELECT id, kind, room, body, attempts, traceparent FROM outbox WHERE next_attempt_micros <= $1"
        " ORDER BY id LIMIT $2",
        {Int(now), Int(limit)});
    if (!r.ok()) return r.status();
    std::vector<OutboxEntry> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back(OutboxEntry{r->Int(i, 0), static_cast<int>(r->Int(i, 1)), r->Text(i, 2), r->Bytes(i, 3),
                                static_cast<int>(r->Int(i, 4)), r->Text(i, 5)});
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

 private:
  pg::Connection& db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PgInspectionsStore>> PgInspectionsStore::Open(const std::string& url, int connections) {
  auto pool = pg::Pool::Open(url, kMigrations, connections);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<PgInspectionsStore>(new PgInspectionsStore(std::move(*pool)));
}

absl::Status PgInspectionsStore::Write(const std::function<absl::Status(InspectionsTx&)>& fn) {
  return pg::WriteAs<PgTx>(*pool_, fn);
}

absl::Status PgInspectionsStore::Read(const std::function<absl::Status(InspectionsTx&)>& fn) {
  return pg::ReadAs<PgTx>(*pool_, fn);
}

}  // namespace atrium::inspections
