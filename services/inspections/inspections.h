// The domain of the inspections service: points and their items, the day's
// round, the forms, corrective actions, compliance reports and the report
// of missed inspections to the GM office. Takes the verified caller and the
// request, returns the resource or a status; every operation runs in one
// store transaction; writes to other services go into the outbox in the
// same transaction.
//
// inspections.cc: points, the round, forms, actions. reports.cc: the
// compliance report and missed inspections.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/inspections/v1/inspections.pb.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "common/time_util.h"
#include "services/inspections/store.h"

namespace atrium::inspections {

struct InspectionsOptions {
  // The hotel's time zone: days and windows.
  absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  // When a corrective action is due unless the inspector says.
  absl::Duration action_due_within = absl::Hours(24);
  // How far back a missed inspection is still reported (after a long stop).
  int report_missed_days = 31;
};

class Inspections final {
 public:
  Inspections(InspectionsStore* store, const Clock* clock, PageTokens page_tokens, InspectionsOptions options);

  absl::StatusOr<v1::InspectionPoint> CreatePoint(const Principal& who, const v1::CreatePointRequest& req);
  absl::StatusOr<v1::InspectionPoint> GetPoint(const Principal& who, const v1::GetPointRequest& req);
  absl::StatusOr<v1::ListPointsResponse> ListPoints(const Principal& who, const v1::ListPointsRequest& req);
  absl::StatusOr<v1::InspectionPoint> UpdatePoint(const Principal& who, const v1::UpdatePointRequest& req);
  absl::StatusOr<v1::InspectionPoint> RetirePoint(const Principal& who, const v1::RetirePointRequest& req);
  absl::StatusOr<v1::ListDueInspectionsResponse> ListDueInspections(const Principal& who,
                                                                    const v1::ListDueInspectionsRequest& req);
  absl::StatusOr<v1::Inspection> RecordInspection(const Principal& who, const v1::RecordInspectionRequest& req);
  absl::StatusOr<v1::Inspection> GetInspection(const Principal& who, const v1::GetInspectionRequest& req);
  absl::StatusOr<v1::ListInspectionsResponse> ListInspections(const Principal& who,
                                                              const v1::ListInspectionsRequest& req);
  absl::StatusOr<v1::CorrectiveAction> GetAction(const Principal& who, const v1::GetActionRequest& req);
  absl::StatusOr<v1::ListActionsResponse> ListActions(const Principal& who, const v1::ListActionsRequest& req);
  absl::StatusOr<v1::CorrectiveAction> RecheckAction(const Principal& who, const v1::RecheckActionRequest& req);

  // reports.cc
  absl::StatusOr<v1::ComplianceReport> GetComplianceReport(const Principal& who,
                                                           const v1::GetComplianceReportRequest& req);
  // Puts an alert to the GM office in the outbox for every missed
  // inspection not reported yet; returns how many. Run on a schedule.
  absl::StatusOr<int> ReportMissed();

  // The standard's two points (the Customer Relations office and the
  // conference centre, 8:00-18:00), created when there are no points at all.
  absl::Status SeedDefaultPoints();

 private:
  // Marks `a` overdue when it is open past its due time.
  void MarkOverdue(v1::CorrectiveAction* a) const;

  InspectionsStore* store_;
  const Clock* clock_;
  PageTokens page_tokens_;
  InspectionsOptions options_;
};

}  // namespace atrium::inspections
