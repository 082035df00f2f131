// Domain tests of the inspections service on a real SQLite file with an
// injected clock: points, the day's round in the hotel's time zone, forms,
// corrective actions, missed inspections and the compliance report.
#include "services/inspections/inspections.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "atrium/notifications/v1/notifications.pb.h"
#include "common/errors.h"
#include "common/testing.h"
#include "services/inspections/test_store.h"

namespace atrium::inspections {
namespace {

using Code = absl::StatusCode;
using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;
using v1::CorrectiveAction;
using v1::DueInspection;
using v1::InspectionPoint;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);
absl::Time At(int month, int day, int hour, int minute = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, minute, 0), kShanghai);
}

const Principal kGm{"gm-sun", "孙主任", Role::kGmOffice, ""};
const Principal kInspector{"insp-liu", "刘检查", Role::kInspector, ""};
using namespace testing::people;  // NOLINT(build/namespaces)
const Principal kService{"service:meetings", "meetings", Role::kService, ""};

class InspectionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore("inspections");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    InspectionsOptions options;
    options.zone = kShanghai;
    domain_ = std::make_unique<Inspections>(store_.get(), &clock_, PageTokens("secret"), options);
    ASSERT_TRUE(domain_->SeedDefaultPoints().ok());
  }

  v1::RecordInspectionRequest Round(const std::string& point, std::map<std::string, std::string> failures = {}) {
    v1::GetPointRequest get;
    get.set_name("points/" + point);
    auto p = domain_->GetPoint(kInspector, get);
    EXPECT_TRUE(p.ok()) << p.status();
    v1::RecordInspectionRequest req;
    req.set_parent("points/" + point);
    for (const auto& item : p->items()) {
      auto* r = req.mutable_inspection()->add_results();
      r->set_item(item.id());
      auto it = failures.find(item.id());
      r->set_meets_standard(it == failures.end());
      if (it != failures.end()) r->set_remark(it->second);
    }
    req.mutable_inspection()->set_responsible_person("陈主管");
    return req;
  }

  std::vector<OutboxMessage> Outbox() {
    std::vector<OutboxMessage> out;
    EXPECT_TRUE(store_
                    ->Read([&](InspectionsTx& tx) -> absl::Status {
                      auto rows = tx.DueOutbox(absl::ToUnixMicros(clock_.Now() + absl::Hours(24 * 365)), 1000);
                      if (!rows.ok()) return rows.status();
                      out = *rows;
                      return absl::OkStatus();
                    })
                    .ok());
    return out;
  }

  FakeClock clock_{At(11, 27, 9)};
  std::unique_ptr<InspectionsStore> store_;
  std::unique_ptr<Inspections> domain_;
};

TEST_F(InspectionsTest, TheStandardsTwoPointsComeAsTheDefaultSet) {
  auto points = domain_->ListPoints(kKam, {});
  ASSERT_TRUE(points.ok()) << points.status();
  ASSERT_EQ(points->points_size(), 2);
  EXPECT_EQ(points->points(0).name(), "points/conference-centre");
  EXPECT_EQ(points->points(0).items_size(), 3);
  EXPECT_EQ(points->points(1).name(), "points/cr-office");
  EXPECT_EQ(points->points(1).items_size(), 5);
  EXPECT_EQ(points->points(1).window_start(), "08:00");
  EXPECT_EQ(points->points(1).window_end(), "18:00");
  ASSERT_TRUE(domain_->SeedDefaultPoints().ok());  // a restart adds nothing
  EXPECT_EQ(domain_->ListPoints(kKam, {})->points_size(), 2);
  EXPECT_EQ(CodeOf(domain_->ListPoints(kFnb, {})), Code::kPermissionDenied);
}

