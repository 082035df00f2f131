#include "services/clients/aging.h"

#include <gtest/gtest.h>

namespace atrium::clients {
namespace {

TEST(AgingTest, PaymentsSettleOldestChargesFirst) {
  // Day 100 is "today". Charges 120 days, 45 days and 10 days old.
  Aging a = AgeAccount({{-20, 1000}, {55, 500}, {90, 300}, {95, -1200}}, 100);
  EXPECT_EQ(a.balance, 600);
  EXPECT_EQ(a.over_90, 0);       // fully paid
  EXPECT_EQ(a.days_31_60, 300);  // 500 - the 200 left of the payment
  EXPECT_EQ(a.days_0_30, 300);
  EXPECT_EQ(a.unapplied_credit, 0);
}

TEST(AgingTest, BucketBoundaries) {
  Aging a = AgeAccount({{70, 1}, {69, 2}, {40, 4}, {39, 8}, {10, 16}, {9, 32}}, 100);
  EXPECT_EQ(a.days_0_30, 1);
  EXPECT_EQ(a.days_31_60, 2 + 4);
  EXPECT_EQ(a.days_61_90, 8 + 16);
  EXPECT_EQ(a.over_90, 32);
}

TEST(AgingTest, OverpaymentIsUnappliedCreditAndFutureLinesIgnored) {
  Aging a = AgeAccount({{90, 100}, {95, -250}, {150, 999}}, 100);
  EXPECT_EQ(a.balance, -150);
  EXPECT_EQ(a.unapplied_credit, 150);
  EXPECT_EQ(a.days_0_30, 0);
}

}  // namespace
}  // namespace atrium::clients
