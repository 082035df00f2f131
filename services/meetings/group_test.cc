// The rules of group business without storage: the block's figures, the
// release, attrition and the payment schedule, each figure worked by hand.
#include "services/meetings/group.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/testing.h"
#include "common/time_util.h"
#include "services/meetings/agreement.h"

namespace atrium::meetings {
namespace {

using v1::RoomBlock;

const absl::TimeZone kZone = absl::FixedTimeZone(8 * 3600);

type::v1::Date D(int y, int m, int d) { return ToDate(absl::CivilDay(y, m, d)); }

v1::Agreement TwoNights() {
  v1::Agreement a;
  a.set_name("meetings/m1/agreements/1");
  for (int day : {18, 17}) {  // out of order: the block sorts them
    auto* n = a.add_room_block();
    *n->mutable_night() = D(2026, 12, day);
    n->set_room_type("deluxe-king");
    n->set_rooms(60);
  }
  *a.mutable_block_terms()->mutable_cut_off_date() = D(2026, 12, 3);
  a.mutable_block_terms()->set_attrition_threshold_basis_points(8000);
  *a.mutable_block_terms()->mutable_attrition_rate() = Cny(60000);
  return a;
}

v1::Reservation Res(const std::string& ref, const std::string& type, int arrive, int leave, int rooms,
                    bool cancelled = false) {
  v1::Reservation r;
  r.set_reference(ref);
  r.set_room_type(type);
  *r.mutable_arrival_date() = D(2026, 12, arrive);
  *r.mutable_departure_date() = D(2026, 12, leave);
  r.set_rooms(rooms);
  r.set_cancelled(cancelled);
  return r;
}

std::vector<v1::Reservation> Pickup() {
  return {Res("R1", "deluxe-king", 17, 19, 20), Res("R2", "deluxe-king", 17, 18, 10),
          Res("R3", "deluxe-king", 17, 19, 30, /*cancelled=*/true), Res("R4", "suite", 17, 18, 2)};
}

TEST(GroupTest, TheBlockCountsEachNightsPickupAndANightOutsideTheContract) {
  RoomBlock b = BlockOf(TwoNights(), nullptr);
  EXPECT_EQ(b.name(), "meetings/m1/block");
  EXPECT_EQ(b.agreement(), "meetings/m1/agreements/1");
  EXPECT_EQ(b.state(), RoomBlock::HELD);
  EXPECT_EQ(DateKey(b.cut_off_date()), 20261203);
  Tally(b, Pickup());
  ASSERT_EQ(b.nights_size(), 3);
  // 12-17 deluxe: R1 20 + R2 10 = 30 of 60; 12-17 suite: R4, outside the
  // contract; 12-18 deluxe: R1 20. R3 is cancelled.
  EXPECT_EQ(DateKey(b.nights(0).night()), 20261217);
  EXPECT_EQ(b.nights(0).room_type(), "deluxe-king");
  EXPECT_EQ(b.nights(0).contracted(), 60);
  EXPECT_EQ(b.nights(0).blocked(), 60);
  EXPECT_EQ(b.nights(0).picked_up(), 30);
  EXPECT_EQ(b.nights(1).room_type(), "suite");
  EXPECT_EQ(b.nights(1).contracted(), 0);
  EXPECT_EQ(b.nights(1).blocked(), 2);
  EXPECT_EQ(b.nights(1).picked_up(), 2);
  EXPECT_EQ(DateKey(b.nights(2).night()), 20261218);
  EXPECT_EQ(b.nights(2).picked_up(), 20);
  EXPECT_EQ(b.contracted_room_nights(), 120);
  EXPECT_EQ(b.blocked_room_nights(), 122);
  EXPECT_EQ(b.picked_up_room_nights(), 52);
  EXPECT_EQ(b.reservations(), 3);

  // More reserved than contracted: the block holds them all.
  auto more = Pickup();
  more.push_back(Res("R5", "deluxe-king", 18, 19, 50));
  Tally(b, more);
  EXPECT_EQ(b.nights(2).picked_up(), 70);
  EXPECT_EQ(b.nights(2).blocked(), 70);
  // The suite cancelled: its night leaves the block.
  more[3].set_cancelled(true);
  Tally(b, more);
  EXPECT_EQ(b.nights_size(), 2);
}

TEST(GroupTest, TheCutOffReleasesWhatIsNotPickedUp) {
  RoomBlock b = BlockOf(TwoNights(), nullptr);
  Tally(b, Pickup());
  // (60 - 30) + (60 - 20) + (2 - 2) = 70 room nights back to general sale.
  EXPECT_EQ(Release(b, absl::FromUnixSeconds(1796400000)), 70);
  EXPECT_EQ(b.state(), RoomBlock::RELEASED);
  EXPECT_EQ(b.blocked_room_nights(), 52);
  EXPECT_EQ(b.nights(0).blocked(), 30);
  EXPECT_EQ(b.nights(0).contracted(), 60);
  ASSERT_EQ(b.releases_size(), 1);
  EXPECT_EQ(b.releases(0).room_nights(), 70);
  EXPECT_EQ(DateKey(b.releases(0).cut_off_date()), 20261203);
  // Booked after the cut-off: held as booked; cancelled: given back.
  auto later = Pickup();
  later.push_back(Res("R5", "deluxe-king", 18, 19, 5));
  later[1].set_cancelled(true);
  Tally(b, later);
  EXPECT_EQ(b.nights(0).blocked(), 20);
  EXPECT_EQ(b.nights(2).blocked(), 25);
  EXPECT_EQ(b.blocked_room_nights(), 47);
}

TEST(GroupTest, ANewVersionKeepsTheHistoryAndAnExtendedCutOff) {
  RoomBlock b = BlockOf(TwoNights(), nullptr);
  auto* e = b.add_extensions();
  *e->mutable_from_date() = D(2026, 12, 3);
  *e->mutable_to_date() = D(2026, 12, 8);
  *b.mutable_cut_off_date() = D(2026, 12, 8);
  v1::Agreement v2 = TwoNights();
  v2.set_name("meetings/m1/agreements/2");
  v2.mutable_room_block(0)->set_rooms(80);
  RoomBlock next = BlockOf(v2, &b);
  EXPECT_EQ(next.agreement(), "meetings/m1/agreements/2");
  EXPECT_EQ(DateKey(next.cut_off_date()), 20261208) << "the same contract date: the extension stands";
  EXPECT_EQ(next.extensions_size(), 1);
  EXPECT_EQ(next.nights(1).contracted(), 80);
  *v2.mutable_block_terms()->mutable_cut_off_date() = D(2026, 12, 5);
  EXPECT_EQ(DateKey(BlockOf(v2, &b).cut_off_date()), 20261205) << "a new date in the contract replaces it";
}

TEST(GroupTest, AttritionIsWorkedOutPerNight) {
  RoomBlock b = BlockOf(TwoNights(), nullptr);
  Tally(b, Pickup());
  auto a = AttritionOf(TwoNights().block_terms(), b);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(a->has_value());
  const v1::Attrition& at = **a;
  // 12-17: 60 x 80% = 48 required, 30 + 2 picked up (any room type), 16
  // short x 600 = 9,600; 12-18: 48 - 20 = 28 x 600 = 16,800.
  ASSERT_EQ(at.nights_size(), 2);
  EXPECT_EQ(at.nights(0).required(), 48);
  EXPECT_EQ(at.nights(0).picked_up(), 32);
  EXPECT_EQ(at.nights(0).shortfall(), 16);
  EXPECT_EQ(at.nights(0).amount().amount_minor(), 960000);
  EXPECT_EQ(at.nights(1).shortfall(), 28);
  EXPECT_EQ(at.nights(1).amount().amount_minor(), 1680000);
  EXPECT_EQ(at.shortfall_room_nights(), 44);
  EXPECT_EQ(at.amount().amount_minor(), 2640000);
  EXPECT_NE(at.workings().find("2026-12-17: 合同 60 间 × 80% = 48 间，实际入住 32 间，差 16 间 × 600.00 = 9,600.00 元"),
            std::string::npos)
      << at.workings();
  EXPECT_NE(at.workings().find("合计 44 间夜，26,400.00 元"), std::string::npos) << at.workings();

  // Rounded up: 61 x 80% = 48.8, 49 rooms required.
  v1::Agreement odd = TwoNights();
  odd.mutable_room_block(1)->set_rooms(61);
  RoomBlock ob = BlockOf(odd, nullptr);
  auto oa = AttritionOf(odd.block_terms(), ob);
  ASSERT_TRUE(oa.ok());
  EXPECT_EQ((*oa)->nights(0).required(), 49);
  EXPECT_EQ((*oa)->nights(0).shortfall(), 49);

  // Picked up above the threshold owes nothing.
  auto full = Pickup();
  full.push_back(Res("R6", "deluxe-king", 17, 19, 40));
  Tally(b, full);
  auto none = AttritionOf(TwoNights().block_terms(), b);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->amount().amount_minor(), 0);
  EXPECT_EQ((*none)->nights(0).shortfall(), 0);

