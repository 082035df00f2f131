#include "services/notifications/watch.h"

#include <algorithm>

namespace atrium::notifications {

Broadcaster::Subscription::Outcome Broadcaster::Subscription::Next(absl::Duration timeout, v1::Dispatch* out) {
  absl::MutexLock lock(&mu);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return !queue.empty() || closed || overflow; };
  mu.AwaitWithTimeout(absl::Condition(&ready), timeout);
  if (overflow) return Outcome::kOverflow;
  if (!queue.empty()) {
    *out = std::move(queue.front());
    queue.pop_front();
    return Outcome::kEvent;
  }
  return closed ? Outcome::kClosed : Outcome::kTimeout;
}

std::shared_ptr<Broadcaster::Subscription> Broadcaster::Subscribe(const std::string& department) {
  auto sub = std::make_shared<Subscription>();
  sub->department = department;
  absl::MutexLock lock(&mu_);
  if (closed_) {
    absl::MutexLock sub_lock(&sub->mu);
    sub->closed = true;
  } else {
    subs_.push_back(sub);
  }
  return sub;
}

void Broadcaster::Unsubscribe(const std::shared_ptr<Subscription>& sub) {
  absl::MutexLock lock(&mu_);
  subs_.erase(std::remove(subs_.begin(), subs_.end(), sub), subs_.end());
}

void Broadcaster::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  for (auto& sub : subs_) {
    absl::MutexLock sub_lock(&sub->mu);
    sub->closed = true;
  }
  subs_.clear();
}

void Broadcaster::Dispatched(const DispatchBatch& dispatches) {
  absl::MutexLock lock(&mu_);
  for (auto& sub : subs_) {
    absl::MutexLock sub_lock(&sub->mu);
    for (const auto& d : *dispatches) {
      if (d.department() != sub->department) continue;
      if (sub->queue.size() >= max_queue_) {
        sub->overflow = true;
        break;
      }
      sub->queue.push_back(d);
    }
  }
}

}  // namespace atrium::notifications
