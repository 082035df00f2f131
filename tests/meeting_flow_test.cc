// One meeting from enquiry to settled bill across the real services: the
// clients, notifications and meetings binaries with a real redis-server,
// real SQLite files and gRPC over loopback. F&B and Rooms receive the notice
// through Redis and sign it; a changed agreement reaches them as revision 2
// with its changes, even though the notifications service was down when it
// was issued; the bill's remainder reaches the account's receivables once
// and the guests' preferences reach the account, though the clients service
// was down when they were recorded; every step is in the account's history.
// A group runs from its signed agreement through pickup, the KAM's alert
// ahead of the cut-off, the release at it and a late payment's alerts to
// the settlement with attrition, each figure checked by hand.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <optional>
#include <sstream>

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
#include "tests/postgres.h"
#include "tests/process.h"

namespace atrium {
namespace {

namespace mv1 = meetings::v1;
namespace cv1 = clients::v1;
using testing::WaitFor;
using testing::Yuan;

const char kKey[] = "flow-test-key";
const Principal kKam{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};
const Principal kFinance{"fin-qian", "Qian", Role::kDepartment, "finance"};
const Principal kFnb{"fnb-zhou", "Zhou", Role::kDepartment, "fnb"};
const Principal kRooms{"rooms-wu", "Wu", Role::kDepartment, "rooms"};
const Principal kFront{"fo-he", "He", Role::kDepartment, "front_office"};
const Principal kEngineering{"eng-ma", "Ma", Role::kDepartment, "engineering"};

// Runs one call as `who`, with a deadline.
template <typename Fn>
grpc::Status As(const Principal& who, Fn&& fn) {
  return testing::CallAs(kKey, who, fn);
}

class MeetingFlowTest : public ::testing::Test {
 protected:
  virtual bool OnPostgres() const { return false; }
  // One meeting from enquiry to settled bill (the test body, for both backends).
  void FullFlow();

  // With OnPostgres(), a database per service on a real PostgreSQL server.
  std::string Database(const std::string& service) {
    if (!pg_) return "--database-url=";
    EXPECT_TRUE(pg_->CreateDatabase(service));
    return "--database-url=" + pg_->Url(service);
  }

