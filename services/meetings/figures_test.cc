// Domain tests of the sales figures (SummarizeSales, ListMeetingChanges):
// a month of one KAM's meetings taken through the procedure, each figure
// checked against the value computed by hand. On a real SQLite file (and
// PostgreSQL in meetings_pg_test), with an injected clock.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/meetings/sales_fixture.h"

namespace atrium::meetings {
namespace {

using Code = absl::StatusCode;
using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;
using v1::Agreement;
using v1::Meeting;
using v1::SalesSummary;

type::v1::YearMonth M(int y, int m) {
  type::v1::YearMonth out;
  out.set_year(y);
  out.set_month(m);
  return out;
}

// What each figure is checked by: (meetings, total fen).
std::pair<int, int64_t> Of(const v1::SalesCount& c) { return {c.meetings(), c.value().total().amount_minor()}; }

class FiguresTest : public SalesFixture {
 protected:
  void SetUp() override {
    SalesFixture::SetUp();
    directory_.accounts["accounts/acme"].industry_segment = "pharma";
    directory_.accounts["accounts/globex"] = {"accounts/globex", "kam-li", "Globex", false, "finance"};
    for (const char* code : {"price", "dates"}) {
      v1::CreateLostReasonRequest req;
      req.set_lost_reason_id(code);
      req.mutable_lost_reason()->set_display_name(code);
      ASSERT_TRUE(meetings_->pipeline().CreateLostReason(kManager, req).ok());
    }
  }

  v1::SummarizeSalesRequest Range(type::v1::YearMonth from, type::v1::YearMonth to) {
    v1::SummarizeSalesRequest req;
    *req.mutable_start_month() = from;
    *req.mutable_end_month() = to;
    return req;
  }

  SalesSummary Summary(const v1::SummarizeSalesRequest& req, const Principal& who = kManager) {
    auto s = meetings_->figures().SummarizeSales(who, req);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : SalesSummary();
  }

  // The cells by (owner, segment, yyyymm; 0 = undated).
  static std::map<std::tuple<std::string, std::string, int>, SalesSummary::Cell> Cells(const SalesSummary& s) {
    std::map<std::tuple<std::string, std::string, int>, SalesSummary::Cell> out;
    for (const auto& c : s.cells()) {
      out[{c.owner(), c.segment(), c.has_month() ? c.month().year() * 100 + c.month().month() : 0}] = c;
    }
    return out;
  }

  // Content() with every date 24 days later: from December to January.
  Agreement InJanuary(Agreement a) {
    const absl::Duration later = absl::Hours(24 * 24);
    auto shift = [&](google::protobuf::Timestamp* t) { *t = ToProto(FromProto(*t) + later); };
    shift(a.mutable_start_time());
    shift(a.mutable_end_time());
    for (auto& v : *a.mutable_venues()) {
      shift(v.mutable_start_time());
      shift(v.mutable_end_time());
    }
    *a.mutable_room_block(0)->mutable_night() = D(2027, 1, 10);
    *a.mutable_meals(0)->mutable_date() = D(2027, 1, 10);
    *a.mutable_guests(0)->mutable_arrival() = D(2027, 1, 10);
    *a.mutable_guests(0)->mutable_departure() = D(2027, 1, 11);
    return a;
  }

  // Settles a completed meeting, its F&B at 125 guests instead of 120.
  void Settle(const Meeting& m) {
    v1::RecordChargesRequest charges;
    charges.set_name(m.name() + "/settlement");
    auto add = [&](v1::ChargeCategory c, int64_t yuan, const char* why) {
      auto* ch = charges.add_charges();
      ch->set_category(c);
      *ch->mutable_amount() = Yuan(yuan);
      ch->set_explanation(why);
    };
    add(v1::ROOMS, 60 * 760, "");
    add(v1::FNB, 125 * 150, "午餐实到125人");
    add(v1::VENUE, 10000, "");
    ASSERT_TRUE(meetings_->followup().RecordCharges(kKam, charges).ok());
    v1::RecordBillReviewRequest review;
    review.set_name(m.name() + "/settlement");
    review.set_reviewer("ACME 王经理");
    review.set_accepted(true);
    ASSERT_TRUE(meetings_->followup().RecordBillReview(kKam, review).ok());
    v1::SettleMeetingRequest settle;
    settle.set_name(m.name());
    auto settled = meetings_->followup().SettleMeeting(kKam, settle);
    ASSERT_TRUE(settled.ok()) << settled.status();
  }

