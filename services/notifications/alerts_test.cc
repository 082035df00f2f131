// Alerts on a real SQLite file with an injected clock: who may send and read
// them, idempotency, and the outbox entry the delivery worker publishes.
#include "services/notifications/alerts.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "common/errors.h"
#include "common/testing.h"
#include "io/cloudevents/v1/cloudevents.pb.h"
#include "services/notifications/test_store.h"

namespace atrium::notifications {
namespace {

using Code = absl::StatusCode;
using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;

using namespace testing::people;  // NOLINT(build/namespaces)
// A department token whose subject is a member of staff's.
const Principal kRoomsAsKam{"kam-li", "Wu", Role::kDepartment, "rooms"};

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore("alerts");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    alerts_ = std::make_unique<Alerts>(store_.get(), &clock_, PageTokens("secret"),
                                       AlertOptions{"atrium", "//t", {"fnb", "rooms"}});
  }

  v1::CreateAlertRequest Request(const std::string& recipient, const std::string& request_id = "") {
    v1::CreateAlertRequest req;
    req.mutable_alert()->set_recipient(recipient);
    req.mutable_alert()->set_title("会议室检查不合格：宴会厅A");
    req.mutable_alert()->set_body("音响设备维护：不达标");
    req.mutable_alert()->set_source("points/conference-centre/inspections/2026-11-27");
    req.set_request_id(request_id);
    return req;
  }

  FakeClock clock_{absl::FromUnixSeconds(1795744800)};
  std::unique_ptr<NotificationsStore> store_;
  std::unique_ptr<Alerts> alerts_;
};