TEST_F(InspectionsTest, PointsAreAddedChangedAndRetiredWithoutRewritingForms) {
  v1::CreatePointRequest create;
  create.set_point_id("hall-a");
  auto* p = create.mutable_point();
  p->set_display_name("宴会厅A");
  p->set_window_start("09:00");
  p->set_window_end("17:00");
  auto* item = p->add_items();
  item->set_id("hygiene");
  item->set_description("会议室卫生");
  item->set_standard("地面无污渍，桌面整洁");
  p->set_responsible("会议服务主管");
  p->set_room("rooms/hall-a");
  EXPECT_EQ(CodeOf(domain_->CreatePoint(kInspector, create)), Code::kPermissionDenied);
  auto bad = create;
  bad.mutable_point()->set_window_end("08:00");
  EXPECT_EQ(FieldOf(domain_->CreatePoint(kGm, bad).status()), "point.window_end");
  bad = create;
  bad.mutable_point()->set_window_start("9:00");
  EXPECT_EQ(FieldOf(domain_->CreatePoint(kGm, bad).status()), "point.window_start");
  bad = create;
  *bad.mutable_point()->add_items() = *item;
  EXPECT_EQ(FieldOf(domain_->CreatePoint(kGm, bad).status()), "point.items[1].id");
  bad = create;
  bad.mutable_point()->clear_items();
  EXPECT_EQ(FieldOf(domain_->CreatePoint(kGm, bad).status()), "point.items");
  bad = create;
  bad.mutable_point()->set_room("hall-a");
  EXPECT_EQ(FieldOf(domain_->CreatePoint(kGm, bad).status()), "point.room");
  bad = create;
  bad.set_point_id("Hall A");
  EXPECT_EQ(FieldOf(domain_->CreatePoint(kGm, bad).status()), "point_id");
  auto created = domain_->CreatePoint(kGm, create);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->version(), 1);
  EXPECT_EQ(CodeOf(domain_->CreatePoint(kGm, create)), Code::kAlreadyExists);

  // A form recorded, then the items change: the form keeps what was checked.
  ASSERT_TRUE(domain_->RecordInspection(kInspector, Round("hall-a")).ok());
  v1::UpdatePointRequest update;
  update.mutable_point()->set_name("points/hall-a");
  auto* renamed = update.mutable_point()->add_items();
  renamed->set_id("hygiene");
  renamed->set_description("会议室及前厅卫生");
  update.mutable_update_mask()->add_paths("items");
  update.mutable_point()->set_etag(created->etag());
  auto changed = domain_->UpdatePoint(kGm, update);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->version(), 2);
  EXPECT_EQ(changed->window_start(), "09:00");                           // not in the mask
  EXPECT_EQ(CodeOf(domain_->UpdatePoint(kGm, update)), Code::kAborted);  // stale etag
  update.mutable_update_mask()->set_paths(0, "state");
  update.mutable_point()->clear_etag();
  EXPECT_EQ(FieldOf(domain_->UpdatePoint(kGm, update).status()), "update_mask");
  v1::GetInspectionRequest get;
  get.set_name("points/hall-a/inspections/2026-11-27");
  auto form = domain_->GetInspection(kManager, get);
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->point_version(), 1);
  EXPECT_EQ(form->results(0).description(), "会议室卫生");

  v1::RetirePointRequest retire;
  retire.set_name("points/hall-a");
  EXPECT_EQ(FieldOf(domain_->RetirePoint(kGm, retire).status()), "reason");
  retire.set_reason("改为多功能厅，另设检查点");
  auto retired = domain_->RetirePoint(kGm, retire);
  ASSERT_TRUE(retired.ok());
  EXPECT_EQ(retired->state(), InspectionPoint::RETIRED);
  EXPECT_EQ(domain_->RetirePoint(kGm, retire)->etag(), retired->etag());  // again: unchanged
  update.mutable_update_mask()->set_paths(0, "items");
  EXPECT_EQ(ReasonOf(domain_->UpdatePoint(kGm, update).status()), "POINT_RETIRED");
  clock_.Set(At(11, 28, 9));
  EXPECT_EQ(ReasonOf(domain_->RecordInspection(kInspector, Round("hall-a")).status()), "POINT_RETIRED");
  EXPECT_EQ(domain_->ListPoints(kGm, {})->points_size(), 2);
  v1::ListPointsRequest all;
  all.set_show_retired(true);
  EXPECT_EQ(domain_->ListPoints(kGm, all)->points_size(), 3);
  EXPECT_EQ(domain_->GetInspection(kManager, get)->point_version(), 1);  // still as recorded
}

