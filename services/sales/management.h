// The domain of the sales management service: the division of the market
// (assignments.cc), the targets of a year (targets.cc), the forecast's
// stage probabilities (settings.cc), and attainment and the forecast from
// the peers' figures (attainment.cc), the KAMs' daily reports and the work
// calendar (reports.cc), the monthly analysis pack (pack.cc) and the
// scorecards and evaluations (evaluations.cc). Each operation takes the verified
// caller and the request, returns the resource or a status, and runs in one
// store transaction; what the clients service must learn goes into the
// outbox in the same transaction.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "atrium/sales/v1/sales.pb.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "common/time_util.h"
#include "google/protobuf/empty.pb.h"
#include "services/sales/peers.h"
#include "services/sales/store.h"

namespace atrium::sales {

// The stage probabilities until the manager sets them: ENQUIRY 10%,
// SITE_VISIT 25%, NEGOTIATING 50%, INTENT 75% (settings.cc).
v1::ForecastSettings DefaultForecastSettings();

class Management final {
 public:
  Management(SalesStore* store, Figures* figures, const Clock* clock, PageTokens page_tokens, absl::TimeZone zone);

  // assignments.cc
  absl::StatusOr<v1::SegmentAssignment> CreateSegmentAssignment(const Principal& who,
                                                                const v1::CreateSegmentAssignmentRequest& req);
  absl::StatusOr<v1::SegmentAssignment> GetSegmentAssignment(const Principal& who,
                                                             const v1::GetSegmentAssignmentRequest& req);
  absl::StatusOr<v1::ListSegmentAssignmentsResponse> ListSegmentAssignments(
      const Principal& who, const v1::ListSegmentAssignmentsRequest& req);
  absl::StatusOr<v1::SegmentAssignment> UpdateSegmentAssignment(const Principal& who,
                                                                const v1::UpdateSegmentAssignmentRequest& req);
  absl::StatusOr<google::protobuf::Empty> DeleteSegmentAssignment(const Principal& who,
                                                                  const v1::DeleteSegmentAssignmentRequest& req);

  // targets.cc
  absl::StatusOr<v1::Target> CreateTarget(const Principal& who, const v1::CreateTargetRequest& req);
  absl::StatusOr<v1::Target> GetTarget(const Principal& who, const v1::GetTargetRequest& req);
  absl::StatusOr<v1::ListTargetsResponse> ListTargets(const Principal& who, const v1::ListTargetsRequest& req);
  absl::StatusOr<v1::Target> UpdateTarget(const Principal& who, const v1::UpdateTargetRequest& req);
  absl::StatusOr<v1::ListTargetVersionsResponse> ListTargetVersions(const Principal& who,
                                                                    const v1::ListTargetVersionsRequest& req);

  // settings.cc
  absl::StatusOr<v1::ForecastSettings> GetForecastSettings(const Principal& who,
                                                           const v1::GetForecastSettingsRequest& req);
  absl::StatusOr<v1::ForecastSettings> UpdateForecastSettings(const Principal& who,
                                                              const v1::UpdateForecastSettingsRequest& req);

  // attainment.cc
  absl::StatusOr<v1::Attainment> GetAttainment(const Principal& who, const v1::GetAttainmentRequest& req);
  absl::StatusOr<v1::Forecast> GetForecast(const Principal& who, const v1::GetForecastRequest& req);

  // reports.cc
  absl::StatusOr<v1::DailyReport> DraftDailyReport(const Principal& who, const v1::DraftDailyReportRequest& req);
  absl::StatusOr<v1::DailyReport> GetDailyReport(const Principal& who, const v1::GetDailyReportRequest& req);
  absl::StatusOr<v1::ListDailyReportsResponse> ListDailyReports(const Principal& who,
                                                                const v1::ListDailyReportsRequest& req);
  absl::StatusOr<v1::DailyReport> UpdateDailyReport(const Principal& who, const v1::UpdateDailyReportRequest& req);
  absl::StatusOr<v1::DailyReport> SubmitDailyReport(const Principal& who, const v1::SubmitDailyReportRequest& req);
  absl::StatusOr<v1::DailyReport> ReviewDailyReport(const Principal& who, const v1::ReviewDailyReportRequest& req);
  absl::StatusOr<v1::ListMissingDailyReportsResponse> ListMissingDailyReports(
      const Principal& who, const v1::ListMissingDailyReportsRequest& req);
  absl::StatusOr<v1::WorkCalendar> GetWorkCalendar(const Principal& who, const v1::GetWorkCalendarRequest& req);
  absl::StatusOr<v1::WorkCalendar> UpdateWorkCalendar(const Principal& who, const v1::UpdateWorkCalendarRequest& req);

  // pack.cc
  absl::StatusOr<v1::MonthlyPack> GetMonthlyPack(const Principal& who, const v1::GetMonthlyPackRequest& req);

  // evaluations.cc
  absl::StatusOr<v1::Scorecard> GetScorecard(const Principal& who, const v1::GetScorecardRequest& req);
  absl::StatusOr<v1::Evaluation> CreateEvaluation(const Principal& who, const v1::CreateEvaluationRequest& req);
  absl::StatusOr<v1::Evaluation> GetEvaluation(const Principal& who, const v1::GetEvaluationRequest& req);
  absl::StatusOr<v1::ListEvaluationsResponse> ListEvaluations(const Principal& who,
                                                              const v1::ListEvaluationsRequest& req);

 private:
  // The attainment of the targets `filter` selects over months first..last
  // of `year` (attainment.cc; GetAttainment and the pack).
  absl::StatusOr<v1::Attainment> AttainmentOf(const Principal& who, int year, int first, int last,
                                              const TargetFilter& filter);
  // The forecast of one KAM, one segment or the department (attainment.cc;
  // GetForecast and the pack); the request is checked.
  absl::StatusOr<v1::Forecast> ForecastOf(const Principal& who, const v1::GetForecastRequest& req);
  // The scorecard of a KAM's months (evaluations.cc), checked by the
  // caller.
  absl::StatusOr<v1::Scorecard> ScorecardOf(const Principal& who, const std::string& kam, absl::CivilMonth first,
                                            absl::CivilMonth last);
  // Yesterday and the days before it: the last day a report is due by now.
  absl::CivilDay Yesterday() const;

  // The months of `t` as its split says (LAST_YEAR asks the peers, before
  // any transaction).
  absl::Status SplitMonths(const Principal& who, v1::Target& t);

  SalesStore* store_;
  Figures* figures_;
  const Clock* clock_;
  PageTokens page_tokens_;
  absl::TimeZone zone_;
};

}  // namespace atrium::sales
