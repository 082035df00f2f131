// The delivery worker's schedule with an injected clock and a fake bus (pure
// scheduling logic; delivery over a real Redis is in tests/): published at
// once, again with doubling backoff while unsigned, never after signing,
// escalated once past the deadline, and nothing lost while the bus is down.
#include "services/notifications/delivery.h"

#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/testing.h"
#include "io/cloudevents/v1/cloudevents.pb.h"
#include "services/notifications/test_store.h"

namespace atrium::notifications {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795744800);
using namespace testing::people;  // NOLINT(build/namespaces)

// Shared with the bus the worker creates; the test flips `down`.
struct BusState {
  absl::Mutex mu;
  std::vector<redis::Message> published ABSL_GUARDED_BY(mu);
  bool down ABSL_GUARDED_BY(mu) = false;
  int connects ABSL_GUARDED_BY(mu) = 0;
};

class FakeBus : public Bus {
 public:
  explicit FakeBus(BusState* state) : state_(state) {}
  std::vector<absl::StatusOr<int64_t>> Publish(const std::vector<redis::Message>& messages) override {
    absl::MutexLock lock(&state_->mu);
    std::vector<absl::StatusOr<int64_t>> out;
    for (const auto& m : messages) {
      if (state_->down) {
        broken_ = true;
        out.push_back(absl::UnavailableError("bus down"));
      } else {
        state_->published.push_back(m);
        out.push_back(1);
      }
    }
    return out;
  }
  bool broken() const override { return broken_; }
  absl::Status Ping() override {
    absl::MutexLock lock(&state_->mu);
    if (state_->down) broken_ = true;
    return broken_ ? absl::UnavailableError("bus down") : absl::OkStatus();
  }

