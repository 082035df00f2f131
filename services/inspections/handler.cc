#include "services/inspections/handler.h"

namespace atrium::inspections {

InspectionsHandler::InspectionsHandler(Inspections* d, const TokenVerifier* verifier, Executor* executor)
    : Bindings(v1::InspectionsService::service_full_name(), verifier, executor) {
  Unary(d, &Inspections::CreatePoint);
  Unary(d, &Inspections::GetPoint);
  Unary(d, &Inspections::ListPoints);
  Unary(d, &Inspections::UpdatePoint);
  Unary(d, &Inspections::RetirePoint);
  Unary(d, &Inspections::ListDueInspections);
  Unary(d, &Inspections::RecordInspection);
  Unary(d, &Inspections::GetInspection);
  Unary(d, &Inspections::ListInspections);
  Unary(d, &Inspections::GetAction);
  Unary(d, &Inspections::ListActions);
  Unary(d, &Inspections::RecheckAction);
  Unary(d, &Inspections::GetComplianceReport);
  Seal();
}

}  // namespace atrium::inspections
