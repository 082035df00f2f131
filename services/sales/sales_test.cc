// Domain tests of the sales management service: the division of the market
// and what it tells the clients service, targets and their versions, and the
// forecast settings. On a real SQLite file (and PostgreSQL in sales_pg_test),
// with an injected clock and a fake of the peers' figures. Every documented
// error is exercised here or, for UNAUTHENTICATED, in the process tests.
#include <gtest/gtest.h>

#include <functional>
#include <numeric>
#include <set>

#include "atrium/clients/v1/clients.pb.h"
#include "common/errors.h"
#include "common/testing.h"
#include "common/time_util.h"
#include "services/sales/management.h"
#include "services/sales/test_store.h"
#include "services/sales/workdays.h"

namespace atrium::sales {
namespace {

using Code = absl::StatusCode;
using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;
using v1::SegmentAssignment;
using v1::Target;
using namespace testing::people;  // NOLINT(build/namespaces)

const absl::Time kNow = absl::FromUnixSeconds(1795744800);  // 2026-11-27 10:00 Shanghai

// The peers' figures: canned summaries per year, as the meetings and
// clients services would answer them; what was asked is kept.
class FakeFigures final : public Figures {
 public:
  absl::StatusOr<meetings::v1::SalesSummary> Sales(const Principal& who,
                                                   const meetings::v1::SummarizeSalesRequest& req) override {
    if (down) return absl::UnavailableError("meetings service down");
    asked_by = who.subject;
    sales_asked.push_back(req);
    meetings::v1::SalesSummary out;
    for (const auto& c : sales[req.start_month().year()].cells()) {
      if (!req.owner().empty() && c.owner() != req.owner()) continue;
      if (!req.segment().empty() && c.segment() != req.segment()) continue;
      *out.add_cells() = c;
    }
    // The schedules' part only when asked for by the read_mask.
    for (const auto& path : req.read_mask().paths()) {
      if (path == "instalments") *out.mutable_instalments() = sales[req.start_month().year()].instalments();
    }
    return out;
  }
  absl::StatusOr<clients::v1::BookSummary> Book(const Principal& who,
                                                const clients::v1::SummarizeBookRequest& req) override {
    if (down) return absl::UnavailableError("clients service down");
    asked_by = who.subject;
    book_asked.push_back(req);
    return book[req.start_month().year()];
  }
  absl::StatusOr<clients::v1::WorkDay> WorkDay(const Principal& who,
                                               const clients::v1::SummarizeWorkDayRequest& req) override {
    if (down) return absl::UnavailableError("clients service down");
    asked_by = who.subject;
    clients::v1::WorkDay out = work_day;
    out.set_person(req.person());
    *out.mutable_date() = req.date();
    return out;
  }
  absl::StatusOr<meetings::v1::ListMeetingChangesResponse> Changes(
      const Principal& who, const meetings::v1::ListMeetingChangesRequest& req) override {
    if (down) return absl::UnavailableError("meetings service down");
    asked_by = who.subject;
    changes_asked.push_back(req);
    return changes;
  }

  clients::v1::WorkDay work_day;
  meetings::v1::ListMeetingChangesResponse changes;
  std::vector<meetings::v1::ListMeetingChangesRequest> changes_asked;

  // A cell of `owner` in `segment` and month `m` of `year`: `definite` and
  // `settled` total revenue (rooms half of it) with one meeting each.
  meetings::v1::SalesSummary::Cell& Cell(int year, int m, const std::string& owner, const std::string& segment,
                                         int64_t definite, int64_t settled) {
    auto* c = sales[year].add_cells();
    c->set_owner(owner);
    c->set_segment(segment);
    c->mutable_month()->set_year(year);
    c->mutable_month()->set_month(m);
    auto fill = [](meetings::v1::SalesCount* count, int64_t total) {
      count->set_meetings(1);
      count->mutable_value()->mutable_total()->set_amount_minor(total);
      count->mutable_value()->mutable_rooms()->set_amount_minor(total / 2);
    };
    if (definite) fill(c->mutable_definite(), definite);
    if (settled) fill(c->mutable_actualised(), settled);
    return *c;
  }

  std::map<int, meetings::v1::SalesSummary> sales;
  std::map<int, clients::v1::BookSummary> book;
  std::vector<meetings::v1::SummarizeSalesRequest> sales_asked;
  std::vector<clients::v1::SummarizeBookRequest> book_asked;
  bool down = false;
  std::string asked_by;
};

class SalesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore("sales");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    domain_ = std::make_unique<Management>(store_.get(), &figures_, &clock_, PageTokens("secret"), absl::UTCTimeZone());
  }

  absl::StatusOr<SegmentAssignment> Assign(const std::string& segment, const std::string& kam,
                                           std::vector<clients::v1::AccountKind> kinds = {}, bool move = false) {
    v1::CreateSegmentAssignmentRequest req;
    req.mutable_segment_assignment()->set_segment(segment);
    req.mutable_segment_assignment()->set_kam(kam);
    for (auto k : kinds) req.mutable_segment_assignment()->add_kinds(k);
    req.set_move_accounts(move);
    return domain_->CreateSegmentAssignment(kManager, req);
  }