 private:
  BusState* state_;
  bool broken_ = false;
};

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore("delivery");
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    NoticesOptions options;
    options.fresh_grace = absl::Seconds(5);
    notices_ = std::make_unique<Notices>(store_.get(), &clock_, PageTokens("s"), options);
    DeliveryOptions delivery;
    delivery.poll_interval = absl::Milliseconds(10);
    delivery.reconnect_initial = absl::Milliseconds(10);
    delivery.reconnect_max = absl::Milliseconds(20);
    deliverer_ = std::make_unique<Deliverer>(
        store_.get(), &clock_,
        [this]() -> absl::StatusOr<std::unique_ptr<Bus>> {
          absl::MutexLock lock(&bus_.mu);
          if (bus_.down) return absl::UnavailableError("bus down");
          bus_.connects++;
          return std::unique_ptr<Bus>(new FakeBus(&bus_));
        },
        delivery);
    deliverer_->OnBusStatus([this](bool up) { up_ = up; });
    notices_->AddSink(deliverer_.get());
    deliverer_->Start();
  }
  void TearDown() override { deliverer_->Stop(); }

  void Dispatch(const std::string& id, absl::Duration starts_in = absl::Hours(240)) {
    v1::DispatchNoticeRequest req;
    auto* r = req.mutable_revision();
    r->set_notice_id(id);
    r->set_revision(1);
    r->set_meeting("meetings/" + id);
    r->set_title("年会");
    r->set_owner("kam-li");
    *r->mutable_meeting_start_time() = ToProto(clock_.Now() + starts_in);
    auto* s = r->add_sections();
    s->set_department("fnb");
    s->add_fields()->set_path("lunch");
    ASSERT_TRUE(notices_->DispatchNotice(kMeetings, req).ok());
  }

  size_t Published(const std::string& channel) {
    absl::MutexLock lock(&bus_.mu);
    size_t n = 0;
    for (const auto& m : bus_.published) n += m.channel == channel;
    return n;
  }

  // Waits (real time) for `n` messages on `channel`.
  bool WaitPublished(const std::string& channel, size_t n) {
    for (int i = 0; i < 300; ++i) {
      if (Published(channel) >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Lets the worker run a few passes at the current fake time.
  void Settle() { std::this_thread::sleep_for(std::chrono::milliseconds(150)); }

  FakeClock clock_{kStart};
  BusState bus_;
  std::atomic<bool> up_{false};
  std::unique_ptr<NotificationsStore> store_;
  std::unique_ptr<Notices> notices_;
  std::unique_ptr<Deliverer> deliverer_;
};

const char kFnbChannel[] = "atrium.dispatches.fnb";

// The event's payload is assembled from its fields' encodings (the dispatch
// is not copied into it): any protobuf decoder must read exactly the
// DispatchEvent that building it as a message would give.
TEST(DispatchCloudEventTest, PayloadDecodesAsTheDispatchEvent) {
  v1::Dispatch d;
  d.set_name("notices/n1/revisions/2/dispatches/fnb");
  d.set_event_id("notices/n1/revisions/2/dispatches/fnb");
  d.set_department("fnb");
  d.set_meeting("meetings/m1");
  auto* section = d.mutable_section();
  section->set_department("fnb");
  for (int i = 0; i < 40; ++i) {  // long enough for a multi-byte length
    auto* f = section->add_fields();
    f->set_path(absl::StrCat("meals/", i));
    f->set_value("午餐 120 人，标准 ¥150/位");
  }
  const std::string bytes = DispatchCloudEvent(d, 3, kStart, "atrium-notifications");
  io::cloudevents::v1::CloudEvent e;
  ASSERT_TRUE(e.ParseFromString(bytes));
  EXPECT_EQ(e.proto_data().type_url(), "type.googleapis.com/atrium.notifications.v1.DispatchEvent");
  v1::DispatchEvent payload;
  ASSERT_TRUE(e.proto_data().UnpackTo(&payload));
  v1::DispatchEvent expected;
  expected.set_event_id(d.event_id());
  *expected.mutable_dispatch() = d;
  expected.set_delivery_attempt(3);
  EXPECT_EQ(payload.SerializeAsString(), expected.SerializeAsString());
  EXPECT_EQ(e.id(), d.event_id());
  EXPECT_EQ(e.attributes().at("deliveryattempt").ce_integer(), 3);
}

TEST_F(DeliveryTest, RepublishesWithBackoffUntilSigned) {
  Dispatch("n1");
  ASSERT_TRUE(WaitPublished(kFnbChannel, 1));  // at once
  Settle();
  EXPECT_EQ(Published(kFnbChannel), 1u);  // not again before the backoff
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(WaitPublished(kFnbChannel, 2));
  clock_.Advance(absl::Minutes(1));  // the second wait is two minutes
  Settle();
  EXPECT_EQ(Published(kFnbChannel), 2u);
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(WaitPublished(kFnbChannel, 3));

  // The event id stays the same; the attempt number grows.
  {
    absl::MutexLock lock(&bus_.mu);
    io::cloudevents::v1::CloudEvent first, third;
    ASSERT_TRUE(first.ParseFromString(bus_.published[0].payload));
    ASSERT_TRUE(third.ParseFromString(bus_.published[2].payload));
    EXPECT_EQ(first.id(), third.id());
    EXPECT_EQ(first.attributes().at("deliveryattempt").ce_integer(), 1);
    EXPECT_EQ(third.attributes().at("deliveryattempt").ce_integer(), 3);
  }

  v1::SignDispatchRequest sign;
  sign.set_name("notices/n1/revisions/1/dispatches/fnb");
  ASSERT_TRUE(notices_->SignDispatch(kFnb, sign).ok());
  clock_.Advance(absl::Hours(2));
  Settle();
  EXPECT_EQ(Published(kFnbChannel), 3u);  // signed: never again

  v1::GetDispatchRequest get;
  get.set_name(sign.name());
  auto d = notices_->GetDispatch(kFnb, get);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->attempt_count(), 3);
  EXPECT_EQ(d->attempts_size(), 3);
}

TEST_F(DeliveryTest, EscalatesOnceWhenTheDeadlinePasses) {
  Dispatch("late");
  ASSERT_TRUE(WaitPublished(kFnbChannel, 1));
  clock_.Advance(absl::Hours(4) + absl::Seconds(1));
  ASSERT_TRUE(WaitPublished("atrium.staff.kam-li", 1));
  ASSERT_TRUE(WaitPublished("atrium.role.manager", 1));
  clock_.Advance(absl::Hours(1));
  Settle();
  EXPECT_EQ(Published("atrium.staff.kam-li"), 1u);
  EXPECT_EQ(Published("atrium.role.manager"), 1u);
  v1::GetDispatchRequest get;
  get.set_name("notices/late/revisions/1/dispatches/fnb");
  auto d = notices_->GetDispatch(kFnb, get);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->has_escalate_time());
}

TEST_F(DeliveryTest, NothingIsLostWhileTheBusIsDown) {
  ASSERT_TRUE(WaitPublished(kFnbChannel, 0));
  for (int i = 0; i < 50 && !up_; ++i) Settle();
  ASSERT_TRUE(up_);
  {
    absl::MutexLock lock(&bus_.mu);
    bus_.down = true;
  }
  for (int i = 0; i < 50 && up_; ++i) Settle();  // an idle connection's loss is noticed
  EXPECT_FALSE(up_);
  for (int i = 0; i < 5; ++i) Dispatch("down-" + std::to_string(i));
  Settle();
  EXPECT_EQ(Published(kFnbChannel), 0u);
  {
    absl::MutexLock lock(&bus_.mu);
    bus_.down = false;
  }
  clock_.Advance(absl::Seconds(6));  // past the grace: the schedule takes them up
  ASSERT_TRUE(WaitPublished(kFnbChannel, 5));
  EXPECT_TRUE(up_);
}

}  // namespace
}  // namespace atrium::notifications