TEST_F(AlertsTest, AnAlertIsStoredAndPublishedOnTheRecipientsChannelOnce) {
  auto a = alerts_->CreateAlert(kInspections, Request("staff/kam-li", "room-fail-1"));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->sender(), "service:inspections");
  auto again = alerts_->CreateAlert(kInspections, Request("staff/kam-li", "room-fail-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->name(), a->name());
  std::vector<OutboxEntry> outbox;
  ASSERT_TRUE(store_
                  ->Read([&](NotificationsTx& tx) -> absl::Status {
                    auto rows = tx.DuePublications(absl::ToUnixMicros(clock_.Now()), 10);
                    if (!rows.ok()) return rows.status();
                    outbox = *rows;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].channel, "atrium.staff.kam-li");
  io::cloudevents::v1::CloudEvent e;
  ASSERT_TRUE(e.ParseFromString(outbox[0].payload));
  EXPECT_EQ(e.id(), a->name());
  v1::AlertEvent payload;
  ASSERT_TRUE(e.proto_data().UnpackTo(&payload));
  EXPECT_EQ(payload.alert().title(), "会议室检查不合格：宴会厅A");
  EXPECT_EQ(AlertChannel("atrium", "role/gm_office"), "atrium.role.gm_office");
}

// A request id is scoped to its sender and to one request: another sender's
// alert under the same id is its own (not the first sender's alert read
// back), and the same sender's different alert under it is refused.
TEST_F(AlertsTest, ARequestIdBelongsToItsSenderAndToOneRequest) {
  auto first = alerts_->CreateAlert(kInspections, Request("staff/kam-li", "alert-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  auto other_sender = alerts_->CreateAlert(kGm, Request("staff/kam-zhao", "alert-1"));
  ASSERT_TRUE(other_sender.ok()) << other_sender.status();
  EXPECT_NE(other_sender->name(), first->name());
  EXPECT_EQ(other_sender->recipient(), "staff/kam-zhao");
  EXPECT_EQ(other_sender->sender(), "gm-sun");
  auto reused = alerts_->CreateAlert(kInspections, Request("staff/kam-zhao", "alert-1"));
  EXPECT_EQ(CodeOf(reused), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(reused.status()), "REQUEST_ID_REUSED");
  auto retry = alerts_->CreateAlert(kInspections, Request("staff/kam-li", "alert-1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), first->name());
}

TEST_F(AlertsTest, WhoMaySendAndReadAlerts) {
  EXPECT_EQ(CodeOf(alerts_->CreateAlert(kKam, Request("staff/kam-zhao"))), Code::kPermissionDenied);
  EXPECT_EQ(FieldOf(alerts_->CreateAlert(kGm, Request("kam-li")).status()), "alert.recipient");
  EXPECT_EQ(FieldOf(alerts_->CreateAlert(kGm, Request("role/cashier")).status()), "alert.recipient");
  EXPECT_EQ(FieldOf(alerts_->CreateAlert(kGm, Request("staff/a b")).status()), "alert.recipient");
  auto no_title = Request("staff/kam-li");
  no_title.mutable_alert()->clear_title();
  EXPECT_EQ(FieldOf(alerts_->CreateAlert(kGm, no_title).status()), "alert.title");
  ASSERT_TRUE(alerts_->CreateAlert(kGm, Request("staff/kam-li")).ok());
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(alerts_->CreateAlert(kInspections, Request("staff/kam-li")).ok());
  ASSERT_TRUE(alerts_->CreateAlert(kInspections, Request("role/gm_office")).ok());

  v1::ListAlertsRequest list;
  list.set_recipient("staff/kam-li");
  list.set_page_size(1);
  auto page = alerts_->ListAlerts(kKam, list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->alerts_size(), 1);
  EXPECT_EQ(page->alerts(0).sender(), "service:inspections");  // newest first
  list.set_page_token(page->next_page_token());
  page = alerts_->ListAlerts(kKam, list);
  ASSERT_EQ(page->alerts_size(), 1);
  EXPECT_EQ(page->alerts(0).sender(), "gm-sun");
  EXPECT_TRUE(page->next_page_token().empty());
  list.clear_page_token();
  EXPECT_EQ(CodeOf(alerts_->ListAlerts(kKam2, list)), Code::kPermissionDenied);  // another KAM's
  EXPECT_TRUE(alerts_->ListAlerts(kGm, list).ok());
  list.set_recipient("role/gm_office");
  EXPECT_EQ(alerts_->ListAlerts(kGm, list)->alerts_size(), 1);
  EXPECT_EQ(CodeOf(alerts_->ListAlerts(kKam, list)), Code::kPermissionDenied);
  list.set_page_token("forged");
  EXPECT_EQ(FieldOf(alerts_->ListAlerts(kGm, list).status()), "page_token");
}

// A department reads the alerts sent to it ("department/{department}", the
// guests' feedback that concerns it) and no one else's: not staff alerts,
// even with a subject that is a member of staff's, nor another department's.
TEST_F(AlertsTest, ADepartmentReadsOnlyItsOwnAlerts) {
  ASSERT_TRUE(alerts_->CreateAlert(kGm, Request("staff/kam-li")).ok());
  EXPECT_EQ(FieldOf(alerts_->CreateAlert(kGm, Request("role/department")).status()), "alert.recipient");
  EXPECT_EQ(FieldOf(alerts_->CreateAlert(kGm, Request("role/fnb")).status()), "alert.recipient");
  EXPECT_EQ(FieldOf(alerts_->CreateAlert(kGm, Request("department/spa")).status()), "alert.recipient");
  auto fnb = alerts_->CreateAlert(kGm, Request("department/fnb"));
  ASSERT_TRUE(fnb.ok()) << fnb.status();
  v1::ListAlertsRequest list;
  list.set_recipient("staff/kam-li");
  EXPECT_EQ(CodeOf(alerts_->ListAlerts(kRoomsAsKam, list)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(alerts_->ListAlerts(kFnb, list)), Code::kPermissionDenied);
  list.set_recipient("role/department");  // no such recipient
  EXPECT_EQ(FieldOf(alerts_->ListAlerts(kFnb, list).status()), "recipient");
  list.set_recipient("staff/fnb-zhou");
  EXPECT_EQ(CodeOf(alerts_->ListAlerts(kFnb, list)), Code::kPermissionDenied);
  list.set_recipient("department/fnb");
  auto mine = alerts_->ListAlerts(kFnb, list);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->alerts_size(), 1);
  EXPECT_EQ(mine->alerts(0).name(), fnb->name());
  EXPECT_EQ(CodeOf(alerts_->ListAlerts(kRoomsAsKam, list)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(alerts_->ListAlerts(kKam, list)), Code::kPermissionDenied);
  list.set_recipient("staff/kam-li");
  EXPECT_EQ(alerts_->ListAlerts(kKam, list)->alerts_size(), 1);
  // Published on the department's channel.
  EXPECT_EQ(AlertChannel("atrium", "department/fnb"), "atrium.department.fnb");
}

// Each RPC's "Callers:" line of the proto, for every role: the roles it
// names get past the role and recipient checks, every other role gets
// PERMISSION_DENIED.
TEST_F(AlertsTest, RoleMatrixFollowsTheProto) {
  const std::vector<std::pair<std::string, Principal>> roles = {{"manager", kManager},
                                                                {"kam", kKam},
                                                                {"other_kam", kKam2},
                                                                {"clerk", kClerk},
                                                                {"gm_office", kGm},
                                                                {"fnb", kFnb},
                                                                {"rooms_named_like_kam", kRoomsAsKam},
                                                                {"service", kInspections},
                                                                {"inspector", kInspector}};
  struct Row {
    std::string rpc;
    std::set<std::string> allowed;
    std::function<absl::Status(const Principal&)> call;
  };
  const auto list = [&](const std::string& recipient) {
    return [this, recipient](const Principal& who) {
      v1::ListAlertsRequest r;
      r.set_recipient(recipient);
      return alerts_->ListAlerts(who, r).status();
    };
  };
  const std::vector<Row> rows = {
      {"CreateAlert",
       {"manager", "gm_office", "service"},
       [&](const Principal& who) { return alerts_->CreateAlert(who, Request("staff/kam-li")).status(); }},
      {"ListAlerts staff/kam-li", {"kam", "manager", "gm_office", "service"}, list("staff/kam-li")},
      {"ListAlerts role/clerk", {"clerk", "manager", "gm_office", "service"}, list("role/clerk")},
      {"ListAlerts role/inspector", {"inspector", "manager", "gm_office", "service"}, list("role/inspector")},
      {"ListAlerts staff/fnb-zhou", {"manager", "gm_office", "service"}, list("staff/fnb-zhou")},
      {"ListAlerts department/fnb", {"fnb", "manager", "gm_office", "service"}, list("department/fnb")},
      {"ListAlerts department/rooms",
       {"rooms_named_like_kam", "manager", "gm_office", "service"},
       list("department/rooms")},
  };
  for (const Row& row : rows) {
    for (const auto& [role, who] : roles) {
      const absl::Status s = row.call(who);
      EXPECT_EQ(s.code() == Code::kPermissionDenied, row.allowed.count(role) == 0)
          << row.rpc << " as " << role << ": " << s;
    }
  }
}

}  // namespace
}  // namespace atrium::notifications
