#include "services/notifications/watch.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace atrium::notifications {

Broadcaster::Broadcaster(WatchLimits limits) : limits_(limits) {
  watchdog_ = std::thread([this] { Watchdog(); });
}

Broadcaster::~Broadcaster() {
  Close();
  stop_.Notify();
  watchdog_.join();
}

Broadcaster::Subscription::Next Broadcaster::Subscription::Wait(absl::Duration timeout) {
  absl::MutexLock lock(&mu);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return !queue.empty() || closed || !behind_why.empty(); };
  mu.AwaitWithTimeout(absl::Condition(&ready), timeout);
  if (!behind_why.empty()) return {Outcome::kBehind, nullptr};
  if (!queue.empty()) {
    Next next{Outcome::kEvent, std::move(queue.front().dispatch)};
    queue_bytes -= queue.front().bytes;
    queue.pop_front();
    return next;
  }
  return {closed ? Outcome::kClosed : Outcome::kTimeout, nullptr};
}

bool Broadcaster::Subscription::StartWrite() {
  absl::MutexLock lock(&mu);
  // Checked with the mark set under one lock: a stream that falls behind
  // from now on sees the write running and is ended from outside.
  if (!behind_why.empty()) return false;
  writing_since = absl::Now();
  return true;
}

void Broadcaster::Subscription::WriteDone() {
  absl::MutexLock lock(&mu);
  writing_since.reset();
}

void Broadcaster::Subscription::SetEnd(std::function<void(const std::string&)> fn) {
  absl::MutexLock lock(&end_mu);
  end = std::move(fn);
}

void Broadcaster::Subscription::SetWake(std::function<void()> fn) {
  absl::MutexLock lock(&end_mu);
  wake = std::move(fn);
}

void Broadcaster::Subscription::Wake() {
  absl::MutexLock lock(&end_mu);
  if (!ended && wake) wake();
}

std::string Broadcaster::Subscription::behind() const {
  absl::MutexLock lock(&mu);
  return behind_why;
}

void Broadcaster::Subscription::FallBehind(const std::string& why) {
  if (!behind_why.empty()) return;
  behind_why = why;
  // Nothing buffered is needed any more: the client catches up from the store.
  queue.clear();
  queue_bytes = 0;
  // A handler blocked in a write cannot notice; it is ended from outside.
  end_pending = writing_since.has_value();
}

void Broadcaster::Subscription::End() {
  std::string why;
  {
    absl::MutexLock lock(&mu);
    why = behind_why;
    end_pending = false;
  }
  absl::MutexLock lock(&end_mu);
  if (ended || !end) return;
  ended = true;
  end(why);
}

absl::StatusOr<std::shared_ptr<Broadcaster::Subscription>> Broadcaster::Subscribe(const std::string& caller,
                                                                                  const std::string& department) {
  absl::MutexLock lock(&mu_);
  if (closed_) return WithReason(absl::UnavailableError("the service is shutting down; reconnect"), "SHUTTING_DOWN");
  if (static_cast<int>(subs_.size()) >= limits_.max_streams) {
    return WithReason(absl::ResourceExhaustedError(absl::StrCat(
                          "the service serves at most ", limits_.max_streams,
                          " WatchDispatches streams (watch-max-streams); try again later or subscribe on Redis")),
                      "TOO_MANY_STREAMS", {{"limit", "watch-max-streams"}, {"max", absl::StrCat(limits_.max_streams)}});
  }
  int& mine = per_caller_[caller];
  if (mine >= limits_.max_streams_per_caller) {
    return WithReason(
        absl::ResourceExhaustedError(absl::StrCat("a caller may have at most ", limits_.max_streams_per_caller,
                                                  " WatchDispatches streams open "
                                                  "(watch-max-streams-per-caller); close one first")),
        "TOO_MANY_STREAMS",
        {{"limit", "watch-max-streams-per-caller"}, {"max", absl::StrCat(limits_.max_streams_per_caller)}});
  }
  ++mine;
  auto sub = std::make_shared<Subscription>();
  sub->caller = caller;
  sub->department = department;
  sub->buffer_bytes = limits_.buffer_bytes;
  subs_.push_back(sub);
  return sub;
}