  // What the outbox holds for the clients service, oldest first.
  std::vector<clients::v1::AssignSegmentRequest> Told() {
    std::vector<clients::v1::AssignSegmentRequest> out;
    EXPECT_TRUE(store_
                    ->Read([&](SalesTx& tx) -> absl::Status {
                      auto rows = tx.DueOutbox(absl::ToUnixMicros(kNow + absl::Hours(1)), 1000);
                      if (!rows.ok()) return rows.status();
                      for (const auto& m : *rows) {
                        EXPECT_EQ(m.peer, "clients");
                        EXPECT_EQ(m.method, "/atrium.clients.v1.ClientsService/AssignSegment");
                        out.emplace_back().ParseFromString(m.body);
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  }

  Target Revenue(Target::Scope scope, int64_t annual, Target::Split split = Target::EVEN) {
    Target t;
    t.set_year(2027);
    t.set_scope(scope);
    if (scope == Target::KAM) t.set_kam("kam-li");
    if (scope == Target::SEGMENT) t.set_segment("finance");
    t.set_metric(v1::TOTAL_REVENUE);
    t.set_annual(annual);
    t.set_split(split);
    return t;
  }

  absl::StatusOr<Target> Create(const Target& t, const Principal& who = kManager) {
    v1::CreateTargetRequest req;
    *req.mutable_target() = t;
    return domain_->CreateTarget(who, req);
  }

  FakeClock clock_{kNow};
  FakeFigures figures_;
  std::unique_ptr<SalesStore> store_;
  std::unique_ptr<Management> domain_;
};

TEST_F(SalesTest, TheManagerDividesTheMarketAndTheClientsServiceIsTold) {
  auto finance = Assign("finance", "kam-li", {}, true);
  ASSERT_TRUE(finance.ok()) << finance.status();
  EXPECT_EQ(finance->version(), 1);
  auto agencies = Assign("finance", "kam-zhao", {clients::v1::ACCOUNT_KIND_TRAVEL_AGENCY});
  ASSERT_TRUE(agencies.ok()) << agencies.status();
  // Overlaps: a second kind-less one, or a kind already given.
  auto twice = Assign("finance", "kam-zhao");
  EXPECT_EQ(CodeOf(twice), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(twice.status()), "ASSIGNMENT_OVERLAPS");
  EXPECT_EQ(ReasonOf(Assign("finance", "kam-li", {clients::v1::ACCOUNT_KIND_TRAVEL_AGENCY}).status()),
            "ASSIGNMENT_OVERLAPS");
  ASSERT_TRUE(Assign("pharma", "kam-zhao").ok());

  auto told = Told();
  ASSERT_EQ(told.size(), 3u);
  EXPECT_EQ(told[0].segment(), "finance");
  EXPECT_EQ(told[0].owner(), "kam-li");
  EXPECT_TRUE(told[0].move_accounts());
  EXPECT_EQ(told[0].assignment(), finance->name());
  EXPECT_EQ(told[1].kinds_size(), 1);
  EXPECT_EQ(told[1].owner(), "kam-zhao");
  // The division's versions grow with every change, whichever assignment.
  EXPECT_LT(told[0].version(), told[1].version());
  EXPECT_LT(told[1].version(), told[2].version());

  // Reassigned with its accounts, then ended.
  v1::UpdateSegmentAssignmentRequest update;
  update.mutable_segment_assignment()->set_name(finance->name());
  update.mutable_segment_assignment()->set_kam("kam-wu");
  update.mutable_update_mask()->add_paths("kam");
  update.set_move_accounts(true);
  auto moved = domain_->UpdateSegmentAssignment(kManager, update);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->version(), 2);
  EXPECT_EQ(moved->kam(), "kam-wu");
  v1::DeleteSegmentAssignmentRequest end;
  end.set_name(agencies->name());
  end.set_etag("stale");
  EXPECT_EQ(CodeOf(domain_->DeleteSegmentAssignment(kManager, end)), Code::kAborted);
  end.clear_etag();
  ASSERT_TRUE(domain_->DeleteSegmentAssignment(kManager, end).ok());
  EXPECT_EQ(CodeOf(domain_->DeleteSegmentAssignment(kManager, end)), Code::kNotFound);
  told = Told();
  ASSERT_EQ(told.size(), 5u);
  EXPECT_EQ(told[3].owner(), "kam-wu");
  EXPECT_TRUE(told[3].move_accounts());
  EXPECT_EQ(told[4].owner(), "");  // the travel agencies go to no one
  EXPECT_EQ(told[4].kinds_size(), 1);

  // Narrowing a kind-less assignment to some kinds hands "every kind" back.
  update.mutable_segment_assignment()->set_name(moved->name());
  update.mutable_segment_assignment()->add_kinds(clients::v1::ACCOUNT_KIND_COMPANY);
  update.clear_update_mask();
  update.mutable_update_mask()->add_paths("kinds");
  update.set_move_accounts(false);
  ASSERT_TRUE(domain_->UpdateSegmentAssignment(kManager, update).ok());
  told = Told();
  ASSERT_EQ(told.size(), 7u);
  EXPECT_EQ(told[5].kinds_size(), 0);
  EXPECT_EQ(told[5].owner(), "");
  EXPECT_EQ(told[6].kinds_size(), 1);
  EXPECT_EQ(told[6].owner(), "kam-wu");

  v1::ListSegmentAssignmentsRequest list;
  list.set_page_size(1);
  auto page = domain_->ListSegmentAssignments(kKam, list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->segment_assignments_size(), 1);
  EXPECT_EQ(page->segment_assignments(0).segment(), "finance");
  list.set_page_token(page->next_page_token());
  page = domain_->ListSegmentAssignments(kKam, list);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->segment_assignments(0).segment(), "pharma");
  EXPECT_TRUE(page->next_page_token().empty());
  list.set_kam("kam-wu");
  EXPECT_EQ(CodeOf(domain_->ListSegmentAssignments(kKam, list)), Code::kInvalidArgument);  // token of another query
  list.clear_page_token();
  EXPECT_EQ(domain_->ListSegmentAssignments(kClerk, list)->segment_assignments_size(), 1);
  list.set_kam("has space");
  EXPECT_EQ(FieldOf(domain_->ListSegmentAssignments(kClerk, list).status()), "kam");
  list.set_kam("kam-wu");
  list.set_page_token("forged");
  EXPECT_EQ(FieldOf(domain_->ListSegmentAssignments(kClerk, list).status()), "page_token");
  EXPECT_EQ(CodeOf(domain_->ListSegmentAssignments(kFnb, list)), Code::kPermissionDenied);
}

TEST_F(SalesTest, AssignmentsRefuseWhatTheyDocument) {
  ASSERT_TRUE(Assign("finance", "kam-li").ok());
  v1::CreateSegmentAssignmentRequest req;
  req.mutable_segment_assignment()->set_segment("pharma");
  req.mutable_segment_assignment()->set_kam("kam-li");
  EXPECT_EQ(CodeOf(domain_->CreateSegmentAssignment(kKam, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->CreateSegmentAssignment(kGm, req)), Code::kPermissionDenied);
  auto bad = [&](std::function<void(v1::CreateSegmentAssignmentRequest&)> change) {
    v1::CreateSegmentAssignmentRequest r = req;
    change(r);
    return FieldOf(domain_->CreateSegmentAssignment(kManager, r).status());
  };
  EXPECT_EQ(bad([](auto& r) { r.mutable_segment_assignment()->clear_segment(); }), "segment_assignment.segment");
  EXPECT_EQ(bad([](auto& r) { r.mutable_segment_assignment()->set_segment("\xff"); }), "segment_assignment.segment");
  EXPECT_EQ(bad([](auto& r) { r.mutable_segment_assignment()->clear_kam(); }), "segment_assignment.kam");
  EXPECT_EQ(bad([](auto& r) { r.mutable_segment_assignment()->set_kam("with space"); }), "segment_assignment.kam");
  EXPECT_EQ(bad([](auto& r) { r.mutable_segment_assignment()->add_kinds(clients::v1::ACCOUNT_KIND_UNSPECIFIED); }),
            "segment_assignment.kinds[0]");
  EXPECT_EQ(bad([](auto& r) {
              r.mutable_segment_assignment()->add_kinds(clients::v1::ACCOUNT_KIND_COMPANY);
              r.mutable_segment_assignment()->add_kinds(clients::v1::ACCOUNT_KIND_COMPANY);
            }),
            "segment_assignment.kinds[1]");
  EXPECT_EQ(bad([](auto& r) { r.set_request_id("has space"); }), "request_id");
  EXPECT_EQ(Told().size(), 1u);  // only the first

  // A retry with the same request id returns the first; another request
  // under it is refused.
  req.set_request_id("div-1");
  auto first = domain_->CreateSegmentAssignment(kManager, req);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(domain_->CreateSegmentAssignment(kManager, req)->name(), first->name());
  req.mutable_segment_assignment()->set_kam("kam-zhao");
  EXPECT_EQ(ReasonOf(domain_->CreateSegmentAssignment(kManager, req).status()), "REQUEST_ID_REUSED");
  EXPECT_EQ(Told().size(), 2u);

  v1::GetSegmentAssignmentRequest get;
  get.set_name("segmentAssignments/");
  EXPECT_EQ(FieldOf(domain_->GetSegmentAssignment(kKam, get).status()), "name");
  get.set_name("segmentAssignments/nope");
  EXPECT_EQ(CodeOf(domain_->GetSegmentAssignment(kKam, get)), Code::kNotFound);
  get.set_name(first->name());
  EXPECT_TRUE(domain_->GetSegmentAssignment(kMeetings, get).ok());
  EXPECT_EQ(CodeOf(domain_->GetSegmentAssignment(kFnb, get)), Code::kPermissionDenied);

  v1::UpdateSegmentAssignmentRequest update;
  update.mutable_segment_assignment()->set_name(first->name());
  update.mutable_segment_assignment()->set_segment("other");
  EXPECT_EQ(FieldOf(domain_->UpdateSegmentAssignment(kManager, update).status()), "update_mask");
  update.mutable_update_mask()->add_paths("segment");
  EXPECT_EQ(FieldOf(domain_->UpdateSegmentAssignment(kManager, update).status()), "update_mask");
  update.clear_update_mask();
  update.mutable_update_mask()->add_paths("kam");
  update.mutable_segment_assignment()->set_kam("");
  EXPECT_EQ(FieldOf(domain_->UpdateSegmentAssignment(kManager, update).status()), "segment_assignment.kam");
  update.mutable_segment_assignment()->set_kam("kam-wu");
  update.mutable_segment_assignment()->set_etag("stale");
  EXPECT_EQ(CodeOf(domain_->UpdateSegmentAssignment(kManager, update)), Code::kAborted);
  EXPECT_EQ(CodeOf(domain_->UpdateSegmentAssignment(kKam, update)), Code::kPermissionDenied);
  update.mutable_segment_assignment()->set_name("segmentAssignments/nope");
  update.mutable_segment_assignment()->clear_etag();
  EXPECT_EQ(CodeOf(domain_->UpdateSegmentAssignment(kManager, update)), Code::kNotFound);
  EXPECT_EQ(Told().size(), 2u);  // nothing more was told
}

TEST_F(SalesTest, TargetsSplitEvenlyByLastYearOrByHandAndAddUp) {
  auto even = Create(Revenue(Target::DEPARTMENT, 1'200'000'006));
  ASSERT_TRUE(even.ok()) << even.status();
  ASSERT_EQ(even->months_size(), 12);
  EXPECT_EQ(even->months(0), 100'000'001);  // the remainder of 6 goes to January to June
  EXPECT_EQ(even->months(11), 100'000'000);
  EXPECT_EQ(std::accumulate(even->months().begin(), even->months().end(), int64_t{0}), 1'200'000'006);
  EXPECT_EQ(even->version(), 1);

  // By last year: what was settled each month of 2026 by kam-li (another
  // KAM's business does not count), asked as the manager.
  for (int m = 1; m <= 12; ++m) figures_.Cell(2026, m, "kam-li", "finance", 999, m <= 6 ? 100 : 300);
  figures_.Cell(2026, 1, "kam-zhao", "finance", 0, 5'000);
  auto by_last = Create(Revenue(Target::KAM, 800'000, Target::LAST_YEAR));
  ASSERT_TRUE(by_last.ok()) << by_last.status();
  EXPECT_EQ(figures_.asked_by, "mgr-wang");
  ASSERT_EQ(figures_.sales_asked.size(), 1u);
  EXPECT_EQ(figures_.sales_asked[0].start_month().year(), 2026);
  EXPECT_EQ(figures_.sales_asked[0].end_month().month(), 12);
  EXPECT_EQ(figures_.sales_asked[0].owner(), "kam-li");
  // 800,000 x 100 / 2,400 = 33,333.3 for January to June, 100,000 for the
  // rest; the 2 left over go to January and February.
  EXPECT_EQ(by_last->months(0), 33'334);
  EXPECT_EQ(by_last->months(2), 33'333);
  EXPECT_EQ(by_last->months(11), 100'000);
  EXPECT_EQ(std::accumulate(by_last->months().begin(), by_last->months().end(), int64_t{0}), 800'000);

  // By hand: twelve months adding up to the year.
  Target manual = Revenue(Target::SEGMENT, 1'200, Target::MANUAL);
  for (int i = 0; i < 12; ++i) manual.add_months(100);
  manual.set_metric(v1::ROOM_NIGHTS);
  auto by_hand = Create(manual);
  ASSERT_TRUE(by_hand.ok()) << by_hand.status();
  EXPECT_EQ(by_hand->months(5), 100);

  // Unique by year, scope and metric.
  auto again = Create(Revenue(Target::DEPARTMENT, 1));
  EXPECT_EQ(ReasonOf(again.status()), "TARGET_EXISTS");
  EXPECT_EQ(CodeOf(again), Code::kAlreadyExists);
}

TEST_F(SalesTest, AChangedTargetKeepsTheOldVersionWithWhoAndWhy) {
  auto t = Create(Revenue(Target::KAM, 1'200));
  ASSERT_TRUE(t.ok());
  clock_.Advance(absl::Hours(24));
  v1::UpdateTargetRequest update;
  update.mutable_target()->set_name(t->name());
  update.mutable_target()->set_annual(2'400);
  update.mutable_update_mask()->add_paths("annual");
  EXPECT_EQ(FieldOf(domain_->UpdateTarget(kManager, update).status()), "target.reason");
  update.mutable_target()->set_reason("与房务总监商定上调");
  auto v2 = domain_->UpdateTarget(kManager, update);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version(), 2);
  EXPECT_EQ(v2->months(3), 200);  // split again
  EXPECT_EQ(v2->reason(), "与房务总监商定上调");
  EXPECT_EQ(v2->audit().updater(), "mgr-wang");
  // By hand now: months given and checked against the year.
  update.mutable_target()->set_split(Target::MANUAL);
  for (int i = 0; i < 12; ++i) update.mutable_target()->add_months(i == 11 ? 1'301 : 100);
  update.clear_update_mask();
  update.mutable_update_mask()->add_paths("split");
  update.mutable_update_mask()->add_paths("months");
  EXPECT_EQ(FieldOf(domain_->UpdateTarget(kManager, update).status()), "target.months");  // 2,401
  update.mutable_target()->set_months(11, 1'300);
  update.mutable_target()->set_etag("stale");
  EXPECT_EQ(CodeOf(domain_->UpdateTarget(kManager, update)), Code::kAborted);
  update.mutable_target()->set_etag(v2->etag());
  auto v3 = domain_->UpdateTarget(kManager, update);
  ASSERT_TRUE(v3.ok()) << v3.status();
  EXPECT_EQ(v3->months(11), 1'300);

  v1::ListTargetVersionsRequest versions;
  versions.set_parent(t->name());
  versions.set_page_size(2);
  auto page = domain_->ListTargetVersions(kRooms, versions);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->versions_size(), 2);
  EXPECT_EQ(page->versions(0).name(), t->name() + "/versions/1");
  EXPECT_EQ(page->versions(0).target().annual(), 1'200);
  EXPECT_EQ(page->versions(1).target().reason(), "与房务总监商定上调");
  versions.set_page_token(page->next_page_token());
  page = domain_->ListTargetVersions(kRooms, versions);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->versions_size(), 1);
  EXPECT_EQ(page->versions(0).target().split(), Target::MANUAL);
  EXPECT_TRUE(page->next_page_token().empty());

  versions.clear_page_token();
  versions.set_parent("targets/");
  EXPECT_EQ(FieldOf(domain_->ListTargetVersions(kManager, versions).status()), "parent");
  versions.set_parent("targets/nope");
  EXPECT_EQ(CodeOf(domain_->ListTargetVersions(kManager, versions)), Code::kNotFound);
  versions.set_parent(t->name());
  versions.set_page_token("forged");
  EXPECT_EQ(FieldOf(domain_->ListTargetVersions(kManager, versions).status()), "page_token");
  versions.clear_page_token();
  EXPECT_EQ(CodeOf(domain_->ListTargetVersions(kKam2, versions)), Code::kPermissionDenied);  // kam-li's
  EXPECT_EQ(CodeOf(domain_->ListTargetVersions(kClerk, versions)), Code::kPermissionDenied);

  update.clear_update_mask();
  update.mutable_update_mask()->add_paths("year");
  EXPECT_EQ(FieldOf(domain_->UpdateTarget(kManager, update).status()), "update_mask");
  EXPECT_EQ(CodeOf(domain_->UpdateTarget(kKam, update)), Code::kPermissionDenied);
  update.mutable_target()->set_name("targets/nope");
  update.clear_update_mask();
  update.mutable_update_mask()->add_paths("annual");
  EXPECT_EQ(CodeOf(domain_->UpdateTarget(kManager, update)), Code::kNotFound);
}

TEST_F(SalesTest, TargetsRefuseWhatTheyDocument) {
  EXPECT_EQ(CodeOf(Create(Revenue(Target::DEPARTMENT, 1), kKam)), Code::kPermissionDenied);
  auto bad = [&](std::function<void(Target&)> change, Target::Split split = Target::EVEN) {
    Target t = Revenue(Target::KAM, 1'200, split);
    change(t);
    return FieldOf(Create(t).status());
  };
  EXPECT_EQ(bad([](Target& t) { t.set_year(1899); }), "target.year");
  EXPECT_EQ(bad([](Target& t) { t.set_year(1900); }, Target::LAST_YEAR), "target.year");
  EXPECT_EQ(bad([](Target& t) { t.set_scope(Target::SCOPE_UNSPECIFIED); }), "target.scope");
  EXPECT_EQ(bad([](Target& t) { t.clear_kam(); }), "target.kam");
  EXPECT_EQ(bad([](Target& t) { t.set_segment("finance"); }), "target.segment");
  EXPECT_EQ(bad([](Target& t) {
              t.set_scope(Target::SEGMENT);
              t.clear_kam();
            }),
            "target.segment");
  EXPECT_EQ(bad([](Target& t) { t.set_metric(v1::METRIC_UNSPECIFIED); }), "target.metric");
  EXPECT_EQ(bad([](Target& t) { t.set_annual(-1); }), "target.annual");
  EXPECT_EQ(bad([](Target& t) { t.set_annual(1'000'000'000'000'001); }), "target.annual");
  EXPECT_EQ(bad([](Target& t) { t.set_split(Target::SPLIT_UNSPECIFIED); }), "target.split");
  EXPECT_EQ(bad([](Target& t) { t.add_months(1'200); }), "target.months");  // computed for EVEN
  EXPECT_EQ(bad([](Target&) {}, Target::MANUAL), "target.months");          // none given
  EXPECT_EQ(bad(
                [](Target& t) {
                  for (int i = 0; i < 12; ++i) t.add_months(i == 4 ? -100 : 100);
                },
                Target::MANUAL),
            "target.months[4]");
  EXPECT_EQ(bad([](Target& t) { t.set_reason(std::string(501, 'x')); }), "target.reason");

  // Last year with nothing in it, or a peer down: nothing is written.
  auto nothing = Create(Revenue(Target::KAM, 1'200, Target::LAST_YEAR));
  Target visits = Revenue(Target::KAM, 1'200, Target::LAST_YEAR);
  visits.set_metric(v1::VISITS);
  EXPECT_EQ(ReasonOf(Create(visits).status()), "NO_LAST_YEAR");
  EXPECT_EQ(figures_.book_asked.size(), 1u);
  EXPECT_EQ(ReasonOf(nothing.status()), "NO_LAST_YEAR");
  figures_.down = true;
  EXPECT_EQ(CodeOf(Create(Revenue(Target::KAM, 1'200, Target::LAST_YEAR))), Code::kUnavailable);
  v1::ListTargetsRequest list;
  list.set_year(2027);
  EXPECT_EQ(domain_->ListTargets(kManager, list)->targets_size(), 0);
}

TEST_F(SalesTest, KamsReadTheirOwnTargetsAndTheDirectorsReadAll) {
  auto mine = Create(Revenue(Target::KAM, 1'200));
  auto dept = Create(Revenue(Target::DEPARTMENT, 12'000));
  Target other = Revenue(Target::KAM, 600);
  other.set_kam("kam-zhao");
  auto theirs = Create(other);
  ASSERT_TRUE(mine.ok() && dept.ok() && theirs.ok());
  v1::GetTargetRequest get;
  get.set_name(mine->name());
  EXPECT_TRUE(domain_->GetTarget(kKam, get).ok());
  get.set_name(theirs->name());
  EXPECT_EQ(CodeOf(domain_->GetTarget(kKam, get)), Code::kPermissionDenied);
  get.set_name(dept->name());
  EXPECT_EQ(CodeOf(domain_->GetTarget(kKam, get)), Code::kPermissionDenied);
  EXPECT_TRUE(domain_->GetTarget(kRooms, get).ok());
  EXPECT_TRUE(domain_->GetTarget(kFnb, get).ok());
  EXPECT_TRUE(domain_->GetTarget(kGm, get).ok());
  EXPECT_EQ(CodeOf(domain_->GetTarget(kFinance, get)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->GetTarget(kClerk, get)), Code::kPermissionDenied);
  get.set_name("targets");
  EXPECT_EQ(FieldOf(domain_->GetTarget(kManager, get).status()), "name");
  get.set_name("targets/nope");
  EXPECT_EQ(CodeOf(domain_->GetTarget(kManager, get)), Code::kNotFound);

  v1::ListTargetsRequest list;
  list.set_year(2027);
  EXPECT_EQ(CodeOf(domain_->ListTargets(kKam, list)), Code::kPermissionDenied);
  list.set_kam("kam-li");
  auto own = domain_->ListTargets(kKam, list);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->targets_size(), 1);
  EXPECT_EQ(own->targets(0).name(), mine->name());
  list.clear_kam();
  list.set_page_size(2);
  auto all = domain_->ListTargets(kRooms, list);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->targets_size(), 2);
  list.set_page_token(all->next_page_token());
  EXPECT_EQ(domain_->ListTargets(kRooms, list)->targets_size(), 1);
  list.clear_page_token();
  list.set_scope(Target::DEPARTMENT);
  EXPECT_EQ(domain_->ListTargets(kManager, list)->targets_size(), 1);
  list.set_year(0);
  EXPECT_EQ(FieldOf(domain_->ListTargets(kManager, list).status()), "year");
  list.set_year(2027);
  list.set_metric(static_cast<v1::Metric>(99));
  EXPECT_EQ(FieldOf(domain_->ListTargets(kManager, list).status()), "metric");
}

TEST_F(SalesTest, StageProbabilitiesAreTheManagersAndRiseWithTheStage) {
  auto defaults = domain_->GetForecastSettings(kKam, {});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  ASSERT_EQ(defaults->stages_size(), 4);
  EXPECT_EQ(defaults->stages(3).percent(), 75);
  v1::UpdateForecastSettingsRequest req;
  auto* p = req.mutable_forecast_settings()->add_stages();
  p->set_stage(meetings::v1::Meeting::NEGOTIATING);
  p->set_percent(40);
  auto set = domain_->UpdateForecastSettings(kManager, req);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->stages(2).percent(), 40);
  EXPECT_EQ(set->stages(1).percent(), 25);  // kept
  EXPECT_EQ(domain_->GetForecastSettings(kRooms, {})->stages(2).percent(), 40);
  EXPECT_EQ(CodeOf(domain_->UpdateForecastSettings(kKam, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->GetForecastSettings(kFinance, {})), Code::kPermissionDenied);
  p->set_percent(20);  // below SITE_VISIT's 25
  EXPECT_EQ(FieldOf(domain_->UpdateForecastSettings(kManager, req).status()), "forecast_settings.stages");
  p->set_percent(101);
  EXPECT_EQ(FieldOf(domain_->UpdateForecastSettings(kManager, req).status()), "forecast_settings.stages[0].percent");
  p->set_percent(50);
  p->set_stage(meetings::v1::Meeting::CONTRACTED);
  EXPECT_EQ(FieldOf(domain_->UpdateForecastSettings(kManager, req).status()), "forecast_settings.stages[0].stage");
  p->set_stage(meetings::v1::Meeting::NEGOTIATING);
  *req.mutable_forecast_settings()->add_stages() = *p;
  EXPECT_EQ(FieldOf(domain_->UpdateForecastSettings(kManager, req).status()), "forecast_settings.stages[1].stage");
  req.mutable_forecast_settings()->mutable_stages()->RemoveLast();
  req.mutable_forecast_settings()->set_etag("stale");
  EXPECT_EQ(CodeOf(domain_->UpdateForecastSettings(kManager, req)), Code::kAborted);
  v1::GetForecastSettingsRequest get;
  get.set_name("forecast");
  EXPECT_EQ(FieldOf(domain_->GetForecastSettings(kManager, get).status()), "name");
  EXPECT_EQ(domain_->GetForecastSettings(kManager, {})->stages(2).percent(), 40);  // nothing changed
}

TEST_F(SalesTest, AttainmentSetsEachTargetAgainstWhatWasAchievedAndLastYear) {
  // 2027: kam-li has 300 definite in March (200 settled) in finance and 100
  // in pharma; kam-zhao 500 in March. 2026: kam-li 200 in March.
  figures_.Cell(2027, 3, "kam-li", "finance", 300, 200);
  figures_.Cell(2027, 3, "kam-li", "pharma", 100, 0);
  figures_.Cell(2027, 3, "kam-zhao", "finance", 500, 0);
  figures_.Cell(2027, 4, "kam-li", "finance", 50, 0);
  figures_.Cell(2026, 3, "kam-li", "finance", 200, 200);
  auto& book = figures_.book[2027];
  auto* cell = book.add_cells();
  cell->set_owner("kam-li");
  cell->set_segment("finance");
  cell->mutable_month()->set_year(2027);
  cell->mutable_month()->set_month(3);
  cell->set_visits_done(7);
  Target manual = Revenue(Target::KAM, 1'200, Target::MANUAL);
  for (int i = 0; i < 12; ++i) manual.add_months(100);
  auto kam = Create(manual);
  auto dept = Create(Revenue(Target::DEPARTMENT, 12'000));
  auto segment = Create(Revenue(Target::SEGMENT, 2'400));
  Target visits = Revenue(Target::KAM, 120, Target::EVEN);
  visits.set_metric(v1::VISITS);
  auto visit_target = Create(visits);
  Target rooms = Revenue(Target::KAM, 1'200, Target::EVEN);
  rooms.set_metric(v1::ROOM_REVENUE);
  auto rooms_target = Create(rooms);
  ASSERT_TRUE(kam.ok() && dept.ok() && segment.ok() && visit_target.ok() && rooms_target.ok());

  v1::GetAttainmentRequest req;
  req.set_year(2027);
  req.set_first_month(3);
  req.set_last_month(3);
  auto a = domain_->GetAttainment(kManager, req);
  ASSERT_TRUE(a.ok()) << a.status();
  std::map<std::string, v1::Attainment::Line> lines;
  for (const auto& l : a->lines()) lines[l.target()] = l;
  ASSERT_EQ(lines.size(), 5u);
  const auto& mine = lines[kam->name()];
  EXPECT_EQ(mine.target_value(), 100);  // March
  EXPECT_EQ(mine.achieved(), 400);      // finance and pharma
  EXPECT_EQ(mine.settled(), 200);
  EXPECT_EQ(mine.last_year(), 200);
  EXPECT_EQ(mine.attainment_basis_points(), 40'000);  // 400%
  EXPECT_EQ(mine.growth_basis_points(), 20'000);
  ASSERT_EQ(mine.months_size(), 1);
  EXPECT_EQ(mine.months(0).month(), 3);
  EXPECT_EQ(lines[dept->name()].achieved(), 900);  // everyone's
  EXPECT_EQ(lines[dept->name()].target_value(), 1'000);
  EXPECT_EQ(lines[dept->name()].attainment_basis_points(), 9'000);
  EXPECT_EQ(lines[segment->name()].achieved(), 800);  // finance: kam-li's 300 and kam-zhao's 500
  EXPECT_EQ(lines[visit_target->name()].achieved(), 7);
  EXPECT_EQ(lines[visit_target->name()].settled(), 7);
  EXPECT_EQ(lines[visit_target->name()].attainment_basis_points(), 7'000);  // 7 of 10
  EXPECT_EQ(lines[rooms_target->name()].achieved(), 200);                   // the rooms half
  // One summary of each peer for the year and one for last year.
  EXPECT_EQ(figures_.sales_asked.size(), 2u);
  EXPECT_EQ(figures_.book_asked.size(), 2u);
  EXPECT_EQ(figures_.sales_asked[1].start_month().year(), 2026);
  EXPECT_EQ(figures_.sales_asked[0].start_month().month(), 3);

  // A KAM reads their own; the peers are asked for theirs only.
  req.set_kam("kam-li");
  auto own = domain_->GetAttainment(kKam, req);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->lines_size(), 3);  // revenue, visits, room revenue
  EXPECT_EQ(figures_.sales_asked.back().owner(), "kam-li");
  req.set_kam("kam-zhao");
  EXPECT_EQ(CodeOf(domain_->GetAttainment(kKam, req)), Code::kPermissionDenied);
  req.clear_kam();
  EXPECT_EQ(CodeOf(domain_->GetAttainment(kKam, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->GetAttainment(kClerk, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->GetAttainment(kFinance, req)), Code::kPermissionDenied);
  EXPECT_TRUE(domain_->GetAttainment(kRooms, req).ok());
  req.set_scope(static_cast<Target::Scope>(9));
  EXPECT_EQ(FieldOf(domain_->GetAttainment(kManager, req).status()), "scope");
  req.clear_scope();
  req.set_metric(static_cast<v1::Metric>(99));
  EXPECT_EQ(FieldOf(domain_->GetAttainment(kManager, req).status()), "metric");
  req.clear_metric();
  req.set_segment("\xff");
  EXPECT_EQ(FieldOf(domain_->GetAttainment(kManager, req).status()), "segment");
  req.clear_segment();
  req.set_first_month(13);
  EXPECT_EQ(FieldOf(domain_->GetAttainment(kManager, req).status()), "first_month");
  req.set_first_month(4);
  EXPECT_EQ(FieldOf(domain_->GetAttainment(kManager, req).status()), "last_month");  // 4 > 3
  req.set_first_month(0);
  req.set_year(1900);
  EXPECT_EQ(FieldOf(domain_->GetAttainment(kManager, req).status()), "year");
  req.set_year(2027);
  figures_.down = true;
  EXPECT_EQ(CodeOf(domain_->GetAttainment(kManager, req)), Code::kUnavailable);
}

TEST_F(SalesTest, TheForecastWeighsOpenBusinessByItsStageBesideTheTargetAndPace) {
  // March 2027: 1,000 definite; open: 400 at NEGOTIATING (50%), 200 at
  // ENQUIRY (10%). Undated: 1,000 at INTENT (75%). A year before, March 2026
  // had 600 on its books.
  auto& march = figures_.Cell(2027, 3, "kam-li", "finance", 1'000, 0);
  auto add_stage = [](meetings::v1::SalesSummary::Cell& c, meetings::v1::Meeting::State stage, int64_t value) {
    auto* s = c.add_pipeline();
    s->set_stage(stage);
    s->set_meetings(1);
    s->mutable_value()->mutable_total()->set_amount_minor(value);
  };
  add_stage(march, meetings::v1::Meeting::NEGOTIATING, 400);
  add_stage(march, meetings::v1::Meeting::ENQUIRY, 200);
  auto* undated = figures_.sales[2027].add_cells();
  undated->set_owner("kam-li");
  undated->set_segment("finance");
  add_stage(*undated, meetings::v1::Meeting::INTENT, 1'000);
  figures_.Cell(2026, 3, "kam-li", "finance", 600, 600);
  Target manual = Revenue(Target::KAM, 1'200, Target::MANUAL);
  for (int i = 0; i < 12; ++i) manual.add_months(100);
  ASSERT_TRUE(Create(manual).ok());

  v1::GetForecastRequest req;
  req.mutable_start_month()->set_year(2027);
  req.mutable_start_month()->set_month(3);
  req.mutable_end_month()->set_year(2027);
  req.mutable_end_month()->set_month(4);
  req.set_kam("kam-li");
  auto f = domain_->GetForecast(kKam, req);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->months_size(), 2);
  const auto& m = f->months(0);
  EXPECT_EQ(m.definite(), 1'000);
  EXPECT_EQ(m.tentative(), 600);
  EXPECT_EQ(m.weighted(), 220);  // 400 x 50% + 200 x 10%
  EXPECT_EQ(m.forecast(), 1'220);
  EXPECT_EQ(m.target(), 100);
  EXPECT_EQ(m.last_year_at_this_point(), 600);
  ASSERT_EQ(m.pipeline_size(), 2);
  EXPECT_EQ(m.pipeline(0).stage(), meetings::v1::Meeting::ENQUIRY);
  EXPECT_EQ(m.pipeline(0).weighted(), 20);
  EXPECT_EQ(f->months(1).forecast(), 0);
  EXPECT_EQ(f->undated_tentative(), 1'000);
  EXPECT_EQ(f->undated_weighted(), 750);
  // Pace reads last year's books as they stood a year ago.
  ASSERT_EQ(figures_.sales_asked.size(), 2u);
  EXPECT_EQ(figures_.sales_asked[1].start_month().year(), 2026);
  EXPECT_EQ(FromProto(figures_.sales_asked[1].as_of()), kNow - absl::Hours(24 * 365));

  // The manager's probabilities apply.
  v1::UpdateForecastSettingsRequest settings;
  auto* p = settings.mutable_forecast_settings()->add_stages();
  p->set_stage(meetings::v1::Meeting::NEGOTIATING);
  p->set_percent(60);
  ASSERT_TRUE(domain_->UpdateForecastSettings(kManager, settings).ok());
  EXPECT_EQ(domain_->GetForecast(kKam, req)->months(0).weighted(), 260);

  req.set_kam("kam-zhao");
  EXPECT_EQ(CodeOf(domain_->GetForecast(kKam, req)), Code::kPermissionDenied);
  req.set_kam("kam-li");
  req.set_segment("finance");
  EXPECT_EQ(FieldOf(domain_->GetForecast(kManager, req).status()), "segment");
  req.clear_segment();
  req.mutable_end_month()->set_year(2028);
  req.mutable_end_month()->set_month(3);
  EXPECT_EQ(FieldOf(domain_->GetForecast(kManager, req).status()), "end_month");  // 13 months
  req.mutable_end_month()->set_month(2);
  EXPECT_TRUE(domain_->GetForecast(kManager, req).ok());  // 12
  req.clear_start_month();
  EXPECT_EQ(FieldOf(domain_->GetForecast(kManager, req).status()), "start_month");
}

// The day 2026-11-26 (a Thursday; the clock is the Friday after) as the
// peers hold it for kam-li.
void FillDay(FakeFigures& f) {
  auto* done = f.work_day.add_visits_planned();
  done->set_name("accounts/a1/visits/v1");
  done->set_state(clients::v1::Visit::DONE);
  auto* missed = f.work_day.add_visits_planned();
  missed->set_name("accounts/a1/visits/v2");
  missed->set_state(clients::v1::Visit::PLANNED);
  f.work_day.set_visits_missed(1);
  *f.work_day.add_visits_done() = *done;
  f.work_day.add_activities()->set_name("accounts/a1/activities/x1");
  f.work_day.add_activities()->set_name("accounts/a1/activities/x2");
  f.work_day.add_feedback_received()->set_name("accounts/a1/feedback/f1");
  f.work_day.mutable_payments_total()->set_currency_code("CNY");
  f.work_day.mutable_payments_total()->set_amount_minor(12'345);
  for (auto kind : {meetings::v1::MeetingChange::ENQUIRY_RECORDED, meetings::v1::MeetingChange::MOVED,
                    meetings::v1::MeetingChange::NOTICE_REVISION, meetings::v1::MeetingChange::NOTICE_REVISION}) {
    f.changes.add_changes()->set_kind(kind);
  }
}

v1::DraftDailyReportRequest DraftOf(const std::string& kam, int day) {
  v1::DraftDailyReportRequest req;
  req.set_parent("kams/" + kam);
  *req.mutable_date() = ToDate(absl::CivilDay(2026, 11, day));
  return req;
}

v1::UpdateDailyReportRequest Write(const v1::DailyReport& r, const std::string& summary, const std::string& plan) {
  v1::UpdateDailyReportRequest req;
  req.mutable_daily_report()->set_name(r.name());
  req.mutable_daily_report()->set_summary(summary);
  req.mutable_daily_report()->set_plan(plan);
  req.mutable_update_mask()->add_paths("summary");
  req.mutable_update_mask()->add_paths("plan");
  return req;
}

v1::SubmitDailyReportRequest SubmitOf(const std::string& name) {
  v1::SubmitDailyReportRequest req;
  req.set_name(name);
  return req;
}

TEST_F(SalesTest, AKamDraftsWritesAndSubmitsTheDayAndTheManagerReviewsIt) {
  FillDay(figures_);
  auto draft = domain_->DraftDailyReport(kKam, DraftOf("kam-li", 26));
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->name(), "kams/kam-li/dailyReports/2026-11-26");
  EXPECT_EQ(draft->state(), v1::DailyReport::DRAFT);
  EXPECT_EQ(figures_.asked_by, "kam-li");  // the peers are asked as the KAM
  ASSERT_EQ(figures_.changes_asked.size(), 1u);
  EXPECT_EQ(figures_.changes_asked[0].actor(), "kam-li");
  EXPECT_EQ(FromProto(figures_.changes_asked[0].start_time()),
            absl::FromCivil(absl::CivilDay(2026, 11, 26), absl::UTCTimeZone()));
  EXPECT_EQ(FromProto(figures_.changes_asked[0].end_time()),
            absl::FromCivil(absl::CivilDay(2026, 11, 27), absl::UTCTimeZone()));
  const auto& c = draft->counts();
  EXPECT_EQ(c.visits_planned(), 2);
  EXPECT_EQ(c.visits_done(), 1);
  EXPECT_EQ(c.visits_missed(), 1);
  EXPECT_EQ(c.activities(), 2);
  EXPECT_EQ(c.enquiries(), 1);
  EXPECT_EQ(c.meetings_moved(), 1);
  EXPECT_EQ(c.notices_issued(), 2);
  EXPECT_EQ(c.feedback_received(), 1);
  EXPECT_EQ(c.payments().amount_minor(), 12'345);

  auto written = domain_->UpdateDailyReport(kKam, Write(*draft, "two visits, one missed", "call the bank"));
  ASSERT_TRUE(written.ok()) << written.status();
  // A later draft refreshes the records and keeps what the KAM wrote.
  figures_.work_day.add_activities()->set_name("accounts/a1/activities/x3");
  auto again = domain_->DraftDailyReport(kKam, DraftOf("kam-li", 26));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->counts().activities(), 3);
  EXPECT_EQ(again->summary(), "two visits, one missed");
  EXPECT_EQ(again->plan(), "call the bank");

  auto sent = domain_->SubmitDailyReport(kKam, SubmitOf(again->name()));
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->state(), v1::DailyReport::SUBMITTED);
  EXPECT_EQ(ReasonOf(domain_->DraftDailyReport(kKam, DraftOf("kam-li", 26)).status()), "REPORT_SUBMITTED");
  EXPECT_EQ(ReasonOf(domain_->UpdateDailyReport(kKam, Write(*sent, "x", "y")).status()), "REPORT_SUBMITTED");
  EXPECT_EQ(ReasonOf(domain_->SubmitDailyReport(kKam, SubmitOf(sent->name())).status()), "REPORT_SUBMITTED");

  // The manager's queue; a KAM's own list; the GM office reads.
  v1::ListDailyReportsRequest queue;
  queue.set_parent("kams/-");
  queue.set_state(v1::DailyReport::SUBMITTED);
  auto waiting = domain_->ListDailyReports(kManager, queue);
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  ASSERT_EQ(waiting->daily_reports_size(), 1);
  EXPECT_EQ(waiting->daily_reports(0).name(), sent->name());
  EXPECT_EQ(CodeOf(domain_->ListDailyReports(kKam, queue)), Code::kPermissionDenied);
  queue.set_parent("kams/kam-li");
  EXPECT_EQ(domain_->ListDailyReports(kKam, queue)->daily_reports_size(), 1);
  EXPECT_EQ(domain_->ListDailyReports(kGm, queue)->daily_reports_size(), 1);

  v1::ReviewDailyReportRequest review;
  review.set_name(sent->name());
  review.set_comment("follow the missed visit up tomorrow");
  EXPECT_EQ(CodeOf(domain_->ReviewDailyReport(kKam, review)), Code::kPermissionDenied);
  review.set_etag("stale");
  EXPECT_EQ(CodeOf(domain_->ReviewDailyReport(kManager, review)), Code::kAborted);
  review.clear_etag();
  auto reviewed = domain_->ReviewDailyReport(kManager, review);
  ASSERT_TRUE(reviewed.ok()) << reviewed.status();
  EXPECT_EQ(reviewed->state(), v1::DailyReport::REVIEWED);
  EXPECT_EQ(reviewed->reviewer(), "mgr-wang");
  EXPECT_EQ(ReasonOf(domain_->ReviewDailyReport(kManager, review).status()), "REPORT_NOT_SUBMITTED");
  // Out of the queue once reviewed.
  EXPECT_EQ(domain_->ListDailyReports(kManager, queue)->daily_reports_size(), 0);
  queue.clear_state();
  auto all = domain_->ListDailyReports(kManager, queue);
  ASSERT_TRUE(all.ok() && all->daily_reports_size() == 1);
  EXPECT_EQ(all->daily_reports(0).state(), v1::DailyReport::REVIEWED);
}

TEST_F(SalesTest, DailyReportsRefuseWhatTheyDocument) {
  FillDay(figures_);
  auto field = [](const auto& r) { return FieldOf(r.status()); };
  for (const std::string parent : {"kam-li", "kams/", "kams/-", "kams/kam li"}) {
    auto req = DraftOf("kam-li", 26);
    req.set_parent(parent);
    EXPECT_EQ(field(domain_->DraftDailyReport(kManager, req)), "parent") << parent;
  }
  auto no_date = DraftOf("kam-li", 26);
  no_date.clear_date();
  EXPECT_EQ(field(domain_->DraftDailyReport(kKam, no_date)), "date");
  EXPECT_EQ(field(domain_->DraftDailyReport(kKam, DraftOf("kam-li", 28))), "date");  // tomorrow
  auto bad_day = DraftOf("kam-li", 26);
  bad_day.mutable_date()->set_day(31);
  EXPECT_EQ(field(domain_->DraftDailyReport(kKam, bad_day)), "date");
  EXPECT_EQ(CodeOf(domain_->DraftDailyReport(kKam2, DraftOf("kam-li", 26))), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->DraftDailyReport(kClerk, DraftOf("kam-li", 26))), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->DraftDailyReport(kGm, DraftOf("kam-li", 26))), Code::kPermissionDenied);
  // A peer down: nothing written.
  figures_.down = true;
  EXPECT_EQ(CodeOf(domain_->DraftDailyReport(kKam, DraftOf("kam-li", 26))), Code::kUnavailable);
  figures_.down = false;
  v1::GetDailyReportRequest get;
  get.set_name("kams/kam-li/dailyReports/2026-11-26");
  EXPECT_EQ(CodeOf(domain_->GetDailyReport(kKam, get)), Code::kNotFound);
  for (const std::string name :
       {"kams/kam-li/dailyReports/2026-11-3", "kams/kam-li/reports/2026-11-26", "kams/kam-li/dailyReports/2026-02-30",
        "kams//dailyReports/2026-11-26", "kams/kam-li/dailyReports/", "dailyReports/2026-11-26"}) {
    get.set_name(name);
    EXPECT_EQ(field(domain_->GetDailyReport(kManager, get)), "name") << name;
  }

  // The manager may draft for a KAM; only the KAM writes and submits.
  auto draft = domain_->DraftDailyReport(kManager, DraftOf("kam-li", 26));
  ASSERT_TRUE(draft.ok()) << draft.status();
  get.set_name(draft->name());
  EXPECT_EQ(CodeOf(domain_->GetDailyReport(kKam2, get)), Code::kPermissionDenied);
  EXPECT_TRUE(domain_->GetDailyReport(kKam, get).ok());
  EXPECT_EQ(CodeOf(domain_->UpdateDailyReport(kManager, Write(*draft, "a", "b"))), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->UpdateDailyReport(kKam2, Write(*draft, "a", "b"))), Code::kPermissionDenied);
  auto masked = Write(*draft, "a", "b");
  masked.mutable_update_mask()->add_paths("state");
  EXPECT_EQ(field(domain_->UpdateDailyReport(kKam, masked)), "update_mask");
  masked.clear_update_mask();
  EXPECT_EQ(field(domain_->UpdateDailyReport(kKam, masked)), "update_mask");
  EXPECT_EQ(field(domain_->UpdateDailyReport(kKam, Write(*draft, "bad \xff", "b"))), "daily_report.summary");
  EXPECT_EQ(field(domain_->UpdateDailyReport(kKam, Write(*draft, "a", std::string(5001, 'p')))), "daily_report.plan");
  auto stale = Write(*draft, "a", "b");
  stale.mutable_daily_report()->set_etag("stale");
  EXPECT_EQ(CodeOf(domain_->UpdateDailyReport(kKam, stale)), Code::kAborted);
  EXPECT_EQ(ReasonOf(domain_->SubmitDailyReport(kKam, SubmitOf(draft->name())).status()), "SUMMARY_MISSING");
  EXPECT_EQ(CodeOf(domain_->SubmitDailyReport(kManager, SubmitOf(draft->name()))), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->SubmitDailyReport(kKam, SubmitOf("kams/kam-li/dailyReports/2026-11-25"))), Code::kNotFound);
  v1::ReviewDailyReportRequest review;
  review.set_name(draft->name());
  EXPECT_EQ(ReasonOf(domain_->ReviewDailyReport(kManager, review).status()), "REPORT_NOT_SUBMITTED");
  review.set_comment("\x01");
  EXPECT_EQ(field(domain_->ReviewDailyReport(kManager, review)), "comment");

  v1::ListDailyReportsRequest list;
  list.set_parent("kams/-");
  list.set_state(static_cast<v1::DailyReport::State>(9));
  EXPECT_EQ(field(domain_->ListDailyReports(kManager, list)), "state");
  list.clear_state();
  *list.mutable_start_date() = ToDate(absl::CivilDay(2026, 11, 26));
  *list.mutable_end_date() = ToDate(absl::CivilDay(2026, 11, 25));
  EXPECT_EQ(field(domain_->ListDailyReports(kManager, list)), "end_date");
  list.mutable_end_date()->set_year(2201);
  EXPECT_EQ(field(domain_->ListDailyReports(kManager, list)), "end_date");
  list.clear_end_date();
  list.set_page_token("forged");
  EXPECT_EQ(field(domain_->ListDailyReports(kManager, list)), "page_token");
  list.clear_page_token();
  list.set_parent("kams");
  EXPECT_EQ(field(domain_->ListDailyReports(kManager, list)), "parent");
  list.set_parent("kams/kam-zhao");
  EXPECT_EQ(CodeOf(domain_->ListDailyReports(kKam, list)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->ListDailyReports(kFnb, list)), Code::kPermissionDenied);
}

TEST_F(SalesTest, WorkingDaysWithoutASubmittedReportAreListed) {
  // kam-zhao is known by an assignment, kam-li by reports.
  ASSERT_TRUE(Assign("finance", "kam-zhao").ok());
  v1::UpdateWorkCalendarRequest cal;
  *cal.mutable_work_calendar()->add_holidays() = ToDate(absl::CivilDay(2026, 11, 20));          // a Friday off
  *cal.mutable_work_calendar()->add_working_weekends() = ToDate(absl::CivilDay(2026, 11, 22));  // a Sunday worked
  EXPECT_EQ(CodeOf(domain_->UpdateWorkCalendar(kKam, cal)), Code::kPermissionDenied);
  auto calendar = domain_->UpdateWorkCalendar(kManager, cal);
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(domain_->GetWorkCalendar(kKam, {})->holidays_size(), 1);
  FillDay(figures_);
  ASSERT_TRUE(domain_->DraftDailyReport(kKam, DraftOf("kam-li", 25)).ok());
  auto d26 = domain_->DraftDailyReport(kKam, DraftOf("kam-li", 26));
  ASSERT_TRUE(d26.ok());
  ASSERT_TRUE(domain_->UpdateDailyReport(kKam, Write(*d26, "done", "")).ok());
  ASSERT_TRUE(domain_->SubmitDailyReport(kKam, SubmitOf(d26->name())).ok());

  v1::ListMissingDailyReportsRequest req;
  *req.mutable_start_date() = ToDate(absl::CivilDay(2026, 11, 16));
  *req.mutable_end_date() = ToDate(absl::CivilDay(2026, 11, 30));
  auto missing = domain_->ListMissingDailyReports(kManager, req);
  ASSERT_TRUE(missing.ok()) << missing.status();
  // Before today (the 27th): 16-19, 22, 23-26 are working days.
  std::map<std::string, std::vector<int>> days;
  std::string draft;
  for (const auto& m : missing->missing()) {
    days[m.kam()].push_back(m.date().day());
    if (!m.draft().empty()) draft = m.draft();
  }
  EXPECT_EQ(days["kam-zhao"], (std::vector<int>{16, 17, 18, 19, 22, 23, 24, 25, 26}));
  EXPECT_EQ(days["kam-li"], (std::vector<int>{16, 17, 18, 19, 22, 23, 24, 25}));
  EXPECT_EQ(draft, "kams/kam-li/dailyReports/2026-11-25");
  req.set_kam("kam-li");
  EXPECT_EQ(domain_->ListMissingDailyReports(kKam, req)->missing_size(), 8);
  req.set_kam("kam-zhao");
  EXPECT_EQ(CodeOf(domain_->ListMissingDailyReports(kKam, req)), Code::kPermissionDenied);
  req.clear_kam();
  EXPECT_EQ(CodeOf(domain_->ListMissingDailyReports(kKam, req)), Code::kPermissionDenied);
  *req.mutable_end_date() = ToDate(absl::CivilDay(2027, 2, 16));
  EXPECT_EQ(FieldOf(domain_->ListMissingDailyReports(kManager, req).status()), "end_date");
  req.clear_start_date();
  EXPECT_EQ(FieldOf(domain_->ListMissingDailyReports(kManager, req).status()), "start_date");

  // The calendar's rules.
  auto field = [&](const v1::UpdateWorkCalendarRequest& r) {
    return FieldOf(domain_->UpdateWorkCalendar(kManager, r).status());
  };
  v1::UpdateWorkCalendarRequest bad;
  *bad.mutable_work_calendar()->add_holidays() = ToDate(absl::CivilDay(2026, 11, 21));  // a Saturday
  EXPECT_EQ(field(bad), "work_calendar.holidays[0]");
  bad.mutable_work_calendar()->clear_holidays();
  *bad.mutable_work_calendar()->add_working_weekends() = ToDate(absl::CivilDay(2026, 11, 23));  // a Monday
  EXPECT_EQ(field(bad), "work_calendar.working_weekends[0]");
  bad.mutable_work_calendar()->clear_working_weekends();
  *bad.mutable_work_calendar()->add_holidays() = ToDate(absl::CivilDay(2026, 11, 20));
  *bad.mutable_work_calendar()->add_holidays() = ToDate(absl::CivilDay(2026, 11, 20));
  EXPECT_EQ(field(bad), "work_calendar.holidays[1]");
  bad.mutable_work_calendar()->mutable_holidays(1)->set_day(31);
  EXPECT_EQ(field(bad), "work_calendar.holidays[1]");
  bad.mutable_work_calendar()->clear_holidays();
  bad.mutable_work_calendar()->set_etag("stale");
  EXPECT_EQ(CodeOf(domain_->UpdateWorkCalendar(kManager, bad)), Code::kAborted);
  v1::GetWorkCalendarRequest get;
  get.set_name("calendar");
  EXPECT_EQ(FieldOf(domain_->GetWorkCalendar(kManager, get).status()), "name");
  EXPECT_EQ(CodeOf(domain_->GetWorkCalendar(kInspector, {})), Code::kPermissionDenied);
}

TEST_F(SalesTest, TheScorecardAndTheManagersEvaluationOfAKam) {
  // October and November 2026 of kam-li; October 2025 beside them.
  figures_.Cell(2026, 10, "kam-li", "finance", 600, 400).set_notice_revisions(2);
  figures_.Cell(2026, 11, "kam-li", "finance", 300, 0);
  figures_.Cell(2025, 10, "kam-li", "finance", 450, 450);
  auto& book = figures_.book[2026];
  auto* cell = book.add_cells();
  cell->set_owner("kam-li");
  cell->set_visits_planned(8);
  cell->set_visits_done_on_time(6);
  cell->set_complaints(4);
  cell->set_complaints_answered_on_time(3);
  auto* owed = book.add_receivables();
  owed->set_owner("kam-li");
  owed->mutable_days_61_90()->set_amount_minor(700);
  owed->mutable_over_90_days()->set_amount_minor(50);
  owed->set_overdue_accounts(2);
  Target t;
  t.set_year(2026);
  t.set_scope(Target::KAM);
  t.set_kam("kam-li");
  t.set_metric(v1::TOTAL_REVENUE);
  t.set_annual(1'200);
  t.set_split(Target::EVEN);
  ASSERT_TRUE(Create(t).ok());
  FillDay(figures_);
  auto d26 = domain_->DraftDailyReport(kKam, DraftOf("kam-li", 26));
  ASSERT_TRUE(d26.ok());
  ASSERT_TRUE(domain_->UpdateDailyReport(kKam, Write(*d26, "done", "")).ok());
  ASSERT_TRUE(domain_->SubmitDailyReport(kKam, SubmitOf(d26->name())).ok());

  v1::GetScorecardRequest req;
  req.set_kam("kam-li");
  req.mutable_start_month()->set_year(2026);
  req.mutable_start_month()->set_month(10);
  req.mutable_end_month()->set_year(2026);
  req.mutable_end_month()->set_month(11);
  auto card = domain_->GetScorecard(kKam, req);
  ASSERT_TRUE(card.ok()) << card.status();
  EXPECT_EQ(card->revenue().target(), 200);
  EXPECT_EQ(card->revenue().achieved(), 900);
  EXPECT_EQ(card->revenue().last_year(), 450);
  EXPECT_EQ(card->revenue().attainment_basis_points(), 45'000);
  EXPECT_EQ(card->revenue().growth_basis_points(), 20'000);
  EXPECT_EQ(card->revenue_settled(), 400);
  EXPECT_EQ(card->visit_execution_basis_points(), 7'500);
  EXPECT_EQ(card->complaint_response_basis_points(), 7'500);
  EXPECT_EQ(card->notice_revisions(), 2);
  EXPECT_EQ(card->overdue_receivables(), 750);
  EXPECT_EQ(card->overdue_accounts(), 2);
  // October's 22 working days and November's to the 26th (19).
  EXPECT_EQ(card->working_days(), 41);
  EXPECT_EQ(card->reports_submitted(), 1);
  EXPECT_EQ(CodeOf(domain_->GetScorecard(kKam2, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->GetScorecard(kRooms, req)), Code::kPermissionDenied);

  v1::CreateEvaluationRequest create;
  create.set_parent("kams/kam-li");
  *create.mutable_evaluation()->mutable_start_month() = req.start_month();
  *create.mutable_evaluation()->mutable_end_month() = req.end_month();
  create.mutable_evaluation()->set_text("well ahead of target; answer complaints sooner");
  create.set_request_id("eval-1");
  EXPECT_EQ(CodeOf(domain_->CreateEvaluation(kKam, create)), Code::kPermissionDenied);
  auto e = domain_->CreateEvaluation(kManager, create);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->scorecard().revenue().achieved(), 900);
  EXPECT_TRUE(e->name().starts_with("kams/kam-li/evaluations/"));
  // The same request again is the same evaluation; another under its id is refused.
  EXPECT_EQ(domain_->CreateEvaluation(kManager, create)->name(), e->name());
  auto other = create;
  other.mutable_evaluation()->set_text("another");
  EXPECT_EQ(ReasonOf(domain_->CreateEvaluation(kManager, other).status()), "REQUEST_ID_REUSED");
  v1::GetEvaluationRequest get;
  get.set_name(e->name());
  EXPECT_EQ(domain_->GetEvaluation(kKam, get)->text(), create.evaluation().text());
  EXPECT_EQ(CodeOf(domain_->GetEvaluation(kKam2, get)), Code::kPermissionDenied);
  get.set_name("kams/kam-zhao/evaluations/" + e->name().substr(e->name().rfind('/') + 1));
  EXPECT_EQ(CodeOf(domain_->GetEvaluation(kManager, get)), Code::kNotFound);
  get.set_name("kams/kam-li/evaluations/Bad_Id");
  EXPECT_EQ(FieldOf(domain_->GetEvaluation(kManager, get).status()), "name");
  v1::ListEvaluationsRequest list;
  list.set_parent("kams/-");
  EXPECT_EQ(domain_->ListEvaluations(kManager, list)->evaluations_size(), 1);
  EXPECT_EQ(CodeOf(domain_->ListEvaluations(kKam, list)), Code::kPermissionDenied);

  auto field = [&](const v1::CreateEvaluationRequest& r) {
    return FieldOf(domain_->CreateEvaluation(kManager, r).status());
  };
  auto bad = create;
  bad.clear_request_id();
  bad.mutable_evaluation()->clear_text();
  EXPECT_EQ(field(bad), "evaluation.text");
  bad = create;
  bad.mutable_evaluation()->mutable_end_month()->set_year(2027);
  EXPECT_EQ(field(bad), "evaluation.end_month");  // over 12 months
  bad.mutable_evaluation()->clear_start_month();
  EXPECT_EQ(field(bad), "evaluation.start_month");
  bad = create;
  bad.set_parent("kams/-");
  EXPECT_EQ(field(bad), "parent");
  figures_.down = true;
  EXPECT_EQ(CodeOf(domain_->GetScorecard(kManager, req)), Code::kUnavailable);
}

TEST_F(SalesTest, ReportsAndEvaluationsArePagedToTheEnd) {
  FillDay(figures_);
  for (int day : {26, 24, 25}) ASSERT_TRUE(domain_->DraftDailyReport(kKam, DraftOf("kam-li", day)).ok());
  v1::ListDailyReportsRequest list;
  list.set_parent("kams/-");
  list.set_page_size(1);
  std::vector<std::string> names;
  for (int page = 0; page < 5; ++page) {
    auto got = domain_->ListDailyReports(kManager, list);
    ASSERT_TRUE(got.ok()) << got.status();
    for (const auto& r : got->daily_reports()) {
      names.push_back(r.name());
      EXPECT_FALSE(r.has_work_day());  // listed without the day's records
      EXPECT_EQ(r.counts().activities(), 2);
    }
    if (got->next_page_token().empty()) break;
    list.set_page_token(got->next_page_token());
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"kams/kam-li/dailyReports/2026-11-24", "kams/kam-li/dailyReports/2026-11-25",
                                      "kams/kam-li/dailyReports/2026-11-26"}));
  list.clear_page_token();
  list.set_page_size(101);
  EXPECT_EQ(domain_->ListDailyReports(kManager, list)->daily_reports_size(), 3);  // clamped to 100
  v1::GetDailyReportRequest get;
  get.set_name(names[0]);
  EXPECT_TRUE(domain_->GetDailyReport(kManager, get)->has_work_day());
  auto early = DraftOf("kam-li", 1);
  *early.mutable_date() = ToDate(absl::CivilDay(1900, 12, 31));
  EXPECT_EQ(FieldOf(domain_->DraftDailyReport(kManager, early).status()), "date");

  v1::CreateEvaluationRequest create;
  create.set_parent("kams/kam-li");
  create.mutable_evaluation()->mutable_start_month()->set_year(2026);
  create.mutable_evaluation()->mutable_start_month()->set_month(10);
  *create.mutable_evaluation()->mutable_end_month() = create.evaluation().start_month();
  std::set<std::string> created;
  for (int i = 0; i < 3; ++i) {
    create.mutable_evaluation()->set_text("evaluation " + std::to_string(i));
    auto e = domain_->CreateEvaluation(kManager, create);
    ASSERT_TRUE(e.ok()) << e.status();
    created.insert(e->name());
  }
  v1::ListEvaluationsRequest evals;
  evals.set_parent("kams/kam-li");
  evals.set_page_size(1);
  std::set<std::string> listed;
  for (int page = 0; page < 5; ++page) {
    auto got = domain_->ListEvaluations(kKam, evals);
    ASSERT_TRUE(got.ok()) << got.status();
    for (const auto& e : got->evaluations()) listed.insert(e.name());
    if (got->next_page_token().empty()) break;
    evals.set_page_token(got->next_page_token());
  }
  EXPECT_EQ(listed, created);
}

// The documented errors the tests above leave out.
TEST_F(SalesTest, TheOtherDocumentedErrorsOfReportsScorecardsAndThePack) {
  for (const std::string name : {"kams/kam-li/dailyReports/26-11-2026", "kams/kam-li"}) {
    EXPECT_EQ(FieldOf(domain_->SubmitDailyReport(kKam, SubmitOf(name)).status()), "name") << name;
    v1::ReviewDailyReportRequest review;
    review.set_name(name);
    EXPECT_EQ(FieldOf(domain_->ReviewDailyReport(kManager, review).status()), "name") << name;
  }
  v1::ListMissingDailyReportsRequest missing;
  *missing.mutable_start_date() = ToDate(absl::CivilDay(2026, 11, 2));
  *missing.mutable_end_date() = ToDate(absl::CivilDay(2026, 11, 6));
  missing.set_kam("kam li");
  EXPECT_EQ(FieldOf(domain_->ListMissingDailyReports(kManager, missing).status()), "kam");
  v1::UpdateWorkCalendarRequest calendar;
  for (absl::CivilDay d(2026, 1, 1); calendar.work_calendar().holidays_size() <= 400; ++d) {
    if (!IsWeekend(d)) *calendar.mutable_work_calendar()->add_holidays() = ToDate(d);
  }
  EXPECT_EQ(FieldOf(domain_->UpdateWorkCalendar(kManager, calendar).status()), "work_calendar.holidays");

  v1::GetScorecardRequest card;
  card.mutable_start_month()->set_year(2026);
  card.mutable_start_month()->set_month(10);
  *card.mutable_end_month() = card.start_month();
  EXPECT_EQ(FieldOf(domain_->GetScorecard(kManager, card).status()), "kam");
  card.set_kam("kam-li");
  card.mutable_end_month()->set_month(9);
  EXPECT_EQ(FieldOf(domain_->GetScorecard(kManager, card).status()), "end_month");
  card.clear_start_month();
  EXPECT_EQ(FieldOf(domain_->GetScorecard(kManager, card).status()), "start_month");
  card.mutable_start_month()->set_year(1900);
  card.mutable_start_month()->set_month(12);
  card.mutable_end_month()->set_year(1900);
  card.mutable_end_month()->set_month(12);
  EXPECT_EQ(FieldOf(domain_->GetScorecard(kManager, card).status()), "start_month");  // last year before 1900

  v1::CreateEvaluationRequest create;
  create.set_parent("kams/kam-li");
  create.mutable_evaluation()->mutable_start_month()->set_year(2026);
  create.mutable_evaluation()->mutable_start_month()->set_month(10);
  *create.mutable_evaluation()->mutable_end_month() = create.evaluation().start_month();
  create.mutable_evaluation()->set_text(std::string(5001, 'x'));
  EXPECT_EQ(FieldOf(domain_->CreateEvaluation(kManager, create).status()), "evaluation.text");
  create.mutable_evaluation()->set_text("\xff");
  EXPECT_EQ(FieldOf(domain_->CreateEvaluation(kManager, create).status()), "evaluation.text");
  create.mutable_evaluation()->set_text("ok");
  create.set_request_id(std::string(101, 'r'));
  EXPECT_EQ(FieldOf(domain_->CreateEvaluation(kManager, create).status()), "request_id");
  v1::ListEvaluationsRequest evals;
  evals.set_parent("kams");
  EXPECT_EQ(FieldOf(domain_->ListEvaluations(kManager, evals).status()), "parent");
  evals.set_parent("kams/-");
  evals.set_page_token("forged");
  EXPECT_EQ(FieldOf(domain_->ListEvaluations(kManager, evals).status()), "page_token");
  evals.clear_page_token();
  evals.set_page_size(-1);
  EXPECT_EQ(FieldOf(domain_->ListEvaluations(kManager, evals).status()), "page_size");

  // Lost business past 10^15 fen together: the pack is refused, not wrapped.
  for (int i = 0; i < 2; ++i) {
    auto* lost = figures_.Cell(2026, 11, "kam-li", "finance", 0, 0).add_lost();
    lost->set_state(meetings::v1::Meeting::LOST);
    lost->set_meetings(1);
    lost->mutable_value()->set_amount_minor(600'000'000'000'000);
  }
  v1::GetMonthlyPackRequest pack;
  pack.mutable_month()->set_year(2026);
  pack.mutable_month()->set_month(11);
  auto over = domain_->GetMonthlyPack(kManager, pack);
  EXPECT_EQ(CodeOf(over), Code::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(over.status()), "SUM_TOO_LARGE");
}

TEST_F(SalesTest, ThePackShowsEachKamsPaymentSchedulesBesideTheReceivables) {
  auto* li = figures_.sales[2026].add_instalments();
  li->set_owner("kam-li");
  li->mutable_due()->set_amount_minor(3'000'000);
  li->mutable_overdue()->set_amount_minor(2'000'000);
  li->set_overdue_instalments(1);
  li->set_meetings_overdue(1);
  v1::GetMonthlyPackRequest req;
  req.mutable_month()->set_year(2026);
  req.mutable_month()->set_month(11);
  auto pack = domain_->GetMonthlyPack(kManager, req);
  ASSERT_TRUE(pack.ok()) << pack.status();
  ASSERT_EQ(pack->instalments_size(), 1);
  EXPECT_EQ(pack->instalments(0).owner(), "kam-li");
  EXPECT_EQ(pack->instalments(0).due().amount_minor(), 3'000'000);
  EXPECT_EQ(pack->instalments(0).overdue().amount_minor(), 2'000'000);
  EXPECT_EQ(pack->instalments(0).meetings_overdue(), 1);
}

TEST_F(SalesTest, ThePacksConversionCountsAMeetingWithoutAnOwnerForTheDepartmentOnly) {
  figures_.Cell(2026, 11, "", "finance", 0, 0).set_enquiries(2);
  auto& li = figures_.Cell(2026, 11, "kam-li", "finance", 0, 0);
  li.set_enquiries(3);
  li.set_enquiries_contracted(1);
  v1::GetMonthlyPackRequest req;
  req.mutable_month()->set_year(2026);
  req.mutable_month()->set_month(11);
  auto pack = domain_->GetMonthlyPack(kManager, req);
  ASSERT_TRUE(pack.ok()) << pack.status();
  ASSERT_EQ(pack->conversion_size(), 2);
  EXPECT_EQ(pack->conversion(0).kam(), "");
  EXPECT_EQ(pack->conversion(0).enquiries(), 5);
  EXPECT_EQ(pack->conversion(0).conversion_basis_points(), 2'000);
  EXPECT_EQ(pack->conversion(1).kam(), "kam-li");
  EXPECT_EQ(pack->conversion(1).enquiries(), 3);
  EXPECT_EQ(pack->conversion(1).conversion_basis_points(), 3'333);
}

TEST_F(SalesTest, TheMonthlyPackRefusesWhatItDocuments) {
  v1::GetMonthlyPackRequest req;
  EXPECT_EQ(FieldOf(domain_->GetMonthlyPack(kManager, req).status()), "month");
  req.mutable_month()->set_year(2026);
  req.mutable_month()->set_month(13);
  EXPECT_EQ(FieldOf(domain_->GetMonthlyPack(kManager, req).status()), "month");
  req.mutable_month()->set_month(11);
  req.set_pace_months(13);
  EXPECT_EQ(FieldOf(domain_->GetMonthlyPack(kManager, req).status()), "pace_months");
  req.set_pace_months(0);
  req.set_top_accounts(101);
  EXPECT_EQ(FieldOf(domain_->GetMonthlyPack(kManager, req).status()), "top_accounts");
  req.set_top_accounts(0);
  EXPECT_EQ(CodeOf(domain_->GetMonthlyPack(kKam, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(domain_->GetMonthlyPack(kFinance, req)), Code::kPermissionDenied);
  EXPECT_TRUE(domain_->GetMonthlyPack(kRooms, req).ok());
  figures_.down = true;
  EXPECT_EQ(CodeOf(domain_->GetMonthlyPack(kGm, req)), Code::kUnavailable);
}

}  // namespace
}  // namespace atrium::sales