TEST_F(InspectionsTest, RecordingKeepsToTheWindowInHotelTimeAndOncePerDay) {
  clock_.Set(At(11, 27, 7, 59));  // 23:59 UTC the day before
  auto early = domain_->RecordInspection(kInspector, Round("cr-office"));
  EXPECT_EQ(ReasonOf(early.status()), "OUTSIDE_WINDOW");
  EXPECT_EQ(testing::MetadataOf(early.status(), "window_start"), "08:00");
  clock_.Set(At(11, 27, 18, 1));
  EXPECT_EQ(ReasonOf(domain_->RecordInspection(kInspector, Round("cr-office")).status()), "OUTSIDE_WINDOW");
  clock_.Set(At(11, 27, 8, 0));
  EXPECT_EQ(CodeOf(domain_->RecordInspection(kKam, Round("cr-office"))), Code::kPermissionDenied);

  auto req = Round("cr-office");
  req.mutable_inspection()->mutable_results()->RemoveLast();
  EXPECT_EQ(FieldOf(domain_->RecordInspection(kInspector, req).status()), "inspection.results");
  req = Round("cr-office");
  req.mutable_inspection()->mutable_results(1)->set_item("coffee");
  EXPECT_EQ(FieldOf(domain_->RecordInspection(kInspector, req).status()), "inspection.results[1].item");
  req = Round("cr-office");
  *req.mutable_inspection()->add_results() = req.inspection().results(0);
  EXPECT_EQ(FieldOf(domain_->RecordInspection(kInspector, req).status()), "inspection.results[5].item");
  req = Round("cr-office");
  req.mutable_inspection()->mutable_results(0)->set_meets_standard(false);
  EXPECT_EQ(FieldOf(domain_->RecordInspection(kInspector, req).status()), "inspection.results[0].remark");
  v1::RecordInspectionRequest nowhere = Round("cr-office");
  nowhere.set_parent("points/nowhere");
  EXPECT_EQ(CodeOf(domain_->RecordInspection(kInspector, nowhere)), Code::kNotFound);
  EXPECT_EQ(CodeOf(domain_->RecordInspection(kInspector, Round("cr-office", {}))), Code::kOk);
  auto twice = domain_->RecordInspection(kGm, Round("cr-office"));
  EXPECT_EQ(ReasonOf(twice.status()), "INSPECTION_RECORDED");
  EXPECT_EQ(CodeOf(twice), Code::kAlreadyExists);

  v1::GetInspectionRequest get;
  get.set_name("points/cr-office/inspections/2026-11-27");
  auto form = domain_->GetInspection(kManager, get);
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->inspector(), "insp-liu");
  EXPECT_EQ(form->inspector_name(), "刘检查");
  EXPECT_EQ(form->check_time().seconds(), absl::ToUnixSeconds(At(11, 27, 8, 0)));
  EXPECT_EQ(form->responsible_person(), "陈主管");
  EXPECT_EQ(form->results_size(), 5);
  get.set_name("points/cr-office/inspections/2026-11-26");
  EXPECT_EQ(CodeOf(domain_->GetInspection(kManager, get)), Code::kNotFound);
  get.set_name("points/cr-office/inspections/2026-02-30");
  EXPECT_EQ(FieldOf(domain_->GetInspection(kManager, get).status()), "name");

  // Just after local midnight it is the next day: a new form is due.
  clock_.Set(At(11, 28, 0, 5));
  v1::ListDueInspectionsRequest due;
  auto round = domain_->ListDueInspections(kInspector, due);
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->date().day(), 28);
  EXPECT_EQ(round->inspections(1).status(), DueInspection::UPCOMING);
}