  void SetUp() override {
    dir_ = testing::TempDir("meeting-flow");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    redis_ = std::make_unique<testing::RedisServer>(dir_);
    ASSERT_TRUE(redis_->Start()) << "redis-server did not start";
    if (OnPostgres()) {
      pg_ = std::make_unique<testing::PostgresServer>(dir_);
      ASSERT_TRUE(pg_->Start()) << pg_->log();
    }
    const std::string key = "--jwt-key-file=" + dir_ + "/jwt.key";
    clients_port_ = testing::FreePort();
    notifications_port_ = testing::FreePort();
    meetings_metrics_port_ = testing::FreePort();
    notifications_metrics_port_ = testing::FreePort();
    clients_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_CLIENTS_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:" + std::to_string(clients_port_), "--db-path=" + dir_ + "/c.db",
                                 key, Database("clients")},
        dir_ + "/clients.log");
    ASSERT_FALSE(clients_->Start().empty()) << clients_->Log();
    notifications_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_NOTIFICATIONS_BINARY,
        std::vector<std::string>{
            "--listen=127.0.0.1:" + std::to_string(notifications_port_), "--db-path=" + dir_ + "/n.db", key,
            Database("notifications"), "--redis=" + redis_->address(), "--redeliver-initial=1s", "--fresh-grace=1s",
            "--poll-interval=100ms", "--metrics-listen=127.0.0.1:" + std::to_string(notifications_metrics_port_)},
        dir_ + "/notifications.log");
    ASSERT_FALSE(notifications_->Start().empty()) << notifications_->Log();
    meetings_process_ = std::make_unique<testing::ServiceProcess>(
        ATRIUM_MEETINGS_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:0", "--db-path=" + dir_ + "/m.db", key, Database("meetings"),
                                 "--clients-address=127.0.0.1:" + std::to_string(clients_port_),
                                 "--notifications-address=" + Notifications(), "--clients-deadline=1s",
                                 "--notifications-deadline=1s", "--reminder-interval=200ms",
                                 "--metrics-listen=127.0.0.1:" + std::to_string(meetings_metrics_port_)},
        dir_ + "/meetings.log");
    const std::string address = meetings_process_->Start();
    ASSERT_FALSE(address.empty()) << meetings_process_->Log();
    meetings_ = mv1::MeetingsService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    clients_stub_ = cv1::ClientsService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(clients_port_), grpc::InsecureChannelCredentials()));
    notifications_stub_ = notifications::v1::NotificationsService::NewStub(
        grpc::CreateChannel(Notifications(), grpc::InsecureChannelCredentials()));
  }

  std::string Notifications() const { return "127.0.0.1:" + std::to_string(notifications_port_); }

  // Signs a department's dispatch of the given revision of the meeting's notice.
  grpc::Status SignFor(const Principal& dept, const std::string& notice, int revision) {
    notifications::v1::SignDispatchRequest req;
    req.set_name(notice + "/revisions/" + std::to_string(revision) + "/dispatches/" + dept.department);
    req.set_remark("已收到，按通知准备");
    notifications::v1::Dispatch out;
    return As(dept, [&](auto* ctx) { return notifications_stub_->SignDispatch(ctx, req, &out); });
  }

  // A company account of the KAM's, and the manager's price list.
  void AccountWithPrices(const std::string& name, cv1::Account* account) {
    cv1::CreateAccountRequest account_req;
    account_req.mutable_account()->set_kind(cv1::ACCOUNT_KIND_COMPANY);
    account_req.mutable_account()->set_display_name(name);
    ASSERT_CALL(kKam, clients_stub_->CreateAccount(ctx, account_req, account));
    mv1::UpdatePriceListRequest prices;
    for (auto [c, item, yuan] : {std::tuple{mv1::ROOMS, "deluxe-king", 800}, std::tuple{mv1::FNB, "lunch-150", 150}}) {
      auto* i = prices.mutable_price_list()->add_items();
      i->set_category(c);
      i->set_item(item);
      *i->mutable_unit_price() = testing::Yuan(yuan);
    }
    mv1::PriceList list;
    ASSERT_CALL(kManager, meetings_->UpdatePriceList(ctx, prices, &list));
  }

  // An enquiry of `account` taken (through a site visit) to INTENT.
  void ToIntent(const cv1::Account& account, const std::string& title, mv1::Meeting* m) {
    mv1::CreateMeetingRequest create;
    create.mutable_meeting()->set_account(account.name());
    create.mutable_meeting()->set_title(title);
    create.mutable_meeting()->set_origin(mv1::Meeting::WALK_IN);
    ASSERT_CALL(kKam, meetings_->CreateMeeting(ctx, create, m));
    testing::MeetingRequest move;
    move.set_name(m->name());
    ASSERT_CALL(kKam, meetings_->RecordSiteVisit(ctx, move, m));
    ASSERT_CALL(kKam, meetings_->StartNegotiation(ctx, move, m));
    ASSERT_CALL(kKam, meetings_->RecordIntent(ctx, move, m));
  }

  // A new version of m's agreement with `content`, signed by the client.
  void SignVersion(const mv1::Meeting& m, const mv1::Agreement& content, mv1::Agreement* a) {
    mv1::CreateAgreementRequest draft;
    draft.set_parent(m.name());
    *draft.mutable_agreement() = content;
    ASSERT_CALL(kKam, meetings_->CreateAgreement(ctx, draft, a));
    mv1::SignAgreementRequest sign;
    sign.set_name(a->name());
    sign.set_client_signatory("ACME 王经理");
    ASSERT_CALL(kKam, meetings_->SignAgreement(ctx, sign, a));
  }

  // Front office and engineering sign `revision` (F&B and Rooms sign as
  // they receive it), every item left is checked, and the meeting is
  // marked prepared once the signatures are known.
  void SignAndPrepare(const std::string& notice, int revision, mv1::Meeting* m) {
    ASSERT_TRUE(SignFor(kFront, notice, revision).ok());
    ASSERT_TRUE(SignFor(kEngineering, notice, revision).ok());
    *m = GetMeeting(m->name());
    for (const auto& item : m->checklist()) {
      if (item.checked()) continue;
      mv1::CheckItemRequest check;
      check.set_meeting(m->name());
      check.set_item(item.id());
      ASSERT_CALL(kKam, meetings_->CheckItem(ctx, check, m));
    }
    mv1::MarkPreparedRequest prepare;
    prepare.set_name(m->name());
    ASSERT_TRUE(
        WaitFor([&] { return As(kKam, [&](auto* ctx) { return meetings_->MarkPrepared(ctx, prepare, m); }).ok(); },
                absl::Seconds(20)));
  }

  mv1::Meeting GetMeeting(const std::string& name) {
    mv1::GetMeetingRequest req;
    req.set_name(name);
    mv1::Meeting m;
    As(kKam, [&](auto* ctx) { return meetings_->GetMeeting(ctx, req, &m); });
    return m;
  }

  // The alerts of `recipient` read as `who`, newest first.
  std::vector<notifications::v1::Alert> AlertsOf(const Principal& who, const std::string& recipient) {
    notifications::v1::ListAlertsRequest req;
    req.set_recipient(recipient);
    req.set_page_size(100);
    notifications::v1::ListAlertsResponse resp;
    As(who, [&](auto* ctx) { return notifications_stub_->ListAlerts(ctx, req, &resp); });
    return {resp.alerts().begin(), resp.alerts().end()};
  }
  // The first alert of `recipient` whose title holds `part`, waited for.
  std::optional<notifications::v1::Alert> AlertWith(const Principal& who, const std::string& recipient,
                                                    const std::string& part) {
    std::optional<notifications::v1::Alert> found;
    WaitFor(
        [&] {
          for (auto& a : AlertsOf(who, recipient)) {
            if (a.title().find(part) != std::string::npos) found = a;
          }
          return found.has_value();
        },
        absl::Seconds(30));
    return found;
  }

  std::vector<cv1::LedgerEntry> Ledger(const std::string& account) {
    cv1::ListLedgerEntriesRequest req;
    req.set_parent(account);
    cv1::ListLedgerEntriesResponse resp;
    As(kManager, [&](auto* ctx) { return clients_stub_->ListLedgerEntries(ctx, req, &resp); });
    return {resp.entries().begin(), resp.entries().end()};
  }

  std::string dir_;
  int clients_port_ = 0, notifications_port_ = 0, meetings_metrics_port_ = 0, notifications_metrics_port_ = 0;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::PostgresServer> pg_;
  std::unique_ptr<testing::ServiceProcess> clients_, notifications_, meetings_process_;
  std::unique_ptr<mv1::MeetingsService::Stub> meetings_;
  std::unique_ptr<cv1::ClientsService::Stub> clients_stub_;
  std::unique_ptr<notifications::v1::NotificationsService::Stub> notifications_stub_;
};

