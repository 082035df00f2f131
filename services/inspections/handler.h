// gRPC handlers of atrium.inspections.v1.InspectionsService: authenticate
// the caller, call the domain, translate its status. Nothing else happens here.
#pragma once

#include "atrium/inspections/v1/inspections.grpc.pb.h"
#include "common/auth.h"
#include "services/inspections/inspections.h"

namespace atrium::inspections {

class InspectionsHandler final : public v1::InspectionsService::Service {
 public:
  InspectionsHandler(Inspections* inspections, const TokenVerifier* verifier)
      : inspections_(inspections), verifier_(verifier) {}

  grpc::Status CreatePoint(grpc::ServerContext* context, const v1::CreatePointRequest* request,
                           v1::InspectionPoint* response) override;
  grpc::Status GetPoint(grpc::ServerContext* context, const v1::GetPointRequest* request,
                        v1::InspectionPoint* response) override;
  grpc::Status ListPoints(grpc::ServerContext* context, const v1::ListPointsRequest* request,
                          v1::ListPointsResponse* response) override;
  grpc::Status UpdatePoint(grpc::ServerContext* context, const v1::UpdatePointRequest* request,
                           v1::InspectionPoint* response) override;
  grpc::Status RetirePoint(grpc::ServerContext* context, const v1::RetirePointRequest* request,
                           v1::InspectionPoint* response) override;
  grpc::Status ListDueInspections(grpc::ServerContext* context, const v1::ListDueInspectionsRequest* request,
                                  v1::ListDueInspectionsResponse* response) override;
  grpc::Status RecordInspection(grpc::ServerContext* context, const v1::RecordInspectionRequest* request,
                                v1::Inspection* response) override;
  grpc::Status GetInspection(grpc::ServerContext* context, const v1::GetInspectionRequest* request,
                             v1::Inspection* response) override;
  grpc::Status ListInspections(grpc::ServerContext* context, const v1::ListInspectionsRequest* request,
                               v1::ListInspectionsResponse* response) override;
  grpc::Status GetAction(grpc::ServerContext* context, const v1::GetActionRequest* request,
                         v1::CorrectiveAction* response) override;
  grpc::Status ListActions(grpc::ServerContext* context, const v1::ListActionsRequest* request,
                           v1::ListActionsResponse* response) override;
  grpc::Status RecheckAction(grpc::ServerContext* context, const v1::RecheckActionRequest* request,
                             v1::CorrectiveAction* response) override;
  grpc::Status GetComplianceReport(grpc::ServerContext* context, const v1::GetComplianceReportRequest* request,
                                   v1::ComplianceReport* response) override;

 private:
  Inspections* inspections_;
  const TokenVerifier* verifier_;
};

}  // namespace atrium::inspections
