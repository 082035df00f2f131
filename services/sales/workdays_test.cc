#include "services/sales/workdays.h"

#include "common/time_util.h"
#include "gtest/gtest.h"

namespace atrium::sales {
namespace {

TEST(WorkDaysTest, WeekdaysLessHolidaysPlusWeekendsWorked) {
  v1::WorkCalendar c;
  // 2026-10-01 (Thursday) off; 2026-10-10 (Saturday) worked in its place.
  *c.add_holidays() = ToDate(absl::CivilDay(2026, 10, 1));
  *c.add_working_weekends() = ToDate(absl::CivilDay(2026, 10, 10));
  const WorkDays days(c);
  EXPECT_FALSE(days.IsWorking(absl::CivilDay(2026, 10, 1)));
  EXPECT_TRUE(days.IsWorking(absl::CivilDay(2026, 10, 2)));
  EXPECT_FALSE(days.IsWorking(absl::CivilDay(2026, 10, 3)));
  EXPECT_TRUE(days.IsWorking(absl::CivilDay(2026, 10, 10)));
  EXPECT_FALSE(days.IsWorking(absl::CivilDay(2026, 10, 11)));
  // October 2026: 22 weekdays, one off, one Saturday worked.
  EXPECT_EQ(days.Count(absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 31)), 22);
  EXPECT_EQ(WorkDays(v1::WorkCalendar()).Count(absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 31)), 22);
  EXPECT_EQ(days.Count(absl::CivilDay(2026, 10, 3), absl::CivilDay(2026, 10, 4)), 0);
}

TEST(WorkDaysTest, SortsDays) {
  v1::WorkCalendar c;
  *c.add_holidays() = ToDate(absl::CivilDay(2026, 12, 25));
  *c.add_holidays() = ToDate(absl::CivilDay(2026, 1, 1));
  const auto sorted = SortedDays(c.holidays());
  ASSERT_EQ(sorted.size(), 2);
  EXPECT_EQ(sorted[0].month(), 1);
  EXPECT_EQ(sorted[1].month(), 12);
}

}  // namespace
}  // namespace atrium::sales
