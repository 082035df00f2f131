// Two replicas of the notifications service on one real PostgreSQL database
// with a real Redis: notices are dispatched through both, one replica is
// killed mid-way, and every dispatch still reaches the departments and ends
// with exactly one signature; two people of a department signing the same
// dispatch at once through different replicas leave one signature.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/auth.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "tests/calls.h"
#include "tests/department.h"
#include "tests/postgres.h"
#include "tests/process.h"

namespace atrium {
namespace {

namespace nv1 = notifications::v1;
using testing::WaitFor;

const char kKey[] = "notifications-replicas-key";
const Principal kMeetings{"service:meetings", "meetings", Role::kService, ""};
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};
const Principal kFnb{"fnb-zhou", "Zhou", Role::kDepartment, "fnb"};
const Principal kFnb2{"fnb-wu", "Wu", Role::kDepartment, "fnb"};
const Principal kRooms{"rooms-wu", "Wu", Role::kDepartment, "rooms"};

template <typename Fn>
grpc::Status As(const Principal& who, Fn&& fn) {
  return testing::CallAs(kKey, who, fn);
}

nv1::DispatchNoticeRequest Notice(const std::string& id) {
  nv1::DispatchNoticeRequest req;
  auto* r = req.mutable_revision();
  r->set_notice_id(id);
  r->set_revision(1);
  r->set_meeting("meetings/" + id);
  r->set_title("年会 " + id);
  r->set_owner("kam-li");
  *r->mutable_meeting_start_time() = ToProto(absl::Now() + absl::Hours(24 * 10));
  for (const char* dept : {"fnb", "rooms"}) {
    auto* s = r->add_sections();
    s->set_department(dept);
    auto* f = s->add_fields();
    f->set_path("lunch/headcount");
    f->set_label("午餐人数");
    f->set_value("120");
  }
  return req;
}

class NotificationsReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("notifications-replicas");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    std::ofstream(dir_ + "/page.key") << "shared-page-secret";
    pg_ = std::make_unique<testing::PostgresServer>(dir_);
    ASSERT_TRUE(pg_->Start()) << pg_->log();
    ASSERT_TRUE(pg_->CreateDatabase("notifications"));
    redis_ = std::make_unique<testing::RedisServer>(dir_);
    ASSERT_TRUE(redis_->Start());
    for (int i = 0; i < 2; ++i) {
      ports_[i] = testing::FreePort();
      replicas_[i] = std::make_unique<testing::ServiceProcess>(
          ATRIUM_NOTIFICATIONS_BINARY,
          std::vector<std::string>{"--listen=127.0.0.1:" + std::to_string(ports_[i]),
                                   "--database-url=" + pg_->Url("notifications"), "--jwt-key-file=" + dir_ + "/jwt.key",
                                   "--page-token-secret-file=" + dir_ + "/page.key", "--redis=" + redis_->address(),
                                   "--redeliver-initial=1s", "--redeliver-max=2s", "--fresh-grace=1s",
                                   "--poll-interval=100ms"},
          dir_ + "/notifications-" + std::to_string(i) + ".log");
      ASSERT_FALSE(replicas_[i]->Start().empty()) << replicas_[i]->Log();
      stubs_[i] = nv1::NotificationsService::NewStub(
          grpc::CreateChannel("127.0.0.1:" + std::to_string(ports_[i]), grpc::InsecureChannelCredentials()));
    }
  }

  std::string Address(int i) const { return "127.0.0.1:" + std::to_string(ports_[i]); }

  std::string dir_;
  int ports_[2] = {0, 0};
  std::unique_ptr<testing::PostgresServer> pg_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::ServiceProcess> replicas_[2];
  std::unique_ptr<nv1::NotificationsService::Stub> stubs_[2];
};

