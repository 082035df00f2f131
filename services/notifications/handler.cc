#include "services/notifications/handler.h"

#include "common/errors.h"
#include "common/handler.h"

namespace atrium::notifications {
namespace {

v1::DispatchEvent Event(v1::Dispatch d) {
  v1::DispatchEvent e;
  e.set_event_id(d.event_id());
  *e.mutable_dispatch() = std::move(d);
  return e;
}

}  // namespace

grpc::Status NotificationsHandler::DispatchNotice(grpc::ServerContext* context,
                                                  const v1::DispatchNoticeRequest* request, v1::Notice* response) {
  return Handle(*verifier_, context, "DispatchNotice",
                [&](const Principal& who) { return Reply(notices_->DispatchNotice(who, *request), response); });
}

grpc::Status NotificationsHandler::GetNotice(grpc::ServerContext* context, const v1::GetNoticeRequest* request,
                                             v1::Notice* response) {
  return Handle(*verifier_, context, "GetNotice",
                [&](const Principal& who) { return Reply(notices_->GetNotice(who, *request), response); });
}

grpc::Status NotificationsHandler::ListNotices(grpc::ServerContext* context, const v1::ListNoticesRequest* request,
                                               v1::ListNoticesResponse* response) {
  return Handle(*verifier_, context, "ListNotices",
                [&](const Principal& who) { return Reply(notices_->ListNotices(who, *request), response); });
}

grpc::Status NotificationsHandler::GetNoticeRevision(grpc::ServerContext* context,
                                                     const v1::GetNoticeRevisionRequest* request,
                                                     v1::NoticeRevision* response) {
  return Handle(*verifier_, context, "GetNoticeRevision",
                [&](const Principal& who) { return Reply(notices_->GetNoticeRevision(who, *request), response); });
}

grpc::Status NotificationsHandler::ListNoticeRevisions(grpc::ServerContext* context,
                                                       const v1::ListNoticeRevisionsRequest* request,
                                                       v1::ListNoticeRevisionsResponse* response) {
  return Handle(*verifier_, context, "ListNoticeRevisions",
                [&](const Principal& who) { return Reply(notices_->ListNoticeRevisions(who, *request), response); });
}

grpc::Status NotificationsHandler::GetDispatch(grpc::ServerContext* context, const v1::GetDispatchRequest* request,
                                               v1::Dispatch* response) {
  return Handle(*verifier_, context, "GetDispatch",
                [&](const Principal& who) { return Reply(notices_->GetDispatch(who, *request), response); });
}

grpc::Status NotificationsHandler::ListDispatches(grpc::ServerContext* context,
                                                  const v1::ListDispatchesRequest* request,
                                                  v1::ListDispatchesResponse* response) {
  return Handle(*verifier_, context, "ListDispatches",
                [&](const Principal& who) { return Reply(notices_->ListDispatches(who, *request), response); });
}

grpc::Status NotificationsHandler::SignDispatch(grpc::ServerContext* context, const v1::SignDispatchRequest* request,
                                                v1::Dispatch* response) {
  return Handle(*verifier_, context, "SignDispatch",
                [&](const Principal& who) { return Reply(notices_->SignDispatch(who, *request), response); });
}

grpc::Status NotificationsHandler::WatchDispatches(grpc::ServerContext* context,
                                                   const v1::WatchDispatchesRequest* request,
                                                   grpc::ServerWriter<v1::DispatchEvent>* writer) {
  return Handle(*verifier_, context, "WatchDispatches", [&](const Principal& who) -> absl::Status {
    if (auto s = notices_->CheckWatch(who, *request); !s.ok()) return s;
    // Subscribe first, then catch up, so that nothing falls in between.
    auto sub = broadcaster_->Subscribe(request->department());
    struct Leave {
      Broadcaster* b;
      std::shared_ptr<Broadcaster::Subscription> s;
      ~Leave() { b->Unsubscribe(s); }
    } leave{broadcaster_, sub};
    if (!request->skip_catch_up()) {
      v1::ListDispatchesRequest list;
      list.set_department(request->department());
      list.set_unsigned_only(true);
      list.set_page_size(500);
      do {
        auto page = notices_->ListDispatches(who, list);
        if (!page.ok()) return page.status();
        for (const auto& d : page->dispatches()) {
          if (!writer->Write(Event(d))) return absl::OkStatus();  // the client left
        }
        list.set_page_token(page->next_page_token());
      } while (!list.page_token().empty());
    }
    for (;;) {
      v1::Dispatch d;
      switch (sub->Next(absl::Seconds(1), &d)) {
        case Broadcaster::Subscription::Outcome::kEvent:
          if (!writer->Write(Event(std::move(d)))) return absl::OkStatus();
          break;
        case Broadcaster::Subscription::Outcome::kTimeout:
          if (context->IsCancelled()) return absl::OkStatus();
          break;
        case Broadcaster::Subscription::Outcome::kClosed:
          return absl::UnavailableError("the service is shutting down; reconnect");
        case Broadcaster::Subscription::Outcome::kOverflow:
          return absl::UnavailableError("the stream fell behind; reconnect to catch up");
      }
    }
  });
}

grpc::Status NotificationsHandler::CreateAlert(grpc::ServerContext* context, const v1::CreateAlertRequest* request,
                                               v1::Alert* response) {
  return Handle(*verifier_, context, "CreateAlert",
                [&](const Principal& who) { return Reply(alerts_->CreateAlert(who, *request), response); });
}

grpc::Status NotificationsHandler::ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                                              v1::ListAlertsResponse* response) {
  return Handle(*verifier_, context, "ListAlerts",
                [&](const Principal& who) { return Reply(alerts_->ListAlerts(who, *request), response); });
}

}  // namespace atrium::notifications
