// The notifications binary with a real redis-server (started here on a free
// port), real SQLite and real gRPC: offline subscribers catch up, Redis and
// the service itself can be killed mid-way without losing a notice, each
// dispatch ends with exactly one signature, revisions supersede.
#include <gtest/gtest.h>
#include <jwt.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "cli/subscriber.h"
#include "common/auth.h"
#include "common/errors.h"
#include "common/redis.h"
#include "common/testing.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "io/cloudevents/v1/cloudevents.pb.h"
#include "tests/calls.h"
#include "tests/department.h"
#include "tests/process.h"

namespace atrium {
namespace {

using testing::WaitFor;

namespace nv1 = notifications::v1;
using nv1::NotificationsService;

const char kKey[] = "redis-test-key";
const Principal kMeetings{"service:meetings", "meetings", Role::kService, ""};
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};
const Principal kFnb{"fnb-zhou", "Zhou", Role::kDepartment, "fnb"};
const Principal kRooms{"rooms-wu", "Wu", Role::kDepartment, "rooms"};

std::string Token(const Principal& p) {
  return *MintToken(TokenAlgorithm::kHs256, kKey, p, absl::Now() + absl::Hours(1));
}

class NotificationsRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("notifications-redis");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    std::ofstream(dir_ + "/page.key") << "page-secret";
    redis_ = std::make_unique<testing::RedisServer>(dir_);
    ASSERT_TRUE(redis_->Start()) << "redis-server did not start";
    port_ = testing::FreePort();
  }

  void StartService(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--listen=127.0.0.1:" + std::to_string(port_),
                                     "--db-path=" + dir_ + "/notifications.db",
                                     "--jwt-key-file=" + dir_ + "/jwt.key",
                                     "--page-token-secret-file=" + dir_ + "/page.key",
                                     "--redis=" + redis_->address(),
                                     "--redeliver-initial=1s",
                                     "--redeliver-max=2s",
                                     "--fresh-grace=1s",
                                     "--poll-interval=100ms",
                                     "--shutdown-grace=2s"};
    args.insert(args.end(), extra.begin(), extra.end());
    service_ =
        std::make_unique<testing::ServiceProcess>(ATRIUM_NOTIFICATIONS_BINARY, args, dir_ + "/notifications.log");
    address_ = service_->Start();
    ASSERT_FALSE(address_.empty()) << service_->Log();
    stub_ = NotificationsService::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  static nv1::DispatchNoticeRequest Notice(const std::string& id, int revision, const std::string& lunch = "120") {
    nv1::DispatchNoticeRequest req;
    auto* r = req.mutable_revision();
    r->set_notice_id(id);
    r->set_revision(revision);
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
      f->set_value(lunch);
    }
    return req;
  }

  grpc::Status Dispatch(const nv1::DispatchNoticeRequest& req) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    ctx.AddMetadata("authorization", "Bearer " + Token(kMeetings));
    nv1::Notice out;
    return stub_->DispatchNotice(&ctx, req, &out);
  }

  // Dispatches until accepted (the service may be restarting): a retry of an
  // accepted revision is harmless.
  void DispatchSurely(const nv1::DispatchNoticeRequest& req) {
    ASSERT_TRUE(WaitFor([&] { return Dispatch(req).ok(); }, absl::Seconds(30))) << req.revision().notice_id();
  }

  std::vector<nv1::Dispatch> AllDispatches(bool unsigned_only) {
    std::vector<nv1::Dispatch> out;
    nv1::ListDispatchesRequest req;
    req.set_unsigned_only(unsigned_only);
    req.set_page_size(1000);
    for (;;) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + Token(kManager));
      nv1::ListDispatchesResponse resp;
      grpc::Status s = stub_->ListDispatches(&ctx, req, &resp);
      if (!s.ok()) return {};
      out.insert(out.end(), resp.dispatches().begin(), resp.dispatches().end());
      if (resp.next_page_token().empty()) return out;
      req.set_page_token(resp.next_page_token());
    }
  }

  std::string RedisHealth(const std::string& name = "atrium.notifications.v1.NotificationsService/redis") {
    auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(name);
    grpc::health::v1::HealthCheckResponse resp;
    if (!health->Check(&ctx, req, &resp).ok()) return "error";
    return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status());
  }

  // Every dispatch signed, exactly once per (revision, department).
  void ExpectAllSignedOnce(int notices, testing::Department& fnb, testing::Department& rooms) {
    ASSERT_TRUE(
        WaitFor([&] { return AllDispatches(true).empty() && !AllDispatches(false).empty(); }, absl::Seconds(90)))
        << AllDispatches(true).size() << " still unsigned";
    auto all = AllDispatches(false);
    EXPECT_EQ(all.size(), static_cast<size_t>(2 * notices));
    std::set<std::string> names;
    for (const auto& d : all) {
      EXPECT_EQ(d.state(), nv1::Dispatch::SIGNED) << d.name();
      EXPECT_TRUE(names.insert(d.name()).second);
    }
    for (testing::Department* dept : {&fnb, &rooms}) {
      EXPECT_EQ(dept->handled(), static_cast<size_t>(notices));
      for (const auto& [id, count] : dept->counts()) EXPECT_EQ(count, 1) << id;
    }
  }

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::ServiceProcess> service_;
  std::string address_;
  std::unique_ptr<NotificationsService::Stub> stub_;
};

