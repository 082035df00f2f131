#include "services/notifications/handler.h"

#include <algorithm>

#include "common/errors.h"
#include "common/handler.h"
#include "common/status_macros.h"
#include "grpc/grpc.h"

namespace atrium::notifications {
namespace {

v1::DispatchEvent Event(const v1::Dispatch& d) {
  v1::DispatchEvent e;
  e.set_event_id(d.event_id());
  *e.mutable_dispatch() = d;
  return e;
}

// How a stream that fell behind ends: the client reconnects and catches up.
absl::Status StreamFellBehind(const std::string& why) {
  return WithReason(absl::UnavailableError(why), "STREAM_FELL_BEHIND");
}

// Most dispatches one catch-up page reads.
constexpr size_t kMaxCatchUpPage = 100;

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
    ASSIGN_OR_RETURN(auto sub, broadcaster_->Subscribe(who.subject, request->department()));
    struct Leave {
      Broadcaster* b;
      std::shared_ptr<Broadcaster::Subscription> s;
      ~Leave() { b->Unsubscribe(s); }
    } leave{broadcaster_, sub};
    // A sync write blocked on a client that does not read can only be ended
    // by cancelling the call; the status goes out ahead of the messages still
    // queued (HTTP/2 trailers are not flow-controlled), so the client learns
    // to reconnect.
    (sub)->SetEnd([context](const std::string& why) {
      grpc_call_cancel_with_status(context->c_call(), GRPC_STATUS_UNAVAILABLE, why.c_str(), nullptr);
    });
    // Returns false when the stream is over: the client left or fell behind.
    auto write = [&](v1::DispatchEvent e) {
      if (!(sub)->StartWrite()) return false;
      const bool ok = writer->Write(e);
      (sub)->WriteDone();
      return ok;
    };
    auto over = [&]() -> absl::Status {
      const std::string why = (sub)->behind();
      return why.empty() ? absl::OkStatus() : StreamFellBehind(why);
    };
    if (!request->skip_catch_up()) {
      if (auto s = CatchUp(who, request->department(), write); !s.ok()) return s;
      if (!(sub)->behind().empty() || context->IsCancelled()) return over();
    }
    for (;;) {
      auto next = (sub)->Wait(absl::Seconds(1));
      switch (next.outcome) {
        case Broadcaster::Subscription::Outcome::kEvent:
          if (!write(Event(*next.dispatch))) return over();
          break;
        case Broadcaster::Subscription::Outcome::kTimeout:
          if (context->IsCancelled()) return over();
          break;
        case Broadcaster::Subscription::Outcome::kClosed:
          return WithReason(absl::UnavailableError("the service is shutting down; reconnect"), "SHUTTING_DOWN");
        case Broadcaster::Subscription::Outcome::kBehind: (sub)->End(); return over();
      }
    }
  });
}

absl::Status NotificationsHandler::CatchUp(const Principal& who, const std::string& department,
                                           const std::function<bool(v1::DispatchEvent)>& write) {
  // Pages sized to hold about the stream's buffer of the largest dispatches
  // seen so far, so that a catch-up never holds more than that in memory.
  v1::ListDispatchesRequest list;
  list.set_department(department);
  list.set_unsigned_only(true);
  list.set_page_size(1);
  size_t largest = 1;
  do {
    ASSIGN_OR_RETURN(auto page, notices_->ListDispatches(who, list));
    for (const auto& d : page.dispatches()) {
      largest = std::max(largest, static_cast<size_t>(d.SpaceUsedLong()));
      if (!write(Event(d))) return absl::OkStatus();  // the caller sees why
    }
    list.set_page_size(
        static_cast<int>(std::clamp<size_t>(broadcaster_->limits().buffer_bytes / largest, 1, kMaxCatchUpPage)));
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  return absl::OkStatus();
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
