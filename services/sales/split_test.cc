// Unit tests of the split of a year's figure into months (split.h).
#include "services/sales/split.h"

#include <gtest/gtest.h>

#include <numeric>

namespace atrium::sales {
namespace {

int64_t Sum(const Months& m) { return std::accumulate(m.begin(), m.end(), int64_t{0}); }

TEST(SplitTest, EvenlyGivesTheRemainderToTheFirstMonths) {
  const Months m = SplitEvenly(1'000'006);
  EXPECT_EQ(Sum(m), 1'000'006);
  // 1,000,006 / 12 = 83,333 remainder 10: January to October get one more.
  for (int i = 0; i < 12; ++i) EXPECT_EQ(m[i], i < 10 ? 83'334 : 83'333) << i;
  EXPECT_EQ(Sum(SplitEvenly(0)), 0);
  EXPECT_EQ(Sum(SplitEvenly(11)), 11);
}

TEST(SplitTest, ByLastYearFollowsItsPatternAndStillAddsUp) {
  // Last year: nothing in February, twice as much in December.
  Months last{};
  last.fill(100);
  last[1] = 0;
  last[11] = 200;
  const Months m = *SplitByWeights(1'200, last);
  EXPECT_EQ(Sum(m), 1'200);
  EXPECT_EQ(m[1], 0);
  // 1,200 x 100 / 1,200 = 100 each; December 200.
  EXPECT_EQ(m[0], 100);
  EXPECT_EQ(m[11], 200);
  // Fractions: 10 over weights 1, 2, 3, ...: the largest fractions win.
  Months rising{};
  for (int i = 0; i < 12; ++i) rising[i] = i + 1;  // total 78
  const Months r = *SplitByWeights(10, rising);
  EXPECT_EQ(Sum(r), 10);
  // Shares 10k/78 for k = 1..12: whole parts 1 for k = 8..12 (5 given);
  // the 5 left go to the largest fractions: k = 7 (70/78), 6 (60), 5 (50),
  // 12 (42) and 4 (40).
  const Months expected{0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2};
  EXPECT_EQ(r, expected);
  EXPECT_FALSE(SplitByWeights(100, Months{}).has_value());
}

TEST(SplitTest, TheLargestFiguresDoNotOverflow) {
  Months big;
  big.fill(1'000'000'000'000'000);
  const Months m = *SplitByWeights(1'000'000'000'000'000, big);
  EXPECT_EQ(Sum(m), 1'000'000'000'000'000);
  Months one{};
  one[6] = 1'000'000'000'000'000;
  one[7] = 1;
  const Months j = *SplitByWeights(1'000'000'000'000'000, one);
  EXPECT_EQ(Sum(j), 1'000'000'000'000'000);
  EXPECT_EQ(j[6], 999'999'999'999'999);
  EXPECT_EQ(j[7], 1);  // its share is 0.999...: the larger fraction gets the remainder
}

}  // namespace
}  // namespace atrium::sales
