// The sales management service's queries, once for both backends.
#include "services/sales/store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"

namespace atrium::sales {
namespace {

using db::Arg;
using v1::SegmentAssignment;
using v1::Target;

constexpr char kSettingsName[] = "forecastSettings";
constexpr char kCalendarName[] = "workCalendar";
constexpr char kDivisionVersion[] = "division_version";

}  // namespace

absl::StatusOr<std::optional<SegmentAssignment>> SalesTx::GetAssignment(const std::string& id) {
  return db::Message<SegmentAssignment>(tx_.Query("SELECT data FROM assignments WHERE id = $1", {id}),
                                        "segment assignment");
}

absl::Status SalesTx::PutAssignment(const std::string& id, const SegmentAssignment& a) {
  return tx_.Exec(
      "INSERT INTO assignments(id, segment, kam, data) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET"
      " segment = excluded.segment, kam = excluded.kam, data = excluded.data",
      {id, a.segment(), a.kam(), Arg::Blob(a.SerializeAsString())});
}

absl::Status SalesTx::DeleteAssignment(const std::string& id) {
  return tx_.Exec("DELETE FROM assignments WHERE id = $1", {id});
}

absl::StatusOr<std::vector<SegmentAssignment>> SalesTx::AssignmentsOf(const std::string& segment) {
  return db::Messages<SegmentAssignment>(
      tx_.Query("SELECT data FROM assignments WHERE segment = $1 ORDER BY id", {segment}), "segment assignment");
}

absl::StatusOr<std::vector<SegmentAssignment>> SalesTx::ListAssignments(
    const std::string& kam, const std::pair<std::string, std::string>& after, int limit) {
  db::Params p;
  std::string sql = "SELECT data FROM assignments WHERE 1 = 1";
  if (!kam.empty()) sql += " AND kam = " + p.Add(kam);
  const std::string segment = p.Add(after.first);
  sql += absl::StrCat(" AND (segment, id) > (", segment, ", ", p.Add(after.second), ")");
  sql += " ORDER BY segment, id LIMIT " + p.Add(limit);
  return db::Messages<SegmentAssignment>(tx_.Query(sql, p.args()), "segment assignment");
}

absl::StatusOr<std::optional<Target>> SalesTx::GetTarget(const std::string& id) {
  return db::Message<Target>(tx_.Query("SELECT data FROM targets WHERE id = $1", {id}), "target");
}

absl::StatusOr<std::optional<std::string>> SalesTx::FindTarget(const TargetKey& k) {
  ASSIGN_OR_RETURN(auto r, tx_.Query("SELECT id FROM targets WHERE year = $1 AND scope = $2 AND kam = $3 AND"
                                     " segment = $4 AND metric = $5",
                                     {k.year, k.scope, k.kam, k.segment, k.metric}));
  if (r.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r.Text(0, 0));
}

absl::Status SalesTx::PutTarget(const std::string& id, const TargetKey& k, const Target& t) {
  const std::string data = t.SerializeAsString();
  RETURN_IF_ERROR(
      tx_.Exec("INSERT INTO targets(id, year, scope, kam, segment, metric, data) VALUES ($1, $2, $3, $4, $5, $6, $7)"
               " ON CONFLICT (id) DO UPDATE SET data = excluded.data",
               {id, k.year, k.scope, k.kam, k.segment, k.metric, Arg::Blob(data)}));
  return tx_.Exec("INSERT INTO target_versions(target_id, version, data) VALUES ($1, $2, $3)",
                  {id, t.version(), Arg::Blob(data)});
}

absl::StatusOr<std::vector<Target>> SalesTx::ListTargets(const TargetFilter& f) {
  db::Params p;
  std::string sql = "SELECT data FROM targets WHERE year = " + p.Add(f.year);
  if (f.scope != 0) sql += " AND scope = " + p.Add(f.scope);
  if (!f.kam.empty()) sql += " AND kam = " + p.Add(f.kam);
  if (!f.segment.empty()) sql += " AND segment = " + p.Add(f.segment);
  if (f.metric != 0) sql += " AND metric = " + p.Add(f.metric);
  sql += " AND id > " + p.Add(f.after_id);
  sql += " ORDER BY id LIMIT " + p.Add(f.limit);
  return db::Messages<Target>(tx_.Query(sql, p.args()), "target");
}

absl::StatusOr<std::vector<Target>> SalesTx::ListVersions(const std::string& id, int after_version, int limit) {
  return db::Messages<Target>(
      tx_.Query("SELECT data FROM target_versions WHERE target_id = $1 AND version > $2 ORDER BY version LIMIT $3",
                {id, after_version, limit}),
      "target version");
}

template <typename T>
absl::StatusOr<std::optional<T>> SalesTx::GetSetting(const char* name, const char* what) {
  return db::Message<T>(tx_.Query("SELECT data FROM settings WHERE name = $1", {name}), what);
}

absl::Status SalesTx::PutSetting(const char* name, const google::protobuf::Message& m) {
  return tx_.Exec(
      "INSERT INTO settings(name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = excluded.data",
      {name, Arg::Blob(m.SerializeAsString())});
}

absl::StatusOr<std::optional<v1::ForecastSettings>> SalesTx::GetSettings() {
  return GetSetting<v1::ForecastSettings>(kSettingsName, "forecast settings");
}

absl::Status SalesTx::PutSettings(const v1::ForecastSettings& s) { return PutSetting(kSettingsName, s); }

absl::StatusOr<std::optional<v1::WorkCalendar>> SalesTx::GetCalendar() {
  return GetSetting<v1::WorkCalendar>(kCalendarName, "work calendar");
}

absl::Status SalesTx::PutCalendar(const v1::WorkCalendar& c) { return PutSetting(kCalendarName, c); }

absl::StatusOr<std::optional<v1::DailyReport>> SalesTx::GetReport(const std::string& kam, int64_t day) {
  return db::Message<v1::DailyReport>(
      tx_.Query("SELECT data FROM daily_reports WHERE kam = $1 AND day = $2", {kam, day}), "daily report");
}

absl::Status SalesTx::PutReport(const v1::DailyReport& r) {
  return tx_.Exec(
      "INSERT INTO daily_reports(kam, day, state, data) VALUES ($1, $2, $3, $4) ON CONFLICT (kam, day) DO UPDATE SET"
      " state = excluded.state, data = excluded.data",
      {r.kam(), DateKey(r.date()), static_cast<int>(r.state()), Arg::Blob(r.SerializeAsString())});
}

absl::StatusOr<std::vector<v1::DailyReport>> SalesTx::ListReports(const ReportFilter& f) {
  db::Params p;
  const std::string from = p.Add(f.from_day);
  std::string sql = absl::StrCat("SELECT data FROM daily_reports WHERE day BETWEEN ", from, " AND ", p.Add(f.to_day));
  if (!f.kam.empty()) sql += " AND kam = " + p.Add(f.kam);
  if (f.state != 0) sql += " AND state = " + p.Add(f.state);
  const std::string day = p.Add(f.after.first);
  sql += absl::StrCat(" AND (day, kam) > (", day, ", ", p.Add(f.after.second), ")");
  sql += " ORDER BY day, kam LIMIT " + p.Add(f.limit);
  return db::Messages<v1::DailyReport>(tx_.Query(sql, p.args()), "daily report");
}

absl::StatusOr<std::vector<SalesTx::ReportDay>> SalesTx::ReportDays(const std::string& kam, int64_t from_day,
                                                                    int64_t to_day) {
  db::Params p;
  const std::string from = p.Add(from_day);
  std::string sql =
      absl::StrCat("SELECT kam, day, state FROM daily_reports WHERE day BETWEEN ", from, " AND ", p.Add(to_day));
  if (!kam.empty()) sql += " AND kam = " + p.Add(kam);
  ASSIGN_OR_RETURN(auto r, tx_.Query(sql, p.args()));
  std::vector<ReportDay> out;
  for (int i = 0; i < r.size(); ++i) out.push_back({r.Text(i, 0), r.Int(i, 1), static_cast<int>(r.Int(i, 2))});
  return out;
}

absl::StatusOr<std::vector<std::string>> SalesTx::KnownKams(int first_year, int last_year) {
  ASSIGN_OR_RETURN(auto r, tx_.Query("SELECT kam FROM assignments UNION SELECT kam FROM targets WHERE scope = $1 AND"
                                     " year BETWEEN $2 AND $3 UNION SELECT kam FROM daily_reports",
                                     {static_cast<int>(Target::KAM), first_year, last_year}));
  std::vector<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::optional<v1::Evaluation>> SalesTx::GetEvaluation(const std::string& id) {
  return db::Message<v1::Evaluation>(tx_.Query("SELECT data FROM evaluations WHERE id = $1", {id}), "evaluation");
}

absl::Status SalesTx::PutEvaluation(const std::string& id, const v1::Evaluation& e, int64_t create_micros) {
  return tx_.Exec("INSERT INTO evaluations(id, kam, create_micros, data) VALUES ($1, $2, $3, $4)",
                  {id, e.kam(), create_micros, Arg::Blob(e.SerializeAsString())});
}

absl::StatusOr<std::vector<v1::Evaluation>> SalesTx::ListEvaluations(
    const std::string& kam, const std::optional<std::pair<int64_t, std::string>>& before, int limit) {
  db::Params p;
  std::string sql = "SELECT data FROM evaluations WHERE 1 = 1";
  if (!kam.empty()) sql += " AND kam = " + p.Add(kam);
  if (before) {
    const std::string micros = p.Add(before->first);
    sql += absl::StrCat(" AND (create_micros, id) < (", micros, ", ", p.Add(before->second), ")");
  }
  sql += " ORDER BY create_micros DESC, id DESC LIMIT " + p.Add(limit);
  return db::Messages<v1::Evaluation>(tx_.Query(sql, p.args()), "evaluation");
}

absl::StatusOr<int64_t> SalesTx::NextDivisionVersion() {
  ASSIGN_OR_RETURN(auto mark, GetMark(kDivisionVersion));
  const int64_t next = mark.value_or(0) + 1;
  RETURN_IF_ERROR(SetMark(kDivisionVersion, next));
  return next;
}

}  // namespace atrium::sales
