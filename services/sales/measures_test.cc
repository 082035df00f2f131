// Unit tests of what counts for a target (measures.h).
#include "services/sales/measures.h"

#include <gtest/gtest.h>

#include <limits>

namespace atrium::sales {
namespace {

TEST(MeasuresTest, AttainmentIsInBasisPointsAndNeverWraps) {
  EXPECT_EQ(BasisPoints(1, 3), 3'333);
  EXPECT_EQ(BasisPoints(5, 0), 0);
  EXPECT_EQ(BasisPoints(1'000'000'000'000'000, 1), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(BasisPoints(1'000'000'000'000'000, 1'000'000'000'000'000), 10'000);
}

TEST(MeasuresTest, ATargetCountsTheCellsOfItsScope) {
  v1::Target kam;
  kam.set_scope(v1::Target::KAM);
  kam.set_kam("kam-li");
  kam.set_metric(v1::FNB_REVENUE);
  v1::Target segment;
  segment.set_scope(v1::Target::SEGMENT);
  segment.set_segment("finance");
  v1::Target dept;
  dept.set_scope(v1::Target::DEPARTMENT);
  EXPECT_TRUE(InScope(kam, "kam-li", "pharma"));
  EXPECT_FALSE(InScope(kam, "kam-zhao", "finance"));
  EXPECT_TRUE(InScope(segment, "kam-zhao", "finance"));
  EXPECT_FALSE(InScope(segment, "kam-li", "pharma"));
  EXPECT_TRUE(InScope(dept, "anyone", ""));
  meetings::v1::SalesSummary sales;
  for (const char* owner : {"kam-li", "kam-zhao"}) {
    auto* c = sales.add_cells();
    c->set_owner(owner);
    c->mutable_month()->set_year(2027);
    c->mutable_month()->set_month(5);
    c->mutable_definite()->mutable_value()->mutable_food_and_beverage()->set_amount_minor(700);
    c->mutable_actualised()->mutable_value()->mutable_food_and_beverage()->set_amount_minor(300);
  }
  auto undated = sales.add_cells();  // no month: never counted
  undated->set_owner("kam-li");
  undated->mutable_definite()->mutable_value()->mutable_food_and_beverage()->set_amount_minor(9);
  auto months = MonthsOf(kam, 2027, sales, {}, false);
  ASSERT_TRUE(months.ok());
  EXPECT_EQ((*months)[4], 700);
  EXPECT_EQ(MonthsOf(kam, 2027, sales, {}, true)->at(4), 300);
  EXPECT_EQ(MonthsOf(kam, 2026, sales, {}, false)->at(4), 0);  // another year
  EXPECT_EQ(SalesRequest(kam, 2027, 3, 5).owner(), "kam-li");
  EXPECT_EQ(BookRequest(segment, 2027).segment(), "finance");
  EXPECT_EQ(BookRequest(segment, 2027).end_month().month(), 12);
}

}  // namespace
}  // namespace atrium::sales
