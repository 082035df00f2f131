// The sales binary with the real clients and meetings binaries: the market
// division reaches the clients service through the outbox — also when the
// clients service was down when the manager divided it — so that the
// segment's new accounts go to its KAM and its accounts move with their
// history; a target split by last year asks both peers over gRPC with the
// manager's token (and is refused, changing nothing, while a peer is down);
// attainment and the forecast read both peers; every method requires a
// token.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/sales/v1/sales.grpc.pb.h"
#include "common/auth.h"
#include "common/outbox.h"
#include "common/testing.h"
#include "grpcpp/grpcpp.h"
#include "tests/calls.h"
#include "tests/process.h"

namespace atrium {
namespace {

namespace cv1 = clients::v1;
namespace sv1 = sales::v1;

const char kKey[] = "sales-test-key";
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};
const Principal kClerk{"clerk-chen", "Chen Yu", Role::kClerk, ""};

template <typename Fn>
grpc::Status As(const Principal& who, Fn&& fn) {
  return testing::CallAs(kKey, who, fn);
}

class SalesProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("sales-process");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    clients_port_ = testing::FreePort();
    meetings_port_ = testing::FreePort();
    sales_ = Start(ATRIUM_SALES_BINARY, "sales",
                   {"--listen=127.0.0.1:0", "--clients-address=" + Address(clients_port_),
                    "--meetings-address=" + Address(meetings_port_), "--poll-interval=100ms", "--peer-deadline=1s"});
    sales_stub_ = sv1::SalesService::NewStub(grpc::CreateChannel(sales_address_, grpc::InsecureChannelCredentials()));
    clients_stub_ =
        cv1::ClientsService::NewStub(grpc::CreateChannel(Address(clients_port_), grpc::InsecureChannelCredentials()));
  }

  static std::string Address(int port) { return "127.0.0.1:" + std::to_string(port); }

  std::unique_ptr<testing::ServiceProcess> Start(const char* binary, const std::string& name,
                                                 std::vector<std::string> args) {
    args.push_back("--jwt-key-file=" + dir_ + "/jwt.key");
    args.push_back("--db-path=" + dir_ + "/" + name + ".db");
    auto p = std::make_unique<testing::ServiceProcess>(binary, args, dir_ + "/" + name + ".log");
    const std::string address = p->Start();
    EXPECT_FALSE(address.empty()) << p->Log();
    if (name == "sales") sales_address_ = address;
    return p;
  }

  void StartClients() {
    clients_ = Start(ATRIUM_CLIENTS_BINARY, "clients",
                     {"--listen=" + Address(clients_port_), "--notifications-address=127.0.0.1:1"});
  }
  void StartMeetings() {
    meetings_ = Start(ATRIUM_MEETINGS_BINARY, "meetings",
                      {"--listen=" + Address(meetings_port_), "--clients-address=" + Address(clients_port_),
                       "--notifications-address=127.0.0.1:1"});
  }

  absl::StatusOr<cv1::Account> CreateAccount(const std::string& name, const std::string& segment) {
    cv1::CreateAccountRequest req;
    req.mutable_account()->set_kind(cv1::ACCOUNT_KIND_COMPANY);
    req.mutable_account()->set_display_name(name);
    req.mutable_account()->set_industry_segment(segment);
    cv1::Account out;
    grpc::Status s = As(kClerk, [&](auto* ctx) { return clients_stub_->CreateAccount(ctx, req, &out); });
    if (!s.ok()) return absl::InternalError(s.error_message());
    return out;
  }

  // Waits until a clerk's new account of `segment` gets `owner`; each try
  // creates one.
  bool NewAccountsGoTo(const std::string& segment, const std::string& owner) {
    for (int i = 0; i < 100; ++i) {
      auto a = CreateAccount("探测" + std::to_string(tries_++), segment);
      if (a.ok() && a->owner() == owner) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::string dir_, sales_address_;
  int clients_port_ = 0, meetings_port_ = 0, tries_ = 0;
  std::unique_ptr<testing::ServiceProcess> sales_, clients_, meetings_;
  std::unique_ptr<sv1::SalesService::Stub> sales_stub_;
  std::unique_ptr<cv1::ClientsService::Stub> clients_stub_;
};

TEST_F(SalesProcessTest, TheMarketDivisionReachesTheClientsServiceAfterItsOutage) {
  // The clients service is down: the division is accepted and waits.
  sv1::CreateSegmentAssignmentRequest assign;
  assign.mutable_segment_assignment()->set_segment("医药");
  assign.mutable_segment_assignment()->set_kam("kam-li");
  sv1::SegmentAssignment assignment;
  grpc::Status s =
      As(kManager, [&](auto* ctx) { return sales_stub_->CreateSegmentAssignment(ctx, assign, &assignment); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  StartClients();
  EXPECT_TRUE(NewAccountsGoTo("医药", "kam-li")) << sales_->Log();

  // An account of the segment owned by nobody, then the segment moves to
  // kam-zhao with its accounts.
  auto other = CreateAccount("华东制药", "化工");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->owner(), "");
  sv1::UpdateSegmentAssignmentRequest move;
  move.mutable_segment_assignment()->set_name(assignment.name());
  move.mutable_segment_assignment()->set_kam("kam-zhao");
  move.mutable_update_mask()->add_paths("kam");
  move.set_move_accounts(true);
  s = As(kManager, [&](auto* ctx) { return sales_stub_->UpdateSegmentAssignment(ctx, move, &assignment); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(NewAccountsGoTo("医药", "kam-zhao"));
  cv1::ListAccountsRequest list;
  list.set_industry_segment("医药");
  list.set_page_size(1000);
  cv1::ListAccountsResponse accounts;
  ASSERT_TRUE(As(kManager, [&](auto* ctx) { return clients_stub_->ListAccounts(ctx, list, &accounts); }).ok());
  ASSERT_GE(accounts.accounts_size(), 2);
  for (const auto& a : accounts.accounts()) EXPECT_EQ(a.owner(), "kam-zhao") << a.display_name();
  cv1::ListActivitiesRequest history;
  history.set_parent(accounts.accounts(0).name());
  history.set_type(cv1::Activity::ACCOUNT_CHANGE);
  cv1::ListActivitiesResponse entries;
  ASSERT_TRUE(As(kManager, [&](auto* ctx) { return clients_stub_->ListActivities(ctx, history, &entries); }).ok());
  bool reassigned = false;
  for (const auto& e : entries.activities()) reassigned = reassigned || e.summary() == "account reassigned";
  EXPECT_TRUE(reassigned);
}

TEST_F(SalesProcessTest, ATargetByLastYearAsksThePeersAndNeedsThem) {
  sv1::CreateTargetRequest req;
  auto* t = req.mutable_target();
  t->set_year(2027);
  t->set_scope(sv1::Target::DEPARTMENT);
  t->set_metric(sv1::TOTAL_REVENUE);
  t->set_annual(100'000'000);
  t->set_split(sv1::Target::LAST_YEAR);
  sv1::Target out;
  // Both peers down: UNAVAILABLE, nothing written.
  grpc::Status s = As(kManager, [&](auto* ctx) { return sales_stub_->CreateTarget(ctx, req, &out); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  StartClients();
  StartMeetings();
  // The meetings service answers (once the sales service's channel has
  // reconnected: UNAVAILABLE says retry): last year has nothing settled.
  for (int i = 0; i < 100; ++i) {
    s = As(kManager, [&](auto* ctx) { return sales_stub_->CreateTarget(ctx, req, &out); });
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(ErrorReason(s), "NO_LAST_YEAR");
  // The clients service answers for visits the same way.
  t->set_metric(sv1::VISITS);
  for (int i = 0; i < 100; ++i) {
    s = As(kManager, [&](auto* ctx) { return sales_stub_->CreateTarget(ctx, req, &out); });
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(ErrorReason(s), "NO_LAST_YEAR") << s.error_message();
  t->set_metric(sv1::TOTAL_REVENUE);
  t->set_split(sv1::Target::EVEN);
  s = As(kManager, [&](auto* ctx) { return sales_stub_->CreateTarget(ctx, req, &out); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.months_size(), 12);
  sv1::ListTargetsRequest list;
  list.set_year(2027);
  sv1::ListTargetsResponse targets;
  ASSERT_TRUE(As(kManager, [&](auto* ctx) { return sales_stub_->ListTargets(ctx, list, &targets); }).ok());
  EXPECT_EQ(targets.targets_size(), 1);  // the refused ones left nothing

  // Attainment and the forecast, from both peers over gRPC.
  sv1::GetAttainmentRequest attainment;
  attainment.set_year(2027);
  sv1::Attainment lines;
  s = As(kManager, [&](auto* ctx) { return sales_stub_->GetAttainment(ctx, attainment, &lines); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(lines.lines_size(), 1);
  EXPECT_EQ(lines.lines(0).target_value(), 100'000'000);
  EXPECT_EQ(lines.lines(0).achieved(), 0);
  sv1::GetForecastRequest forecast;
  forecast.mutable_start_month()->set_year(2027);
  forecast.mutable_start_month()->set_month(1);
  forecast.mutable_end_month()->set_year(2027);
  forecast.mutable_end_month()->set_month(12);
  sv1::Forecast months;
  s = As(kManager, [&](auto* ctx) { return sales_stub_->GetForecast(ctx, forecast, &months); });
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(months.months_size(), 12);
  EXPECT_EQ(months.months(0).target(), out.months(0));

  // Without a token: UNAUTHENTICATED.
  grpc::ClientContext anonymous;
  EXPECT_EQ(sales_stub_->ListTargets(&anonymous, list, &targets).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SalesProcessTest, EveryMethodRequiresAToken) {
  const auto* service = sv1::Target::descriptor()->file()->FindServiceByName("SalesService");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(testing::MethodsServedWithoutAToken(service, sales_address_), std::vector<std::string>{});
}

}  // namespace
}  // namespace atrium
