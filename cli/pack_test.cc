#include "cli/pack.h"

#include "gtest/gtest.h"

namespace atrium::cli {
namespace {

TEST(PackTest, TheTableShowsEverySectionInYuanAndPercent) {
  sales::v1::MonthlyPack p;
  p.mutable_month()->set_year(2026);
  p.mutable_month()->set_month(11);
  auto* l = p.add_attainment();
  l->set_scope(sales::v1::Target::KAM);
  l->set_kam("kam-li");
  l->set_metric(sales::v1::TOTAL_REVENUE);
  l->mutable_month()->set_target(10'000'00);
  l->mutable_month()->set_achieved(12'345'67);
  l->mutable_month()->set_attainment_basis_points(12'345);
  auto* v = p.add_attainment();
  v->set_scope(sales::v1::Target::SEGMENT);
  v->set_segment("金融");
  v->set_metric(sales::v1::VISITS);
  v->mutable_year_to_date()->set_achieved(42);
  auto* c = p.add_conversion();
  c->set_enquiries(4);
  c->set_contracted(1);
  c->set_conversion_basis_points(2'500);
  auto* lost = p.add_lost();
  lost->set_state(meetings::v1::Meeting::LOST);
  lost->set_lost_reason("价格");
  lost->set_meetings(1);
  lost->set_value(-5);
  auto* r = p.add_receivables();
  r->set_owner("kam-li\x1b[2J");
  r->mutable_over_90_days()->set_amount_minor(99);
  auto* i = p.add_instalments();
  i->set_owner("kam-zhao");
  i->mutable_due()->set_amount_minor(3'000'000);
  i->mutable_overdue()->set_amount_minor(2'000'000);
  i->set_overdue_instalments(1);
  i->set_meetings_overdue(1);
  const std::string t = RenderPack(p);
  EXPECT_NE(t.find("Monthly pack 2026-11"), std::string::npos) << t;
  EXPECT_NE(t.find("10000.00"), std::string::npos) << t;
  EXPECT_NE(t.find("12345.67"), std::string::npos) << t;
  EXPECT_NE(t.find("123.45%"), std::string::npos) << t;
  EXPECT_NE(t.find("kam kam-li"), std::string::npos) << t;
  EXPECT_NE(t.find("segment 金融"), std::string::npos) << t;
  EXPECT_NE(t.find(" 42 "), std::string::npos) << t;  // visits are a count, not money
  EXPECT_NE(t.find("25.00%"), std::string::npos) << t;
  EXPECT_NE(t.find("-0.05"), std::string::npos) << t;
  EXPECT_NE(t.find("价格"), std::string::npos) << t;
  EXPECT_NE(t.find("0.99"), std::string::npos) << t;
  EXPECT_NE(t.find("Payment schedules by KAM"), std::string::npos) << t;
  const std::string line = t.substr(t.rfind('\n', t.find("kam-zhao")) + 1);
  EXPECT_EQ(line.substr(0, line.find('\n')).find("30000.00"), 10u) << t;  // to come, then overdue
  EXPECT_NE(line.find("20000.00"), std::string::npos) << t;
  EXPECT_EQ(t.find('\x1b'), std::string::npos) << t;    // control characters escaped
  EXPECT_NE(t.find("(none)"), std::string::npos) << t;  // no top accounts
}

}  // namespace
}  // namespace atrium::cli
