// The inspections binary with the real clients, notifications and meetings
// binaries and a real redis-server: a failed item in a meeting room reaches
// the KAM of the next meeting booked there as an alert on their Redis
// channel — also when the notifications service was down at the time of
// the inspection; a missed inspection reaches the GM office's channel; every
// method requires a token. And the clients service's alerts the same way:
// guests' feedback reaches the departments it concerns and a major
// complaint the manager, also across an outage of the notifications service.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/inspections/v1/inspections.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/auth.h"
#include "common/outbox.h"
#include "common/redis.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "io/cloudevents/v1/cloudevents.pb.h"
#include "tests/calls.h"
#include "tests/postgres.h"
#include "tests/process.h"

namespace atrium {
namespace {

namespace iv1 = inspections::v1;
namespace mv1 = meetings::v1;

const char kKey[] = "inspections-test-key";
const Principal kKam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};
const Principal kGm{"gm-sun", "孙主任", Role::kGmOffice, ""};
const Principal kInspector{"insp-liu", "刘检查", Role::kInspector, ""};
const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

template <typename Fn>
grpc::Status As(const Principal& who, Fn&& fn) {
  return testing::CallAs(kKey, who, fn);
}

// Listens on one Redis channel and returns the first alert that comes.
class AlertListener {
 public:
  AlertListener(const std::string& redis, const std::string& channel) {
    auto endpoint = redis::ParseEndpoint(redis, "redis");
    auto conn = redis::Connection::Connect(*endpoint, absl::Seconds(2));
    EXPECT_TRUE(conn.ok()) << conn.status();
    conn_ = std::move(*conn);
    EXPECT_TRUE(conn_->Subscribe({channel}).ok());
  }
  std::optional<notifications::v1::Alert> Next(absl::Duration timeout) {
    const absl::Time end = absl::Now() + timeout;
    while (absl::Now() < end) {
      auto m = conn_->NextMessage(absl::Milliseconds(200));
      if (!m.ok() || !*m) continue;
      io::cloudevents::v1::CloudEvent e;
      notifications::v1::AlertEvent payload;
      if (e.ParseFromString((*m)->payload) && e.proto_data().UnpackTo(&payload)) return payload.alert();
    }
    return std::nullopt;
  }

 private:
  std::unique_ptr<redis::Connection> conn_;
};

class InspectionsProcessTest : public ::testing::Test {
 protected:
  virtual bool OnPostgres() const { return false; }

  void SetUp() override {
    dir_ = testing::TempDir("inspections-process");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    redis_ = std::make_unique<testing::RedisServer>(dir_);
    ASSERT_TRUE(redis_->Start()) << "redis-server did not start";
    if (OnPostgres()) {
      pg_ = std::make_unique<testing::PostgresServer>(dir_);
      ASSERT_TRUE(pg_->Start()) << pg_->log();
    }
    const std::string key = "--jwt-key-file=" + dir_ + "/jwt.key";
    const int clients_port = testing::FreePort(), meetings_port = testing::FreePort();
    notifications_port_ = testing::FreePort();
    clients_ =
        Start(ATRIUM_CLIENTS_BINARY, "clients",
              {"--listen=127.0.0.1:" + std::to_string(clients_port), key, "--notifications-address=" + Notifications(),
               "--poll-interval=100ms", "--peer-deadline=1s", "--overdue-check-interval=1s"});
    notifications_ =
        Start(ATRIUM_NOTIFICATIONS_BINARY, "notifications",
              {"--listen=" + Notifications(), key, "--redis=" + redis_->address(), "--poll-interval=100ms"});
    meetings_process_ = Start(
        ATRIUM_MEETINGS_BINARY, "meetings",
        {"--listen=127.0.0.1:" + std::to_string(meetings_port), key,
         "--clients-address=127.0.0.1:" + std::to_string(clients_port), "--notifications-address=" + Notifications()});
    inspections_process_ = Start(ATRIUM_INSPECTIONS_BINARY, "inspections",
                                 {"--listen=127.0.0.1:0", key, "--notifications-address=" + Notifications(),
                                  "--meetings-address=127.0.0.1:" + std::to_string(meetings_port),
                                  "--poll-interval=100ms", "--peer-deadline=1s", "--missed-check-interval=1s"});
    address_ = inspections_address_;
    inspections_ = iv1::InspectionsService::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    meetings_ = mv1::MeetingsService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(meetings_port), grpc::InsecureChannelCredentials()));
    clients_stub_ = clients::v1::ClientsService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(clients_port), grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<testing::ServiceProcess> Start(const char* binary, const std::string& name,
                                                 std::vector<std::string> args) {
    args.push_back("--db-path=" + dir_ + "/" + name + ".db");
    if (pg_) {  // every service in a database of its own on PostgreSQL
      EXPECT_TRUE(pg_->CreateDatabase(name));
      args.push_back("--database-url=" + pg_->Url(name));
    }
    auto p = std::make_unique<testing::ServiceProcess>(binary, args, dir_ + "/" + name + ".log");
    const std::string address = p->Start();
    EXPECT_FALSE(address.empty()) << p->Log();
    if (name == "inspections") inspections_address_ = address;
    return p;
  }

