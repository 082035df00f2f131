#include "cli/fields.h"

#include <gtest/gtest.h>

#include "atrium/clients/v1/clients.pb.h"
#include "cli/render.h"

namespace atrium::cli {
namespace {

TEST(FieldsTest, SetsNestedEnumsRepeatedAndWellKnownTypes) {
  clients::v1::CreateAgreementRequest req;
  ASSERT_TRUE(SetField(&req, "parent=accounts/abc").ok());
  ASSERT_TRUE(SetField(&req, "agreement.title=2027 会议协议").ok());
  ASSERT_TRUE(SetField(&req, "agreement.rates.room_type=deluxe_king").ok());
  ASSERT_TRUE(SetField(&req, "agreement.rates.nightly_rate=680.50").ok());
  ASSERT_TRUE(SetField(&req, "agreement.rates.room_type=twin").ok());
  ASSERT_TRUE(SetField(&req, "agreement.start_date=2027-01-01").ok());
  EXPECT_EQ(req.agreement().title(), "2027 会议协议");
  ASSERT_EQ(req.agreement().rates_size(), 2);
  EXPECT_EQ(req.agreement().rates(0).nightly_rate().amount_minor(), 68050);
  EXPECT_EQ(req.agreement().rates(1).room_type(), "twin");
  EXPECT_EQ(req.agreement().start_date().month(), 1);

  clients::v1::UpdateAccountRequest upd;
  ASSERT_TRUE(SetField(&upd, "account.kind=travel-agency").ok());
  ASSERT_TRUE(SetField(&upd, "account.tags=vip").ok());
  ASSERT_TRUE(SetField(&upd, "account.tags=gov").ok());
  ASSERT_TRUE(SetField(&upd, "update_mask=kind,tags").ok());
  EXPECT_EQ(upd.account().kind(), clients::v1::ACCOUNT_KIND_TRAVEL_AGENCY);
  EXPECT_EQ(upd.account().tags_size(), 2);
  EXPECT_EQ(upd.update_mask().paths_size(), 2);

  clients::v1::CreateVisitRequest visit;
  ASSERT_TRUE(SetField(&visit, "visit.planned_time=2026-12-01T09:00:00+08:00").ok());
  EXPECT_EQ(visit.visit().planned_time().seconds(), 1796086800);
}

TEST(FieldsTest, RefusesUnknownPathsAndBadValues) {
  clients::v1::CreateAccountRequest req;
  EXPECT_FALSE(SetField(&req, "account.colour=red").ok());
  EXPECT_FALSE(SetField(&req, "account.kind=castle").ok());
  EXPECT_FALSE(SetField(&req, "account.vip_level=high").ok());
  EXPECT_FALSE(SetField(&req, "novalue").ok());
  EXPECT_FALSE(SetField(&req, "account=x").ok());
}

TEST(RenderTest, WritesMoneyDatesAndNesting) {
  clients::v1::Agreement g;
  g.set_title("rates");
  auto* r = g.add_rates();
  r->set_room_type("twin");
  r->mutable_nightly_rate()->set_amount_minor(68050);
  g.mutable_start_date()->set_year(2027);
  g.mutable_start_date()->set_month(1);
  g.mutable_start_date()->set_day(2);
  std::string text = Render(g);
  EXPECT_NE(text.find("nightly_rate: 680.50 CNY"), std::string::npos) << text;
  EXPECT_NE(text.find("start_date: 2027-01-02"), std::string::npos) << text;
  EXPECT_NE(text.find("rates[0]:\n  room_type: twin"), std::string::npos) << text;
}

}  // namespace
}  // namespace atrium::cli