mv1::Agreement Content(int lunch) {
  const absl::Time start = absl::Now() + absl::Hours(24 * 20);
  mv1::Agreement a;
  *a.mutable_start_time() = ToProto(start);
  *a.mutable_end_time() = ToProto(start + absl::Hours(30));
  a.set_organiser("ACME 华东区");
  a.set_attendees(lunch);
  auto* meal = a.add_meals();
  *meal->mutable_date() = Today(start, absl::FixedTimeZone(8 * 3600));
  meal->set_kind(mv1::Meal::LUNCH);
  meal->set_time("12:00");
  meal->set_standard("lunch-150");
  meal->set_headcount(lunch);
  auto* night = a.add_room_block();
  *night->mutable_night() = meal->date();
  night->set_room_type("deluxe-king");
  night->set_rooms(60);
  auto* line = a.add_prices();
  line->set_category(mv1::ROOMS);
  line->set_item("deluxe-king");
  line->set_quantity(60);
  *line->mutable_unit_price() = Yuan(760);
  line = a.add_prices();
  line->set_category(mv1::FNB);
  line->set_item("lunch-150");
  line->set_quantity(lunch);
  *line->mutable_unit_price() = Yuan(150);
  return a;
}

void MeetingFlowTest::FullFlow() {
  testing::Department fnb(Notifications(), redis_->address(), kFnb, /*sign=*/true, kKey);
  testing::Department rooms(Notifications(), redis_->address(), kRooms, /*sign=*/true, kKey);

  // The account and the manager's price list; the enquiry to intent.
  cv1::Account account;
  ASSERT_NO_FATAL_FAILURE(AccountWithPrices("ACME 华东区", &account));
  mv1::Meeting m;
  ASSERT_NO_FATAL_FAILURE(ToIntent(account, "2027 华东区经销商年会", &m));
  testing::MeetingRequest move;
  move.set_name(m.name());

  // The agreement, signed: CONTRACTED.
  mv1::Agreement a;
  ASSERT_NO_FATAL_FAILURE(SignVersion(m, Content(120), &a));
  EXPECT_EQ(GetMeeting(m.name()).state(), mv1::Meeting::CONTRACTED);

  // The notice reaches F&B and Rooms through Redis; they sign it.
  ASSERT_CALL(kKam, meetings_->IssueNotice(ctx, move, &m));
  const std::string notice = "notices/" + m.name().substr(sizeof("meetings/") - 1);
  ASSERT_TRUE(WaitFor([&] { return fnb.handled() >= 1 && rooms.handled() >= 1; }, absl::Seconds(30)))
      << meetings_process_->Log();
  EXPECT_EQ(fnb.received()[0].section().department(), "fnb");
  ASSERT_TRUE(SignFor(kFront, notice, 1).ok());
  mv1::MarkPreparedRequest prepare;
  prepare.set_name(m.name());
  grpc::Status refused = As(kKam, [&](auto* ctx) { return meetings_->MarkPrepared(ctx, prepare, &m); });
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("engineering"), std::string::npos) << refused.error_message();
  ASSERT_TRUE(SignFor(kEngineering, notice, 1).ok());
  m = GetMeeting(m.name());
  for (const auto& item : m.checklist()) {
    mv1::CheckItemRequest check;
    check.set_meeting(m.name());
    check.set_item(item.id());
    ASSERT_CALL(kKam, meetings_->CheckItem(ctx, check, &m));
  }
  mv1::GetMeetingNoticeRequest get_notice;
  get_notice.set_name(m.name() + "/notice");
  mv1::MeetingNotice shown;
  ASSERT_CALL(kKam, meetings_->GetMeetingNotice(ctx, get_notice, &shown));
  EXPECT_TRUE(shown.signatures_known());
  EXPECT_EQ(shown.delivered_revision(), 1);
  ASSERT_CALL(kKam, meetings_->MarkPrepared(ctx, prepare, &m));
  EXPECT_EQ(m.state(), mv1::Meeting::PREPARED);

  // The client adds 30 guests for lunch while the notifications service is
  // down: revision 2 waits in the outbox and arrives once it is back.
  ASSERT_EQ(notifications_->Stop(SIGKILL), 128 + SIGKILL);
  ASSERT_NO_FATAL_FAILURE(SignVersion(m, Content(150), &a));
  m = GetMeeting(m.name());
  EXPECT_EQ(m.state(), mv1::Meeting::NOTICE_ISSUED);
  EXPECT_EQ(m.notice_revision(), 2);
  ASSERT_FALSE(notifications_->Start().empty()) << notifications_->Log();
  auto has_revision_2 = [](testing::Department& d) {
    for (const auto& dispatch : d.received()) {
      if (dispatch.name().find("/revisions/2/") != std::string::npos) return true;
    }
    return false;
  };
  ASSERT_TRUE(WaitFor([&] { return has_revision_2(fnb) && has_revision_2(rooms); }, absl::Seconds(60)))
      << meetings_process_->Log();
  bool lunch_changed = false;
  for (const auto& dispatch : fnb.received()) {
    for (const auto& c : dispatch.changes()) {
      lunch_changed |= c.path().find("LUNCH") != std::string::npos &&
                       c.old_value().find("120人") != std::string::npos &&
                       c.new_value().find("150人") != std::string::npos;
    }
  }
  EXPECT_TRUE(lunch_changed) << "F&B sees what changed";
  ASSERT_NO_FATAL_FAILURE(SignAndPrepare(notice, 2, &m));

  // The meeting runs; an extra service is sold; it completes.
  ASSERT_CALL(kKam, meetings_->StartMeeting(ctx, move, &m));
  mv1::CreateTrackingEntryRequest extra;
  extra.set_parent(m.name());
  extra.mutable_tracking_entry()->set_kind(mv1::TrackingEntry::EXTRA_SERVICE);
  extra.mutable_tracking_entry()->set_aspect(mv1::TrackingEntry::CATERING);
  extra.mutable_tracking_entry()->set_description("加开茶歇");
  *extra.mutable_tracking_entry()->mutable_charge() = Yuan(1500);
  mv1::TrackingEntry entry;
  ASSERT_CALL(kKam, meetings_->CreateTrackingEntry(ctx, extra, &entry));
  ASSERT_CALL(kKam, meetings_->CompleteMeeting(ctx, move, &m));

  // The bill: charged as agreed, a deposit paid, accepted, settled.
  const std::string bill = m.name() + "/settlement";
  mv1::RecordChargesRequest charges;
  charges.set_name(bill);
  for (auto [c, yuan] :
       {std::pair{mv1::ROOMS, 60 * 760}, std::pair{mv1::FNB, 150 * 150}, std::pair{mv1::EXTRAS, 1500}}) {
    auto* ch = charges.add_charges();
    ch->set_category(c);
    *ch->mutable_amount() = Yuan(yuan);
  }
  mv1::Settlement settlement;
  ASSERT_CALL(kFinance, meetings_->RecordCharges(ctx, charges, &settlement));
  mv1::RecordPaymentRequest pay;
  pay.set_name(bill);
  *pay.mutable_payment()->mutable_amount() = Yuan(30000);
  pay.mutable_payment()->set_reference("R-2027-001");
  *pay.mutable_payment()->mutable_date() = Today(absl::Now(), absl::FixedTimeZone(8 * 3600));
  ASSERT_CALL(kFinance, meetings_->RecordPayment(ctx, pay, &settlement));
  mv1::RecordBillReviewRequest review;
  review.set_name(bill);
  review.set_accepted(true);
  review.set_reviewer("ACME 王经理");
  ASSERT_CALL(kKam, meetings_->RecordBillReview(ctx, review, &settlement));
  const int64_t remainder = (60 * 760 + 150 * 150 + 1500 - 30000) * int64_t{100};
  EXPECT_EQ(settlement.balance().amount_minor(), remainder);
  // Settled, and the preferences learned recorded, while the clients service
  // is down: both wait in the outbox and arrive once it is back.
  ASSERT_EQ(clients_->Stop(SIGKILL), 128 + SIGKILL);
  mv1::SettleMeetingRequest settle;
  settle.set_name(m.name());
  ASSERT_CALL(kFinance, meetings_->SettleMeeting(ctx, settle, &m));
  ASSERT_CALL(kFinance, meetings_->SettleMeeting(ctx, settle, &m));  // a retry
  EXPECT_EQ(m.state(), mv1::Meeting::SETTLED);
  mv1::RecordGuestPreferencesRequest prefs;
  prefs.set_name(m.name());
  auto* p = prefs.add_preferences();
  p->set_category("DIETARY");
  p->set_description("张总不吃辣");
  ASSERT_CALL(kKam, meetings_->RecordGuestPreferences(ctx, prefs, &m));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the outbox meets the outage
  ASSERT_FALSE(clients_->Start().empty()) << clients_->Log();

  // In the clients service: the remainder once, the preference, the history.
  ASSERT_TRUE(WaitFor([&] { return !Ledger(account.name()).empty(); }, absl::Seconds(60)));
  ASSERT_TRUE(WaitFor(
      [&] {
        cv1::ListPreferencesRequest req;
        req.set_parent(account.name());
        cv1::ListPreferencesResponse resp;
        As(kKam, [&](auto* ctx) { return clients_stub_->ListPreferences(ctx, req, &resp); });
        return resp.preferences_size() == 1 && resp.preferences(0).source() == m.name();
      },
      absl::Seconds(30)));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto ledger = Ledger(account.name());
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].reference(), bill);
  EXPECT_EQ(ledger[0].amount().amount_minor(), remainder);
  cv1::ListActivitiesRequest history;
  history.set_parent(account.name());
  history.set_page_size(200);
  cv1::ListActivitiesResponse activities;
  ASSERT_TRUE(WaitFor(
      [&] {
        As(kKam, [&](auto* ctx) { return clients_stub_->ListActivities(ctx, history, &activities); });
        for (const auto& act : activities.activities()) {
          if (act.summary().find("COMPLETED -> SETTLED") != std::string::npos) return true;
        }
        return false;
      },
      absl::Seconds(30)));
  std::set<std::string> steps;
  for (const auto& act : activities.activities()) steps.insert(act.summary());
  for (const char* step : {"INTENT -> CONTRACTED", "CONTRACTED -> NOTICE_ISSUED", "NOTICE_ISSUED -> PREPARED",
                           "IN_PROGRESS -> COMPLETED", "agreement version 2 signed", "extra service sold"}) {
    EXPECT_TRUE(std::any_of(steps.begin(), steps.end(), [&](const std::string& s) {
      return s.find(step) != std::string::npos;
    })) << step;
  }
}

