// A peer restarting is a transient failure: the meetings binary hands a
// notice to the notifications binary while notifications restarts (SIGTERM
// with the call in flight and cut off when the shutdown grace runs out; or
// kill -9), and the notice is accepted within seconds of the new process
// listening, not after the hour a refused entry waits. gRPC 1.51 reports
// the call cut off by the grace as UNAVAILABLE ("Cancelling all calls");
// calls that reach a server already shutting down, before a handler takes
// them, end CANCELLED (grpc/grpc#41785), a race this test cannot force:
// ErrorsTest.TransientPeerFailures covers that code. Real clients,
// notifications and meetings binaries, a real redis-server, real SQLite.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <fstream>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "common/auth.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "grpcpp/grpcpp.h"
#include "tests/calls.h"
#include "tests/department.h"
#include "tests/meeting_requests.h"
#include "tests/process.h"

namespace atrium {
namespace {

namespace mv1 = meetings::v1;
namespace cv1 = clients::v1;
namespace nv1 = notifications::v1;
using testing::WaitFor;
using testing::Yuan;

const char kKey[] = "restart-test-key";
const Principal kKam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};

template <typename Fn>
grpc::Status As(const Principal& who, Fn&& fn) {
  return testing::CallAs(kKey, who, fn, std::chrono::seconds(10));
}

// Holds the write lock of an SQLite file, as a long transaction of another
// process would: the service's writes wait (its busy timeout) meanwhile.
class WriteLock final {
 public:
  explicit WriteLock(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
  }
  ~WriteLock() { Release(); }
  void Release() {
    if (db_ == nullptr) return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

class PeerRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("peer-restart");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    redis_ = std::make_unique<testing::RedisServer>(dir_);
    ASSERT_TRUE(redis_->Start()) << "redis-server did not start";
    const std::string key = "--jwt-key-file=" + dir_ + "/jwt.key";
    const int clients_port = testing::FreePort();
    notifications_port_ = testing::FreePort();
    clients_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_CLIENTS_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:" + std::to_string(clients_port), "--db-path=" + dir_ + "/c.db",
                                 key},
        dir_ + "/clients.log");
    ASSERT_FALSE(clients_->Start().empty()) << clients_->Log();
    // A short grace, so that the call held in flight is cancelled by the
    // shutdown (the busy timeout of its write is longer).
    notifications_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_NOTIFICATIONS_BINARY,
        std::vector<std::string>{"--listen=" + Notifications(), "--db-path=" + NotificationsDb(), key,
                                 "--redis=" + redis_->address(), "--poll-interval=100ms", "--shutdown-grace=1s"},
        dir_ + "/notifications.log");
    ASSERT_FALSE(notifications_->Start().empty()) << notifications_->Log();
    // Deadlines longer than all of it (the outbox calls with
    // clients-deadline): the call ends by the restart, not by the caller
    // giving up.
    meetings_process_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_MEETINGS_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:0", "--db-path=" + dir_ + "/m.db", key,
                                 "--clients-address=127.0.0.1:" + std::to_string(clients_port),
                                 "--notifications-address=" + Notifications(), "--notifications-deadline=60s",
                                 "--clients-deadline=60s"},
        dir_ + "/meetings.log");
    const std::string address = meetings_process_->Start();
    ASSERT_FALSE(address.empty()) << meetings_process_->Log();
    meetings_ = mv1::MeetingsService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    clients_stub_ = cv1::ClientsService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(clients_port), grpc::InsecureChannelCredentials()));
    notifications_stub_ =
        nv1::NotificationsService::NewStub(grpc::CreateChannel(Notifications(), grpc::InsecureChannelCredentials()));
  }

  std::string Notifications() const { return "127.0.0.1:" + std::to_string(notifications_port_); }
  std::string NotificationsDb() const { return dir_ + "/n.db"; }

  // A contracted meeting of kam-li's, ready for its notice.
  void ContractedMeeting(mv1::Meeting* m) {
    cv1::CreateAccountRequest account_req;
    account_req.mutable_account()->set_kind(cv1::ACCOUNT_KIND_COMPANY);
    account_req.mutable_account()->set_display_name("ACME 华东区");
    cv1::Account account;
    ASSERT_CALL(kKam, clients_stub_->CreateAccount(ctx, account_req, &account));
    mv1::UpdatePriceListRequest prices;
    for (auto [c, item, yuan] : {std::tuple{mv1::ROOMS, "deluxe-king", 800}, std::tuple{mv1::FNB, "lunch-150", 150}}) {
      auto* i = prices.mutable_price_list()->add_items();
      i->set_category(c);
      i->set_item(item);
      *i->mutable_unit_price() = Yuan(yuan);
    }
    mv1::PriceList list;
    ASSERT_CALL(kManager, meetings_->UpdatePriceList(ctx, prices, &list));
    mv1::CreateMeetingRequest create;
    create.mutable_meeting()->set_account(account.name());
    create.mutable_meeting()->set_title("2027 华东区经销商年会");
    create.mutable_meeting()->set_origin(mv1::Meeting::WALK_IN);
    ASSERT_CALL(kKam, meetings_->CreateMeeting(ctx, create, m));
    testing::MeetingRequest move;
    move.set_name(m->name());
    ASSERT_CALL(kKam, meetings_->RecordSiteVisit(ctx, move, m));
    ASSERT_CALL(kKam, meetings_->StartNegotiation(ctx, move, m));
    ASSERT_CALL(kKam, meetings_->RecordIntent(ctx, move, m));
    const absl::Time start = absl::Now() + absl::Hours(24 * 20);
    mv1::CreateAgreementRequest draft;
    draft.set_parent(m->name());
    mv1::Agreement* a = draft.mutable_agreement();
    *a->mutable_start_time() = ToProto(start);
    *a->mutable_end_time() = ToProto(start + absl::Hours(30));
    a->set_organiser("ACME 华东区");
    a->set_attendees(120);
    auto* meal = a->add_meals();
    *meal->mutable_date() = Today(start, absl::FixedTimeZone(8 * 3600));
    meal->set_kind(mv1::Meal::LUNCH);
    meal->set_time("12:00");
    meal->set_standard("lunch-150");
    meal->set_headcount(120);
    auto* night = a->add_room_block();
    *night->mutable_night() = meal->date();
    night->set_room_type("deluxe-king");
    night->set_rooms(60);
    auto* line = a->add_prices();
    line->set_category(mv1::ROOMS);
    line->set_item("deluxe-king");
    line->set_quantity(60);
    *line->mutable_unit_price() = Yuan(760);
    line = a->add_prices();
    line->set_category(mv1::FNB);
    line->set_item("lunch-150");
    line->set_quantity(120);
    *line->mutable_unit_price() = Yuan(150);
    mv1::Agreement agreement;
    ASSERT_CALL(kKam, meetings_->CreateAgreement(ctx, draft, &agreement));
    mv1::SignAgreementRequest sign;
    sign.set_name(agreement.name());
    sign.set_client_signatory("ACME 王经理");
    ASSERT_CALL(kKam, meetings_->SignAgreement(ctx, sign, &agreement));
  }

  bool NoticeAccepted(const std::string& notice) {
    nv1::GetNoticeRequest req;
    req.set_name(notice);
    nv1::Notice out;
    return As(kManager, [&](auto* ctx) { return notifications_stub_->GetNotice(ctx, req, &out); }).ok() &&
           out.current_revision() == 1;
  }

  std::string dir_;
  int notifications_port_ = 0;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::ServiceProcess> clients_, notifications_, meetings_process_;
  std::unique_ptr<mv1::MeetingsService::Stub> meetings_;
  std::unique_ptr<cv1::ClientsService::Stub> clients_stub_;
  std::unique_ptr<nv1::NotificationsService::Stub> notifications_stub_;
};