TEST_F(NotificationsRedisTest, OfflineSubscriberReceivesEverythingDispatchedMeanwhile) {
  StartService();
  for (int i = 0; i < 20; ++i) DispatchSurely(Notice("offline-" + std::to_string(i), 1));
  testing::Department fnb(address_, redis_->address(), kFnb, /*sign=*/false, kKey);
  ASSERT_TRUE(WaitFor([&] { return fnb.handled() == 20; }, absl::Seconds(20))) << fnb.handled();
  // Unsigned, they keep coming; the subscriber drops the duplicates.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(fnb.handled(), 20u);
  for (const auto& [id, count] : fnb.counts()) EXPECT_EQ(count, 1) << id;
}

TEST_F(NotificationsRedisTest, RedisKilledWhileDispatchingLosesNothing) {
  StartService();
  ASSERT_TRUE(WaitFor([&] { return RedisHealth() == "SERVING"; }, absl::Seconds(10)));
  testing::Department fnb(address_, redis_->address(), kFnb, /*sign=*/true, kKey);
  testing::Department rooms(address_, redis_->address(), kRooms, /*sign=*/true, kKey);
  constexpr int kNotices = 1000;
  for (int i = 0; i < kNotices; ++i) {
    if (i == 300) redis_->Kill();
    if (i == 600) {
      // Accepted and stored while Redis is away, and health says so (within
      // seconds; the bound is generous for a loaded sanitizer build).
      EXPECT_TRUE(WaitFor([&] { return RedisHealth() == "NOT_SERVING"; }, absl::Seconds(30)));
      ASSERT_TRUE(redis_->Start());
    }
    ASSERT_TRUE(Dispatch(Notice("redis-" + std::to_string(i), 1)).ok()) << i;
  }
  EXPECT_TRUE(WaitFor([&] { return RedisHealth() == "SERVING"; }, absl::Seconds(30)));
  ExpectAllSignedOnce(kNotices, fnb, rooms);
}