// A malformed name is INVALID_ARGUMENT naming the field: "points/-" only
// where the method reads across points.
TEST_F(InspectionsTest, MalformedNamesAreInvalidArgumentNotNotFound) {
  v1::GetPointRequest point;
  EXPECT_EQ(testing::FirstNotRefused("name", {"points/-", "points/-cr-office", "points/cr-office-", "points/CR"},
                                     [&](const char* name) {
                                       point.set_name(name);
                                       return domain_->GetPoint(kManager, point).status();
                                     }),
            "");
  point.set_name("points/nowhere");
  EXPECT_EQ(CodeOf(domain_->GetPoint(kManager, point)), Code::kNotFound);
  v1::GetInspectionRequest form;
  form.set_name("points/-/inspections/2026-11-27");
  EXPECT_EQ(FieldOf(domain_->GetInspection(kManager, form).status()), "name");
  v1::GetActionRequest action;
  action.set_name("actions/-");
  EXPECT_EQ(FieldOf(domain_->GetAction(kManager, action).status()), "name");
  v1::ListInspectionsRequest all;
  all.set_parent("points/-");
  all.mutable_start_date()->set_year(2026);
  all.mutable_start_date()->set_month(11);
  all.mutable_start_date()->set_day(1);
  *all.mutable_end_date() = all.start_date();
  auto listed = domain_->ListInspections(kManager, all);
  EXPECT_TRUE(listed.ok()) << listed.status();
}

TEST_F(InspectionsTest, TheRoundShowsEachPointsStatus) {
  clock_.Set(At(11, 27, 12));
  ASSERT_TRUE(domain_->RecordInspection(kInspector, Round("cr-office")).ok());
  auto round = domain_->ListDueInspections(kInspector, {});
  ASSERT_TRUE(round.ok());
  ASSERT_EQ(round->inspections_size(), 2);
  EXPECT_EQ(round->inspections(0).status(), DueInspection::OPEN);  // conference-centre
  EXPECT_EQ(round->inspections(1).status(), DueInspection::RECORDED);
  EXPECT_EQ(round->inspections(1).inspection(), "points/cr-office/inspections/2026-11-27");
  EXPECT_EQ(round->inspections(0).window_start().seconds(), absl::ToUnixSeconds(At(11, 27, 8)));
  clock_.Set(At(11, 27, 18, 30));
  round = domain_->ListDueInspections(kInspector, {});
  EXPECT_EQ(round->inspections(0).status(), DueInspection::MISSED);
  v1::ListDueInspectionsRequest before;
  before.mutable_date()->set_year(2026);
  before.mutable_date()->set_month(11);
  before.mutable_date()->set_day(26);  // before the points existed
  EXPECT_EQ(domain_->ListDueInspections(kInspector, before)->inspections_size(), 0);
}

TEST_F(InspectionsTest, AFailedItemOpensACorrectiveActionClosedByARecheck) {
  auto form = domain_->RecordInspection(kInspector, Round("conference-centre", {{"sound-room", "调音台一路无输出"}}));
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->failures(), 1);
  const std::string action = form->results(1).action();
  ASSERT_FALSE(action.empty());
  v1::GetActionRequest get;
  get.set_name(action);
  auto a = domain_->GetAction(kManager, get);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->assignee(), "陈主管");
  EXPECT_EQ(a->due_time().seconds(), absl::ToUnixSeconds(At(11, 28, 9)));
  EXPECT_EQ(a->state(), CorrectiveAction::OPEN);
  EXPECT_FALSE(a->overdue());

  v1::ListActionsRequest overdue;
  overdue.set_overdue_only(true);
  EXPECT_EQ(domain_->ListActions(kGm, overdue)->actions_size(), 0);
  clock_.Set(At(11, 28, 10));
  auto late = domain_->ListActions(kGm, overdue);
  ASSERT_EQ(late->actions_size(), 1);
  EXPECT_TRUE(late->actions(0).overdue());

  v1::RecheckActionRequest recheck;
  recheck.set_name(action);
  EXPECT_EQ(CodeOf(domain_->RecheckAction(kKam, recheck)), Code::kPermissionDenied);
  EXPECT_EQ(FieldOf(domain_->RecheckAction(kInspector, recheck).status()), "remark");
  recheck.set_remark("仍有杂音");
  auto still = domain_->RecheckAction(kInspector, recheck);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->state(), CorrectiveAction::OPEN);
  recheck.set_meets_standard(true);
  recheck.set_remark("已更换线材");
  auto closed = domain_->RecheckAction(kInspector, recheck);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->state(), CorrectiveAction::CLOSED);
  EXPECT_EQ(closed->rechecks_size(), 2);
  EXPECT_FALSE(closed->overdue());
  EXPECT_EQ(ReasonOf(domain_->RecheckAction(kInspector, recheck).status()), "ACTION_CLOSED");
  v1::ListActionsRequest open;
  open.set_open_only(true);
  EXPECT_EQ(domain_->ListActions(kGm, open)->actions_size(), 0);
  get.set_name("actions/nothing");
  EXPECT_EQ(CodeOf(domain_->GetAction(kManager, get)), Code::kNotFound);
}