TEST_F(MeetingFlowTest, OneMeetingFromEnquiryToSettledBill) { FullFlow(); }

// The same meeting with every service keeping its data in PostgreSQL.
class MeetingFlowOnPostgresTest : public MeetingFlowTest {
 protected:
  bool OnPostgres() const override { return true; }
};

TEST_F(MeetingFlowOnPostgresTest, OneMeetingFromEnquiryToSettledBill) { FullFlow(); }

// One group's rooms and money across the real services. By hand: 60 rooms
// on each of two nights contracted; the guests reserve 40 and 35; at the
// cut-off (60 - 40) + (60 - 35) = 45 room nights go back; attrition at 80%:
// 48 required a night, 8 and 13 short, 21 x 600 = 12,600; the bill is
// 45,600 + 18,000 charged + 12,600 = 76,200, of which the deposit of 20,000
// was paid late; 56,200 goes to receivables.
TEST_F(MeetingFlowTest, OneGroupFromSignedAgreementThroughPickupCutOffLatePaymentToAttrition) {
  testing::Department fnb(Notifications(), redis_->address(), kFnb, /*sign=*/true, kKey);
  testing::Department rooms(Notifications(), redis_->address(), kRooms, /*sign=*/true, kKey);
  const absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), zone);
  const absl::CivilDay first = today + 20;
  const Principal pms{"service:pms", "reservation system", Role::kService, ""};

  cv1::Account account;
  ASSERT_NO_FATAL_FAILURE(AccountWithPrices("ACME 团队", &account));
  mv1::Meeting m;
  ASSERT_NO_FATAL_FAILURE(ToIntent(account, "2027 团队年会", &m));
  testing::MeetingRequest move;
  move.set_name(m.name());

  // Version 1: cut-off in 3 days (inside the 7 days' alert), a deposit that
  // fell due yesterday, the balance after the meeting.
  auto content = [&](absl::CivilDay cut_off) {
    mv1::Agreement a = Content(120);
    *a.mutable_start_time() =
        ToProto(absl::FromCivil(absl::CivilSecond(first.year(), first.month(), first.day(), 10, 0, 0), zone));
    *a.mutable_end_time() = ToProto(FromProto(a.start_time()) + absl::Hours(30));
    *a.mutable_meals(0)->mutable_date() = ToDate(first);
    *a.mutable_room_block(0)->mutable_night() = ToDate(first);
    auto* second = a.add_room_block();
    *second->mutable_night() = ToDate(first + 1);
    second->set_room_type("deluxe-king");
    second->set_rooms(60);
    *a.mutable_block_terms()->mutable_cut_off_date() = ToDate(cut_off);
    a.mutable_block_terms()->set_attrition_threshold_basis_points(8000);
    *a.mutable_block_terms()->mutable_attrition_rate() = Yuan(600);
    auto* deposit = a.add_payment_schedule();
    deposit->set_label("定金");
    *deposit->mutable_due_date() = ToDate(today - 1);
    *deposit->mutable_amount() = Yuan(20000);
    auto* balance = a.add_payment_schedule();
    balance->set_label("尾款");
    *balance->mutable_due_date() = ToDate(first + 10);
    *balance->mutable_amount() = Yuan(30000);
    return a;
  };
  mv1::Agreement a;
  ASSERT_NO_FATAL_FAILURE(SignVersion(m, content(today + 3), &a));

  // The KAM hears of the cut-off with the pickup so far (none), and the KAM
  // and finance of the late deposit.
  const std::string kam = "staff/" + kKam.subject;
  auto cut_off_alert = AlertWith(kKam, kam, "团队用房截止日");
  ASSERT_TRUE(cut_off_alert) << meetings_process_->Log();
  EXPECT_NE(cut_off_alert->title().find("已订 0/120 间夜"), std::string::npos) << cut_off_alert->title();
  EXPECT_EQ(cut_off_alert->source(), m.name() + "/block");
  auto late_to_kam = AlertWith(kKam, kam, "逾期未付");
  ASSERT_TRUE(late_to_kam);
  EXPECT_NE(late_to_kam->title().find("定金 20,000.00 元"), std::string::npos) << late_to_kam->title();
  ASSERT_TRUE(AlertWith(kFinance, "department/finance", "定金 20,000.00 元"));

  // The reservation system posts the rooming list, then again (a retry).
  mv1::RecordPickupRequest pickup;
  pickup.set_parent(m.name() + "/block");
  pickup.set_rooming_list(true);
  for (auto [ref, arrive, nights, n] :
       {std::tuple{"PMS-1", 0, 2, 30}, std::tuple{"PMS-2", 0, 1, 10}, std::tuple{"PMS-3", 1, 1, 5}}) {
    auto* r = pickup.add_reservations();
    r->set_reference(ref);
    r->set_room_type("deluxe-king");
    *r->mutable_arrival_date() = ToDate(first + arrive);
    *r->mutable_departure_date() = ToDate(first + arrive + nights);
    r->set_rooms(n);
  }
  mv1::RoomBlock block;
  ASSERT_CALL(pms, meetings_->RecordPickup(ctx, pickup, &block));
  ASSERT_CALL(pms, meetings_->RecordPickup(ctx, pickup, &block));
  ASSERT_EQ(block.nights_size(), 2);
  EXPECT_EQ(block.nights(0).picked_up(), 40);
  EXPECT_EQ(block.nights(1).picked_up(), 35);
  EXPECT_EQ(block.picked_up_room_nights(), 75);
  EXPECT_EQ(block.reservations(), 3);

  // Version 2 brings the cut-off to yesterday: the unpicked rooms go back
  // at once, the KAM and Rooms are told.
  ASSERT_NO_FATAL_FAILURE(SignVersion(m, content(today - 1), &a));
  auto released = AlertWith(kRooms, "department/rooms", "团队用房已释放");
  ASSERT_TRUE(released) << meetings_process_->Log();
  EXPECT_NE(released->title().find("释放 45 间夜，保留 75 间夜"), std::string::npos) << released->title();
  ASSERT_TRUE(AlertWith(kKam, kam, "团队用房已释放"));
  mv1::GetRoomBlockRequest get_block;
  get_block.set_name(m.name() + "/block");
  ASSERT_CALL(kFinance, meetings_->GetRoomBlock(ctx, get_block, &block));
  EXPECT_EQ(block.state(), mv1::RoomBlock::RELEASED);
  EXPECT_EQ(block.contracted_room_nights(), 120);
  EXPECT_EQ(block.blocked_room_nights(), 75);
  EXPECT_EQ(block.agreement(), a.name());

  // The deposit, paid late; the overdue list of today's view empties.
  const std::string bill = m.name() + "/settlement";
  mv1::RecordPaymentRequest pay;
  pay.set_name(bill);
  *pay.mutable_payment()->mutable_amount() = Yuan(20000);
  pay.mutable_payment()->set_reference("R-DEP-1");
  *pay.mutable_payment()->mutable_date() = ToDate(today);
  mv1::Settlement settlement;
  ASSERT_CALL(kFinance, meetings_->RecordPayment(ctx, pay, &settlement));
  ASSERT_EQ(settlement.schedule_size(), 2);
  EXPECT_EQ(settlement.schedule(0).state(), mv1::InstalmentStatus::PAID);
  EXPECT_EQ(settlement.schedule(1).state(), mv1::InstalmentStatus::DUE);
  mv1::TodayView view;
  ASSERT_CALL(kManager, meetings_->GetTodayView(ctx, mv1::GetTodayViewRequest(), &view));
  EXPECT_EQ(view.overdue_instalments_size(), 0);

  // The notice, the preparation, the meeting.
  ASSERT_CALL(kKam, meetings_->IssueNotice(ctx, move, &m));
  const std::string notice = "notices/" + m.name().substr(sizeof("meetings/") - 1);
  ASSERT_TRUE(WaitFor([&] { return fnb.handled() >= 1 && rooms.handled() >= 1; }, absl::Seconds(30)));
  ASSERT_NO_FATAL_FAILURE(SignAndPrepare(notice, 1, &m));
  ASSERT_CALL(kKam, meetings_->StartMeeting(ctx, move, &m));
  ASSERT_CALL(kKam, meetings_->CompleteMeeting(ctx, move, &m));

  // The bill with its attrition, worked per night.
  mv1::RecordChargesRequest charges;
  charges.set_name(bill);
  for (auto [c, yuan] : {std::pair{mv1::ROOMS, 60 * 760}, std::pair{mv1::FNB, 120 * 150}}) {
    auto* ch = charges.add_charges();
    ch->set_category(c);
    *ch->mutable_amount() = Yuan(yuan);
  }
  ASSERT_CALL(kFinance, meetings_->RecordCharges(ctx, charges, &settlement));
  ASSERT_TRUE(settlement.has_attrition());
  ASSERT_EQ(settlement.attrition().nights_size(), 2);
  EXPECT_EQ(settlement.attrition().nights(0).required(), 48);
  EXPECT_EQ(settlement.attrition().nights(0).shortfall(), 8);
  EXPECT_EQ(settlement.attrition().nights(1).shortfall(), 13);
  EXPECT_EQ(settlement.attrition().amount().amount_minor(), 12600 * 100);
  EXPECT_NE(settlement.attrition().workings().find("合计 21 间夜，12,600.00 元"), std::string::npos)
      << settlement.attrition().workings();
  EXPECT_EQ(settlement.actual_total().amount_minor(), 76200 * 100);
  EXPECT_EQ(settlement.balance().amount_minor(), 56200 * 100);
  mv1::RecordBillReviewRequest review;
  review.set_name(bill);
  review.set_accepted(true);
  review.set_reviewer("ACME 王经理");
  ASSERT_CALL(kKam, meetings_->RecordBillReview(ctx, review, &settlement));
  mv1::SettleMeetingRequest settle;
  settle.set_name(m.name());
  ASSERT_CALL(kFinance, meetings_->SettleMeeting(ctx, settle, &m));
  EXPECT_EQ(m.state(), mv1::Meeting::SETTLED);
  ASSERT_TRUE(WaitFor([&] { return !Ledger(account.name()).empty(); }, absl::Seconds(30)));
  const auto ledger = Ledger(account.name());
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].amount().amount_minor(), 56200 * 100);
  EXPECT_EQ(ledger[0].reference(), bill);
}

