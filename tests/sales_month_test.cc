// One month of a small department across the real services — clients,
// notifications (with a real redis-server) and meetings, and the sales
// service reading them over gRPC — and every figure of the month's pack
// against what was computed by hand: three KAMs, their accounts, visits,
// meetings (one through settlement, two contracted, one lost, one open for
// next month), payments, targets, and a daily report drafted, submitted and
// reviewed.
//
// The month is the current one in the hotel's time zone (the services
// record enquiries, visits and losses at the time of the call); the events
// are on its 15th. A run that would cross the month's end waits for the
// next month first.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "atrium/clients/v1/clients.grpc.pb.h"
#include "atrium/meetings/v1/meetings.grpc.pb.h"
#include "atrium/notifications/v1/notifications.grpc.pb.h"
#include "atrium/sales/v1/sales.grpc.pb.h"
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

namespace cv1 = clients::v1;
namespace mv1 = meetings::v1;
namespace sv1 = sales::v1;
using testing::WaitFor;
using testing::Yuan;

const char kKey[] = "month-test-key";
const Principal kLi{"kam-li", "Li Na", Role::kKeyAccountManager, ""};
const Principal kZhao{"kam-zhao", "Zhao Lei", Role::kKeyAccountManager, ""};
const Principal kWu{"kam-wu", "Wu Fang", Role::kKeyAccountManager, ""};
const Principal kManager{"mgr-wang", "Wang Min", Role::kManager, ""};
const Principal kFinance{"fin-qian", "Qian", Role::kDepartment, "finance"};
const Principal kFnb{"fnb-zhou", "Zhou", Role::kDepartment, "fnb"};
const Principal kRooms{"rooms-wu", "Wu", Role::kDepartment, "rooms"};
const Principal kGm{"gm-sun", "Sun", Role::kGmOffice, ""};
const Principal kFront{"fo-he", "He", Role::kDepartment, "front_office"};
const Principal kEngineering{"eng-ma", "Ma", Role::kDepartment, "engineering"};

template <typename Fn>
grpc::Status As(const Principal& who, Fn&& fn) {
  return testing::CallAs(kKey, who, fn);
}

const absl::TimeZone& Zone() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    absl::LoadTimeZone("Asia/Shanghai", z);
    return z;
  }();
  return *zone;
}

constexpr int64_t kFen = 100;  // a yuan

// An agreement for the 15th of `month`: `rooms` deluxe rooms for one night at
// `room_price` and `covers` lunches at `lunch_price`, in yuan.
mv1::Agreement Agreement(absl::CivilMonth month, int rooms, int room_price, int covers, int lunch_price) {
  const absl::CivilDay day(month.year(), month.month(), 15);
  const absl::Time start = absl::FromCivil(absl::CivilSecond(day) + 10 * 3600, Zone());
  mv1::Agreement a;
  *a.mutable_start_time() = ToProto(start);
  *a.mutable_end_time() = ToProto(start + absl::Hours(8));
  a.set_organiser("会务组");
  a.set_attendees(covers > 0 ? covers : 10);
  if (covers > 0) {
    auto* meal = a.add_meals();
    *meal->mutable_date() = ToDate(day);
    meal->set_kind(mv1::Meal::LUNCH);
    meal->set_time("12:00");
    meal->set_standard("lunch");
    meal->set_headcount(covers);
    auto* line = a.add_prices();
    line->set_category(mv1::FNB);
    line->set_item("lunch");
    line->set_quantity(covers);
    *line->mutable_unit_price() = Yuan(lunch_price);
  }
  if (rooms > 0) {
    auto* night = a.add_room_block();
    *night->mutable_night() = ToDate(day);
    night->set_room_type("deluxe-king");
    night->set_rooms(rooms);
    auto* line = a.add_prices();
    line->set_category(mv1::ROOMS);
    line->set_item("deluxe-king");
    line->set_quantity(rooms);
    *line->mutable_unit_price() = Yuan(room_price);
  }
  return a;
}

class SalesMonthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Far enough from the month's end for the whole test to stay inside it.
    absl::Time now = absl::Now();
    const absl::CivilMinute minute = absl::ToCivilMinute(now, Zone());
    const absl::Time month_end = absl::FromCivil(absl::CivilMonth(minute) + 1, Zone());
    if (month_end - now < absl::Minutes(15)) absl::SleepFor(month_end - now + absl::Seconds(1));
    month_ = absl::CivilMonth(absl::ToCivilMinute(absl::Now(), Zone()));
    today_ = absl::ToCivilDay(absl::Now(), Zone());

    dir_ = testing::TempDir("sales-month");
    std::ofstream(dir_ + "/jwt.key") << kKey;
    redis_ = std::make_unique<testing::RedisServer>(dir_);
    ASSERT_TRUE(redis_->Start()) << "redis-server did not start";
    const int clients_port = testing::FreePort(), notifications_port = testing::FreePort();
    const int meetings_port = testing::FreePort();
    clients_address_ = "127.0.0.1:" + std::to_string(clients_port);
    notifications_address_ = "127.0.0.1:" + std::to_string(notifications_port);
    const std::string meetings_address = "127.0.0.1:" + std::to_string(meetings_port);
    const std::vector<std::string> common = {"--jwt-key-file=" + dir_ + "/jwt.key", "--timezone=Asia/Shanghai"};
    auto start = [&](const char* binary, const std::string& name, std::vector<std::string> args) {
      args.insert(args.end(), common.begin(), common.end());
      args.push_back("--db-path=" + dir_ + "/" + name + ".db");
      auto p = std::make_unique<testing::ServiceProcess>(binary, args, dir_ + "/" + name + ".log");
      const std::string address = p->Start();
      EXPECT_FALSE(address.empty()) << p->Log();
      return std::make_pair(std::move(p), address);
    };
    std::tie(clients_, std::ignore) =
        start(ATRIUM_CLIENTS_BINARY, "clients",
              {"--listen=" + clients_address_, "--notifications-address=" + notifications_address_});
    std::tie(notifications_, std::ignore) =
        start(ATRIUM_NOTIFICATIONS_BINARY, "notifications",
              {"--listen=" + notifications_address_, "--redis=" + redis_->address(), "--poll-interval=100ms"});
    std::tie(meetings_process_, std::ignore) =
        start(ATRIUM_MEETINGS_BINARY, "meetings",
              {"--listen=" + meetings_address, "--clients-address=" + clients_address_,
               "--notifications-address=" + notifications_address_});
    std::string sales_address;
    std::tie(sales_process_, sales_address) = start(ATRIUM_SALES_BINARY, "sales",
                                                    {"--listen=127.0.0.1:0", "--clients-address=" + clients_address_,
                                                     "--meetings-address=" + meetings_address, "--peer-deadline=5s"});
    auto channel = [](const std::string& a) { return grpc::CreateChannel(a, grpc::InsecureChannelCredentials()); };
    clients_stub_ = cv1::ClientsService::NewStub(channel(clients_address_));
    meetings_ = mv1::MeetingsService::NewStub(channel(meetings_address));
    sales_ = sv1::SalesService::NewStub(channel(sales_address));
    notifications_stub_ = notifications::v1::NotificationsService::NewStub(channel(notifications_address_));
  }

  // A department without a system of its own signs revision 1 of a notice.
  grpc::Status SignFor(const Principal& dept, const std::string& notice) {
    notifications::v1::SignDispatchRequest req;
    req.set_name(notice + "/revisions/1/dispatches/" + dept.department);
    req.set_remark("已收到");
    notifications::v1::Dispatch out;
    return As(dept, [&](auto* ctx) { return notifications_stub_->SignDispatch(ctx, req, &out); });
  }

  cv1::Account Account(const Principal& kam, const std::string& name, const std::string& segment) {
    cv1::CreateAccountRequest req;
    req.mutable_account()->set_kind(cv1::ACCOUNT_KIND_COMPANY);
    req.mutable_account()->set_display_name(name);
    req.mutable_account()->set_industry_segment(segment);
    cv1::Account out;
    grpc::Status s = As(kam, [&](auto* ctx) { return clients_stub_->CreateAccount(ctx, req, &out); });
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // A meeting of `kam` for `account` taken to INTENT with `draft` drafted.
  mv1::Meeting Intent(const Principal& kam, const cv1::Account& account, const mv1::Agreement& draft) {
    mv1::CreateMeetingRequest create;
    create.mutable_meeting()->set_account(account.name());
    create.mutable_meeting()->set_title(account.display_name() + " 年会");
    create.mutable_meeting()->set_origin(mv1::Meeting::WALK_IN);
    mv1::Meeting m;
    EXPECT_TRUE(As(kam, [&](auto* ctx) { return meetings_->CreateMeeting(ctx, create, &m); }).ok());
    testing::MeetingRequest move;
    move.set_name(m.name());
    EXPECT_TRUE(As(kam, [&](auto* ctx) { return meetings_->RecordSiteVisit(ctx, move, &m); }).ok());
    EXPECT_TRUE(As(kam, [&](auto* ctx) { return meetings_->StartNegotiation(ctx, move, &m); }).ok());
    EXPECT_TRUE(As(kam, [&](auto* ctx) { return meetings_->RecordIntent(ctx, move, &m); }).ok());
    mv1::CreateAgreementRequest req;
    req.set_parent(m.name());
    *req.mutable_agreement() = draft;
    mv1::Agreement a;
    grpc::Status s = As(kam, [&](auto* ctx) { return meetings_->CreateAgreement(ctx, req, &a); });
    EXPECT_TRUE(s.ok()) << s.error_message();
    last_agreement_ = a.name();
    return m;
  }

  // The meeting's latest draft signed: CONTRACTED.
  void Sign(const Principal& kam) {
    mv1::SignAgreementRequest sign;
    sign.set_name(last_agreement_);
    sign.set_client_signatory("客户代表");
    mv1::Agreement a;
    grpc::Status s = As(kam, [&](auto* ctx) { return meetings_->SignAgreement(ctx, sign, &a); });
    EXPECT_TRUE(s.ok()) << s.error_message();
  }

  absl::CivilMonth month_;
  absl::CivilDay today_;
  std::string dir_, clients_address_, notifications_address_, last_agreement_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::ServiceProcess> clients_, notifications_, meetings_process_, sales_process_;
  std::unique_ptr<cv1::ClientsService::Stub> clients_stub_;
  std::unique_ptr<mv1::MeetingsService::Stub> meetings_;
  std::unique_ptr<sv1::SalesService::Stub> sales_;
  std::unique_ptr<notifications::v1::NotificationsService::Stub> notifications_stub_;
};

