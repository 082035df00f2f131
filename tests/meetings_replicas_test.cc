// Two replicas of the meetings service on one real PostgreSQL database:
// many parallel requests for overlapping slots of one room, spread over both
// replicas, and exactly one wins each time; what one replica wrote the
// other reads.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "common/auth.h"
#include "common/errors.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "tests/calls.h"
#include "tests/postgres.h"
#include "tests/process.h"

namespace atrium {
namespace {

namespace mv1 = meetings::v1;
const char kKey[] = "replicas-test-key";
const Principal kKam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};

template <typename Fn>
grpc::Status As(const Principal& who, Fn&& fn) {
  return testing::CallAs(kKey, who, fn, std::chrono::seconds(10));
}

TEST(MeetingsReplicasTest, TwoReplicasOnOnePostgresNeverDoubleBook) {
  const std::string dir = testing::TempDir("replicas");
  std::ofstream(dir + "/jwt.key") << kKey;
  std::ofstream(dir + "/page.key") << "shared-page-secret";
  testing::PostgresServer pg(dir);
  ASSERT_TRUE(pg.Start()) << pg.log();
  ASSERT_TRUE(pg.CreateDatabase("meetings"));
  const int clients_port = testing::FreePort();
  testing::ServiceProcess clients(ATRIUM_CLIENTS_BINARY,
                                  {"--listen=127.0.0.1:" + std::to_string(clients_port), "--db-path=" + dir + "/c.db",
                                   "--jwt-key-file=" + dir + "/jwt.key"},
                                  dir + "/clients.log");
  ASSERT_FALSE(clients.Start().empty()) << clients.Log();
  std::vector<std::unique_ptr<testing::ServiceProcess>> replicas;
  std::vector<std::unique_ptr<mv1::MeetingsService::Stub>> stubs;
  for (int i = 0; i < 2; ++i) {
    replicas.push_back(std::make_unique<testing::ServiceProcess>(
        ATRIUM_MEETINGS_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:0", "--database-url=" + pg.Url("meetings"),
                                 "--jwt-key-file=" + dir + "/jwt.key", "--page-token-secret-file=" + dir + "/page.key",
                                 "--clients-address=127.0.0.1:" + std::to_string(clients_port)},
        dir + "/meetings-" + std::to_string(i) + ".log"));
    const std::string address = replicas.back()->Start();
    ASSERT_FALSE(address.empty()) << replicas.back()->Log();
    stubs.push_back(mv1::MeetingsService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())));
  }

  auto clients_stub = clients::v1::ClientsService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(clients_port), grpc::InsecureChannelCredentials()));
  clients::v1::CreateAccountRequest account_req;
  account_req.mutable_account()->set_kind(clients::v1::ACCOUNT_KIND_COMPANY);
  account_req.mutable_account()->set_display_name("Replica Co");
  clients::v1::Account account;
  ASSERT_TRUE(As(kKam, [&](auto* ctx) { return clients_stub->CreateAccount(ctx, account_req, &account); }).ok());
  mv1::CreateRoomRequest room;
  room.set_room_id("hall-a");
  room.mutable_room()->set_display_name("宴会厅A");
  auto* c = room.mutable_room()->add_capacities();
  c->set_style(mv1::THEATRE);
  c->set_seats(300);
  mv1::Room room_out;
  ASSERT_TRUE(As(kManager, [&](auto* ctx) { return stubs[0]->CreateRoom(ctx, room, &room_out); }).ok());
  // Meetings created on either replica, read back on the other.
  std::vector<std::string> meetings;
  for (int i = 0; i < 8; ++i) {
    mv1::CreateMeetingRequest req;
    req.mutable_meeting()->set_account(account.name());
    req.mutable_meeting()->set_title("会议 " + std::to_string(i));
    req.mutable_meeting()->set_origin(mv1::Meeting::WALK_IN);
    mv1::Meeting m;
    ASSERT_TRUE(As(kKam, [&](auto* ctx) { return stubs[i % 2]->CreateMeeting(ctx, req, &m); }).ok());
    mv1::GetMeetingRequest get;
    get.set_name(m.name());
    mv1::Meeting read;
    ASSERT_TRUE(As(kKam, [&](auto* ctx) { return stubs[(i + 1) % 2]->GetMeeting(ctx, get, &read); }).ok());
    EXPECT_EQ(read.etag(), m.etag());
    meetings.push_back(m.name());
  }

  const absl::Time base = absl::Now() + absl::Hours(24 * 30);
  for (int round = 0; round < 5; ++round) {
    std::atomic<int> won{0}, conflicts{0}, other{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < 16; ++t) {
      callers.emplace_back([&, t] {
        mv1::CreateBookingRequest req;
        req.set_parent(meetings[t % meetings.size()]);
        auto* b = req.mutable_booking();
        b->set_room("rooms/hall-a");
        // Every request overlaps every other (different lengths, one room).
        const absl::Time start = base + absl::Hours(24 * round) + absl::Minutes(10 * (t % 4));
        *b->mutable_start_time() = ToProto(start);
        *b->mutable_end_time() = ToProto(start + absl::Hours(2));
        b->set_style(mv1::THEATRE);
        b->set_attendees(100);
        mv1::Booking out;
        grpc::Status s = As(kKam, [&](auto* ctx) { return stubs[t % 2]->CreateBooking(ctx, req, &out); });
        if (s.ok()) {
          ++won;
        } else if (s.error_code() == grpc::StatusCode::ABORTED && ErrorReason(s) == "ROOM_CONFLICT") {
          ++conflicts;
        } else {
          ++other;
          ADD_FAILURE() << s.error_message();
        }
      });
    }
    for (auto& th : callers) th.join();
    EXPECT_EQ(won.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), 15) << "round " << round;
    // Both replicas see the one hold.
    for (auto& stub : stubs) {
      mv1::GetAvailabilityRequest req;
      *req.mutable_start_time() = ToProto(base + absl::Hours(24 * round) - absl::Hours(1));
      *req.mutable_end_time() = ToProto(base + absl::Hours(24 * round) + absl::Hours(4));
      req.add_rooms("rooms/hall-a");
      mv1::Availability diary;
      ASSERT_TRUE(As(kKam, [&](auto* ctx) { return stub->GetAvailability(ctx, req, &diary); }).ok());
      EXPECT_EQ(diary.rooms(0).holds_size(), 1) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace atrium