TEST_F(InspectionsTest, AFailedMeetingRoomGoesToTheOutboxForTheNextMeetingsKam) {
  v1::CreatePointRequest create;
  create.set_point_id("hall-a");
  create.mutable_point()->set_display_name("宴会厅A");
  create.mutable_point()->set_window_start("08:00");
  create.mutable_point()->set_window_end("18:00");
  auto* item = create.mutable_point()->add_items();
  item->set_id("hygiene");
  item->set_description("会议室卫生");
  create.mutable_point()->set_responsible("会议服务主管");
  create.mutable_point()->set_room("rooms/hall-a");
  ASSERT_TRUE(domain_->CreatePoint(kGm, create).ok());
  ASSERT_TRUE(domain_->RecordInspection(kInspector, Round("cr-office", {{"office-hygiene", "地面有纸屑"}})).ok());
  EXPECT_TRUE(Outbox().empty());  // not a meeting room
  ASSERT_TRUE(domain_->RecordInspection(kInspector, Round("hall-a", {{"hygiene", "地毯有污渍"}})).ok());
  auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].kind, kRoomFailure);
  EXPECT_EQ(outbox[0].key, "rooms/hall-a");
  EXPECT_EQ(outbox[0].peer, "notifications");
  EXPECT_EQ(outbox[0].label, "points/hall-a/inspections/2026-11-27/room");
  notifications::v1::CreateAlertRequest alert;
  ASSERT_TRUE(alert.ParseFromString(outbox[0].body));
  EXPECT_EQ(alert.alert().source(), "points/hall-a/inspections/2026-11-27");
  EXPECT_NE(alert.alert().body().find("地毯有污渍"), std::string::npos);
}

TEST_F(InspectionsTest, MissedInspectionsAreReportedToTheGmOfficeOnce) {
  clock_.Set(At(11, 27, 10));
  ASSERT_TRUE(domain_->RecordInspection(kInspector, Round("cr-office")).ok());
  EXPECT_EQ(*domain_->ReportMissed(), 0);  // today's window is still open
  clock_.Set(At(11, 29, 19));              // the 27th for conference-centre, the 28th and 29th for both
  EXPECT_EQ(*domain_->ReportMissed(), 5);
  EXPECT_EQ(*domain_->ReportMissed(), 0);
  auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), 5u);
  notifications::v1::CreateAlertRequest alert;
  ASSERT_TRUE(alert.ParseFromString(outbox[0].body));
  EXPECT_EQ(alert.alert().recipient(), "role/gm_office");
  EXPECT_EQ(alert.request_id(), alert.alert().source() + "/missed");

  v1::GetComplianceReportRequest report;
  report.mutable_start_date()->set_year(2026);
  report.mutable_start_date()->set_month(11);
  report.mutable_start_date()->set_day(1);
  *report.mutable_end_date() = report.start_date();
  report.mutable_end_date()->set_day(30);
  auto r = domain_->GetComplianceReport(kGm, report);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total().missed(), 5);
}

