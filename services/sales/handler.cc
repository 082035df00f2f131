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
  Seal();
}

}  // namespace atrium::sales