// The trace id of the first log line containing `needle` ("" if none).
std::string TraceOf(const std::string& log, const std::string& needle) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(needle) == std::string::npos) continue;
    const auto at = line.find(" trace=");
    return at == std::string::npos ? "" : line.substr(at + 7, 32);
  }
  return "";
}

TEST_F(MeetingFlowTest, ANoticeIsFollowedByItsTraceAndEveryServiceExportsMetrics) {
  testing::Department fnb(Notifications(), redis_->address(), kFnb, /*sign=*/true, kKey);
  cv1::CreateAccountRequest account_req;
  account_req.mutable_account()->set_kind(cv1::ACCOUNT_KIND_COMPANY);
  account_req.mutable_account()->set_display_name("Trace Co");
  cv1::Account account;
  ASSERT_CALL(kKam, clients_stub_->CreateAccount(ctx, account_req, &account));
  mv1::UpdatePriceListRequest prices;
  auto* item = prices.mutable_price_list()->add_items();
  item->set_category(mv1::FNB);
  item->set_item("lunch-150");
  *item->mutable_unit_price() = Yuan(150);
  auto* rooms_item = prices.mutable_price_list()->add_items();
  rooms_item->set_category(mv1::ROOMS);
  rooms_item->set_item("deluxe-king");
  *rooms_item->mutable_unit_price() = Yuan(800);
  mv1::PriceList list;
  ASSERT_CALL(kManager, meetings_->UpdatePriceList(ctx, prices, &list));
  mv1::CreateMeetingRequest create;
  create.mutable_meeting()->set_account(account.name());
  create.mutable_meeting()->set_title("追踪测试会议");
  create.mutable_meeting()->set_origin(mv1::Meeting::OUTREACH);
  mv1::Meeting m;
  ASSERT_CALL(kKam, meetings_->CreateMeeting(ctx, create, &m));
  testing::MeetingRequest move;
  move.set_name(m.name());
  ASSERT_CALL(kKam, meetings_->StartNegotiation(ctx, move, &m));
  ASSERT_CALL(kKam, meetings_->RecordIntent(ctx, move, &m));
  mv1::Agreement a;
  ASSERT_NO_FATAL_FAILURE(SignVersion(m, Content(100), &a));
  // The KAM's call carries a trace of its own.
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization",
                    "Bearer " + *MintToken(TokenAlgorithm::kHs256, kKey, kKam, absl::Now() + absl::Hours(1)));
    ctx.AddMetadata("traceparent", "00-" + trace + "-00f067aa0ba902b7-01");
    ASSERT_TRUE(meetings_->IssueNotice(&ctx, move, &m).ok());
  }
  const std::string dispatch = "notices/" + m.name().substr(sizeof("meetings/") - 1) + "/revisions/1/dispatches/fnb";
  ASSERT_TRUE(WaitFor([&] { return notifications_->Log().find(dispatch + " signed by") != std::string::npos; },
                      absl::Seconds(30)))
      << notifications_->Log();
  // One trace from the meeting to F&B's signature, across the logs.
  EXPECT_EQ(TraceOf(meetings_process_->Log(), "notice revision 1 issued"), trace) << meetings_process_->Log();
  EXPECT_EQ(TraceOf(meetings_process_->Log(), "handed to the notifications service"), trace);
  EXPECT_EQ(TraceOf(notifications_->Log(), "revision 1 accepted"), trace) << notifications_->Log();
  EXPECT_EQ(TraceOf(notifications_->Log(), dispatch + " published"), trace);
  EXPECT_EQ(TraceOf(notifications_->Log(), dispatch + " signed by"), trace);
  EXPECT_EQ(fnb.received()[0].traceparent().substr(3, 32), trace);

  // Metrics: per method and code, the domain's gauges; promtool accepts them.
  for (int port : {meetings_metrics_port_, notifications_metrics_port_}) {
    const std::string text = testing::HttpGet(port, "/metrics");
    ASSERT_FALSE(text.empty()) << port;
    EXPECT_NE(text.find("grpc_server_handled_total{"), std::string::npos) << text;
    EXPECT_NE(text.find("grpc_server_handling_seconds_bucket{"), std::string::npos);
    EXPECT_NE(text.find("atrium_outbox_depth"), std::string::npos);
    std::string out;
    EXPECT_EQ(testing::RunWithInput("promtool check metrics", text, &out), 0) << out;
  }
  const std::string meetings_metrics = testing::HttpGet(meetings_metrics_port_, "/metrics");
  EXPECT_NE(meetings_metrics.find("grpc_method=\"IssueNotice\""), std::string::npos);
  EXPECT_NE(meetings_metrics.find("atrium_bookings_active"), std::string::npos);
  EXPECT_NE(testing::HttpGet(notifications_metrics_port_, "/metrics").find("atrium_dispatches_unsigned{department="),
            std::string::npos);
}

}  // namespace
}  // namespace atrium
