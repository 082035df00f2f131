// In-process fan-out of new dispatches to WatchDispatches streams.
//
// A stream subscribes before it catches up on the unsigned dispatches, so
// nothing dispatched in between is missed (a duplicate may be seen: events
// carry ids). A stream that falls `max_queue` events behind is ended, and its
// client reconnects and catches up; Close() ends every stream (shutdown).
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/notifications/notices.h"

namespace atrium::notifications {

class Broadcaster final : public DispatchSink {
 public:
  explicit Broadcaster(size_t max_queue = 10000) : max_queue_(max_queue) {}

  class Subscription {
   public:
    enum class Outcome { kEvent, kTimeout, kClosed, kOverflow };
    // Waits up to `timeout` for the next dispatch.
    Outcome Next(absl::Duration timeout, v1::Dispatch* out);

   private:
    friend class Broadcaster;
    absl::Mutex mu;
    std::deque<v1::Dispatch> queue ABSL_GUARDED_BY(mu);
    bool closed ABSL_GUARDED_BY(mu) = false;
    bool overflow ABSL_GUARDED_BY(mu) = false;
    std::string department;
  };

  std::shared_ptr<Subscription> Subscribe(const std::string& department);
  void Unsubscribe(const std::shared_ptr<Subscription>& sub);
  void Close();

  void Dispatched(const DispatchBatch& dispatches) override;

 private:
  const size_t max_queue_;
  absl::Mutex mu_;
  std::vector<std::shared_ptr<Subscription>> subs_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace atrium::notifications
