#include "services/inspections/handler.h"

#include "common/handler.h"

namespace atrium::inspections {

grpc::Status InspectionsHandler::CreatePoint(grpc::ServerContext* context, const v1::CreatePointRequest* request,
                                             v1::InspectionPoint* response) {
  return Handle(*verifier_, context, "CreatePoint",
                [&](const Principal& who) { return Reply(inspections_->CreatePoint(who, *request), response); });
}

grpc::Status InspectionsHandler::GetPoint(grpc::ServerContext* context, const v1::GetPointRequest* request,
                                          v1::InspectionPoint* response) {
  return Handle(*verifier_, context, "GetPoint",
                [&](const Principal& who) { return Reply(inspections_->GetPoint(who, *request), response); });
}

grpc::Status InspectionsHandler::ListPoints(grpc::ServerContext* context, const v1::ListPointsRequest* request,
                                            v1::ListPointsResponse* response) {
  return Handle(*verifier_, context, "ListPoints",
                [&](const Principal& who) { return Reply(inspections_->ListPoints(who, *request), response); });
}

grpc::Status InspectionsHandler::UpdatePoint(grpc::ServerContext* context, const v1::UpdatePointRequest* request,
                                             v1::InspectionPoint* response) {
  return Handle(*verifier_, context, "UpdatePoint",
                [&](const Principal& who) { return Reply(inspections_->UpdatePoint(who, *request), response); });
}

grpc::Status InspectionsHandler::RetirePoint(grpc::ServerContext* context, const v1::RetirePointRequest* request,
                                             v1::InspectionPoint* response) {
  return Handle(*verifier_, context, "RetirePoint",
                [&](const Principal& who) { return Reply(inspections_->RetirePoint(who, *request), response); });
}

grpc::Status InspectionsHandler::ListDueInspections(grpc::ServerContext* context,
                                                    const v1::ListDueInspectionsRequest* request,
                                                    v1::ListDueInspectionsResponse* response) {
  return Handle(*verifier_, context, "ListDueInspections",
                [&](const Principal& who) { return Reply(inspections_->ListDueInspections(who, *request), response); });
}

grpc::Status InspectionsHandler::RecordInspection(grpc::ServerContext* context,
                                                  const v1::RecordInspectionRequest* request,
                                                  v1::Inspection* response) {
  return Handle(*verifier_, context, "RecordInspection",
                [&](const Principal& who) { return Reply(inspections_->RecordInspection(who, *request), response); });
}

grpc::Status InspectionsHandler::GetInspection(grpc::ServerContext* context, const v1::GetInspectionRequest* request,
                                               v1::Inspection* response) {
  return Handle(*verifier_, context, "GetInspection",
                [&](const Principal& who) { return Reply(inspections_->GetInspection(who, *request), response); });
}

grpc::Status InspectionsHandler::ListInspections(grpc::ServerContext* context,
                                                 const v1::ListInspectionsRequest* request,
                                                 v1::ListInspectionsResponse* response) {
  return Handle(*verifier_, context, "ListInspections",
                [&](const Principal& who) { return Reply(inspections_->ListInspections(who, *request), response); });
}

grpc::Status InspectionsHandler::GetAction(grpc::ServerContext* context, const v1::GetActionRequest* request,
                                           v1::CorrectiveAction* response) {
  return Handle(*verifier_, context, "GetAction",
                [&](const Principal& who) { return Reply(inspections_->GetAction(who, *request), response); });
}

grpc::Status InspectionsHandler::ListActions(grpc::ServerContext* context, const v1::ListActionsRequest* request,
                                             v1::ListActionsResponse* response) {
  return Handle(*verifier_, context, "ListActions",
                [&](const Principal& who) { return Reply(inspections_->ListActions(who, *request), response); });
}

grpc::Status InspectionsHandler::RecheckAction(grpc::ServerContext* context, const v1::RecheckActionRequest* request,
                                               v1::CorrectiveAction* response) {
  return Handle(*verifier_, context, "RecheckAction",
                [&](const Principal& who) { return Reply(inspections_->RecheckAction(who, *request), response); });
}

grpc::Status InspectionsHandler::GetComplianceReport(grpc::ServerContext* context,
                                                     const v1::GetComplianceReportRequest* request,
                                                     v1::ComplianceReport* response) {
  return Handle(*verifier_, context, "GetComplianceReport", [&](const Principal& who) {
    return Reply(inspections_->GetComplianceReport(who, *request), response);
  });
}

}  // namespace atrium::inspections