TEST_F(InspectionsTest, ComplianceReportPerPointItemAndPerson) {
  // Three days: the office passes, then fails hygiene twice (once by another
  // person responsible); the conference centre is missed on the second day.
  for (int day = 27; day <= 29; ++day) {
    clock_.Set(At(11, day, 10));
    auto office = Round("cr-office", day == 27 ? std::map<std::string, std::string>{}
                                               : std::map<std::string, std::string>{{"office-hygiene", "不洁"}});
    if (day == 29) office.mutable_inspection()->set_responsible_person("赵主管");
    ASSERT_TRUE(domain_->RecordInspection(kInspector, office).ok());
    if (day != 28) {
      ASSERT_TRUE(domain_->RecordInspection(kInspector, Round("conference-centre")).ok());
    }
  }
  clock_.Set(At(12, 2, 9));  // the report spans a month boundary: edge days on both sides
  v1::GetComplianceReportRequest req;
  req.mutable_start_date()->set_year(2026);
  req.mutable_start_date()->set_month(11);
  req.mutable_start_date()->set_day(27);
  req.mutable_end_date()->set_year(2026);
  req.mutable_end_date()->set_month(12);
  req.mutable_end_date()->set_day(1);
  EXPECT_EQ(CodeOf(domain_->GetComplianceReport(kKam, req)), Code::kPermissionDenied);
  auto r = domain_->GetComplianceReport(kInspector, req);
  ASSERT_TRUE(r.ok()) << r.status();
  std::map<std::string, v1::ComplianceRow> rows;
  for (const auto& row : r->rows()) rows[row.point() + "|" + row.item()] = row;
  const auto& office = rows["points/cr-office|"];
  EXPECT_EQ(office.checks(), 15);
  EXPECT_EQ(office.failures(), 2);
  EXPECT_EQ(office.compliance_basis_points(), 13 * 10000 / 15);
  EXPECT_EQ(office.missed(), 2);  // the 30th and the 1st
  EXPECT_EQ(office.open_actions(), 2);
  EXPECT_EQ(rows["points/cr-office|office-hygiene"].failures(), 2);
  EXPECT_EQ(rows["points/cr-office|office-hygiene"].compliance_basis_points(), 3333);
  EXPECT_EQ(rows["points/conference-centre|"].missed(), 3);  // the 28th, 30th and 1st
  EXPECT_EQ(r->total().checks(), 15 + 6);

  req.set_group_by(v1::GetComplianceReportRequest::RESPONSIBLE);
  r = domain_->GetComplianceReport(kGm, req);
  ASSERT_TRUE(r.ok());
  std::map<std::string, v1::ComplianceRow> people;
  for (const auto& row : r->rows()) people[row.responsible()] = row;
  EXPECT_EQ(people["赵主管"].checks(), 5);
  EXPECT_EQ(people["赵主管"].failures(), 1);
  EXPECT_EQ(people["陈主管"].checks(), 16);
  EXPECT_EQ(people["会议中心主管"].missed(), 3);  // missed at the point they are responsible for
  EXPECT_EQ(people["客户关系部经理"].missed(), 2);

  req.mutable_end_date()->set_year(2027);
  req.mutable_end_date()->set_month(12);
  EXPECT_EQ(FieldOf(domain_->GetComplianceReport(kGm, req).status()), "end_date");
}