  // No clause: no attrition.
  v1::RoomBlockTerms no_clause;
  auto absent = AttritionOf(no_clause, b);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST(GroupTest, AnAttritionPastTheLargestAmountIsRefusedNotWrapped) {
  RoomBlock b = BlockOf(TwoNights(), nullptr);
  Tally(b, {});
  v1::RoomBlockTerms terms = TwoNights().block_terms();
  *terms.mutable_attrition_rate() = Cny(1'000'000'000'000'000 / 40);  // 48 short a night: past 10^15
  auto a = AttritionOf(terms, b);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().ToString().find("settlement.attrition"), std::string::npos) << a.status();
}

TEST(GroupTest, PaymentsFillTheInstalmentsInTheOrderTheyFallDue) {
  v1::Agreement a;
  auto add = [&](const char* label, int month, int day, int64_t yuan) {
    auto* in = a.add_payment_schedule();
    in->set_label(label);
    *in->mutable_due_date() = D(2026, month, day);
    *in->mutable_amount() = Cny(yuan * 100);
  };
  add("尾款", 12, 20, 30000);  // listed first, due last
  add("定金", 12, 1, 10000);
  add("二期款", 12, 10, 20000);
  google::protobuf::RepeatedPtrField<v1::Payment> payments;
  payments.Add()->mutable_amount()->set_amount_minor(1500000);
  auto s = ScheduleOf(a, payments, absl::CivilDay(2026, 12, 10), kZone);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].label(), "定金");
  EXPECT_EQ(s[1].state(), v1::InstalmentStatus::PAID);
  EXPECT_EQ(s[1].paid().amount_minor(), 1000000);
  EXPECT_EQ(s[2].paid().amount_minor(), 500000);
  EXPECT_EQ(s[2].state(), v1::InstalmentStatus::DUE) << "due today is not yet overdue";
  EXPECT_EQ(s[0].paid().amount_minor(), 0);
  EXPECT_EQ(s[0].state(), v1::InstalmentStatus::DUE);
  s = ScheduleOf(a, payments, absl::CivilDay(2026, 12, 11), kZone);
  EXPECT_EQ(s[2].state(), v1::InstalmentStatus::OVERDUE);
  payments.Add()->mutable_amount()->set_amount_minor(4500000);
  s = ScheduleOf(a, payments, absl::CivilDay(2026, 12, 31), kZone);
  for (const auto& in : s) EXPECT_EQ(in.state(), v1::InstalmentStatus::PAID) << in.label();
}

