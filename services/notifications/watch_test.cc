#include "services/notifications/watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/testing.h"

namespace atrium::notifications {
namespace {

using Outcome = Broadcaster::Subscription::Outcome;

DispatchBatch Batch(const std::string& department, int n, size_t value_bytes) {
  auto batch = std::make_shared<std::vector<v1::Dispatch>>();
  for (int i = 0; i < n; ++i) {
    v1::Dispatch d;
    d.set_name("notices/n" + std::to_string(i) + "/revisions/1/dispatches/" + department);
    d.set_event_id(d.name());
    d.set_department(department);
    d.mutable_section()->add_fields()->set_value(std::string(value_bytes, 'x'));
    batch->push_back(std::move(d));
  }
  return batch;
}

TEST(BroadcasterTest, BuffersUpToItsBytesThenFallsBehindAndDropsTheBuffer) {
  WatchLimits limits;
  limits.buffer_bytes = 64 * 1024;
  Broadcaster b(limits);
  auto sub = b.Subscribe("fnb-zhou", "fnb");
  ASSERT_TRUE(sub.ok());
  b.Dispatched(Batch("fnb", 3, 10 * 1024));
  b.Dispatched(Batch("rooms", 100, 10 * 1024));  // another department's: not buffered
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*sub)->Wait(absl::ZeroDuration()).outcome, Outcome::kEvent);
  EXPECT_EQ((*sub)->Wait(absl::ZeroDuration()).outcome, Outcome::kTimeout);
  // Ten of 10 KiB do not fit in 64 KiB.
  b.Dispatched(Batch("fnb", 10, 10 * 1024));
  EXPECT_EQ((*sub)->Wait(absl::ZeroDuration()).outcome, Outcome::kBehind);
  EXPECT_NE((*sub)->behind().find("watch-buffer-bytes"), std::string::npos) << (*sub)->behind();
  b.Unsubscribe(*sub);
}

TEST(BroadcasterTest, AnEmptyBufferTakesOneDispatchLargerThanTheBound) {
  WatchLimits limits;
  limits.buffer_bytes = 4 * 1024;
  Broadcaster b(limits);
  auto sub = b.Subscribe("fnb-zhou", "fnb");
  ASSERT_TRUE(sub.ok());
  b.Dispatched(Batch("fnb", 1, 100 * 1024));
  EXPECT_EQ((*sub)->Wait(absl::ZeroDuration()).outcome, Outcome::kEvent);
  b.Unsubscribe(*sub);
}

