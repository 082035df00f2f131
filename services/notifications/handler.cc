#include "services/notifications/handler.h"

#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "services/notifications/watch_stream.h"

namespace atrium::notifications {

NotificationsHandler::NotificationsHandler(Notices* notices, Alerts* alerts, Broadcaster* broadcaster,
                                           const TokenVerifier* verifier, Executor* executor)
    : Bindings(v1::NotificationsService::service_full_name(), verifier, executor) {
  Unary(notices, &Notices::DispatchNotice);
  Unary(notices, &Notices::GetNotice);
  Unary(notices, &Notices::ListNotices);
  Unary(notices, &Notices::ListNoticeRevisions);
  Unary(notices, &Notices::GetNoticeRevision);
  Unary(notices, &Notices::PrintNoticeRevision);
  Unary(notices, &Notices::PrintDispatchRecord);
  Unary(notices, &Notices::GetDispatch);
  Unary(notices, &Notices::ListDispatches);
  Unary(notices, &Notices::SignDispatch);
  ServerStream<v1::WatchDispatchesRequest, v1::DispatchEvent>(
      [=](grpc::CallbackServerContext* ctx, const v1::WatchDispatchesRequest* req, const std::string& method) {
        return WatchStream::Start(ctx, req, method, WatchStream::Parts{notices, broadcaster, verifier, executor});
      });
  Unary(alerts, &Alerts::CreateAlert);
  Unary(alerts, &Alerts::ListAlerts);
  Seal();
}

}  // namespace atrium::notifications
