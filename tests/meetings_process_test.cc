// The meetings binary with the clients binary, as deployed: a meeting is
// recorded for an account the clients service knows, checked on the
// caller's behalf with the caller's own token; with the clients service
// down the call fails UNAVAILABLE and nothing is created; bookings conflict
// over the wire.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "common/auth.h"
#include "common/errors.h"
#include "common/outbox.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "tests/calls.h"
#include "tests/meeting_requests.h"
#include "tests/process.h"

namespace atrium {
namespace {

const char kKey[] = "meetings-test-key";
const Principal kKam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
const Principal kKam2{"kam-zhao", "Zhao Lei", Role::kKeyAccountManager, ""};
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};

void Authorize(grpc::ClientContext* ctx, const Principal& who) {
  ctx->AddMetadata("authorization",
                   "Bearer " + *MintToken(TokenAlgorithm::kHs256, kKey, who, absl::Now() + absl::Hours(1)));
}

class MeetingsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("meetings-process");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    clients_port_ = testing::FreePort();
    clients_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_CLIENTS_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:" + std::to_string(clients_port_), "--db-path=" + dir_ + "/c.db",
                                 "--jwt-key-file=" + dir_ + "/jwt.key"},
        dir_ + "/clients.log");
    ASSERT_FALSE(clients_->Start().empty()) << clients_->Log();
    meetings_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_MEETINGS_BINARY,
        std::vector<std::string>{
            "--listen=127.0.0.1:0", "--db-path=" + dir_ + "/m.db", "--jwt-key-file=" + dir_ + "/jwt.key",
            "--clients-address=127.0.0.1:" + std::to_string(clients_port_), "--clients-deadline=1s"},
        dir_ + "/meetings.log");
    address_ = meetings_->Start();
    ASSERT_FALSE(address_.empty()) << meetings_->Log();
    stub_ = meetings::v1::MeetingsService::NewStub(grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    clients_stub_ = clients::v1::ClientsService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(clients_port_), grpc::InsecureChannelCredentials()));
  }

  std::string CreateAccount(const std::string& name) {
    grpc::ClientContext ctx;
    Authorize(&ctx, kKam);
    clients::v1::CreateAccountRequest req;
    req.mutable_account()->set_kind(clients::v1::ACCOUNT_KIND_COMPANY);
    req.mutable_account()->set_display_name(name);
    clients::v1::Account out;
    grpc::Status s = clients_stub_->CreateAccount(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  grpc::Status CreateMeeting(const Principal& who, const std::string& account, meetings::v1::Meeting* out) {
    grpc::ClientContext ctx;
    Authorize(&ctx, who);
    meetings::v1::CreateMeetingRequest req;
    req.mutable_meeting()->set_account(account);
    req.mutable_meeting()->set_title("2027 华东区经销商年会");
    req.mutable_meeting()->set_origin(meetings::v1::Meeting::OUTREACH);
    return stub_->CreateMeeting(&ctx, req, out);
  }

  int CountMeetings() {
    grpc::ClientContext ctx;
    Authorize(&ctx, kManager);
    meetings::v1::ListMeetingsResponse resp;
    grpc::Status s = stub_->ListMeetings(&ctx, meetings::v1::ListMeetingsRequest(), &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.meetings_size();
  }

  std::string dir_;
  int clients_port_ = 0;
  std::string address_;
  std::unique_ptr<testing::ServiceProcess> clients_, meetings_;
  std::unique_ptr<meetings::v1::MeetingsService::Stub> stub_;
  std::unique_ptr<clients::v1::ClientsService::Stub> clients_stub_;
};

TEST_F(MeetingsProcessTest, AMeetingIsRecordedForAnAccountOfTheClientsService) {
  const std::string account = CreateAccount("上海浦东会展有限公司");
  meetings::v1::Meeting m;
  grpc::Status s = CreateMeeting(kKam, account, &m);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(m.owner(), "kam-li");
  // Another KAM may not record a meeting for kam-li's account.
  EXPECT_EQ(CreateMeeting(kKam2, account, &m).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateMeeting(kKam, "accounts/nosuchaccount", &m).error_code(), grpc::StatusCode::NOT_FOUND);

  // The clients service down: UNAVAILABLE, and nothing was created.
  const int before = CountMeetings();
  EXPECT_EQ(clients_->Stop(SIGKILL), 128 + SIGKILL);
  grpc::Status down = CreateMeeting(kKam, account, &m);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  EXPECT_EQ(CountMeetings(), before);
  ASSERT_FALSE(clients_->Start().empty());
  grpc::Status back = grpc::Status(grpc::StatusCode::UNKNOWN, "");
  for (int i = 0; i < 50 && !back.ok(); ++i) {
    back = CreateMeeting(kKam, account, &m);
    if (!back.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(back.ok()) << back.error_message();
  EXPECT_EQ(CountMeetings(), before + 1);

  grpc::ClientContext anonymous;
  meetings::v1::CreateMeetingRequest req;
  EXPECT_EQ(stub_->CreateMeeting(&anonymous, req, &m).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(MeetingsProcessTest, ARefusedBookingNamesTheMeetingInTheWay) {
  const std::string account = CreateAccount("ACME");
  meetings::v1::Meeting a, b;
  ASSERT_TRUE(CreateMeeting(kKam, account, &a).ok());
  ASSERT_TRUE(CreateMeeting(kManager, account, &b).ok());
  {
    grpc::ClientContext ctx;
    Authorize(&ctx, kManager);
    meetings::v1::CreateRoomRequest req;
    req.set_room_id("hall-a");
    req.mutable_room()->set_display_name("宴会厅A");
    auto* c = req.mutable_room()->add_capacities();
    c->set_style(meetings::v1::BANQUET);
    c->set_seats(300);
    meetings::v1::Room room;
    ASSERT_TRUE(stub_->CreateRoom(&ctx, req, &room).ok());
  }
  auto book = [&](const meetings::v1::Meeting& m, meetings::v1::Booking* out) {
    grpc::ClientContext ctx;
    Authorize(&ctx, kManager);
    meetings::v1::CreateBookingRequest req;
    req.set_parent(m.name());
    req.mutable_booking()->set_room("rooms/hall-a");
    const absl::Time start = absl::Now() + absl::Hours(24 * 20);
    *req.mutable_booking()->mutable_start_time() = ToProto(start);
    *req.mutable_booking()->mutable_end_time() = ToProto(start + absl::Hours(3));
    req.mutable_booking()->set_style(meetings::v1::BANQUET);
    req.mutable_booking()->set_attendees(200);
    return stub_->CreateBooking(&ctx, req, out);
  };
  meetings::v1::Booking first, second;
  ASSERT_TRUE(book(a, &first).ok());
  grpc::Status clash = book(b, &second);
  EXPECT_EQ(clash.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(clash), "ROOM_CONFLICT");
  EXPECT_NE(clash.error_message().find(a.name()), std::string::npos);
}

// Each step of a meeting reaches the account's sales record in the clients
// service, sent by the meetings service with its own identity; with the
// clients service down the step is kept and delivered once it is back.
TEST_F(MeetingsProcessTest, StepsReachTheAccountsSalesRecordEvenAfterAnOutage) {
  const std::string account = CreateAccount("杭州会展集团");
  meetings::v1::Meeting m;
  ASSERT_TRUE(CreateMeeting(kKam, account, &m).ok());
  auto meeting_entries = [&]() {
    grpc::ClientContext ctx;
    Authorize(&ctx, kManager);
    clients::v1::ListActivitiesRequest req;
    req.set_parent(account);
    clients::v1::ListActivitiesResponse resp;
    if (!clients_stub_->ListActivities(&ctx, req, &resp).ok()) return -1;
    int n = 0;
    for (const auto& a : resp.activities()) {
      if (a.type() == clients::v1::Activity::MEETING) {
        EXPECT_EQ(a.subject(), m.name());
        ++n;
      }
    }
    return n;
  };
  auto wait_for = [&](int n) {
    for (int i = 0; i < 200; ++i) {
      if (meeting_entries() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  EXPECT_TRUE(wait_for(1));  // the enquiry

  EXPECT_EQ(clients_->Stop(SIGKILL), 128 + SIGKILL);
  grpc::ClientContext ctx;
  Authorize(&ctx, kKam);
  testing::MeetingRequest visit;
  visit.set_name(m.name());
  visit.set_note("参观了大宴会厅");
  grpc::Status s = stub_->RecordSiteVisit(&ctx, visit, &m);
  ASSERT_TRUE(s.ok()) << s.error_message();  // the step itself needs no other service
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_FALSE(clients_->Start().empty());
  EXPECT_TRUE(wait_for(2)) << meeting_entries();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(meeting_entries(), 2);  // delivered once
}

// Every method refuses a call without a valid token, over the wire: each is
// called by name with an empty request through the generic stub.
TEST_F(MeetingsProcessTest, EveryMethodRequiresAToken) {
  const auto* service = meetings::v1::Meeting::descriptor()->file()->FindServiceByName("MeetingsService");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(testing::MethodsServedWithoutAToken(service, address_), std::vector<std::string>{});
}

}  // namespace
}  // namespace atrium