// The component follows Redis alone: the database probe (every 5 s) runs
// several times during the outage and never reports Redis back.
TEST_F(NotificationsRedisTest, RedisHealthStaysNotServingForTheWholeOutage) {
  StartService();
  ASSERT_TRUE(WaitFor([&] { return RedisHealth() == "SERVING"; }, absl::Seconds(30)));
  redis_->Kill();
  ASSERT_TRUE(WaitFor([&] { return RedisHealth() == "NOT_SERVING"; }, absl::Seconds(30)));
  const absl::Time end = absl::Now() + absl::Seconds(12);
  int samples = 0;
  while (absl::Now() < end) {
    ASSERT_EQ(RedisHealth(), "NOT_SERVING") << "sample " << samples << " of an outage";
    EXPECT_EQ(RedisHealth("atrium.notifications.v1.NotificationsService/ready"), "NOT_SERVING");
    EXPECT_EQ(RedisHealth("atrium.notifications.v1.NotificationsService"), "SERVING");
    ++samples;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_GE(samples, 10);
  ASSERT_TRUE(redis_->Start());
  EXPECT_TRUE(WaitFor([&] { return RedisHealth() == "SERVING"; }, absl::Seconds(30)));
  EXPECT_EQ(RedisHealth("atrium.notifications.v1.NotificationsService/ready"), "SERVING");
}

TEST_F(NotificationsRedisTest, HealthReportsRedisLossWhileIdleAndRecovery) {
  StartService();
  ASSERT_TRUE(WaitFor([&] { return RedisHealth() == "SERVING"; }, absl::Seconds(10)));
  EXPECT_EQ(RedisHealth("atrium.notifications.v1.NotificationsService/ready"), "SERVING");
  redis_->Kill();
  EXPECT_TRUE(WaitFor([&] { return RedisHealth() == "NOT_SERVING"; }, absl::Seconds(10)));
  // Readiness follows Redis (a load balancer sends callers elsewhere); the
  // service itself stays SERVING and still accepts what reaches it.
  EXPECT_EQ(RedisHealth("atrium.notifications.v1.NotificationsService/ready"), "NOT_SERVING");
  EXPECT_EQ(RedisHealth("atrium.notifications.v1.NotificationsService"), "SERVING");
  // Still accepting: the dispatch is stored and waits for Redis.
  EXPECT_TRUE(Dispatch(Notice("idle", 1)).ok());
  ASSERT_TRUE(redis_->Start());
  testing::Department fnb(address_, redis_->address(), kFnb, /*sign=*/false, kKey);
  EXPECT_TRUE(WaitFor([&] { return RedisHealth() == "SERVING"; }, absl::Seconds(10)));
  EXPECT_EQ(RedisHealth("atrium.notifications.v1.NotificationsService/ready"), "SERVING");
  EXPECT_TRUE(WaitFor([&] { return fnb.handled() == 1; }, absl::Seconds(10)));
}

TEST_F(NotificationsRedisTest, ServiceKilledWhileDispatchingLosesNothing) {
  StartService();
  testing::Department fnb(address_, redis_->address(), kFnb, /*sign=*/true, kKey);
  testing::Department rooms(address_, redis_->address(), kRooms, /*sign=*/true, kKey);
  constexpr int kNotices = 1000;
  for (int i = 0; i < kNotices; ++i) {
    if (i == 400) {
      EXPECT_EQ(service_->Stop(SIGKILL), 128 + SIGKILL);
      address_ = service_->Start();  // same port, same database
      ASSERT_FALSE(address_.empty()) << service_->Log();
    }
    DispatchSurely(Notice("crash-" + std::to_string(i), 1));
  }
  ExpectAllSignedOnce(kNotices, fnb, rooms);
}

// A rolling restart: SIGTERM while four clients dispatch steadily, then the
// new process on the same port and database. Every call the service
// acknowledged is kept and delivered; calls refused during the restart
// (UNAVAILABLE) are retried by the clients, as any client does.
TEST_F(NotificationsRedisTest, GracefulRestartUnderLoadLosesNoAcknowledgedCallOrNotice) {
  StartService();
  testing::Department fnb(address_, redis_->address(), kFnb, /*sign=*/true, kKey);
  testing::Department rooms(address_, redis_->address(), kRooms, /*sign=*/true, kKey);
  constexpr int kClients = 4, kPerClient = 150;
  std::atomic<int> acknowledged{0}, refused{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = NotificationsService::NewStub(
          grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials()));
      for (int i = 0; i < kPerClient; ++i) {
        const auto req = Notice("roll-" + std::to_string(c) + "-" + std::to_string(i), 1);
        for (;;) {
          grpc::ClientContext ctx;
          ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
          ctx.AddMetadata("authorization", "Bearer " + Token(kMeetings));
          nv1::Notice out;
          grpc::Status st = stub->DispatchNotice(&ctx, req, &out);
          if (st.ok()) {
            ++acknowledged;
            break;
          }
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  ASSERT_TRUE(WaitFor([&] { return acknowledged >= kClients * kPerClient / 3; }, absl::Seconds(60)));
  EXPECT_EQ(service_->Stop(SIGTERM), 0) << service_->Log();  // drains in-flight calls, exits 0
  address_ = service_->Start();
  ASSERT_FALSE(address_.empty()) << service_->Log();
  for (auto& t : clients) t.join();
  EXPECT_EQ(acknowledged.load(), kClients * kPerClient);
  ExpectAllSignedOnce(kClients * kPerClient, fnb, rooms);
}

TEST_F(NotificationsRedisTest, RevisionSupersedesAndTheOldOneCannotBeSigned) {
  StartService();
  testing::Department fnb(address_, redis_->address(), kFnb, /*sign=*/false, kKey);
  DispatchSurely(Notice("rev", 1, "120"));
  ASSERT_TRUE(WaitFor([&] { return fnb.handled() == 1; }, absl::Seconds(10)));
  // The dispatch record shows the delivery attempt and who received it.
  nv1::Dispatch first;
  ASSERT_TRUE(WaitFor(
      [&] {
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + Token(kManager));
        nv1::GetDispatchRequest get;
        get.set_name("notices/rev/revisions/1/dispatches/fnb");
        return stub_->GetDispatch(&ctx, get, &first).ok() && first.attempts_size() > 0;
      },
      absl::Seconds(5)));
  EXPECT_GE(first.attempt_count(), 1);
  EXPECT_EQ(first.attempts(0).channel(), "atrium.dispatches.fnb");
  EXPECT_EQ(first.attempts(0).receivers(), 1);
  DispatchSurely(Notice("rev", 2, "150"));
  ASSERT_TRUE(WaitFor([&] { return fnb.handled() == 2; }, absl::Seconds(10)));
  auto got = fnb.received();
  const nv1::Dispatch& second = got[1];
  EXPECT_EQ(second.revision(), 2);
  ASSERT_EQ(second.changes_size(), 1);
  EXPECT_EQ(second.changes(0).old_value(), "120");
  EXPECT_EQ(second.changes(0).new_value(), "150");

  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + Token(kFnb));
  nv1::SignDispatchRequest req;
  req.set_name("notices/rev/revisions/1/dispatches/fnb");
  nv1::Dispatch out;
  grpc::Status s = stub_->SignDispatch(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(s), "REVISION_SUPERSEDED");
  EXPECT_NE(s.error_message().find("notices/rev/revisions/2/dispatches/fnb"), std::string::npos);
}

// Every RPC refuses a call without a valid token, over the wire.
TEST_F(NotificationsRedisTest, EveryMethodRequiresAToken) {
  StartService();
  auto check = [&](const char* method, const std::function<grpc::Status(grpc::ClientContext*)>& call) {
    grpc::ClientContext none;
    EXPECT_EQ(call(&none).error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    grpc::ClientContext forged;
    forged.AddMetadata("authorization", "Bearer " + *MintToken(TokenAlgorithm::kHs256, "another-key", kManager,
                                                               absl::Now() + absl::Hours(1)));
    EXPECT_EQ(call(&forged).error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
  };
  nv1::Notice notice;
  nv1::Dispatch dispatch;
  check("DispatchNotice", [&](auto* c) { return stub_->DispatchNotice(c, Notice("x", 1), &notice); });
  check("GetNotice", [&](auto* c) { return stub_->GetNotice(c, nv1::GetNoticeRequest(), &notice); });
  check("ListNotices", [&](auto* c) {
    nv1::ListNoticesResponse r;
    return stub_->ListNotices(c, nv1::ListNoticesRequest(), &r);
  });
  check("GetNoticeRevision", [&](auto* c) {
    nv1::NoticeRevision r;
    return stub_->GetNoticeRevision(c, nv1::GetNoticeRevisionRequest(), &r);
  });
  check("GetDispatch", [&](auto* c) { return stub_->GetDispatch(c, nv1::GetDispatchRequest(), &dispatch); });
  check("ListDispatches", [&](auto* c) {
    nv1::ListDispatchesResponse r;
    return stub_->ListDispatches(c, nv1::ListDispatchesRequest(), &r);
  });
  check("SignDispatch", [&](auto* c) { return stub_->SignDispatch(c, nv1::SignDispatchRequest(), &dispatch); });
  check("WatchDispatches", [&](auto* c) {
    auto reader = stub_->WatchDispatches(c, nv1::WatchDispatchesRequest());
    nv1::DispatchEvent e;
    while (reader->Read(&e)) {
    }
    return reader->Finish();
  });
  // And every unary method by name, those added since included (printing).
  const auto* service = nv1::Notice::descriptor()->file()->FindServiceByName("NotificationsService");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(testing::MethodsServedWithoutAToken(service, address_), std::vector<std::string>{});
}

// SIGTERM ends open streams with UNAVAILABLE (reconnect) and exits 0.
TEST_F(NotificationsRedisTest, ShutdownEndsStreamsAndExitsCleanly) {
  StartService();
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + Token(kFnb));
  nv1::WatchDispatchesRequest req;
  req.set_department("fnb");
  auto reader = stub_->WatchDispatches(&ctx, req);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the stream is open
  std::thread stop([&] { EXPECT_EQ(service_->Stop(SIGTERM), 0); });
  nv1::DispatchEvent e;
  while (reader->Read(&e)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  stop.join();
}

TEST_F(NotificationsRedisTest, WatchDispatchesCatchesUpThenStreams) {
  StartService();
  DispatchSurely(Notice("watch-1", 1));
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + Token(kRooms));
  nv1::WatchDispatchesRequest req;
  req.set_department("rooms");
  auto reader = stub_->WatchDispatches(&ctx, req);
  nv1::DispatchEvent e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.event_id(), "notices/watch-1/revisions/1/dispatches/rooms");
  DispatchSurely(Notice("watch-2", 1));
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.event_id(), "notices/watch-2/revisions/1/dispatches/rooms");
  ctx.TryCancel();

  grpc::ClientContext other;
  other.AddMetadata("authorization", "Bearer " + Token(kFnb));
  auto refused = stub_->WatchDispatches(&other, req);
  EXPECT_FALSE(refused->Read(&e));
  EXPECT_EQ(refused->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(NotificationsRedisTest, UnsignedPastTheDeadlineIsEscalatedToTheKamAndTheManager) {
  StartService({"--sign-within=1s", "--urgent-sign-within=1s"});
  auto kam = redis::Connection::Connect(*redis::ParseEndpoint(redis_->address(), "redis"), absl::Seconds(2));
  ASSERT_TRUE(kam.ok());
  ASSERT_TRUE((*kam)->Subscribe({"atrium.staff.kam-li", "atrium.role.manager"}).ok());
  DispatchSurely(Notice("late", 1));
  std::set<std::string> channels;
  const absl::Time end = absl::Now() + absl::Seconds(15);
  while (channels.size() < 4 && absl::Now() < end) {  // fnb and rooms, each to the KAM and the manager
    auto m = (*kam)->NextMessage(absl::Milliseconds(500));
    ASSERT_TRUE(m.ok());
    if (!m->has_value()) continue;
    io::cloudevents::v1::CloudEvent e;
    ASSERT_TRUE(e.ParseFromString((*m)->payload));
    EXPECT_EQ(e.type(), "atrium.notifications.v1.escalation");
    EXPECT_EQ(e.spec_version(), "1.0");
    nv1::EscalationEvent payload;
    ASSERT_TRUE(e.proto_data().UnpackTo(&payload));
    channels.insert((*m)->channel + "|" + payload.dispatch().department());
  }
  EXPECT_EQ(channels.size(), 4u);
}

}  // namespace
}  // namespace atrium

