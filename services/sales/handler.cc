#include "services/sales/handler.h"

namespace atrium::sales {

SalesHandler::SalesHandler(Management* d, const TokenVerifier* verifier, Executor* executor)
    : Bindings(v1::SalesService::service_full_name(), verifier, executor) {
  Unary(d, &Management::CreateSegmentAssignment);
  Unary(d, &Management::GetSegmentAssignment);
  Unary(d, &Management::ListSegmentAssignments);
  Unary(d, &Management::UpdateSegmentAssignment);
  Unary(d, &Management::DeleteSegmentAssignment);
  Unary(d, &Management::CreateTarget);
  Unary(d, &Management::GetTarget);
  Unary(d, &Management::ListTargets);
  Unary(d, &Management::UpdateTarget);
  Unary(d, &Management::ListTargetVersions);
  Unary(d, &Management::GetForecastSettings);
  Unary(d, &Management::UpdateForecastSettings);
  Unary(d, &Management::GetAttainment);
  Unary(d, &Management::GetForecast);
  Unary(d, &Management::DraftDailyReport);
  Unary(d, &Management::GetDailyReport);
  Unary(d, &Management::ListDailyReports);
  Unary(d, &Management::UpdateDailyReport);
  Unary(d, &Management::SubmitDailyReport);
  Unary(d, &Management::ReviewDailyReport);
  Unary(d, &Management::ListMissingDailyReports);
  Unary(d, &Management::GetWorkCalendar);
  Unary(d, &Management::UpdateWorkCalendar);
  Unary(d, &Management::GetMonthlyPack);
  Unary(d, &Management::GetScorecard);
  Unary(d, &Management::CreateEvaluation);
  Unary(d, &Management::GetEvaluation);
  Unary(d, &Management::ListEvaluations);
  Seal();
}

}  // namespace atrium::sales