TEST(GroupTest, WithoutAScheduleTheDepositIsDueOnSigning) {
  v1::Agreement a;
  *a.mutable_deposit() = Cny(500000);
  EXPECT_TRUE(InstalmentsOf(a, kZone).empty()) << "not signed: nothing is due";
  *a.mutable_sign_time() = ToProto(absl::FromCivil(absl::CivilSecond(2026, 11, 27, 23, 30, 0), kZone));
  auto in = InstalmentsOf(a, kZone);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].label(), "定金");
  EXPECT_EQ(DateKey(in[0].due_date()), 20261127) << "the hotel's day";
  EXPECT_EQ(in[0].amount().amount_minor(), 500000);
}

TEST(GroupTest, AReservationBreakingARuleIsRefusedNamingTheField) {
  struct Case {
    std::function<void(v1::Reservation&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_reference(""); }, "r.reference"},
      {[](auto& r) { r.set_reference("a/b"); }, "r.reference"},
      {[](auto& r) { r.set_reference(std::string(65, 'x')); }, "r.reference"},
      {[](auto& r) { r.set_room_type(""); }, "r.room_type"},
      {[](auto& r) { r.set_room_type("\xff"); }, "r.room_type"},
      {[](auto& r) { r.clear_arrival_date(); }, "r.arrival_date"},
      {[](auto& r) { *r.mutable_arrival_date() = D(1899, 12, 31); }, "r.arrival_date"},
      {[](auto& r) { *r.mutable_departure_date() = D(2026, 12, 17); }, "r.departure_date"},
      {[](auto& r) { *r.mutable_departure_date() = D(2027, 1, 18); }, "r.departure_date"},
      {[](auto& r) { r.mutable_departure_date()->set_day(32); }, "r.departure_date"},
      {[](auto& r) { r.set_rooms(0); }, "r.rooms"},
      {[](auto& r) { r.set_rooms(101); }, "r.rooms"},
      {[](auto& r) { r.set_guest_name(std::string(101, 'x')); }, "r.guest_name"},
  };
  EXPECT_TRUE(ValidateReservation(Res("OK-1.a_b", "deluxe-king", 17, 19, 2), "r").ok());
  for (const auto& c : cases) {
    v1::Reservation r = Res("R1", "deluxe-king", 17, 19, 2);
    c.change(r);
    absl::Status s = ValidateReservation(r, "r");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(testing::FieldOf(s), c.field) << s;
  }
}

}  // namespace
}  // namespace atrium::meetings