TEST(BroadcasterTest, CapsStreamsPerCallerAndInTotal) {
  WatchLimits limits;
  limits.max_streams = 3;
  limits.max_streams_per_caller = 2;
  Broadcaster b(limits);
  auto a1 = b.Subscribe("a", "fnb");
  auto a2 = b.Subscribe("a", "fnb");
  ASSERT_TRUE(a1.ok() && a2.ok());
  auto a3 = b.Subscribe("a", "fnb");
  EXPECT_EQ(a3.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(testing::ReasonOf(a3.status()), "TOO_MANY_STREAMS");
  EXPECT_EQ(testing::MetadataOf(a3.status(), "limit"), "watch-max-streams-per-caller");
  auto b1 = b.Subscribe("b", "fnb");
  ASSERT_TRUE(b1.ok());
  auto c1 = b.Subscribe("c", "fnb");
  EXPECT_EQ(c1.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(testing::MetadataOf(c1.status(), "limit"), "watch-max-streams");
  EXPECT_EQ(b.streams(), 3);
  // Leaving frees the places.
  b.Unsubscribe(*a1);
  EXPECT_TRUE(b.Subscribe("a", "fnb").ok());
  EXPECT_EQ(b.streams(), 3);
}

TEST(BroadcasterTest, OverflowDuringAWriteEndsTheStreamFromOutside) {
  WatchLimits limits;
  limits.buffer_bytes = 16 * 1024;
  Broadcaster b(limits);
  auto sub = b.Subscribe("fnb-zhou", "fnb");
  ASSERT_TRUE(sub.ok());
  std::atomic<int> ends{0};
  std::string why;
  (*sub)->SetEnd([&](const std::string& w) {
    why = w;
    ++ends;
  });
  (*sub)->StartWrite();  // the handler is blocked in a write
  b.Dispatched(Batch("fnb", 10, 4 * 1024));
  EXPECT_EQ(ends.load(), 1);
  EXPECT_NE(why.find("reconnect to catch up"), std::string::npos) << why;
  (*sub)->WriteDone();
  EXPECT_EQ((*sub)->Wait(absl::ZeroDuration()).outcome, Outcome::kBehind);
  (*sub)->End();  // at most once
  EXPECT_EQ(ends.load(), 1);
  b.Unsubscribe(*sub);
}

TEST(BroadcasterTest, AWriteLongerThanTheTimeoutEndsTheStream) {
  WatchLimits limits;
  limits.write_timeout = absl::Milliseconds(100);
  Broadcaster b(limits);
  auto sub = b.Subscribe("fnb-zhou", "fnb");
  ASSERT_TRUE(sub.ok());
  absl::Notification ended;
  (*sub)->SetEnd([&](const std::string&) { ended.Notify(); });
  (*sub)->StartWrite();
  EXPECT_TRUE(ended.WaitForNotificationWithTimeout(absl::Seconds(60)));
  EXPECT_NE((*sub)->behind().find("watch-write-timeout"), std::string::npos) << (*sub)->behind();
  (*sub)->WriteDone();
  b.Unsubscribe(*sub);
}

TEST(BroadcasterTest, NoEndAfterUnsubscribe) {
  WatchLimits limits;
  limits.write_timeout = absl::Milliseconds(100);
  Broadcaster b(limits);
  auto sub = b.Subscribe("fnb-zhou", "fnb");
  ASSERT_TRUE(sub.ok());
  std::atomic<int> ends{0};
  (*sub)->SetEnd([&](const std::string&) { ++ends; });
  b.Unsubscribe(*sub);
  (*sub)->StartWrite();
  absl::SleepFor(absl::Milliseconds(500));
  (*sub)->End();
  EXPECT_EQ(ends.load(), 0);
}

TEST(BroadcasterTest, WakesAStreamForItsDispatchesFallingBehindAndCloseButNotAfterUnsubscribe) {
  WatchLimits limits;
  limits.buffer_bytes = 64 * 1024;
  Broadcaster b(limits);
  auto sub = b.Subscribe("fnb-zhou", "fnb");
  ASSERT_TRUE(sub.ok());
  std::atomic<int> wakes{0};
  (*sub)->SetWake([&] { ++wakes; });
  b.Dispatched(Batch("fnb", 3, 1024));  // one wake for the batch
  EXPECT_EQ(wakes.load(), 1);
  b.Dispatched(Batch("rooms", 3, 1024));  // not its department
  EXPECT_EQ(wakes.load(), 1);
  // Falling behind with no write in flight: woken to end itself.
  b.Dispatched(Batch("fnb", 10, 10 * 1024));
  EXPECT_EQ(wakes.load(), 2);
  EXPECT_EQ((*sub)->Wait(absl::ZeroDuration()).outcome, Outcome::kBehind);
  // Leave frees its place at once; nothing wakes it once unsubscribed.
  auto other = b.Subscribe("fnb-wang", "fnb");
  ASSERT_TRUE(other.ok());
  std::atomic<int> other_wakes{0};
  (*other)->SetWake([&] { ++other_wakes; });
  b.Leave(*other);
  b.Leave(*other);  // idempotent
  EXPECT_EQ(b.streams(), 1);
  b.Unsubscribe(*sub);
  EXPECT_EQ(b.streams(), 0);
  b.Close();
  (*sub)->Wake();
  EXPECT_EQ(wakes.load(), 2);
  b.Unsubscribe(*other);
}

TEST(BroadcasterTest, CloseWakesEveryStream) {
  Broadcaster b;
  auto sub = b.Subscribe("fnb-zhou", "fnb");
  ASSERT_TRUE(sub.ok());
  std::atomic<int> wakes{0};
  (*sub)->SetWake([&] { ++wakes; });
  b.Close();
  EXPECT_EQ(wakes.load(), 1);
  EXPECT_EQ((*sub)->Wait(absl::ZeroDuration()).outcome, Outcome::kClosed);
  b.Unsubscribe(*sub);
}

TEST(BroadcasterTest, CloseEndsStreamsAndRefusesNewOnes) {
  Broadcaster b;
  auto sub = b.Subscribe("fnb-zhou", "fnb");
  ASSERT_TRUE(sub.ok());
  b.Close();
  EXPECT_EQ((*sub)->Wait(absl::Seconds(10)).outcome, Outcome::kClosed);
  EXPECT_EQ(b.Subscribe("fnb-zhou", "fnb").status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace atrium::notifications
