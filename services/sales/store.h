// Storage of the sales management service, on SQLite or PostgreSQL
// (common/db.h): segment assignments, targets with every version, the
// forecast settings and the work calendar, the KAMs' daily reports, the
// evaluations, and the outbox that tells the clients service of the market
// division. Figures are not stored here: they are read from the
// services that own the records.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "atrium/sales/v1/sales.pb.h"
#include "common/db.h"

namespace atrium::sales {

// What a target is unique by.
struct TargetKey {
  int year = 0;
  int scope = 0;
  std::string kam;
  std::string segment;
  int metric = 0;
};

struct TargetFilter {
  int year = 0;
  int scope = 0;  // 0 = any
  std::string kam;
  std::string segment;
  int metric = 0;        // 0 = any
  std::string after_id;  // keyset position
  int limit = 50;
};

// Daily reports by (day, kam): day as yyyymmdd.
struct ReportFilter {
  std::string kam;  // empty = every KAM
  int state = 0;    // 0 = any
  int64_t from_day = 0;
  int64_t to_day = 99991231;
  std::pair<int64_t, std::string> after{0, ""};  // keyset position (day, kam)
  int limit = 50;
};

class SalesTx : public db::TxBase {
 public:
  using db::TxBase::TxBase;

  absl::StatusOr<std::optional<v1::SegmentAssignment>> GetAssignment(const std::string& id);
  absl::Status PutAssignment(const std::string& id, const v1::SegmentAssignment& a);
  absl::Status DeleteAssignment(const std::string& id);
  // Every assignment of `segment`.
  absl::StatusOr<std::vector<v1::SegmentAssignment>> AssignmentsOf(const std::string& segment);
  // By (segment, id) after `after`, of one KAM when given.
  absl::StatusOr<std::vector<v1::SegmentAssignment>> ListAssignments(const std::string& kam,
                                                                     const std::pair<std::string, std::string>& after,
                                                                     int limit);

  absl::StatusOr<std::optional<v1::Target>> GetTarget(const std::string& id);
  absl::StatusOr<std::optional<std::string>> FindTarget(const TargetKey& key);
  // Stores the target and its current version.
  absl::Status PutTarget(const std::string& id, const TargetKey& key, const v1::Target& t);
  // By id after `after_id`.
  absl::StatusOr<std::vector<v1::Target>> ListTargets(const TargetFilter& filter);
  // The versions of a target after `after_version`, oldest first.
  absl::StatusOr<std::vector<v1::Target>> ListVersions(const std::string& id, int after_version, int limit);

  absl::StatusOr<std::optional<v1::ForecastSettings>> GetSettings();
  absl::Status PutSettings(const v1::ForecastSettings& s);

  absl::StatusOr<std::optional<v1::WorkCalendar>> GetCalendar();
  absl::Status PutCalendar(const v1::WorkCalendar& c);

  absl::StatusOr<std::optional<v1::DailyReport>> GetReport(const std::string& kam, int64_t day);
  absl::Status PutReport(const v1::DailyReport& r);
  absl::StatusOr<std::vector<v1::DailyReport>> ListReports(const ReportFilter& filter);
  // (kam, day) of the reports submitted or reviewed, and of the drafts, in
  // [from_day, to_day], of one KAM when given.
  struct ReportDay {
    std::string kam;
    int64_t day = 0;
    int state = 0;
  };
  absl::StatusOr<std::vector<ReportDay>> ReportDays(const std::string& kam, int64_t from_day, int64_t to_day);
  // The KAMs the department knows: of a segment assignment, a KAM target of
  // the years [first_year, last_year], or a report.
  absl::StatusOr<std::vector<std::string>> KnownKams(int first_year, int last_year);

  absl::StatusOr<std::optional<v1::Evaluation>> GetEvaluation(const std::string& id);
  absl::Status PutEvaluation(const std::string& id, const v1::Evaluation& e, int64_t create_micros);
  // Newest first, before `before` (create micros, id) when given.
  absl::StatusOr<std::vector<v1::Evaluation>> ListEvaluations(
      const std::string& kam, const std::optional<std::pair<int64_t, std::string>>& before, int limit);

  // The next version of the market division (a counter kept in the marks).
  absl::StatusOr<int64_t> NextDivisionVersion();

 private:
  template <typename T>
  absl::StatusOr<std::optional<T>> GetSetting(const char* name, const char* what);
  absl::Status PutSetting(const char* name, const google::protobuf::Message& m);
};

using SalesStore = db::Store<SalesTx>;

const db::Schema& SalesSchema();

}  // namespace atrium::sales
