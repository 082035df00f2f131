// One WatchDispatches stream on gRPC's callback API: it catches its
// department up on what is unsigned (pages read on the executor), then
// writes each new dispatch the Broadcaster wakes it for. It holds no thread
// while it waits, at most one write is in flight, and each write is written
// through to the connection, so a client that stops reading leaves the write
// incomplete and the Broadcaster's write timeout ends the stream.
//
// The stream ends with UNAVAILABLE when it fell behind (STREAM_FELL_BEHIND:
// reconnect and catch up) or the service shuts down (SHUTTING_DOWN); its
// place under the stream caps is freed as soon as the call is over, even
// while gRPC still holds a write the client never took.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/auth.h"
#include "common/serve.h"
#include "grpcpp/grpcpp.h"
#include "services/notifications/notices.h"
#include "services/notifications/watch.h"

namespace atrium::notifications {

class WatchStream final : public grpc::ServerWriteReactor<v1::DispatchEvent> {
 public:
  struct Parts {
    Notices* notices;
    Broadcaster* broadcaster;
    const TokenVerifier* verifier;
    Executor* executor;
  };
  // The reactor of a new call; it deletes itself when gRPC is done with it.
  static WatchStream* Start(grpc::CallbackServerContext* ctx, const v1::WatchDispatchesRequest* req,
                            const std::string& method, Parts parts);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  WatchStream(grpc::CallbackServerContext* ctx, const v1::WatchDispatchesRequest* req, const std::string& method,
              Parts parts);

  // On the executor: authenticate, check, subscribe.
  void Begin();
  // On the executor: the next page of the catch-up.
  void ReadPage();
  // Writes what is next (a catch-up event or a new dispatch) unless a write
  // is in flight, asks for the next page, or ends the stream.
  void Pump();
  // Hands `task` to the executor; false (and the stream ends with
  // RESOURCE_EXHAUSTED) when its queue is full.
  bool Submit(void (WatchStream::*task)());
  // Finishes the call once with `status`.
  void End(absl::Status status);

  grpc::CallbackServerContext* const ctx_;
  const v1::WatchDispatchesRequest request_;
  const std::string& method_;
  const Parts parts_;
  const absl::Time arrived_;
  const std::string traceparent_;

  absl::Mutex mu_;
  std::optional<Principal> who_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Broadcaster::Subscription> sub_ ABSL_GUARDED_BY(mu_);
  // Catching up: the events of the page read, and the next page's request.
  bool catching_up_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<v1::DispatchEvent> page_ ABSL_GUARDED_BY(mu_);
  v1::ListDispatchesRequest next_page_ ABSL_GUARDED_BY(mu_);
  size_t largest_ ABSL_GUARDED_BY(mu_) = 1;
  // The event being written (gRPC reads it until OnWriteDone).
  v1::DispatchEvent writing_event_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  int tasks_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace atrium::notifications
