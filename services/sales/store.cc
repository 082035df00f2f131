// The sales management service's queries, once for both backends.
#include "services/sales/store.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace atrium::sales {
namespace {

using db::Arg;
using v1::SegmentAssignment;
using v1::Target;

constexpr char kSettingsName[] = "forecastSettings";
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

absl::StatusOr<std::optional<v1::ForecastSettings>> SalesTx::GetSettings() {
  return db::Message<v1::ForecastSettings>(tx_.Query("SELECT data FROM settings WHERE name = $1", {kSettingsName}),
                                           "forecast settings");
}

absl::Status SalesTx::PutSettings(const v1::ForecastSettings& s) {
  return tx_.Exec(
      "INSERT INTO settings(name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = excluded.data",
      {kSettingsName, Arg::Blob(s.SerializeAsString())});
}

absl::StatusOr<int64_t> SalesTx::NextDivisionVersion() {
  ASSIGN_OR_RETURN(auto mark, GetMark(kDivisionVersion));
  const int64_t next = mark.value_or(0) + 1;
  RETURN_IF_ERROR(SetMark(kDivisionVersion, next));
  return next;
}

}  // namespace atrium::sales
