// gRPC handlers of atrium.notifications.v1.NotificationsService: authenticate
// the caller, call the domain, translate its status. WatchDispatches also
// pumps the stream.
#pragma once

#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/auth.h"
#include "services/notifications/alerts.h"
#include "services/notifications/notices.h"
#include "services/notifications/watch.h"

namespace atrium::notifications {

class NotificationsHandler final : public v1::NotificationsService::Service {
 public:
  NotificationsHandler(Notices* notices, Alerts* alerts, Broadcaster* broadcaster, const TokenVerifier* verifier)
      : notices_(notices), alerts_(alerts), broadcaster_(broadcaster), verifier_(verifier) {}

  grpc::Status DispatchNotice(grpc::ServerContext* context, const v1::DispatchNoticeRequest* request,
                              v1::Notice* response) override;
  grpc::Status GetNotice(grpc::ServerContext* context, const v1::GetNoticeRequest* request,
                         v1::Notice* response) override;
  grpc::Status ListNotices(grpc::ServerContext* context, const v1::ListNoticesRequest* request,
                           v1::ListNoticesResponse* response) override;
  grpc::Status ListNoticeRevisions(grpc::ServerContext* context, const v1::ListNoticeRevisionsRequest* request,
                                   v1::ListNoticeRevisionsResponse* response) override;
  grpc::Status GetNoticeRevision(grpc::ServerContext* context, const v1::GetNoticeRevisionRequest* request,
                                 v1::NoticeRevision* response) override;
  grpc::Status GetDispatch(grpc::ServerContext* context, const v1::GetDispatchRequest* request,
                           v1::Dispatch* response) override;
  grpc::Status ListDispatches(grpc::ServerContext* context, const v1::ListDispatchesRequest* request,
                              v1::ListDispatchesResponse* response) override;
  grpc::Status SignDispatch(grpc::ServerContext* context, const v1::SignDispatchRequest* request,
                            v1::Dispatch* response) override;
  grpc::Status WatchDispatches(grpc::ServerContext* context, const v1::WatchDispatchesRequest* request,
                               grpc::ServerWriter<v1::DispatchEvent>* writer) override;

  grpc::Status CreateAlert(grpc::ServerContext* context, const v1::CreateAlertRequest* request,
                           v1::Alert* response) override;
  grpc::Status ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                          v1::ListAlertsResponse* response) override;

 private:
  Notices* notices_;
  Alerts* alerts_;
  Broadcaster* broadcaster_;
  const TokenVerifier* verifier_;
};

}  // namespace atrium::notifications