// Each RPC's "Callers:" line of the proto, for every role: the roles it
// names get past the role check (whatever else they get), every other role
// gets PERMISSION_DENIED. Staff here includes the inspector.
TEST_F(InspectionsTest, RoleMatrixFollowsTheProto) {
  const std::vector<std::pair<std::string, Principal>> roles = {
      {"manager", kManager},     {"kam", kKam}, {"clerk", kClerk},    {"gm_office", kGm},
      {"inspector", kInspector}, {"fnb", kFnb}, {"service", kService}};
  const std::set<std::string> staff = {"manager", "kam", "clerk", "gm_office", "inspector"};
  std::set<std::string> staff_and_service = staff;
  staff_and_service.insert("service");
  struct Row {
    std::string rpc;
    std::set<std::string> allowed;
    std::function<absl::Status(const Principal&)> call;
  };
  const std::vector<Row> rows = {
      {"CreatePoint",
       {"gm_office", "manager"},
       [&](const Principal& who) { return domain_->CreatePoint(who, {}).status(); }},
      {"GetPoint", staff_and_service,
       [&](const Principal& who) {
         v1::GetPointRequest r;
         r.set_name("points/cr-office");
         return domain_->GetPoint(who, r).status();
       }},
      {"ListPoints", staff_and_service, [&](const Principal& who) { return domain_->ListPoints(who, {}).status(); }},
      {"UpdatePoint",
       {"gm_office", "manager"},
       [&](const Principal& who) { return domain_->UpdatePoint(who, {}).status(); }},
      {"RetirePoint",
       {"gm_office", "manager"},
       [&](const Principal& who) { return domain_->RetirePoint(who, {}).status(); }},
      {"ListDueInspections", staff_and_service,
       [&](const Principal& who) { return domain_->ListDueInspections(who, {}).status(); }},
      {"RecordInspection",
       {"inspector", "gm_office"},
       [&](const Principal& who) { return domain_->RecordInspection(who, {}).status(); }},
      {"ListInspections", staff_and_service,
       [&](const Principal& who) {
         v1::ListInspectionsRequest r;
         r.set_parent("points/-");
         return domain_->ListInspections(who, r).status();
       }},
      {"ListActions", staff_and_service, [&](const Principal& who) { return domain_->ListActions(who, {}).status(); }},
      {"RecheckAction",
       {"inspector", "gm_office"},
       [&](const Principal& who) { return domain_->RecheckAction(who, {}).status(); }},
      {"GetComplianceReport",
       {"gm_office", "manager", "inspector"},
       [&](const Principal& who) { return domain_->GetComplianceReport(who, {}).status(); }},
  };
  for (const Row& row : rows) {
    for (const auto& [role, who] : roles) {
      const absl::Status s = row.call(who);
      EXPECT_EQ(s.code() == Code::kPermissionDenied, row.allowed.count(role) == 0)
          << row.rpc << " as " << role << ": " << s;
    }
  }
}

TEST_F(InspectionsTest, ReadsAndRefusalsTheProtoDocuments) {
  v1::GetPointRequest get;
  get.set_name("points/nowhere");
  EXPECT_EQ(CodeOf(domain_->GetPoint(kKam, get)), Code::kNotFound);
  get.set_name("cr-office");
  EXPECT_EQ(FieldOf(domain_->GetPoint(kKam, get).status()), "name");
  v1::UpdatePointRequest update;
  update.mutable_point()->set_name("points/nowhere");
  update.mutable_update_mask()->add_paths("display_name");
  update.mutable_point()->set_display_name("x");
  EXPECT_EQ(CodeOf(domain_->UpdatePoint(kGm, update)), Code::kNotFound);
  v1::RetirePointRequest retire;
  retire.set_name("points/nowhere");
  retire.set_reason("x");
  EXPECT_EQ(CodeOf(domain_->RetirePoint(kGm, retire)), Code::kNotFound);
  EXPECT_EQ(CodeOf(domain_->RetirePoint(kInspector, retire)), Code::kPermissionDenied);
  v1::ListPointsRequest points;
  points.set_page_token("forged");
  EXPECT_EQ(FieldOf(domain_->ListPoints(kKam, points).status()), "page_token");

  auto req = Round("cr-office", {{"office-hygiene", "不洁"}});
  *req.mutable_inspection()->mutable_results(0)->mutable_due_time() = ToProto(clock_.Now() - absl::Hours(1));
  EXPECT_EQ(FieldOf(domain_->RecordInspection(kInspector, req).status()), "inspection.results[0].due_time");
  req.mutable_inspection()->mutable_results(0)->set_assignee("保洁领班");
  *req.mutable_inspection()->mutable_results(0)->mutable_due_time() = ToProto(clock_.Now() + absl::Hours(4));
  auto form = domain_->RecordInspection(kInspector, req);
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->results(0).assignee(), "保洁领班");
  v1::ListActionsRequest by;
  by.set_assignee("保洁领班");
  EXPECT_EQ(domain_->ListActions(kGm, by)->actions_size(), 1);
  by.set_assignee("");
  by.set_point("points/conference-centre");
  EXPECT_EQ(domain_->ListActions(kGm, by)->actions_size(), 0);
  by.set_point("conference-centre");
  EXPECT_EQ(FieldOf(domain_->ListActions(kGm, by).status()), "point");
  v1::RecheckActionRequest recheck;
  recheck.set_name("actions/nothing");
  recheck.set_meets_standard(true);
  EXPECT_EQ(CodeOf(domain_->RecheckAction(kInspector, recheck)), Code::kNotFound);

  // Forms over a range, across all points, a page at a time.
  ASSERT_TRUE(domain_->RecordInspection(kInspector, Round("conference-centre")).ok());
  clock_.Set(At(11, 28, 9));
  ASSERT_TRUE(domain_->RecordInspection(kInspector, Round("conference-centre")).ok());
  v1::ListInspectionsRequest list;
  list.set_parent("points/-");
  EXPECT_EQ(FieldOf(domain_->ListInspections(kManager, list).status()), "start_date");
  *list.mutable_start_date() = ToDate(absl::CivilDay(2026, 11, 27));
  *list.mutable_end_date() = ToDate(absl::CivilDay(2026, 11, 26));
  EXPECT_EQ(FieldOf(domain_->ListInspections(kManager, list).status()), "end_date");
  *list.mutable_end_date() = ToDate(absl::CivilDay(2027, 11, 28));
  EXPECT_EQ(FieldOf(domain_->ListInspections(kManager, list).status()), "end_date");
  *list.mutable_end_date() = ToDate(absl::CivilDay(2026, 11, 30));
  list.set_page_size(2);
  auto page = domain_->ListInspections(kManager, list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->inspections_size(), 2);
  EXPECT_EQ(page->inspections(0).name(), "points/conference-centre/inspections/2026-11-27");
  EXPECT_EQ(page->inspections(1).name(), "points/cr-office/inspections/2026-11-27");
  list.set_page_token(page->next_page_token());
  page = domain_->ListInspections(kManager, list);
  ASSERT_EQ(page->inspections_size(), 1);
  EXPECT_EQ(page->inspections(0).name(), "points/conference-centre/inspections/2026-11-28");
  EXPECT_TRUE(page->next_page_token().empty());
  list.set_parent("points/cr-office");
  EXPECT_EQ(FieldOf(domain_->ListInspections(kManager, list).status()), "page_token");  // another query's token
  list.clear_page_token();
  EXPECT_EQ(domain_->ListInspections(kManager, list)->inspections_size(), 1);

  v1::GetComplianceReportRequest report;
  EXPECT_EQ(FieldOf(domain_->GetComplianceReport(kGm, report).status()), "start_date");
  EXPECT_EQ(CodeOf(domain_->GetComplianceReport(kFnb, report)), Code::kPermissionDenied);
}