void Broadcaster::Leave(const std::shared_ptr<Subscription>& sub) {
  absl::MutexLock lock(&mu_);
  auto it = std::find(subs_.begin(), subs_.end(), sub);
  if (it == subs_.end()) return;
  subs_.erase(it);
  if (--per_caller_[sub->caller] <= 0) per_caller_.erase(sub->caller);
}

void Broadcaster::Unsubscribe(const std::shared_ptr<Subscription>& sub) {
  Leave(sub);
  // Waits for an end or wake function running elsewhere; none runs afterwards.
  absl::MutexLock lock(&sub->end_mu);
  sub->ended = true;
  sub->end = nullptr;
  sub->wake = nullptr;
}

void Broadcaster::Close() {
  std::vector<std::shared_ptr<Subscription>> wake;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    for (auto& sub : subs_) {
      absl::MutexLock sub_lock(&sub->mu);
      sub->closed = true;
      wake.push_back(sub);
    }
  }
  EndOrWake({}, wake);
}

int Broadcaster::streams() {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(subs_.size());
}

void Broadcaster::EndOrWake(const std::vector<std::shared_ptr<Subscription>>& end,
                            const std::vector<std::shared_ptr<Subscription>>& wake) {
  for (const auto& sub : end) sub->End();
  for (const auto& sub : wake) sub->Wake();
}

void Broadcaster::Dispatched(const DispatchBatch& dispatches) {
  std::vector<std::shared_ptr<Subscription>> to_end;
  std::vector<std::shared_ptr<Subscription>> to_wake;
  {
    absl::MutexLock lock(&mu_);
    if (subs_.empty()) return;
    // One copy per dispatch, shared by every stream that buffers it.
    std::vector<std::shared_ptr<const v1::Dispatch>> shared(dispatches->size());
    std::vector<size_t> bytes(dispatches->size());
    for (auto& sub : subs_) {
      absl::MutexLock sub_lock(&sub->mu);
      bool woken = false;
      for (size_t i = 0; i < dispatches->size(); ++i) {
        const v1::Dispatch& d = (*dispatches)[i];
        if (d.department() != sub->department) continue;
        if (!sub->behind_why.empty() || sub->closed) break;
        if (!shared[i]) {
          shared[i] = std::make_shared<const v1::Dispatch>(d);
          bytes[i] = shared[i]->SpaceUsedLong();
        }
        // An empty buffer takes one dispatch larger than the bound, so that
        // every dispatch can be streamed.
        if (!sub->queue.empty() && sub->queue_bytes + bytes[i] > sub->buffer_bytes) {
          sub->FallBehind(absl::StrCat("the stream fell behind: more than ", sub->buffer_bytes,
                                       " bytes of dispatches waited for the client (watch-buffer-bytes); "
                                       "reconnect to catch up"));
          if (sub->end_pending) {
            to_end.push_back(sub);
            woken = false;
          } else {
            woken = true;
          }
          break;
        }
        sub->queue.push_back({shared[i], bytes[i]});
        sub->queue_bytes += bytes[i];
        woken = true;
      }
      if (woken) to_wake.push_back(sub);
    }
  }
  EndOrWake(to_end, to_wake);
}

void Broadcaster::Watchdog() {
  const absl::Duration period = std::clamp(limits_.write_timeout / 4, absl::Milliseconds(10), absl::Seconds(1));
  while (!stop_.WaitForNotificationWithTimeout(period)) {
    std::vector<std::shared_ptr<Subscription>> to_end;
    {
      absl::MutexLock lock(&mu_);
      const absl::Time now = absl::Now();
      for (auto& sub : subs_) {
        absl::MutexLock sub_lock(&sub->mu);
        if (!sub->writing_since || now - *sub->writing_since <= limits_.write_timeout) continue;
        sub->FallBehind(absl::StrCat("the stream fell behind: a write to the client waited longer than ",
                                     absl::FormatDuration(limits_.write_timeout),
                                     " (watch-write-timeout); reconnect to catch up"));
        if (sub->end_pending) to_end.push_back(sub);
      }
    }
    EndOrWake(to_end, {});
  }
}

}  // namespace atrium::notifications