TEST_F(NotificationsReplicasTest, OneReplicaKilledLosesNothingAndEveryDispatchIsSignedOnce) {
  testing::Department fnb(Address(0), redis_->address(), kFnb, /*sign=*/true, kKey);
  testing::Department rooms(Address(0), redis_->address(), kRooms, /*sign=*/true, kKey);
  constexpr int kNotices = 200;
  for (int i = 0; i < kNotices; ++i) {
    if (i == 100) {
      ASSERT_EQ(replicas_[1]->Stop(SIGKILL), 128 + SIGKILL);
    }
    // Alternately through each replica; a call the dead replica refuses
    // goes to the other one, as a client with both endpoints does.
    const auto req = Notice("rep-" + std::to_string(i));
    nv1::Notice out;
    grpc::Status s = As(kMeetings, [&](auto* ctx) { return stubs_[i % 2]->DispatchNotice(ctx, req, &out); });
    if (!s.ok()) s = As(kMeetings, [&](auto* ctx) { return stubs_[0]->DispatchNotice(ctx, req, &out); });
    ASSERT_TRUE(s.ok()) << i << ": " << s.error_message();
  }
  auto unsigned_count = [&]() -> int {
    nv1::ListDispatchesRequest req;
    req.set_unsigned_only(true);
    req.set_page_size(1000);
    nv1::ListDispatchesResponse resp;
    if (!As(kManager, [&](auto* ctx) { return stubs_[0]->ListDispatches(ctx, req, &resp); }).ok()) return -1;
    return resp.dispatches_size();
  };
  ASSERT_TRUE(WaitFor([&] { return unsigned_count() == 0; }, absl::Seconds(90))) << unsigned_count() << " unsigned";
  nv1::ListDispatchesRequest all;
  all.set_page_size(1000);
  nv1::ListDispatchesResponse resp;
  ASSERT_TRUE(As(kManager, [&](auto* ctx) { return stubs_[0]->ListDispatches(ctx, all, &resp); }).ok());
  EXPECT_EQ(resp.dispatches_size(), 2 * kNotices);
  std::set<std::string> names;
  for (const auto& d : resp.dispatches()) {
    EXPECT_EQ(d.state(), nv1::Dispatch::SIGNED) << d.name();
    EXPECT_TRUE(names.insert(d.name()).second);
  }
  for (testing::Department* dept : {&fnb, &rooms}) {
    EXPECT_EQ(dept->handled(), static_cast<size_t>(kNotices));
    for (const auto& [id, count] : dept->counts()) EXPECT_EQ(count, 1) << id;
  }
}

TEST_F(NotificationsReplicasTest, TwoSignaturesAtOnceThroughTwoReplicasLeaveOne) {
  for (int round = 0; round < 10; ++round) {
    const std::string id = "sign-" + std::to_string(round);
    nv1::Notice out;
    ASSERT_TRUE(
        As(kMeetings, [&](auto* ctx) { return stubs_[round % 2]->DispatchNotice(ctx, Notice(id), &out); }).ok());
    const std::string name = "notices/" + id + "/revisions/1/dispatches/fnb";
    nv1::Dispatch results[2];
    grpc::Status statuses[2];
    std::thread a([&] {
      nv1::SignDispatchRequest req;
      req.set_name(name);
      req.set_remark("周");
      statuses[0] = As(kFnb, [&](auto* ctx) { return stubs_[0]->SignDispatch(ctx, req, &results[0]); });
    });
    std::thread b([&] {
      nv1::SignDispatchRequest req;
      req.set_name(name);
      req.set_remark("吴");
      statuses[1] = As(kFnb2, [&](auto* ctx) { return stubs_[1]->SignDispatch(ctx, req, &results[1]); });
    });
    a.join();
    b.join();
    ASSERT_TRUE(statuses[0].ok()) << statuses[0].error_message();
    ASSERT_TRUE(statuses[1].ok()) << statuses[1].error_message();
    // Both callers see the same, first signature.
    EXPECT_EQ(results[0].signer(), results[1].signer());
    EXPECT_EQ(results[0].sign_time().seconds(), results[1].sign_time().seconds());
    EXPECT_EQ(results[0].remark(), results[1].remark());
  }
}

}  // namespace
}  // namespace atrium
