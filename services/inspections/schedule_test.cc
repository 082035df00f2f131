// The inspection calendar in the hotel's time zone.
#include "services/inspections/schedule.h"

#include <gtest/gtest.h>

#include "common/time_util.h"

namespace atrium::inspections {
namespace {

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

v1::InspectionPoint Point(const std::string& start, const std::string& end) {
  v1::InspectionPoint p;
  p.set_window_start(start);
  p.set_window_end(end);
  return p;
}

TEST(ScheduleTest, ClockTimes) {
  EXPECT_EQ(*ParseClock("08:00", "f"), 480);
  EXPECT_EQ(*ParseClock("23:59", "f"), 1439);
  for (const char* bad : {"8:00", "24:00", "12:60", "12-00", "", "ab:cd"})
    EXPECT_FALSE(ParseClock(bad, "f").ok()) << bad;
}

TEST(ScheduleTest, WindowsAreInTheHotelsTimeZone) {
  const Window w = WindowOn(Point("08:00", "18:00"), absl::CivilDay(2026, 11, 27), kShanghai);
  EXPECT_EQ(w.start, absl::FromCivil(absl::CivilSecond(2026, 11, 27, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(w.end, absl::FromCivil(absl::CivilSecond(2026, 11, 27, 10, 0, 0), absl::UTCTimeZone()));
}

TEST(ScheduleTest, TheLastPastDayTurnsWhenTheWindowCloses) {
  const auto p = Point("08:00", "18:00");
  const auto at = [](int day, int hour, int minute) {
    return absl::FromCivil(absl::CivilSecond(2026, 11, day, hour, minute, 0), kShanghai);
  };
  EXPECT_EQ(LastPastDay(p, at(27, 17, 59), kShanghai), absl::CivilDay(2026, 11, 26));
  EXPECT_EQ(LastPastDay(p, at(27, 18, 0), kShanghai), absl::CivilDay(2026, 11, 27));
  // Just after local midnight it is a new day, though still the previous one in UTC.
  EXPECT_EQ(LastPastDay(p, at(28, 0, 30), kShanghai), absl::CivilDay(2026, 11, 27));
}

TEST(ScheduleTest, DueDaysFollowTheActivePeriod) {
  auto p = Point("08:00", "18:00");
  *p.mutable_active_from() = ToDate(absl::CivilDay(2026, 11, 10));
  const absl::CivilDay last_past(2026, 11, 26);
  EXPECT_EQ(PastDueDays(p, absl::CivilDay(2026, 11, 1), absl::CivilDay(2026, 11, 30), last_past), 17);  // 10..26
  *p.mutable_active_until() = ToDate(absl::CivilDay(2026, 11, 20));
  EXPECT_EQ(PastDueDays(p, absl::CivilDay(2026, 11, 1), absl::CivilDay(2026, 11, 30), last_past), 11);  // 10..20
  EXPECT_EQ(PastDueDays(p, absl::CivilDay(2026, 12, 1), absl::CivilDay(2026, 12, 31), last_past), 0);
  EXPECT_FALSE(DueOn(p, absl::CivilDay(2026, 11, 9)));
  EXPECT_TRUE(DueOn(p, absl::CivilDay(2026, 11, 20)));
  EXPECT_FALSE(DueOn(p, absl::CivilDay(2026, 11, 21)));
}

TEST(ScheduleTest, APeriodSplitsIntoWholeMonthsAndEdgeDays) {
  auto s = SplitPeriod(absl::CivilDay(2025, 11, 27), absl::CivilDay(2026, 11, 26));
  EXPECT_EQ(s.month_from, 202512);
  EXPECT_EQ(s.month_to, 202610);
  ASSERT_EQ(s.day_ranges.size(), 2u);
  EXPECT_EQ(s.day_ranges[0], (std::pair<int64_t, int64_t>{20251127, 20251130}));
  EXPECT_EQ(s.day_ranges[1], (std::pair<int64_t, int64_t>{20261101, 20261126}));
  s = SplitPeriod(absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 12, 31));  // whole months only
  EXPECT_EQ(s.month_from, 202601);
  EXPECT_EQ(s.month_to, 202612);
  EXPECT_TRUE(s.day_ranges.empty());
  s = SplitPeriod(absl::CivilDay(2026, 2, 3), absl::CivilDay(2026, 2, 20));  // inside one month
  EXPECT_GT(s.month_from, s.month_to);
  ASSERT_EQ(s.day_ranges.size(), 1u);
  EXPECT_EQ(s.day_ranges[0], (std::pair<int64_t, int64_t>{20260203, 20260220}));
  s = SplitPeriod(absl::CivilDay(2028, 2, 1), absl::CivilDay(2028, 2, 29));  // a leap February
  EXPECT_EQ(s.month_from, 202802);
  EXPECT_EQ(s.month_to, 202802);
  EXPECT_TRUE(s.day_ranges.empty());
  EXPECT_EQ(FromDayKey(20280229), absl::CivilDay(2028, 2, 29));
}

}  // namespace
}  // namespace atrium::inspections
