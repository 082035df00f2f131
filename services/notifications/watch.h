// In-process fan-out of new dispatches to WatchDispatches streams, with the
// bounds that keep a slow or stalled subscriber from holding memory or a
// thread.
//
// A stream subscribes before it catches up on the unsigned dispatches, so
// nothing dispatched in between is missed (a duplicate may be seen: events
// carry ids). Streams are capped per caller and in total: Subscribe() refuses
// one over a cap with RESOURCE_EXHAUSTED (ErrorInfo TOO_MANY_STREAMS naming
// the limit). Each stream buffers at most `buffer_bytes` of dispatches (their
// in-memory size; a dispatch is shared by every stream that buffers it). A
// stream falls behind when its buffer would overflow, or when a write to its
// client has not completed within `write_timeout`; a stream with a write in
// flight is then ended at once through the end function its handler set, and
// one without is woken to end itself; either way its buffer is freed and its
// client reconnects and catches up. Close() ends every stream (shutdown).
//
// A handler holds no thread while it waits: the wake function it sets runs
// whenever the stream has something new (a dispatch, falling behind, Close),
// and the handler then takes what is there with Wait(absl::ZeroDuration()).
//
//   auto sub = broadcaster.Subscribe(who.subject, "fnb");
//   if (!sub.ok()) return sub.status();
//   (*sub)->SetEnd([&](const std::string& why) { ...end the call now... });
//   (*sub)->SetWake([&] { ...take what is there: Wait(absl::ZeroDuration()), StartWrite()... });
//   ... when a write completes: (*sub)->WriteDone(); take the next ...
//   broadcaster.Unsubscribe(*sub);
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/notifications/notices.h"

namespace atrium::notifications {

struct WatchLimits {
  // Largest in-memory size of the dispatches one stream buffers.
  size_t buffer_bytes = 1 << 20;
  // A write to the client that takes longer ends the stream.
  absl::Duration write_timeout = absl::Seconds(30);
  // Open streams in total and per caller (the token's subject).
  int max_streams = 200;
  int max_streams_per_caller = 8;
};

class Broadcaster final : public DispatchSink {
 public:
  explicit Broadcaster(WatchLimits limits = {});
  ~Broadcaster() override;

  class Subscription {
   public:
    enum class Outcome { kEvent, kTimeout, kClosed, kBehind };
    struct Next {
      Outcome outcome;
      std::shared_ptr<const v1::Dispatch> dispatch;  // with kEvent
    };
    // Waits up to `timeout` for the next dispatch.
    Next Wait(absl::Duration timeout);
    // Called around each write to the client: a write still running after
    // the write timeout, or running when the buffer overflows, ends the
    // stream. StartWrite is false (write nothing) once the stream fell behind.
    bool StartWrite();
    void WriteDone();
    // How the stream is ended from outside its handler's thread, with the
    // reason (e.g. cancel the call with a status); called at most once, never
    // after Unsubscribe() returned. Set it before the first write.
    void SetEnd(std::function<void(const std::string& why)> end);
    // Called, on the thread that dispatched (or the watchdog's, or Close()'s)
    // and outside every lock of the broadcaster, each time the stream has
    // something new; never after Unsubscribe() returned, nor after End().
    // Set it, then take what is already there.
    void SetWake(std::function<void()> wake);
    // Why the stream fell behind ("" while it has not).
    std::string behind() const;
    // Calls the end function with the reason the stream fell behind (at
    // most once, never after Unsubscribe()).
    void End();
    // Calls the wake function (never after Unsubscribe()).
    void Wake();

   private:
    friend class Broadcaster;
    struct Entry {
      std::shared_ptr<const v1::Dispatch> dispatch;
      size_t bytes;
    };
    // Marks the stream fallen behind and drops its buffer; sets end_pending
    // when its handler is blocked in a write and must be ended from outside.
    void FallBehind(const std::string& why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

    mutable absl::Mutex mu;
    std::deque<Entry> queue ABSL_GUARDED_BY(mu);
    size_t queue_bytes ABSL_GUARDED_BY(mu) = 0;
    bool closed ABSL_GUARDED_BY(mu) = false;
    std::string behind_why ABSL_GUARDED_BY(mu);
    std::optional<absl::Time> writing_since ABSL_GUARDED_BY(mu);
    bool end_pending ABSL_GUARDED_BY(mu) = false;
    // Serialises the end function with SetEnd() and Unsubscribe().
    absl::Mutex end_mu;
    std::function<void(const std::string&)> end ABSL_GUARDED_BY(end_mu);
    std::function<void()> wake ABSL_GUARDED_BY(end_mu);
    bool ended ABSL_GUARDED_BY(end_mu) = false;
    std::string caller;
    std::string department;
    size_t buffer_bytes = 0;
  };

  // A new stream of `department`'s dispatches for `caller`, or
  // RESOURCE_EXHAUSTED when a cap is reached, or UNAVAILABLE after Close().
  absl::StatusOr<std::shared_ptr<Subscription>> Subscribe(const std::string& caller, const std::string& department);
  // Frees the stream's place under the caps at once (e.g. when its client
  // left while a write to it is still in flight); idempotent.
  void Leave(const std::shared_ptr<Subscription>& sub);
  // Leave(), then waits for an end or wake function running elsewhere; none
  // runs afterwards.
  void Unsubscribe(const std::shared_ptr<Subscription>& sub);
  void Close();
  // Open streams, for the metrics.
  int streams();
  const WatchLimits& limits() const { return limits_; }

  void Dispatched(const DispatchBatch& dispatches) override;

 private:
  void Watchdog();
  // Ends every subscription in `end` and wakes every one in `wake` (outside
  // the broadcaster's lock).
  static void EndOrWake(const std::vector<std::shared_ptr<Subscription>>& end,
                        const std::vector<std::shared_ptr<Subscription>>& wake);

  const WatchLimits limits_;
  absl::Mutex mu_;
  std::vector<std::shared_ptr<Subscription>> subs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> per_caller_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stop_;
  std::thread watchdog_;
};

}  // namespace atrium::notifications
