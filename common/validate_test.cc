#include "common/validate.h"

#include <gtest/gtest.h>

#include <limits>

#include "google/protobuf/descriptor.pb.h"

#include "common/errors.h"
#include "common/time_util.h"

namespace atrium {
namespace {

std::string FieldOf(const absl::Status& s) { return ViolatedField(ToGrpcStatus(s)); }

google::protobuf::Timestamp Ts(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

type::v1::Date D(int y, int m, int d) {
  type::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

TEST(ValidateTest, TimestampsOutsideTheRangeOrWithBadNanosAreRefusedByField) {
  EXPECT_TRUE(CheckTimestamp(Ts(1795744800), "start_time").ok());
  EXPECT_TRUE(CheckTimestamp(ToProto(EarliestTime()), "start_time").ok());
  EXPECT_EQ(FieldOf(CheckTimestamp(ToProto(EndOfTime()), "start_time")), "start_time");
  EXPECT_EQ(FieldOf(CheckTimestamp(Ts(int64_t{9'000'000'000} * 31'556'952), "start_time")), "start_time");
  EXPECT_EQ(FieldOf(CheckTimestamp(Ts(std::numeric_limits<int64_t>::max()), "t")), "t");
  EXPECT_EQ(FieldOf(CheckTimestamp(Ts(std::numeric_limits<int64_t>::min()), "t")), "t");
  EXPECT_EQ(FieldOf(CheckTimestamp(Ts(-62135596800), "t")), "t");  // year 1
  EXPECT_EQ(FieldOf(CheckTimestamp(Ts(1795744800, -1), "t")), "t.nanos");
  EXPECT_EQ(FieldOf(CheckTimestamp(Ts(1795744800, 1'000'000'000), "t")), "t.nanos");
  const absl::Time now = absl::FromUnixSeconds(1795744800);
  EXPECT_EQ(FieldOf(CheckTimestamp(ToProto(now + absl::Hours(2)), "t", now, now + absl::Hours(1))), "t");
  EXPECT_EQ(FieldOf(CheckTimestamp(ToProto(now - absl::Nanoseconds(1)), "t", now, now + absl::Hours(1))), "t");
}

TEST(ValidateTest, ConversionsOfStoredTimestampsSaturateInsteadOfWrapping) {
  // 2^62 seconds in microseconds overflows int64; it must not land on a real date.
  EXPECT_EQ(ToUnixMicros(Ts(int64_t{1} << 62)), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ToUnixMicros(Ts(-(int64_t{1} << 62))), std::numeric_limits<int64_t>::min());
}

TEST(ValidateTest, DatesAreRealDaysOfTheYears1900To2200) {
  EXPECT_TRUE(CheckDate(D(2024, 2, 29), "d").ok());
  EXPECT_TRUE(CheckDate(D(1900, 1, 1), "d").ok());
  EXPECT_TRUE(CheckDate(D(2200, 12, 31), "d").ok());
  EXPECT_EQ(FieldOf(CheckDate(D(0, 1, 1), "end_date")), "end_date");
  EXPECT_EQ(FieldOf(CheckDate(D(2201, 1, 1), "d")), "d");
  EXPECT_EQ(FieldOf(CheckDate(D(50000, 1, 1), "d")), "d");
  EXPECT_EQ(FieldOf(CheckDate(D(2023, 2, 29), "d")), "d");
  EXPECT_EQ(FieldOf(CheckDate(D(2023, 4, 31), "d")), "d");
  EXPECT_EQ(FieldOf(CheckDate(D(2023, 1, std::numeric_limits<int32_t>::max()), "d")), "d");
  EXPECT_FALSE(IsValidDate(D(9999, 12, 31)));
}

TEST(ValidateTest, MonthRangesAreRealMonthsInOrderAndBounded) {
  auto month = [](int y, int m) {
    atrium::type::v1::YearMonth out;
    out.set_year(y);
    out.set_month(m);
    return out;
  };
  const auto nov = month(2026, 11), next_oct = month(2027, 10), next_nov = month(2027, 11);
  auto range = CheckMonthRange(&nov, &next_oct, 12);
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->first, absl::CivilMonth(2026, 11));
  EXPECT_EQ(range->last - range->first, 11);
  EXPECT_EQ(FieldOf(CheckMonthRange(&nov, &next_nov, 12).status()), "end_month");  // 13 months
  EXPECT_EQ(FieldOf(CheckMonthRange(&next_oct, &nov, 12).status()), "end_month");  // backwards
  EXPECT_EQ(FieldOf(CheckMonthRange(nullptr, &nov, 12).status()), "start_month");
  EXPECT_EQ(FieldOf(CheckMonthRange(&nov, nullptr, 12).status()), "end_month");
  const auto bad = month(2026, 13), early = month(1899, 12);
  EXPECT_EQ(FieldOf(CheckMonthRange(&bad, &nov, 12).status()), "start_month");
  EXPECT_EQ(FieldOf(CheckMonthRange(&early, &nov, 12).status()), "start_month");
}

TEST(ValidateTest, AmountArithmeticNeverWraps) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(*MultiplyAmount(1'000'000'000, 1'000'000, "x"), int64_t{1'000'000'000'000'000});
  EXPECT_EQ(FieldOf(MultiplyAmount(1'000'000'000'000, 1'000'000, "prices[0]").status()), "prices[0]");
  EXPECT_EQ(FieldOf(MultiplyAmount(kMax, 2, "x").status()), "x");
  EXPECT_EQ(FieldOf(AddAmounts(kMaxAmountMinor, 1, "total").status()), "total");
  EXPECT_EQ(FieldOf(AddAmounts(kMax, kMax, "total").status()), "total");
  EXPECT_EQ(FieldOf(SubtractAmounts(-kMaxAmountMinor, 1, "balance").status()), "balance");
  EXPECT_EQ(FieldOf(SubtractAmounts(std::numeric_limits<int64_t>::min(), 1, "balance").status()), "balance");
  EXPECT_EQ(*AddAmounts(-5, 7, "x"), 2);
  EXPECT_EQ(FieldOf(CheckAmount(kMax, "rate")), "rate");
  EXPECT_TRUE(CheckAmount(-kMaxAmountMinor, "rate").ok());
  EXPECT_EQ(FieldOf(CheckQuantity(0, "q")), "q");
  EXPECT_EQ(FieldOf(CheckQuantity(kMaxQuantity + 1, "q")), "q");
}

TEST(ValidateTest, AFieldMaskReplacesANamedSubMessageWhole) {
  // Any message with a sub-message will do; the end_date of an agreement is
  // the case that went wrong (0000-01-01 merged into 2027-01-01).
  google::protobuf::FileDescriptorProto stored, sent;
  stored.set_name("stored");
  stored.mutable_options()->set_java_package("old.java");
  stored.mutable_options()->set_go_package("old/go");
  sent.set_name("sent");
  sent.mutable_options()->set_go_package("");  // the caller sends the defaults
  google::protobuf::FieldMask mask;
  mask.add_paths("options");
  ApplyFieldMask(sent, mask, &stored);
  EXPECT_EQ(stored.name(), "stored");  // not named, kept
  EXPECT_FALSE(stored.options().has_java_package());
  EXPECT_EQ(stored.options().go_package(), "");
  sent.clear_options();
  ApplyFieldMask(sent, mask, &stored);
  EXPECT_FALSE(stored.has_options());
}

}  // namespace
}  // namespace atrium