TEST_F(SalesMonthTest, EveryFigureOfTheMonthsPackIsWhatWasDone) {
  const int year = static_cast<int>(month_.year());
  const int m = month_.month();
  testing::Department fnb(notifications_address_, redis_->address(), kFnb, /*sign=*/true, kKey);
  testing::Department rooms(notifications_address_, redis_->address(), kRooms, /*sign=*/true, kKey);

  // The targets of the year: every month the same.
  auto target = [&](sv1::Target::Scope scope, const std::string& kam, const std::string& segment, sv1::Metric metric,
                    int64_t monthly) {
    sv1::CreateTargetRequest req;
    auto* t = req.mutable_target();
    t->set_year(year);
    t->set_scope(scope);
    t->set_kam(kam);
    t->set_segment(segment);
    t->set_metric(metric);
    t->set_annual(monthly * 12);
    t->set_split(sv1::Target::EVEN);
    sv1::Target out;
    grpc::Status s = As(kManager, [&](auto* ctx) { return sales_->CreateTarget(ctx, req, &out); });
    EXPECT_TRUE(s.ok()) << s.error_message();
  };
  target(sv1::Target::DEPARTMENT, "", "", sv1::TOTAL_REVENUE, 100'000 * kFen);
  target(sv1::Target::KAM, "kam-li", "", sv1::TOTAL_REVENUE, 50'000 * kFen);
  target(sv1::Target::KAM, "kam-zhao", "", sv1::TOTAL_REVENUE, 30'000 * kFen);
  target(sv1::Target::KAM, "kam-li", "", sv1::NEW_ACCOUNTS, 2);
  target(sv1::Target::KAM, "kam-wu", "", sv1::VISITS, 5);
  target(sv1::Target::SEGMENT, "", "金融", sv1::ROOM_NIGHTS, 100);

  // The manager's price list: every agreement below sells at or above it.
  mv1::UpdatePriceListRequest prices;
  for (auto [c, item, yuan] : {std::tuple{mv1::ROOMS, "deluxe-king", 500}, std::tuple{mv1::FNB, "lunch", 100}}) {
    auto* i = prices.mutable_price_list()->add_items();
    i->set_category(c);
    i->set_item(item);
    *i->mutable_unit_price() = Yuan(yuan);
  }
  mv1::PriceList list;
  ASSERT_CALL(kManager, meetings_->UpdatePriceList(ctx, prices, &list));

  // The accounts.
  const cv1::Account bank = Account(kLi, "甲银行", "金融");
  const cv1::Account insurer = Account(kLi, "乙保险", "金融");
  const cv1::Account pharma = Account(kZhao, "丙药业", "医药");
  const cv1::Account tech = Account(kWu, "丁科技", "科技");

  // kam-li: the bank's meeting through settlement (60 rooms at 760, 120
  // lunches at 150: 45,600 + 18,000 = 63,600 yuan) and the insurer's
  // contracted (50 lunches at 200: 10,000).
  mv1::Meeting settled = Intent(kLi, bank, Agreement(month_, 60, 760, 120, 150));
  Sign(kLi);
  testing::MeetingRequest move;
  move.set_name(settled.name());
  ASSERT_CALL(kLi, meetings_->IssueNotice(ctx, move, &settled));
  ASSERT_TRUE(WaitFor([&] { return fnb.handled() >= 1 && rooms.handled() >= 1; }, absl::Seconds(30)))
      << meetings_process_->Log();
  const std::string notice = "notices/" + settled.name().substr(sizeof("meetings/") - 1);
  ASSERT_TRUE(
      WaitFor([&] { return SignFor(kFront, notice).ok() && SignFor(kEngineering, notice).ok(); }, absl::Seconds(30)));
  mv1::GetMeetingRequest get;
  get.set_name(settled.name());
  ASSERT_CALL(kLi, meetings_->GetMeeting(ctx, get, &settled));
  for (const auto& item : settled.checklist()) {
    mv1::CheckItemRequest check;
    check.set_meeting(settled.name());
    check.set_item(item.id());
    ASSERT_CALL(kLi, meetings_->CheckItem(ctx, check, &settled));
  }
  mv1::MarkPreparedRequest prepare;
  prepare.set_name(settled.name());
  ASSERT_TRUE(
      WaitFor([&] { return As(kLi, [&](auto* ctx) { return meetings_->MarkPrepared(ctx, prepare, &settled); }).ok(); },
              absl::Seconds(30)))
      << meetings_process_->Log();
  ASSERT_CALL(kLi, meetings_->StartMeeting(ctx, move, &settled));
  ASSERT_CALL(kLi, meetings_->CompleteMeeting(ctx, move, &settled));
  const std::string bill = settled.name() + "/settlement";
  mv1::RecordChargesRequest charges;
  charges.set_name(bill);
  for (auto [c, yuan] : {std::pair{mv1::ROOMS, 45'600}, std::pair{mv1::FNB, 18'000}}) {
    auto* ch = charges.add_charges();
    ch->set_category(c);
    *ch->mutable_amount() = Yuan(yuan);
  }
  mv1::Settlement settlement;
  ASSERT_CALL(kFinance, meetings_->RecordCharges(ctx, charges, &settlement));
  mv1::RecordPaymentRequest deposit;
  deposit.set_name(bill);
  *deposit.mutable_payment()->mutable_amount() = Yuan(30'000);
  deposit.mutable_payment()->set_reference("R-001");
  *deposit.mutable_payment()->mutable_date() = ToDate(today_);
  ASSERT_CALL(kFinance, meetings_->RecordPayment(ctx, deposit, &settlement));
  mv1::RecordBillReviewRequest review;
  review.set_name(bill);
  review.set_accepted(true);
  review.set_reviewer("甲银行 王经理");
  ASSERT_CALL(kLi, meetings_->RecordBillReview(ctx, review, &settlement));
  mv1::SettleMeetingRequest settle;
  settle.set_name(settled.name());
  ASSERT_CALL(kFinance, meetings_->SettleMeeting(ctx, settle, &settled));
  ASSERT_EQ(settled.state(), mv1::Meeting::SETTLED);

  Intent(kLi, insurer, Agreement(month_, 0, 0, 50, 200));
  Sign(kLi);

  // kam-zhao: one contracted (30 rooms at 500: 15,000), one lost on price to
  // a competitor (10 rooms at 600: 6,000 as drafted).
  Intent(kZhao, pharma, Agreement(month_, 30, 500, 0, 0));
  Sign(kZhao);
  mv1::Meeting lost = Intent(kZhao, pharma, Agreement(month_, 10, 600, 0, 0));
  mv1::CreateLostReasonRequest reason;
  reason.set_lost_reason_id("price");
  reason.mutable_lost_reason()->set_display_name("价格");
  mv1::LostReason price;
  ASSERT_CALL(kManager, meetings_->CreateLostReason(ctx, reason, &price));
  mv1::MarkMeetingLostRequest lose;
  lose.set_name(lost.name());
  lose.set_reason("对方报价低 15%");
  lose.set_lost_reason(price.name());
  lose.set_competitor("希尔顿");
  ASSERT_CALL(kZhao, meetings_->MarkMeetingLost(ctx, lose, &lost));

  // kam-wu: one open, negotiating, for next month (100 lunches at 100:
  // 10,000); three visits planned today, two of them done.
  mv1::CreateMeetingRequest open_req;
  open_req.mutable_meeting()->set_account(tech.name());
  open_req.mutable_meeting()->set_title("丁科技 发布会");
  open_req.mutable_meeting()->set_origin(mv1::Meeting::WALK_IN);
  mv1::Meeting open;
  ASSERT_CALL(kWu, meetings_->CreateMeeting(ctx, open_req, &open));
  testing::MeetingRequest open_move;
  open_move.set_name(open.name());
  ASSERT_CALL(kWu, meetings_->RecordSiteVisit(ctx, open_move, &open));
  ASSERT_CALL(kWu, meetings_->StartNegotiation(ctx, open_move, &open));
  mv1::CreateAgreementRequest open_draft;
  open_draft.set_parent(open.name());
  *open_draft.mutable_agreement() = Agreement(month_ + 1, 0, 0, 100, 100);
  mv1::Agreement drafted;
  ASSERT_CALL(kWu, meetings_->CreateAgreement(ctx, open_draft, &drafted));
  const absl::Time soon = absl::Now() + absl::Minutes(1);
  for (int i = 0; i < 3; ++i) {
    cv1::CreateVisitRequest plan;
    plan.set_parent(tech.name());
    *plan.mutable_visit()->mutable_planned_time() = ToProto(soon);
    plan.mutable_visit()->set_purpose("拜访 " + std::to_string(i));
    cv1::Visit v;
    ASSERT_CALL(kWu, clients_stub_->CreateVisit(ctx, plan, &v));
    if (i == 2) continue;
    cv1::RecordVisitRequest record;
    record.set_name(v.name());
    record.set_outcome("谈了发布会");
    ASSERT_CALL(kWu, clients_stub_->RecordVisit(ctx, record, &v));
  }

  // Finance: an old charge of the pharma account (70 days ago, 8,000) and a
  // payment today (5,000), which settles the oldest first.
  auto post = [&](const cv1::Account& a, cv1::LedgerEntry::Type type, int64_t yuan, const std::string& ref,
                  absl::CivilDay day) {
    cv1::CreateLedgerEntryRequest req;
    req.set_parent(a.name());
    req.mutable_entry()->set_type(type);
    *req.mutable_entry()->mutable_amount() = Yuan(yuan);
    req.mutable_entry()->set_reference(ref);
    *req.mutable_entry()->mutable_entry_date() = ToDate(day);
    cv1::LedgerEntry e;
    grpc::Status s = As(kFinance, [&](auto* ctx) { return clients_stub_->CreateLedgerEntry(ctx, req, &e); });
    EXPECT_TRUE(s.ok()) << s.error_message();
  };
  post(pharma, cv1::LedgerEntry::CHARGE, 8'000, "INV-OLD", today_ - 70);
  post(pharma, cv1::LedgerEntry::PAYMENT, 5'000, "R-PH-1", today_);
  // The bank's remainder (63,600 - 30,000 = 33,600) reaches its ledger from
  // the meetings service's outbox.
  ASSERT_TRUE(WaitFor(
      [&] {
        cv1::ListLedgerEntriesRequest req;
        req.set_parent(bank.name());
        cv1::ListLedgerEntriesResponse resp;
        As(kLi, [&](auto* ctx) { return clients_stub_->ListLedgerEntries(ctx, req, &resp); });
        return resp.entries_size() == 1;
      },
      absl::Seconds(30)))
      << meetings_process_->Log();

  // The pack of the month.
  sv1::GetMonthlyPackRequest pack_req;
  pack_req.mutable_month()->set_year(year);
  pack_req.mutable_month()->set_month(m);
  sv1::MonthlyPack pack;
  ASSERT_CALL(kManager, sales_->GetMonthlyPack(ctx, pack_req, &pack));
  SCOPED_TRACE(pack.DebugString());

  // Attainment: department first, then KAMs (by id), then the segment; last
  // year had nothing.
  ASSERT_EQ(pack.attainment_size(), 6);
  struct Line {
    sv1::Target::Scope scope;
    std::string of;
    sv1::Metric metric;
    int64_t monthly, achieved;
  };
  const std::vector<Line> lines = {
      {sv1::Target::DEPARTMENT, "", sv1::TOTAL_REVENUE, 100'000 * kFen, (63'600 + 10'000 + 15'000) * kFen},
      {sv1::Target::KAM, "kam-li", sv1::TOTAL_REVENUE, 50'000 * kFen, (63'600 + 10'000) * kFen},
      {sv1::Target::KAM, "kam-li", sv1::NEW_ACCOUNTS, 2, 2},
      {sv1::Target::KAM, "kam-wu", sv1::VISITS, 5, 2},
      {sv1::Target::KAM, "kam-zhao", sv1::TOTAL_REVENUE, 30'000 * kFen, 15'000 * kFen},
      {sv1::Target::SEGMENT, "金融", sv1::ROOM_NIGHTS, 100, 60},
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& got = pack.attainment(static_cast<int>(i));
    const Line& want = lines[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(got.scope(), want.scope);
    EXPECT_EQ(want.scope == sv1::Target::SEGMENT ? got.segment() : got.kam(), want.of);
    EXPECT_EQ(got.metric(), want.metric);
    EXPECT_EQ(got.month().target(), want.monthly);
    EXPECT_EQ(got.month().achieved(), want.achieved);
    EXPECT_EQ(got.month().last_year(), 0);
    EXPECT_EQ(got.month().attainment_basis_points(), want.achieved * 10'000 / want.monthly);
    EXPECT_EQ(got.month().growth_basis_points(), 0);
    EXPECT_EQ(got.year_to_date().target(), want.monthly * m);
    EXPECT_EQ(got.year_to_date().achieved(), want.achieved);
    EXPECT_EQ(got.year_to_date().attainment_basis_points(), want.achieved * 10'000 / (want.monthly * m));
  }

  // Pace: next month has the open meeting at NEGOTIATING (50%): 5,000 of
  // its 10,000; the month's target while it is in the same year.
  ASSERT_EQ(pack.pace_size(), 3);
  const auto& next = pack.pace(0);
  EXPECT_EQ(next.month().month(), (month_ + 1).month());
  EXPECT_EQ(next.definite(), 0);
  EXPECT_EQ(next.tentative(), 10'000 * kFen);
  EXPECT_EQ(next.weighted(), 5'000 * kFen);
  EXPECT_EQ(next.forecast(), 5'000 * kFen);
  EXPECT_EQ(next.target(), (month_ + 1).year() == year ? 100'000 * kFen : 0);
  EXPECT_EQ(next.last_year_at_this_point(), 0);
  for (int i = 1; i < 3; ++i) EXPECT_EQ(pack.pace(i).forecast(), 0);

  // Conversion of the month's five enquiries: department, then each KAM.
  ASSERT_EQ(pack.conversion_size(), 4);
  struct Conv {
    std::string kam;
    int enquiries, contracted, lost;
    int64_t bp;
  };
  const std::vector<Conv> conv = {
      {"", 5, 3, 1, 6'000}, {"kam-li", 2, 2, 0, 10'000}, {"kam-wu", 1, 0, 0, 0}, {"kam-zhao", 2, 1, 1, 5'000}};
  for (size_t i = 0; i < conv.size(); ++i) {
    const auto& c = pack.conversion(static_cast<int>(i));
    EXPECT_EQ(c.kam(), conv[i].kam);
    EXPECT_EQ(c.enquiries(), conv[i].enquiries) << c.kam();
    EXPECT_EQ(c.contracted(), conv[i].contracted) << c.kam();
    EXPECT_EQ(c.lost(), conv[i].lost) << c.kam();
    EXPECT_EQ(c.conversion_basis_points(), conv[i].bp) << c.kam();
  }

  // Lost business by reason: the one lost on price, at its draft's worth.
  ASSERT_EQ(pack.lost_size(), 1);
  EXPECT_EQ(pack.lost(0).state(), mv1::Meeting::LOST);
  EXPECT_EQ(pack.lost(0).lost_reason(), price.name());
  EXPECT_EQ(pack.lost(0).meetings(), 1);
  EXPECT_EQ(pack.lost(0).value(), 6'000 * kFen);

  // Top accounts by the month's definite business.
  ASSERT_EQ(pack.top_accounts_size(), 3);
  EXPECT_EQ(pack.top_accounts(0).account(), bank.name());
  EXPECT_EQ(pack.top_accounts(0).definite().value().total().amount_minor(), 63'600 * kFen);
  EXPECT_EQ(pack.top_accounts(0).actualised().value().total().amount_minor(), 63'600 * kFen);
  EXPECT_EQ(pack.top_accounts(1).account(), pharma.name());
  EXPECT_EQ(pack.top_accounts(1).definite().value().total().amount_minor(), 15'000 * kFen);
  EXPECT_EQ(pack.top_accounts(2).account(), insurer.name());
  EXPECT_EQ(pack.top_accounts(2).definite().value().total().amount_minor(), 10'000 * kFen);

  // Receivables: the bank's remainder is new; the pharma account owes 3,000
  // of the old charge, 61-90 days.
  std::map<std::string, cv1::BookSummary::OwnerReceivables> owed;
  for (const auto& r : pack.receivables()) owed[r.owner()] = r;
  ASSERT_EQ(owed.size(), 2u);
  EXPECT_EQ(owed["kam-li"].balance().amount_minor(), 33'600 * kFen);
  EXPECT_EQ(owed["kam-li"].days_0_30().amount_minor(), 33'600 * kFen);
  EXPECT_EQ(owed["kam-li"].overdue_accounts(), 0);
  EXPECT_EQ(owed["kam-zhao"].balance().amount_minor(), 3'000 * kFen);
  EXPECT_EQ(owed["kam-zhao"].days_61_90().amount_minor(), 3'000 * kFen);
  EXPECT_EQ(owed["kam-zhao"].overdue_accounts(), 1);

  // The GM office reads the same pack; a KAM does not.
  sv1::MonthlyPack again;
  ASSERT_CALL(kGm, sales_->GetMonthlyPack(ctx, pack_req, &again));
  EXPECT_EQ(again.attainment_size(), 6);
  EXPECT_EQ(As(kLi, [&](auto* ctx) { return sales_->GetMonthlyPack(ctx, pack_req, &again); }).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // kam-wu's scorecard of the month: two of three visits done on their day.
  sv1::GetScorecardRequest card_req;
  card_req.set_kam("kam-wu");
  card_req.mutable_start_month()->set_year(year);
  card_req.mutable_start_month()->set_month(m);
  *card_req.mutable_end_month() = card_req.start_month();
  sv1::Scorecard card;
  ASSERT_CALL(kWu, sales_->GetScorecard(ctx, card_req, &card));
  EXPECT_EQ(card.visits_planned(), 3);
  EXPECT_EQ(card.visits_done_on_time(), 2);
  EXPECT_EQ(card.visit_execution_basis_points(), 6'666);
  card_req.set_kam("kam-li");
  ASSERT_CALL(kManager, sales_->GetScorecard(ctx, card_req, &card));
  EXPECT_EQ(card.revenue().target(), 50'000 * kFen);
  EXPECT_EQ(card.revenue().achieved(), 73'600 * kFen);
  EXPECT_EQ(card.revenue_settled(), 63'600 * kFen);
  EXPECT_EQ(card.notice_revisions(), 0);  // only the first notice went out

  // kam-wu's daily report of today: what the records hold, then submitted
  // and reviewed.
  sv1::DraftDailyReportRequest draft_req;
  draft_req.set_parent("kams/kam-wu");
  *draft_req.mutable_date() = ToDate(today_);
  sv1::DailyReport report;
  ASSERT_CALL(kWu, sales_->DraftDailyReport(ctx, draft_req, &report));
  EXPECT_EQ(report.counts().visits_planned(), 3);
  EXPECT_EQ(report.counts().visits_done(), 2);
  EXPECT_EQ(report.counts().visits_missed(), 0);  // the day is not over
  EXPECT_EQ(report.counts().enquiries(), 1);
  EXPECT_EQ(report.counts().meetings_moved(), 2);  // site visit, negotiation
  EXPECT_EQ(report.counts().notices_issued(), 0);
  EXPECT_GE(report.counts().activities(), 2);  // the two visits recorded
  sv1::UpdateDailyReportRequest write;
  write.mutable_daily_report()->set_name(report.name());
  write.mutable_daily_report()->set_summary("丁科技发布会在谈，两次拜访");
  write.mutable_daily_report()->set_plan("发报价");
  write.mutable_update_mask()->add_paths("summary");
  write.mutable_update_mask()->add_paths("plan");
  ASSERT_CALL(kWu, sales_->UpdateDailyReport(ctx, write, &report));
  sv1::SubmitDailyReportRequest submit;
  submit.set_name(report.name());
  ASSERT_CALL(kWu, sales_->SubmitDailyReport(ctx, submit, &report));
  sv1::ListDailyReportsRequest queue;
  queue.set_parent("kams/-");
  queue.set_state(sv1::DailyReport::SUBMITTED);
  sv1::ListDailyReportsResponse waiting;
  ASSERT_CALL(kManager, sales_->ListDailyReports(ctx, queue, &waiting));
  ASSERT_EQ(waiting.daily_reports_size(), 1);
  sv1::ReviewDailyReportRequest review_req;
  review_req.set_name(report.name());
  review_req.set_comment("报价今天发出");
  ASSERT_CALL(kManager, sales_->ReviewDailyReport(ctx, review_req, &report));
  EXPECT_EQ(report.state(), sv1::DailyReport::REVIEWED);
  // kam-li's report of the same day, drafted by the KAM: two enquiries and
  // the notice.
  draft_req.set_parent("kams/kam-li");
  ASSERT_CALL(kLi, sales_->DraftDailyReport(ctx, draft_req, &report));
  EXPECT_EQ(report.counts().enquiries(), 2);
  EXPECT_EQ(report.counts().notices_issued(), 1);
  auto theirs = draft_req;
  theirs.set_parent("kams/kam-wu");
  EXPECT_EQ(As(kLi, [&](auto* ctx) { return sales_->DraftDailyReport(ctx, theirs, &report); }).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace atrium