  // The month of the test, by hand (kNow is 2026-11-27):
  //   C  ACME, signed 11-27 (73,600 CNY in December), notice, held, settled
  //      with F&B at 125 guests (74,350);
  //   B  ACME, lost 11-27 for price, 5,000 CNY given;
  //   D  Globex (finance), a draft of 73,600 in December, still at INTENT;
  //   A  ACME, signed 11-27 (73,600, December), notice; 11-28 a second
  //      version at 740 a night (72,400: 1,200 down); 11-29 a third moved to
  //      January; 12-02 cancelled (dates, to 香格里拉).
  Meeting a_, b_, c_, d_;
  void RunTheMonth() {
    c_ = Completed();
    Settle(c_);
    b_ = AtIntent();
    v1::MarkMeetingLostRequest lost;
    lost.set_name(b_.name());
    lost.set_reason("预算不足");
    lost.set_lost_reason("lostReasons/price");
    *lost.mutable_lost_value() = Yuan(5000);
    ASSERT_TRUE(meetings_->pipeline().MarkMeetingLost(kKam, lost).ok());
    v1::CreateMeetingRequest globex;
    globex.mutable_meeting()->set_account("accounts/globex");
    globex.mutable_meeting()->set_title("Globex 年会");
    globex.mutable_meeting()->set_origin(Meeting::WALK_IN);
    auto d = meetings_->pipeline().CreateMeeting(kKam, globex);
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_TRUE(meetings_->pipeline().StartNegotiation(kKam, MoveOf(*d)).ok());
    ASSERT_TRUE(meetings_->pipeline().RecordIntent(kKam, MoveOf(*d)).ok());
    ASSERT_TRUE(Draft(*d, Content()).ok());
    d_ = *d;

    a_ = Issued();
    clock_.Advance(absl::Hours(24));
    auto v2 = Draft(a_, Content(740));
    ASSERT_TRUE(v2.ok()) << v2.status();
    ASSERT_TRUE(Sign(*v2).ok());
    clock_.Advance(absl::Hours(24));
    auto v3 = Draft(a_, InJanuary(Content(740)));
    ASSERT_TRUE(v3.ok()) << v3.status();
    ASSERT_TRUE(Sign(*v3).ok());
    clock_.Advance(absl::Hours(24 * 3));
    v1::CancelMeetingRequest cancel;
    cancel.set_name(a_.name());
    cancel.set_reason("客户改期到外地");
    cancel.set_lost_reason("lostReasons/dates");
    cancel.set_competitor("香格里拉");
    ASSERT_TRUE(meetings_->pipeline().CancelMeeting(kKam, cancel).ok());
  }
};

TEST_F(FiguresTest, AMeetingIsWorthItsDraftThenItsAgreementThenItsBill) {
  Meeting m = AtIntent();
  EXPECT_EQ(m.segment(), "pharma");
  EXPECT_EQ(m.revenue().total().amount_minor(), 0);
  auto draft = Draft(m, Content());
  ASSERT_TRUE(draft.ok());
  auto got = Get(m);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->revenue().total().amount_minor(), 7'360'000);
  EXPECT_EQ(got->revenue().rooms().amount_minor(), 4'560'000);
  EXPECT_EQ(got->revenue().food_and_beverage().amount_minor(), 1'800'000);
  EXPECT_EQ(got->revenue().conference().amount_minor(), 1'000'000);
  EXPECT_EQ(got->revenue().room_nights(), 60);
  EXPECT_EQ(got->etag(), m.etag());  // derived: the caller's etag still applies
  // The segment is the account's when the enquiry was recorded.
  directory_.accounts["accounts/acme"].industry_segment = "finance";
  EXPECT_EQ(Get(m)->segment(), "pharma");
  v1::DiscardAgreementRequest discard;
  discard.set_name(draft->name());
  ASSERT_TRUE(meetings_->sales().DiscardAgreement(kKam, discard).ok());
  EXPECT_EQ(Get(m)->revenue().total().amount_minor(), 0);
  ASSERT_TRUE(Sign(*Draft(m, Content(740))).ok());
  EXPECT_EQ(Get(m)->revenue().total().amount_minor(), 7'240'000);
}

TEST_F(FiguresTest, LostBusinessKeepsItsCompetitorAndValue) {
  Meeting m = AtIntent();
  ASSERT_TRUE(Draft(m, Content()).ok());
  v1::MarkMeetingLostRequest lost;
  lost.set_name(m.name());
  lost.set_reason("选了别家");
  lost.set_competitor(std::string(201, 'x'));
  EXPECT_EQ(FieldOf(meetings_->pipeline().MarkMeetingLost(kKam, lost).status()), "competitor");
  lost.set_competitor("\xff");
  EXPECT_EQ(FieldOf(meetings_->pipeline().MarkMeetingLost(kKam, lost).status()), "competitor");
  lost.set_competitor("香格里拉");
  lost.mutable_lost_value()->set_amount_minor(-1);
  EXPECT_EQ(FieldOf(meetings_->pipeline().MarkMeetingLost(kKam, lost).status()), "lost_value.amount_minor");
  lost.mutable_lost_value()->set_amount_minor(1'000'000'000'000'001);
  EXPECT_EQ(CodeOf(meetings_->pipeline().MarkMeetingLost(kKam, lost)), Code::kInvalidArgument);
  EXPECT_EQ(Get(m)->state(), Meeting::INTENT);  // nothing changed
  lost.clear_lost_value();
  auto marked = meetings_->pipeline().MarkMeetingLost(kKam, lost);
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(marked->competitor(), "香格里拉");
  EXPECT_EQ(marked->lost_value().amount_minor(), 7'360'000);  // what the draft was worth
}

TEST_F(FiguresTest, TheMonthsFiguresAreWhatWasDone) {
  RunTheMonth();
  auto req = Range(M(2026, 11), M(2027, 1));
  req.set_top_accounts(5);
  const SalesSummary s = Summary(req);
  auto cells = Cells(s);

  const auto& nov = cells[{"kam-li", "pharma", 202611}];
  EXPECT_EQ(nov.enquiries(), 3);             // A, B, C
  EXPECT_EQ(nov.enquiries_contracted(), 2);  // A, C
  EXPECT_EQ(nov.enquiries_lost(), 1);        // B
  EXPECT_EQ(Of(nov.new_definite()), std::make_pair(2, int64_t{14'720'000}));
  EXPECT_EQ(Of(nov.revalued_down()), std::make_pair(1, int64_t{120'000}));
  EXPECT_EQ(nov.revalued_down().value().rooms().amount_minor(), 120'000);
  EXPECT_FALSE(nov.has_revalued_up());
  EXPECT_EQ(Of(nov.slipped()), std::make_pair(1, int64_t{7'240'000}));
  EXPECT_FALSE(nov.has_cancelled());
  EXPECT_FALSE(nov.has_definite());  // no event in November
  ASSERT_EQ(nov.lost_size(), 1);
  EXPECT_EQ(nov.lost(0).state(), Meeting::LOST);
  EXPECT_EQ(nov.lost(0).lost_reason(), "lostReasons/price");
  EXPECT_EQ(nov.lost(0).meetings(), 1);
  EXPECT_EQ(nov.lost(0).value().amount_minor(), 500'000);
  EXPECT_EQ(nov.notice_revisions(), 2);  // A's second and third

  const auto& dec = cells[{"kam-li", "pharma", 202612}];
  EXPECT_EQ(Of(dec.definite()), std::make_pair(1, int64_t{7'360'000}));  // C; A moved out
  EXPECT_EQ(Of(dec.actualised()), std::make_pair(1, int64_t{7'435'000}));
  EXPECT_EQ(dec.actualised().value().food_and_beverage().amount_minor(), 1'875'000);
  EXPECT_EQ(dec.actualised().value().room_nights(), 60);
  EXPECT_EQ(Of(dec.cancelled()), std::make_pair(1, int64_t{7'240'000}));  // A, on 12-02
  ASSERT_EQ(dec.lost_size(), 1);
  EXPECT_EQ(dec.lost(0).state(), Meeting::CANCELLED);
  EXPECT_EQ(dec.lost(0).lost_reason(), "lostReasons/dates");
  EXPECT_EQ(dec.lost(0).competitor(), "香格里拉");
  EXPECT_EQ(dec.lost(0).value().amount_minor(), 7'240'000);
  EXPECT_EQ(dec.notice_revisions(), 1);  // the cancellation
  EXPECT_EQ(dec.enquiries(), 0);

  // A came into January and went again: nothing to show there.
  EXPECT_FALSE(cells.count({"kam-li", "pharma", 202701}));
  const auto& globex = cells[{"kam-li", "finance", 202612}];
  ASSERT_EQ(globex.pipeline_size(), 1);
  EXPECT_EQ(globex.pipeline(0).stage(), Meeting::INTENT);
  EXPECT_EQ(globex.pipeline(0).meetings(), 1);
  EXPECT_EQ(globex.pipeline(0).value().total().amount_minor(), 7'360'000);
  EXPECT_FALSE(globex.has_definite());
  EXPECT_EQ(cells[std::make_tuple("kam-li", "finance", 202611)].enquiries(), 1);

  ASSERT_EQ(s.top_accounts_size(), 1);  // Globex has no definite business
  EXPECT_EQ(s.top_accounts(0).account(), "accounts/acme");
  EXPECT_EQ(Of(s.top_accounts(0).definite()), std::make_pair(1, int64_t{7'360'000}));
  EXPECT_EQ(Of(s.top_accounts(0).actualised()), std::make_pair(1, int64_t{7'435'000}));

  // One segment only.
  req.set_segment("finance");
  const SalesSummary finance = Summary(req);
  EXPECT_FALSE(finance.cells().empty());
  for (const auto& c : finance.cells()) EXPECT_EQ(c.segment(), "finance");
}

// A caller asks for the parts it needs (read_mask); each part is what the
// whole summary holds of it, and a cell with none of them is left out.
TEST_F(FiguresTest, AReadMaskGivesThePartsItNamesAndNothingElse) {
  RunTheMonth();
  auto req = Range(M(2026, 11), M(2027, 1));
  req.set_top_accounts(5);
  const SalesSummary all = Summary(req);
  // The whole summary cut down to `fields` of each cell (and its top
  // accounts when asked for).
  auto cut = [&](const std::set<std::string>& fields, bool top) {
    SalesSummary out;
    *out.mutable_as_of() = all.as_of();
    for (SalesSummary::Cell c : all.cells()) {
      const auto* descriptor = c.GetDescriptor();
      const auto* reflection = c.GetReflection();
      bool any = false;
      for (int i = 0; i < descriptor->field_count(); ++i) {
        const auto* f = descriptor->field(i);
        if (f->name() == "owner" || f->name() == "segment" || f->name() == "month") continue;
        if (!fields.count(f->name())) {
          reflection->ClearField(&c, f);
        } else {
          any = any || (f->is_repeated() ? reflection->FieldSize(c, f) > 0 : reflection->HasField(c, f));
        }
      }
      if (any) *out.add_cells() = c;
    }
    if (top) *out.mutable_top_accounts() = all.top_accounts();
    return out;
  };
  const std::vector<std::pair<std::vector<std::string>, std::set<std::string>>> masks = {
      {{"cells.definite"}, {"definite"}},
      {{"cells.actualised", "cells.notice_revisions"}, {"actualised", "notice_revisions"}},
      {{"cells.new_definite"}, {"new_definite"}},
      {{"cells.revalued_down", "cells.slipped"}, {"revalued_down", "slipped"}},
      {{"cells.cancelled", "cells.lost"}, {"cancelled", "lost"}},
      {{"cells.enquiries_lost", "cells.pipeline"}, {"enquiries_lost", "pipeline"}},
      {{"cells.enquiries", "cells.enquiries_contracted", "cells.owner", "as_of"},
       {"enquiries", "enquiries_contracted"}},
  };
  for (const auto& [paths, fields] : masks) {
    auto masked = req;
    for (const auto& p : paths) masked.mutable_read_mask()->add_paths(p);
    const SalesSummary got = Summary(masked);
    EXPECT_FALSE(got.cells().empty()) << paths[0];
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got, cut(fields, false))) << paths[0] << "\n"
                                                                                             << got.DebugString();
  }
  auto masked = req;
  masked.mutable_read_mask()->add_paths("top_accounts");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(Summary(masked), cut({}, true)));
  masked.mutable_read_mask()->add_paths("cells");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(Summary(masked), all));
  masked.mutable_read_mask()->set_paths(1, "cells.definite.meetings");  // not a part
  EXPECT_EQ(FieldOf(meetings_->figures().SummarizeSales(kManager, masked).status()), "read_mask");
  masked.mutable_read_mask()->set_paths(1, "cell");
  EXPECT_EQ(FieldOf(meetings_->figures().SummarizeSales(kManager, masked).status()), "read_mask");
}

TEST_F(FiguresTest, TheBooksCanBeReadAsTheyStoodForPace) {
  RunTheMonth();
  auto req = Range(M(2026, 11), M(2027, 1));
  // After A and C were signed, before A was revalued: both on December's books.
  *req.mutable_as_of() = ToProto(kNow + absl::Hours(12));
  auto then = Cells(Summary(req));
  EXPECT_EQ(Of(then[{"kam-li", "pharma", 202612}].definite()), std::make_pair(2, int64_t{14'720'000}));
  EXPECT_FALSE(then[std::make_tuple("kam-li", "pharma", 202611)].has_revalued_down());
  // After the slip: January has A.
  *req.mutable_as_of() = ToProto(kNow + absl::Hours(24 * 2 + 1));
  auto slipped = Cells(Summary(req));
  EXPECT_EQ(Of(slipped[{"kam-li", "pharma", 202701}].definite()), std::make_pair(1, int64_t{7'240'000}));
  EXPECT_EQ(Of(slipped[{"kam-li", "pharma", 202612}].definite()), std::make_pair(1, int64_t{7'360'000}));
  // Before anything was signed.
  *req.mutable_as_of() = ToProto(kNow - absl::Seconds(1));
  const SalesSummary before = Summary(req);
  for (const auto& c : before.cells()) EXPECT_FALSE(c.has_definite());
}

TEST_F(FiguresTest, FiguresAreRecomputedFromTheMeetingsOfAnEarlierRelease) {
  RunTheMonth();
  const auto req = Range(M(2026, 11), M(2027, 1));
  auto before = Cells(Summary(req));
  // As an earlier release left the store: no figures, no worth on the meetings.
  ASSERT_TRUE(store_
                  ->Write([&](MeetingsTx& tx) -> absl::Status {
                    for (const char* t : {"sales_facts", "definite_changes", "meeting_changes"}) {
                      RETURN_IF_ERROR(tx.db().Exec(absl::StrCat("DELETE FROM ", t)));
                    }
                    for (const Meeting* m : {&a_, &b_, &c_, &d_}) {
                      auto stored = tx.GetMeeting(m->name().substr(sizeof("meetings/") - 1));
                      if (!stored.ok()) return stored.status();
                      (*stored)->clear_revenue();
                      (*stored)->clear_actual_revenue();
                      (*stored)->clear_lost_value();
                      RETURN_IF_ERROR(tx.PutMeeting(m->name().substr(sizeof("meetings/") - 1), **stored));
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(Summary(req).cells().empty());
  auto filled = meetings_->FillSalesFacts();
  ASSERT_TRUE(filled.ok()) << filled.status();
  EXPECT_EQ(*filled, 4);
  EXPECT_EQ(*meetings_->FillSalesFacts(), 0);  // once
  auto after = Cells(Summary(req));
  for (const auto& [key, cell] : before) {
    EXPECT_EQ(Of(after[key].definite()), Of(cell.definite()));
    EXPECT_EQ(Of(after[key].actualised()), Of(cell.actualised()));
    EXPECT_EQ(after[key].enquiries(), cell.enquiries());
    EXPECT_EQ(after[key].pipeline_size(), cell.pipeline_size());
  }
  EXPECT_EQ(Get(c_)->actual_revenue().total().amount_minor(), 7'435'000);
}

TEST_F(FiguresTest, SummariesAreRefusedForBadRangesAndOtherPeoplesFigures) {
  auto req = Range(M(2026, 11), M(2026, 12));
  EXPECT_EQ(CodeOf(meetings_->figures().SummarizeSales(kKam, req)), Code::kPermissionDenied);  // everyone's
  req.set_owner("kam-li");
  EXPECT_TRUE(meetings_->figures().SummarizeSales(kKam, req).ok());
  EXPECT_EQ(CodeOf(meetings_->figures().SummarizeSales(kKam2, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(meetings_->figures().SummarizeSales(kFinance, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(meetings_->figures().SummarizeSales(kClerk, req)), Code::kPermissionDenied);
  EXPECT_TRUE(meetings_->figures().SummarizeSales(kRooms, req).ok());
  EXPECT_TRUE(meetings_->figures().SummarizeSales(kFnb, req).ok());
  EXPECT_TRUE(meetings_->figures().SummarizeSales(kGm, req).ok());
  EXPECT_TRUE(meetings_->figures().SummarizeSales(kMeetings, req).ok());

  auto bad = [&](std::function<void(v1::SummarizeSalesRequest&)> change) {
    auto r = Range(M(2026, 11), M(2026, 12));
    change(r);
    return FieldOf(meetings_->figures().SummarizeSales(kManager, r).status());
  };
  EXPECT_EQ(bad([](auto& r) { r.clear_start_month(); }), "start_month");
  EXPECT_EQ(bad([](auto& r) { r.mutable_start_month()->set_month(13); }), "start_month");
  EXPECT_EQ(bad([](auto& r) { r.mutable_end_month()->set_year(2201); }), "end_month");
  EXPECT_EQ(bad([](auto& r) { r.clear_end_month(); }), "end_month");
  EXPECT_EQ(bad([](auto& r) { *r.mutable_end_month() = M(2026, 10); }), "end_month");
  EXPECT_EQ(bad([](auto& r) { *r.mutable_end_month() = M(2029, 11); }), "end_month");                // 37 months
  EXPECT_TRUE(meetings_->figures().SummarizeSales(kManager, Range(M(2026, 11), M(2029, 10))).ok());  // 36
  EXPECT_EQ(bad([](auto& r) { *r.mutable_as_of() = ToProto(kNow + absl::Seconds(1)); }), "as_of");
  EXPECT_EQ(bad([](auto& r) { r.mutable_as_of()->set_seconds(-3'000'000'000); }), "as_of");
  EXPECT_EQ(bad([](auto& r) { r.mutable_as_of()->set_nanos(-1); }), "as_of.nanos");
  EXPECT_EQ(bad([](auto& r) { r.set_top_accounts(101); }), "top_accounts");
  EXPECT_EQ(bad([](auto& r) { r.set_top_accounts(-1); }), "top_accounts");
  EXPECT_EQ(bad([](auto& r) { r.set_owner(std::string(129, 'k')); }), "owner");
  EXPECT_EQ(bad([](auto& r) { r.set_segment("\xc3\x28"); }), "segment");
}

// The sums are made by the database: past 10^15 fen, or past what 64 bits
// hold (SQLite refuses to sum that far), the summary is refused.
TEST_F(FiguresTest, ASumPastTheBoundIsRefusedAndNotWrapped) {
  auto put = [&](const std::string& id, int64_t total) {
    SalesFact f;
    f.meeting_id = id;
    f.account = "accounts/a1";
    f.owner = "kam-li";
    f.segment = "finance";
    f.state = Meeting::CONTRACTED;
    f.event_month = 202611;
    f.create_month = 202611;
    f.value.total = total;
    return store_->Write([&](MeetingsTx& tx) -> absl::Status {
      RETURN_IF_ERROR(tx.PutSalesFact(f));
      return tx.AddDefiniteChange(f, {DefiniteChange::kNew, 202611, 1, f.value}, absl::ToUnixMicros(kNow) - 1, 202611);
    });
  };
  ASSERT_TRUE(put("big1", 600'000'000'000'000).ok());
  ASSERT_TRUE(meetings_->figures().SummarizeSales(kManager, Range(M(2026, 11), M(2026, 11))).ok());
  ASSERT_TRUE(put("big2", 600'000'000'000'000).ok());  // 1.2 x 10^15 together
  auto over = meetings_->figures().SummarizeSales(kManager, Range(M(2026, 11), M(2026, 11)));
  EXPECT_EQ(CodeOf(over), Code::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(over.status()), "SUM_TOO_LARGE");
  ASSERT_TRUE(put("huge", std::numeric_limits<int64_t>::max()).ok());  // past 64 bits
  over = meetings_->figures().SummarizeSales(kManager, Range(M(2026, 11), M(2026, 11)));
  EXPECT_EQ(CodeOf(over), Code::kFailedPrecondition) << over.status();
  EXPECT_EQ(ReasonOf(over.status()), "SUM_TOO_LARGE");
}

TEST_F(FiguresTest, APersonsChangesAreListedForTheirDailyReport) {
  RunTheMonth();
  v1::ListMeetingChangesRequest req;
  req.set_actor("kam-li");
  const absl::Time day = absl::FromCivil(absl::CivilDay(2026, 11, 27), kShanghai);
  *req.mutable_start_time() = ToProto(day);
  *req.mutable_end_time() = ToProto(day + absl::Hours(24));
  std::map<int, int> kinds;
  std::vector<std::string> seen;
  for (int pages = 0;; ++pages) {
    req.set_page_size(3);
    auto page = meetings_->figures().ListMeetingChanges(kKam, req);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->changes()) {
      ++kinds[c.kind()];
      seen.push_back(c.meeting());
      EXPECT_EQ(c.actor(), "kam-li");
      EXPECT_LT(FromProto(c.time()), day + absl::Hours(24));
    }
    if (page->next_page_token().empty()) break;
    req.set_page_token(page->next_page_token());
    ASSERT_LT(pages, 20);
  }
  EXPECT_EQ(kinds[v1::MeetingChange::ENQUIRY_RECORDED], 4);  // A, B, C, D
  EXPECT_EQ(kinds[v1::MeetingChange::NOTICE_REVISION], 2);   // C's and A's first
  // C: negotiating, intent, contracted, notice, prepared, in progress,
  // completed, settled; B: negotiating, intent, lost; D: negotiating, intent;
  // A: negotiating, intent, contracted, notice.
  EXPECT_EQ(kinds[v1::MeetingChange::MOVED], 8 + 3 + 2 + 4);
  EXPECT_EQ(seen.front(), c_.name());

  req.clear_page_token();
  EXPECT_EQ(CodeOf(meetings_->figures().ListMeetingChanges(kKam2, req)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(meetings_->figures().ListMeetingChanges(kClerk, req)), Code::kPermissionDenied);
  EXPECT_TRUE(meetings_->figures().ListMeetingChanges(kManager, req).ok());
  auto bad = req;
  bad.clear_actor();
  EXPECT_EQ(FieldOf(meetings_->figures().ListMeetingChanges(kManager, bad).status()), "actor");
  bad = req;
  *bad.mutable_end_time() = ToProto(day + absl::Hours(24 * 32));
  EXPECT_EQ(FieldOf(meetings_->figures().ListMeetingChanges(kManager, bad).status()), "end_time");
  bad = req;
  *bad.mutable_end_time() = bad.start_time();
  EXPECT_EQ(FieldOf(meetings_->figures().ListMeetingChanges(kManager, bad).status()), "end_time");
  bad = req;
  bad.clear_start_time();
  EXPECT_EQ(FieldOf(meetings_->figures().ListMeetingChanges(kManager, bad).status()), "start_time");
  bad = req;
  bad.mutable_start_time()->set_seconds(-3'000'000'000);  // 1874
  EXPECT_EQ(FieldOf(meetings_->figures().ListMeetingChanges(kManager, bad).status()), "start_time");
  bad = req;
  bad.mutable_end_time()->set_seconds(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(FieldOf(meetings_->figures().ListMeetingChanges(kManager, bad).status()), "end_time");
  bad = req;
  bad.set_actor("has space");
  EXPECT_EQ(FieldOf(meetings_->figures().ListMeetingChanges(kManager, bad).status()), "actor");
  bad = req;
  bad.set_page_token("forged");
  EXPECT_EQ(FieldOf(meetings_->figures().ListMeetingChanges(kManager, bad).status()), "page_token");
}

TEST_F(FiguresTest, ACallerCannotWriteAMeetingsFiguresOrAnotherPersonsChanges) {
  v1::CreateMeetingRequest req;
  req.mutable_meeting()->set_account("accounts/acme");
  req.mutable_meeting()->set_title("伪造的会议");
  req.mutable_meeting()->set_origin(Meeting::OUTREACH);
  auto* forged = req.mutable_meeting()->add_history();
  forged->set_to(Meeting::CONTRACTED);
  forged->set_actor("kam-zhao");
  *forged->mutable_time() = ToProto(kNow);
  req.mutable_meeting()->mutable_revenue()->mutable_total()->set_amount_minor(999'999);
  req.mutable_meeting()->set_agreement_version(3);
  req.mutable_meeting()->set_competitor("x");
  auto m = meetings_->pipeline().CreateMeeting(kKam, req);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->history_size(), 0);
  EXPECT_EQ(m->revenue().total().amount_minor(), 0);
  EXPECT_EQ(m->agreement_version(), 0);
  EXPECT_EQ(m->competitor(), "");
  v1::ListMeetingChangesRequest changes;
  changes.set_actor("kam-zhao");
  *changes.mutable_start_time() = ToProto(kNow - absl::Hours(1));
  *changes.mutable_end_time() = ToProto(kNow + absl::Hours(1));
  auto theirs = meetings_->figures().ListMeetingChanges(kManager, changes);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->changes_size(), 0);
  auto s = Summary(Range(M(2026, 11), M(2026, 12)));
  for (const auto& c : s.cells()) {
    EXPECT_EQ(c.enquiries_contracted(), 0);
    for (const auto& p : c.pipeline()) EXPECT_EQ(p.value().total().amount_minor(), 0);
  }
}

TEST_F(FiguresTest, ARevaluationPutsEachMeasuresRiseUpAndItsFallDown) {
  Meeting m = AtIntent();
  ASSERT_TRUE(Sign(*Draft(m, Content())).ok());
  // Rooms 20 CNY a night dearer (+1,200), lunch for 100 instead of 120
  // (-3,000): the total falls by 1,800.
  ASSERT_TRUE(Sign(*Draft(m, Content(780, 100))).ok());
  auto cells = Cells(Summary(Range(M(2026, 11), M(2026, 11))));
  const auto& nov = cells[{"kam-li", "pharma", 202611}];
  EXPECT_EQ(nov.revalued_down().meetings(), 1);
  EXPECT_EQ(nov.revalued_down().value().total().amount_minor(), 180'000);
  EXPECT_EQ(nov.revalued_down().value().food_and_beverage().amount_minor(), 300'000);
  EXPECT_EQ(nov.revalued_down().value().rooms().amount_minor(), 0);
  EXPECT_EQ(nov.revalued_up().meetings(), 0);
  EXPECT_EQ(nov.revalued_up().value().rooms().amount_minor(), 120'000);
  EXPECT_EQ(nov.revalued_up().value().total().amount_minor(), 0);
}

}  // namespace
}  // namespace atrium::meetings
