// Unit tests of the sales facts (facts.h): what a meeting is worth and the
// changes of the definite business it makes.
#include "services/meetings/facts.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>

#include "common/testing.h"
#include "common/time_util.h"

namespace atrium::meetings {
namespace {

using v1::Meeting;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

SalesFact Fact(int state, int64_t month, int64_t total) {
  SalesFact f;
  f.state = state;
  f.event_month = month;
  f.value = {10, total / 2, total / 4, total - total / 2 - total / 4, total};
  return f;
}

TEST(FactsTest, AnAgreementIsWorthItsLinesByCategoryAndItsRoomNights) {
  v1::Agreement a;
  auto line = [&](v1::ChargeCategory c, int64_t fen) {
    auto* l = a.add_prices();
    l->set_category(c);
    l->mutable_amount()->set_amount_minor(fen);
  };
  line(v1::ROOMS, 4'560'000);
  line(v1::ROOMS, 100);
  line(v1::FNB, 1'800'000);
  line(v1::VENUE, 1'000'000);
  line(v1::AV, 50'000);
  line(v1::EXTRAS, 7);
  a.add_room_block()->set_rooms(60);
  a.add_room_block()->set_rooms(40);
  const Amounts r = AmountsOf(RevenueOf(a));
  EXPECT_EQ(r, (Amounts{100, 4'560'100, 1'800'000, 1'050'007, 7'410'107}));
}

TEST(FactsTest, ABillIsWorthWhatWasChargedAndTheAgreedWhereNothingWas) {
  v1::Settlement s;
  auto line = [&](v1::ChargeCategory c, int64_t agreed, std::optional<int64_t> actual) {
    auto* l = s.add_lines();
    l->set_category(c);
    l->mutable_agreed()->set_amount_minor(agreed);
    if (actual) {
      l->set_charged(true);
      l->mutable_actual()->set_amount_minor(*actual);
    }
  };
  line(v1::ROOMS, 4'560'000, 4'200'000);
  line(v1::FNB, 1'800'000, 1'875'000);
  line(v1::VENUE, 0, std::nullopt);
  line(v1::EXTRAS, 0, 150'000);
  s.mutable_actual_total()->set_amount_minor(6'225'000);
  v1::Revenue agreed;
  agreed.set_room_nights(60);
  EXPECT_EQ(AmountsOf(RevenueOf(s, agreed)), (Amounts{60, 4'200'000, 1'875'000, 150'000, 6'225'000}));
}

TEST(FactsTest, SumsPastTheBoundOfAnAmountAreRefused) {
  Amounts a{0, 0, 0, 0, 999'999'999'999'999};
  EXPECT_TRUE(AddTo(a, Amounts{0, 0, 0, 0, 1}).ok());
  EXPECT_EQ(a.total, 1'000'000'000'000'000);
  absl::Status s = AddTo(a, Amounts{0, 0, 0, 0, 1});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(testing::ReasonOf(s), "SUM_TOO_LARGE");
  Amounts b{std::numeric_limits<int64_t>::max(), 0, 0, 0, 0};
  EXPECT_FALSE(AddTo(b, Amounts{1, 0, 0, 0, 0}).ok());
}

TEST(FactsTest, AMeetingBecomesDefiniteWhenContractedAndStopsWhenCancelled) {
  EXPECT_TRUE(DefiniteChanges(std::nullopt, Fact(Meeting::ENQUIRY, 0, 0)).empty());
  EXPECT_TRUE(DefiniteChanges(Fact(Meeting::INTENT, 202612, 100), Fact(Meeting::LOST, 202612, 100)).empty());
  auto made = DefiniteChanges(Fact(Meeting::INTENT, 202612, 100), Fact(Meeting::CONTRACTED, 202612, 100));
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].kind, DefiniteChange::kNew);
  EXPECT_EQ(made[0].event_month, 202612);
  EXPECT_EQ(made[0].meetings, 1);
  EXPECT_EQ(made[0].delta.total, 100);
  // Moving on through the procedure changes nothing; settled is still definite.
  EXPECT_TRUE(DefiniteChanges(Fact(Meeting::CONTRACTED, 202612, 100), Fact(Meeting::SETTLED, 202612, 100)).empty());
  auto gone = DefiniteChanges(Fact(Meeting::NOTICE_ISSUED, 202612, 100), Fact(Meeting::CANCELLED, 202612, 100));
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].kind, DefiniteChange::kCancelled);
  EXPECT_EQ(gone[0].meetings, -1);
  EXPECT_EQ(gone[0].delta.total, -100);
  EXPECT_EQ(gone[0].delta.room_nights, -10);
}

TEST(FactsTest, ANewVersionRevaluesOrSlipsTheBusiness) {
  auto revalued = DefiniteChanges(Fact(Meeting::CONTRACTED, 202612, 100), Fact(Meeting::CONTRACTED, 202612, 80));
  ASSERT_EQ(revalued.size(), 1u);
  EXPECT_EQ(revalued[0].kind, DefiniteChange::kRevalued);
  EXPECT_EQ(revalued[0].meetings, 0);
  EXPECT_EQ(revalued[0].delta.total, -20);
  auto slipped = DefiniteChanges(Fact(Meeting::CONTRACTED, 202612, 100), Fact(Meeting::CONTRACTED, 202701, 80));
  ASSERT_EQ(slipped.size(), 2u);
  EXPECT_EQ(slipped[0].kind, DefiniteChange::kSlippedOut);
  EXPECT_EQ(slipped[0].event_month, 202612);
  EXPECT_EQ(slipped[0].delta.total, -100);
  EXPECT_EQ(slipped[1].kind, DefiniteChange::kSlippedIn);
  EXPECT_EQ(slipped[1].event_month, 202701);
  EXPECT_EQ(slipped[1].delta.total, 80);
  EXPECT_TRUE(DefiniteChanges(Fact(Meeting::CONTRACTED, 202612, 100), Fact(Meeting::PREPARED, 202612, 100)).empty());
}

TEST(FactsTest, AFactTakesItsMonthsInTheHotelsZone) {
  Meeting m;
  m.set_name("meetings/m1");
  m.set_state(Meeting::CANCELLED);
  // 2026-11-30 23:30 UTC is December in Shanghai.
  const absl::Time late = absl::FromCivil(absl::CivilSecond(2026, 11, 30, 23, 30, 0), absl::UTCTimeZone());
  *m.mutable_start_time() = ToProto(late);
  *m.mutable_audit()->mutable_create_time() = ToProto(late - absl::Hours(24 * 40));
  auto* c = m.add_history();
  c->set_to(Meeting::CONTRACTED);
  *c->mutable_time() = ToProto(late - absl::Hours(24 * 20));
  c = m.add_history();
  c->set_to(Meeting::CANCELLED);
  *c->mutable_time() = ToProto(late);
  const SalesFact f = FactOf(m, kShanghai);
  EXPECT_EQ(f.meeting_id, "m1");
  EXPECT_EQ(f.event_month, 202612);
  EXPECT_EQ(f.create_month, 202610);
  EXPECT_TRUE(f.contracted);
  EXPECT_EQ(f.close_month, 202612);
  EXPECT_EQ(f.history_size, 2);
}

}  // namespace
}  // namespace atrium::meetings