namespace atrium {
namespace {

// A token with `role` as written, as an identity provider may issue it
// (MintToken writes a department as role "department" with its claim).
std::string RoleToken(const std::string& sub, const std::string& role) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(kKey), sizeof kKey - 1), 0);
  const long now = static_cast<long>(absl::ToUnixSeconds(absl::Now()));
  jwt_add_grant(jwt, "sub", sub.c_str());
  jwt_add_grant(jwt, "role", role.c_str());
  jwt_add_grant_int(jwt, "iat", now);
  jwt_add_grant_int(jwt, "exp", now + 3600);
  char* out = jwt_encode_str(jwt);
  std::string token = out ? out : "";
  std::free(out);
  jwt_free(jwt);
  return token;
}

// Housekeeping is a default department: a token whose role is its name
// watches and signs housekeeping's dispatches, as role "department" with the
// department claim does.
TEST_F(NotificationsRedisTest, ADepartmentsNameIsItsRole) {
  StartService();
  auto notice = Notice("hk-1", 1);
  auto* section = notice.mutable_revision()->add_sections();
  section->set_department("housekeeping");
  auto* field = section->add_fields();
  field->set_path("rooms/turndown");
  field->set_label("开夜床");
  field->set_value("18:00");
  DispatchSurely(notice);
  const std::string token = RoleToken("hk-chen", "housekeeping");

  grpc::ClientContext watch;
  watch.AddMetadata("authorization", "Bearer " + token);
  nv1::WatchDispatchesRequest req;
  req.set_department("housekeeping");
  auto reader = stub_->WatchDispatches(&watch, req);
  nv1::DispatchEvent e;
  ASSERT_TRUE(reader->Read(&e)) << reader->Finish().error_message();
  EXPECT_EQ(e.event_id(), "notices/hk-1/revisions/1/dispatches/housekeeping");
  watch.TryCancel();

  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  nv1::SignDispatchRequest sign;
  sign.set_name(e.dispatch().name());
  sign.set_remark("已安排");
  nv1::Dispatch signed_dispatch;
  grpc::Status s = stub_->SignDispatch(&ctx, sign, &signed_dispatch);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(signed_dispatch.state(), nv1::Dispatch::SIGNED);
  EXPECT_EQ(signed_dispatch.signer(), "hk-chen");

  // Another department's name is not housekeeping's.
  grpc::ClientContext other;
  other.AddMetadata("authorization", "Bearer " + RoleToken("sec-ma", "security"));
  auto refused = stub_->WatchDispatches(&other, req);
  EXPECT_FALSE(refused->Read(&e));
  EXPECT_EQ(refused->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace atrium