TEST_F(PeerRestartTest, ANoticeCaughtByARestartGoesOutWithinSecondsOfThePeersReturn) {
  mv1::Meeting m;
  ASSERT_NO_FATAL_FAILURE(ContractedMeeting(&m));
  const std::string notice = "notices/" + m.name().substr(sizeof("meetings/") - 1);

  // The notifications service's writes wait on the lock, so the hand-over of
  // the notice is in flight when the service is told to stop; its shutdown
  // grace (1 s) ends before the write's busy timeout (5 s): the call is cut
  // off by the restart.
  WriteLock lock(NotificationsDb());
  testing::MeetingRequest move;
  move.set_name(m.name());
  ASSERT_CALL(kKam, meetings_->IssueNotice(ctx, move, &m));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the outbox polls every 500 ms
  EXPECT_EQ(notifications_->Stop(SIGTERM), 0) << notifications_->Log();
  lock.Release();
  EXPECT_FALSE(NoticeAccepted(notice));

  ASSERT_FALSE(notifications_->Start().empty()) << notifications_->Log();
  // The retry backoff (1 s doubling) over the few failed tries of a restart
  // is seconds; a generous bound for a loaded machine, far below the hour.
  EXPECT_TRUE(WaitFor([&] { return NoticeAccepted(notice); }, absl::Seconds(45)))
      << "the notice waits for a later try\n"
      << meetings_process_->Log();
}

// kill -9 mid-call: the connection breaks (UNAVAILABLE); the notice goes out
// once the new process listens.
TEST_F(PeerRestartTest, ANoticeCaughtByAKilledPeerGoesOutOnceItIsBack) {
  mv1::Meeting m;
  ASSERT_NO_FATAL_FAILURE(ContractedMeeting(&m));
  const std::string notice = "notices/" + m.name().substr(sizeof("meetings/") - 1);
  WriteLock lock(NotificationsDb());
  testing::MeetingRequest move;
  move.set_name(m.name());
  ASSERT_CALL(kKam, meetings_->IssueNotice(ctx, move, &m));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(notifications_->Stop(SIGKILL), 128 + SIGKILL);
  lock.Release();
  ASSERT_FALSE(notifications_->Start().empty()) << notifications_->Log();
  EXPECT_TRUE(WaitFor([&] { return NoticeAccepted(notice); }, absl::Seconds(45))) << meetings_process_->Log();
}

}  // namespace
}  // namespace atrium
