// The inspections' queries, once for both backends.
#include "services/inspections/store.h"

#include "absl/strings/str_cat.h"
#include "common/time_util.h"

namespace atrium::inspections {
namespace {

using db::Arg;
using v1::CorrectiveAction;
using v1::Inspection;
using v1::InspectionPoint;

absl::StatusOr<std::vector<Tally>> Tallies(const absl::StatusOr<db::Rows>& r) {
  if (!r.ok()) return r.status();
  std::vector<Tally> out;
  for (int i = 0; i < r->size(); ++i) {
    out.push_back(Tally{r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Int(i, 3), r->Int(i, 4)});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<InspectionPoint>> InspectionsTx::GetPoint(const std::string& id) {
  return db::Message<InspectionPoint>(tx_.Query("SELECT data FROM points WHERE id = $1", {id}), "point");
}

absl::Status InspectionsTx::PutPoint(const std::string& id, const InspectionPoint& p) {
  return tx_.Exec("INSERT INTO points(id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                  {id, Arg::Blob(p.SerializeAsString())});
}

absl::StatusOr<std::vector<InspectionPoint>> InspectionsTx::ListPoints(const std::string& after_id, int limit) {
  return db::Messages<InspectionPoint>(
      tx_.Query("SELECT data FROM points WHERE id > $1 ORDER BY id LIMIT $2", {after_id, limit}), "point");
}

absl::StatusOr<std::optional<Inspection>> InspectionsTx::GetForm(const std::string& point_id, int64_t day) {
  return db::Message<Inspection>(tx_.Query("SELECT data FROM forms WHERE point = $1 AND day = $2", {point_id, day}),
                                 "inspection");
}

absl::Status InspectionsTx::InsertForm(const std::string& point_id, int64_t day, const Inspection& form) {
  absl::Status s = tx_.Exec("INSERT INTO forms(point, day, data) VALUES ($1, $2, $3)",
                            {point_id, day, Arg::Blob(form.SerializeAsString())});
  for (int i = 0; s.ok() && i < form.results_size(); ++i) {
    const auto& r = form.results(i);
    s = tx_.Exec("INSERT INTO results(point, day, item, responsible, meets) VALUES ($1, $2, $3, $4, $5)",
                 {point_id, day, r.item(), form.responsible_person(), r.meets_standard() ? 1 : 0});
    // (PostgreSQL wants the old row's columns qualified: excluded has them too.)
    if (s.ok()) {
      s = tx_.Exec(
          "INSERT INTO monthly(month, point, item, responsible, checks, failures) VALUES ($1, $2, $3, $4, 1, $5)"
          " ON CONFLICT (month, point, item, responsible) DO UPDATE SET checks = monthly.checks + 1,"
          " failures = monthly.failures + excluded.failures",
          {day / 100, point_id, r.item(), form.responsible_person(), r.meets_standard() ? 0 : 1});
    }
  }
  return s;
}

absl::StatusOr<std::vector<Inspection>> InspectionsTx::ListForms(
    const std::string& point_id, int64_t from_day, int64_t to_day,
    const std::optional<std::pair<int64_t, std::string>>& after, int limit) {
  db::Params p;
  std::string sql = "SELECT data FROM forms WHERE day BETWEEN " + p.Add(from_day) + " AND " + p.Add(to_day);
  if (!point_id.empty()) sql += " AND point = " + p.Add(point_id);
  if (after) {
    const std::string day = p.Add(after->first);
    sql += " AND (day, point) > (" + day + ", " + p.Add(after->second) + ")";
  }
  sql += " ORDER BY day, point LIMIT " + p.Add(limit);
  return db::Messages<Inspection>(tx_.Query(sql, p.args()), "inspection");
}

absl::StatusOr<std::map<std::string, int64_t>> InspectionsTx::CountForms(int64_t from_day, int64_t to_day) {
  auto r =
      tx_.Query("SELECT point, COUNT(*) FROM forms WHERE day BETWEEN $1 AND $2 GROUP BY point", {from_day, to_day});
  if (!r.ok()) return r.status();
  std::map<std::string, int64_t> out;
  for (int i = 0; i < r->size(); ++i) out[r->Text(i, 0)] = r->Int(i, 1);
  return out;
}

absl::StatusOr<std::vector<Tally>> InspectionsTx::TallyMonths(int64_t from_month, int64_t to_month) {
  return Tallies(
      tx_.Query("SELECT point, item, responsible, SUM(checks), SUM(failures) FROM monthly WHERE month BETWEEN $1 AND $2"
                " GROUP BY point, item, responsible",
                {from_month, to_month}));
}

absl::StatusOr<std::vector<Tally>> InspectionsTx::TallyDays(int64_t from_day, int64_t to_day) {
  return Tallies(
      tx_.Query("SELECT point, item, responsible, COUNT(*), SUM(1 - meets) FROM results WHERE day BETWEEN $1 AND $2"
                " GROUP BY point, item, responsible",
                {from_day, to_day}));
}

absl::StatusOr<std::optional<CorrectiveAction>> InspectionsTx::GetAction(const std::string& id) {
  return db::Message<CorrectiveAction>(tx_.Query("SELECT data FROM actions WHERE id = $1", {id}), "corrective action");
}

absl::Status InspectionsTx::PutAction(const std::string& id, int64_t day, const CorrectiveAction& a) {
  return tx_.Exec(
      "INSERT INTO actions(id, point, day, state, assignee, due_micros, data) VALUES ($1, $2, $3, $4, $5, $6, $7)"
      " ON CONFLICT (id) DO UPDATE SET state = excluded.state, data = excluded.data",
      {id, a.point().substr(sizeof("points/") - 1), day, a.state(), a.assignee(), ToUnixMicros(a.due_time()),
       Arg::Blob(a.SerializeAsString())});
}

absl::StatusOr<std::vector<CorrectiveAction>> InspectionsTx::ListActions(const ActionFilter& f) {
  db::Params p;
  std::string sql = "SELECT data FROM actions WHERE TRUE";
  if (f.open_only || f.due_before_micros > 0) sql += " AND state = 1";
  if (f.due_before_micros > 0) sql += " AND due_micros < " + p.Add(f.due_before_micros);
  if (!f.assignee.empty()) sql += " AND assignee = " + p.Add(f.assignee);
  if (!f.point.empty()) sql += " AND point = " + p.Add(f.point);
  if (f.after) {
    const std::string due = p.Add(f.after->first);
    sql += " AND (due_micros, id) > (" + due + ", " + p.Add(f.after->second) + ")";
  }
  sql += " ORDER BY due_micros, id LIMIT " + p.Add(f.limit);
  return db::Messages<CorrectiveAction>(tx_.Query(sql, p.args()), "corrective action");
}

absl::StatusOr<std::pair<std::map<std::string, int64_t>, std::map<std::string, int64_t>>>
InspectionsTx::CountOpenActions(int64_t from_day, int64_t to_day) {
  auto r = tx_.Query(
      "SELECT point, assignee, COUNT(*) FROM actions WHERE state = 1 AND day BETWEEN $1 AND $2"
      " GROUP BY point, assignee",
      {from_day, to_day});
  if (!r.ok()) return r.status();
  std::pair<std::map<std::string, int64_t>, std::map<std::string, int64_t>> out;
  for (int i = 0; i < r->size(); ++i) {
    out.first[r->Text(i, 0)] += r->Int(i, 2);
    out.second[r->Text(i, 1)] += r->Int(i, 2);
  }
  return out;
}

absl::StatusOr<InspectionsGauges> InspectionsTx::ReadGauges(int64_t now) {
  auto r = tx_.Query(
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_micros < $1 THEN 1 ELSE 0 END), 0), (SELECT COUNT(*) FROM outbox)"
      " FROM actions WHERE state = 1",
      {now});
  if (!r.ok()) return r.status();
  return InspectionsGauges{r->Int(0, 0), r->Int(0, 1), r->Int(0, 2)};
}

}  // namespace atrium::inspections