  std::string Notifications() const { return "127.0.0.1:" + std::to_string(notifications_port_); }
  // A failed meeting room reaches the next meeting's KAM (the test body, for both backends).
  void FailedRoomFlow();

  // A point with one item, open now or (with `closed`) whose window closed
  // a minute ago; false if the hour of the day does not allow it.
  bool CreatePoint(const std::string& id, const std::string& room, bool closed) {
    const absl::CivilMinute now = absl::ToCivilMinute(absl::Now(), kShanghai);
    if (now.hour() == 23 && now.minute() >= 58) return false;
    if (closed && now.hour() == 0 && now.minute() < 3) return false;
    iv1::CreatePointRequest req;
    req.set_point_id(id);
    auto* p = req.mutable_point();
    p->set_display_name(id == "hall-a" ? "宴会厅A" : "大堂");
    p->set_window_start("00:00");
    p->set_window_end(closed ? absl::FormatCivilTime(now - 1).substr(11, 5) : "23:59");
    auto* item = p->add_items();
    item->set_id("hygiene");
    item->set_description("卫生");
    p->set_responsible("会议服务主管");
    p->set_room(room);
    iv1::InspectionPoint out;
    grpc::Status s = As(kGm, [&](auto* ctx) { return inspections_->CreatePoint(ctx, req, &out); });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return s.ok();
  }

  std::string dir_, address_, inspections_address_;
  int notifications_port_ = 0;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::PostgresServer> pg_;
  std::unique_ptr<testing::ServiceProcess> clients_, notifications_, meetings_process_, inspections_process_;
  std::unique_ptr<iv1::InspectionsService::Stub> inspections_;
  std::unique_ptr<mv1::MeetingsService::Stub> meetings_;
  std::unique_ptr<clients::v1::ClientsService::Stub> clients_stub_;
};

// The same with every service keeping its data in PostgreSQL.
class InspectionsOnPostgresTest : public InspectionsProcessTest {
 protected:
  bool OnPostgres() const override { return true; }
};

TEST_F(InspectionsProcessTest, AFailedMeetingRoomReachesTheNextMeetingsKamEvenAfterAnOutage) { FailedRoomFlow(); }
TEST_F(InspectionsOnPostgresTest, AFailedMeetingRoomReachesTheNextMeetingsKamEvenAfterAnOutage) { FailedRoomFlow(); }