TEST_F(InspectionsTest, DatesAndDueTimesOutOfRangeAreRefusedByField) {
  v1::RecordInspectionRequest req = Round("conference-centre", {{"sound-room", "调音台一路无输出"}});
  req.mutable_inspection()->mutable_results(1)->mutable_due_time()->set_seconds(int64_t{1} << 62);
  EXPECT_EQ(FieldOf(domain_->RecordInspection(kInspector, req).status()), "inspection.results[1].due_time");
  *req.mutable_inspection()->mutable_results(1)->mutable_due_time() = ToProto(At(11, 28, 9));
  req.mutable_inspection()->mutable_results(1)->mutable_due_time()->set_nanos(1'000'000'000);
  EXPECT_EQ(FieldOf(domain_->RecordInspection(kInspector, req).status()), "inspection.results[1].due_time.nanos");
  v1::ListActionsRequest actions;
  EXPECT_EQ(domain_->ListActions(kGm, actions)->actions_size(), 0);
  v1::ListDueInspectionsRequest due;
  due.mutable_date()->set_year(50000);
  due.mutable_date()->set_month(1);
  due.mutable_date()->set_day(1);
  EXPECT_EQ(FieldOf(domain_->ListDueInspections(kInspector, due).status()), "date");
  v1::GetComplianceReportRequest report;
  report.mutable_start_date()->set_year(2201);
  report.mutable_start_date()->set_month(1);
  report.mutable_start_date()->set_day(1);
  report.mutable_end_date()->set_year(2201);
  report.mutable_end_date()->set_month(1);
  report.mutable_end_date()->set_day(2);
  EXPECT_EQ(FieldOf(domain_->GetComplianceReport(kGm, report).status()), "start_date");
}

}  // namespace
}  // namespace atrium::inspections
