#include "services/notifications/watch_stream.h"

#include <algorithm>
#include <utility>

#include "common/errors.h"
#include "common/handler.h"
#include "common/trace.h"
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

WatchStream::WatchStream(grpc::CallbackServerContext* ctx, const v1::WatchDispatchesRequest* req,
                         const std::string& method, Parts parts)
    : ctx_(ctx),
      request_(*req),
      method_(method),
      parts_(parts),
      arrived_(absl::Now()),
      traceparent_(IncomingTraceparent(*ctx)) {}

WatchStream* WatchStream::Start(grpc::CallbackServerContext* ctx, const v1::WatchDispatchesRequest* req,
                                const std::string& method, Parts parts) {
  auto* stream = new WatchStream(ctx, req, method, parts);
  stream->Submit(&WatchStream::Begin);
  return stream;
}

bool WatchStream::Submit(void (WatchStream::*task)()) {
  {
    absl::MutexLock lock(&mu_);
    ++tasks_;
  }
  auto run = [this, task] {
    (this->*task)();
    bool last;
    {
      absl::MutexLock lock(&mu_);
      last = --tasks_ == 0 && done_;
    }
    if (last) delete this;
  };
  if (parts_.executor->TrySubmit(std::move(run))) return true;
  {
    absl::MutexLock lock(&mu_);
    --tasks_;  // gRPC is not done with this yet: End() finishes the call
  }
  End(absl::ResourceExhaustedError("the service has as many calls waiting as it takes; retry with backoff"));
  return false;
}

void WatchStream::Begin() {
  ScopedTrace trace(traceparent_);
  absl::StatusOr<Principal> who = parts_.verifier->Authenticate(*ctx_);
  absl::Status status = who.ok() ? parts_.notices->CheckWatch(*who, request_) : who.status();
  // Subscribe first, then catch up, so that nothing falls in between.
  std::shared_ptr<Broadcaster::Subscription> sub;
  if (status.ok()) {
    auto subscribed = parts_.broadcaster->Subscribe(who->subject, request_.department());
    if (subscribed.ok()) {
      sub = *std::move(subscribed);
    } else {
      status = subscribed.status();
    }
  }
  if (!status.ok()) {
    End(status);
    return;
  }
  bool over;
  {
    absl::MutexLock lock(&mu_);
    over = cancelled_ || finished_;
    if (!over) {
      who_ = *who;
      sub_ = sub;
      catching_up_ = !request_.skip_catch_up();
      next_page_.set_department(request_.department());
      next_page_.set_unsigned_only(true);
      next_page_.set_page_size(1);
    }
  }
  if (over) {  // the client left meanwhile
    parts_.broadcaster->Unsubscribe(sub);
    return;
  }
  // A write the client does not take can only be ended by cancelling the
  // call; the status goes out ahead of what is still queued (HTTP/2 trailers
  // are not flow-controlled), so the client learns to reconnect.
  sub->SetEnd([this](const std::string& why) {
    grpc_call_cancel_with_status(ctx_->c_call(), GRPC_STATUS_UNAVAILABLE, why.c_str(), nullptr);
  });
  sub->SetWake([this] { Pump(); });
  Pump();
}

void WatchStream::ReadPage() {
  ScopedTrace trace(traceparent_);
  Principal who;
  v1::ListDispatchesRequest list;
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    who = *who_;
    list = next_page_;
  }
  auto page = parts_.notices->ListDispatches(who, list);
  if (!page.ok()) {
    End(page.status());
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    reading_ = false;
    for (const auto& d : page->dispatches()) {
      largest_ = std::max(largest_, static_cast<size_t>(d.SpaceUsedLong()));
      page_.push_back(Event(d));
    }
    // Pages sized to hold about the stream's buffer of the largest
    // dispatches seen so far, so that a catch-up never holds more than that.
    next_page_.set_page_size(
        static_cast<int>(std::clamp<size_t>(parts_.broadcaster->limits().buffer_bytes / largest_, 1, kMaxCatchUpPage)));
    next_page_.set_page_token(page->next_page_token());
    if (page->next_page_token().empty()) catching_up_ = false;
  }
  Pump();
}

void WatchStream::Pump() {
  std::optional<absl::Status> end;
  bool write = false;
  bool read = false;
  {
    absl::MutexLock lock(&mu_);
    if (finished_ || writing_ || sub_ == nullptr) return;
    if (const std::string behind = sub_->behind(); !behind.empty()) {
      end = StreamFellBehind(behind);
    } else if (!page_.empty()) {
      writing_event_ = std::move(page_.front());
      page_.pop_front();
      write = true;
    } else if (catching_up_) {
      read = !reading_;
      reading_ = true;
    } else {
      auto next = sub_->Wait(absl::ZeroDuration());
      switch (next.outcome) {
        case Broadcaster::Subscription::Outcome::kEvent:
          writing_event_ = Event(*next.dispatch);
          write = true;
          break;
        case Broadcaster::Subscription::Outcome::kTimeout: break;  // woken again when there is more
        case Broadcaster::Subscription::Outcome::kClosed:
          end = WithReason(absl::UnavailableError("the service is shutting down; reconnect"), "SHUTTING_DOWN");
          break;
        case Broadcaster::Subscription::Outcome::kBehind: end = StreamFellBehind(sub_->behind()); break;
      }
    }
    if (write) {
      // Marked under the stream's lock: from now on, falling behind ends the
      // call from outside, since this write may never complete.
      writing_ = sub_->StartWrite();
      if (!writing_) {
        write = false;
        end = StreamFellBehind(sub_->behind());
      }
    }
  }
  if (write) {
    // Written through: complete only once on the connection, so a client
    // that stops reading holds this write, and the write timeout ends it.
    StartWrite(&writing_event_, grpc::WriteOptions().set_write_through());
  } else if (read) {
    Submit(&WatchStream::ReadPage);
  } else if (end) {
    End(*std::move(end));
  }
}

void WatchStream::OnWriteDone(bool ok) {
  std::shared_ptr<Broadcaster::Subscription> sub;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    sub = sub_;
  }
  sub->WriteDone();
  if (!ok) {  // the client left, or the call was ended from outside
    const std::string behind = sub->behind();
    End(behind.empty() ? absl::OkStatus() : StreamFellBehind(behind));
    return;
  }
  Pump();
}

void WatchStream::OnCancel() {
  std::shared_ptr<Broadcaster::Subscription> sub;
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    sub = sub_;
  }
  // Frees the stream's place at once: a write the client never took may keep
  // gRPC from calling OnDone for a while.
  if (sub != nullptr) parts_.broadcaster->Leave(sub);
  const std::string behind = sub == nullptr ? "" : sub->behind();
  End(behind.empty() ? absl::OkStatus() : StreamFellBehind(behind));
}

void WatchStream::End(absl::Status status) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    finished_ = true;
    status_ = status;
    page_.clear();
  }
  Finish(ToGrpcStatus(status));
}

void WatchStream::OnDone() {
  std::shared_ptr<Broadcaster::Subscription> sub;
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    sub = sub_;
    status = status_;
  }
  if (sub != nullptr) parts_.broadcaster->Unsubscribe(sub);
  Finished(method_.c_str(), status, arrived_);
  bool last;
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
    last = tasks_ == 0;
  }
  if (last) delete this;
}

}  // namespace atrium::notifications