void InspectionsProcessTest::FailedRoomFlow() {
  // A meeting of kam-li's account holds hall-a tomorrow.
  clients::v1::CreateAccountRequest account_req;
  account_req.mutable_account()->set_kind(clients::v1::ACCOUNT_KIND_COMPANY);
  account_req.mutable_account()->set_display_name("华东经销商联盟");
  clients::v1::Account account;
  ASSERT_TRUE(As(kKam, [&](auto* ctx) { return clients_stub_->CreateAccount(ctx, account_req, &account); }).ok());
  mv1::CreateRoomRequest room;
  room.set_room_id("hall-a");
  room.mutable_room()->set_display_name("宴会厅A");
  auto* c = room.mutable_room()->add_capacities();
  c->set_style(mv1::THEATRE);
  c->set_seats(300);
  mv1::Room room_out;
  ASSERT_TRUE(As(kManager, [&](auto* ctx) { return meetings_->CreateRoom(ctx, room, &room_out); }).ok());
  mv1::CreateMeetingRequest create;
  create.mutable_meeting()->set_account(account.name());
  create.mutable_meeting()->set_title("2027 华东区经销商年会");
  create.mutable_meeting()->set_origin(mv1::Meeting::WALK_IN);
  mv1::Meeting meeting;
  ASSERT_TRUE(As(kKam, [&](auto* ctx) { return meetings_->CreateMeeting(ctx, create, &meeting); }).ok());
  mv1::CreateBookingRequest book;
  book.set_parent(meeting.name());
  book.mutable_booking()->set_room("rooms/hall-a");
  *book.mutable_booking()->mutable_start_time() = ToProto(absl::Now() + absl::Hours(24));
  *book.mutable_booking()->mutable_end_time() = ToProto(absl::Now() + absl::Hours(27));
  book.mutable_booking()->set_style(mv1::THEATRE);
  book.mutable_booking()->set_attendees(100);
  mv1::Booking booking;
  ASSERT_TRUE(As(kKam, [&](auto* ctx) { return meetings_->CreateBooking(ctx, book, &booking); }).ok());

  if (!CreatePoint("hall-a", "rooms/hall-a", false)) GTEST_SKIP() << "too close to midnight in the hotel";
  AlertListener kam(redis_->address(), "atrium.staff.kam-li");

  // The notifications service is down when the room fails its inspection.
  ASSERT_EQ(notifications_->Stop(SIGKILL), 128 + SIGKILL);
  iv1::RecordInspectionRequest record;
  record.set_parent("points/hall-a");
  auto* r = record.mutable_inspection()->add_results();
  r->set_item("hygiene");
  r->set_meets_standard(false);
  r->set_remark("地毯有污渍");
  iv1::Inspection form;
  grpc::Status s = As(kInspector, [&](auto* ctx) { return inspections_->RecordInspection(ctx, record, &form); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(form.failures(), 1);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_FALSE(notifications_->Start().empty()) << notifications_->Log();

  auto alert = kam.Next(absl::Seconds(30));
  ASSERT_TRUE(alert.has_value()) << inspections_process_->Log();
  EXPECT_EQ(alert->recipient(), "staff/kam-li");
  EXPECT_EQ(alert->source(), form.name());
  EXPECT_NE(alert->title().find("宴会厅A"), std::string::npos);
  EXPECT_NE(alert->body().find("地毯有污渍"), std::string::npos);
  EXPECT_EQ(alert->sender(), "service:inspections");

  // The corrective action is open, for the re-check.
  iv1::ListActionsRequest open;
  open.set_open_only(true);
  iv1::ListActionsResponse actions;
  ASSERT_TRUE(As(kGm, [&](auto* ctx) { return inspections_->ListActions(ctx, open, &actions); }).ok());
  ASSERT_EQ(actions.actions_size(), 1);
  EXPECT_EQ(actions.actions(0).remark(), "地毯有污渍");
}

TEST_F(InspectionsProcessTest, FeedbackReachesItsDepartmentsAndAMajorComplaintTheManagerAfterAnOutage) {
  AlertListener fnb(redis_->address(), "atrium.department.fnb");
  AlertListener manager(redis_->address(), "atrium.role.manager");
  clients::v1::CreateAccountRequest account;
  account.mutable_account()->set_kind(clients::v1::ACCOUNT_KIND_COMPANY);
  account.mutable_account()->set_display_name("上海会展有限公司");
  clients::v1::Account acme;
  ASSERT_TRUE(As(kManager, [&](auto* ctx) { return clients_stub_->CreateAccount(ctx, account, &acme); }).ok());

  // The notifications service is down when the complaint is received.
  ASSERT_EQ(notifications_->Stop(SIGKILL), 128 + SIGKILL);
  clients::v1::CreateFeedbackRequest req;
  req.set_parent(acme.name());
  req.mutable_feedback()->set_kind(clients::v1::Feedback::COMPLAINT);
  req.mutable_feedback()->set_severity(clients::v1::Feedback::MAJOR);
  req.mutable_feedback()->set_subject("晚宴汤是凉的");
  req.mutable_feedback()->set_description("第4桌，主桌");
  req.mutable_feedback()->add_departments("fnb");
  clients::v1::Feedback f;
  grpc::Status s = As(kManager, [&](auto* ctx) { return clients_stub_->CreateFeedback(ctx, req, &f); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_FALSE(notifications_->Start().empty()) << notifications_->Log();

  auto to_fnb = fnb.Next(absl::Seconds(30));
  ASSERT_TRUE(to_fnb.has_value()) << clients_->Log();
  EXPECT_EQ(to_fnb->recipient(), "department/fnb");
  EXPECT_EQ(to_fnb->source(), f.name());
  EXPECT_NE(to_fnb->title().find("晚宴汤是凉的"), std::string::npos);
  EXPECT_EQ(to_fnb->body(), "第4桌，主桌");
  EXPECT_EQ(to_fnb->sender(), "service:clients");
  auto to_manager = manager.Next(absl::Seconds(30));
  ASSERT_TRUE(to_manager.has_value()) << clients_->Log();
  EXPECT_EQ(to_manager->source(), f.name());

  // F&B reads it with its own token and replies.
  const Principal fnb_desk{"fnb-zhou", "周经理", Role::kDepartment, "fnb"};
  clients::v1::GetFeedbackRequest get;
  get.set_name(to_fnb->source());
  clients::v1::Feedback read;
  ASSERT_TRUE(As(fnb_desk, [&](auto* ctx) { return clients_stub_->GetFeedback(ctx, get, &read); }).ok());
  clients::v1::ReplyToFeedbackRequest reply;
  reply.set_name(read.name());
  reply.set_etag(read.etag());
  reply.set_text("已重新加热并致歉");
  clients::v1::Feedback replied;
  s = As(fnb_desk, [&](auto* ctx) { return clients_stub_->ReplyToFeedback(ctx, reply, &replied); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(replied.replies_size(), 1);
  // Nobody is assigned: the manager hears of the reply.
  auto reply_alert = manager.Next(absl::Seconds(30));
  ASSERT_TRUE(reply_alert.has_value()) << clients_->Log();
  EXPECT_EQ(reply_alert->source(), f.name());
}

TEST_F(InspectionsProcessTest, AMissedInspectionReachesTheGmOffice) {
  AlertListener gm(redis_->address(), "atrium.role.gm_office");
  if (!CreatePoint("lobby", "", /*closed=*/true)) GTEST_SKIP() << "too close to midnight in the hotel";
  // (The default points may be reported too, depending on the hour.)
  std::optional<notifications::v1::Alert> alert;
  const absl::Time end = absl::Now() + absl::Seconds(30);
  while (absl::Now() < end && !(alert && alert->source().find("points/lobby/") == 0)) alert = gm.Next(absl::Seconds(1));
  ASSERT_TRUE(alert.has_value()) << inspections_process_->Log();
  EXPECT_EQ(alert->recipient(), "role/gm_office");
  EXPECT_NE(alert->title().find("大堂"), std::string::npos);
  EXPECT_NE(alert->source().find("points/lobby/inspections/"), std::string::npos);
  iv1::ListDueInspectionsResponse round;
  ASSERT_TRUE(As(kInspector, [&](auto* ctx) {
                return inspections_->ListDueInspections(ctx, iv1::ListDueInspectionsRequest(), &round);
              }).ok());
  bool missed = false;
  for (const auto& d : round.inspections())
    missed |= d.point() == "points/lobby" && d.status() == iv1::DueInspection::MISSED;
  EXPECT_TRUE(missed);
}

TEST_F(InspectionsProcessTest, EveryMethodRequiresAToken) {
  const auto* service = iv1::Inspection::descriptor()->file()->FindServiceByName("InspectionsService");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(testing::MethodsServedWithoutAToken(service, address_), std::vector<std::string>{});
}

}  // namespace
}  // namespace atrium
