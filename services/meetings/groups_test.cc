// Group business on a real store with an injected clock: the room block and
// its pickup, the cut-off with the KAM's alert, the manager's extension and
// the release, the payment schedule's overdue alerts and today's view, and
// attrition at settlement. Every figure is worked by hand in the comments.
#include <gtest/gtest.h>

#include "atrium/clients/v1/clients.pb.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/testing_pdf.h"
#include "services/meetings/sales_fixture.h"

namespace atrium::meetings {
namespace {

using ::atrium::testing::FieldOf;
using ::atrium::testing::ReasonOf;
using notifications::v1::CreateAlertRequest;
using v1::RoomBlock;

const Principal kReservations{"service:pms", "reservation system", Role::kService, ""};

absl::Time At(int month, int day) { return absl::FromCivil(absl::CivilSecond(2026, month, day, 9, 0, 0), kShanghai); }

class GroupsTest : public SalesFixture {
 protected:
  // The fixture's agreement with its block's terms: cut-off 12-10, pay for
  // rooms below 80% at 600 a room night; a deposit of 20,000 due 11-30 and
  // the balance of 30,000 due 12-20 (of a total of 73,600).
  v1::Agreement Group() {
    v1::Agreement a = Content();
    *a.mutable_block_terms()->mutable_cut_off_date() = D(2026, 12, 10);
    a.mutable_block_terms()->set_attrition_threshold_basis_points(8000);
    *a.mutable_block_terms()->mutable_attrition_rate() = Yuan(600);
    auto add = [&](const char* label, type::v1::Date due, int64_t yuan) {
      auto* in = a.add_payment_schedule();
      in->set_label(label);
      *in->mutable_due_date() = due;
      *in->mutable_amount() = Yuan(yuan);
    };
    add("定金", D(2026, 11, 30), 20000);
    add("尾款", D(2026, 12, 20), 30000);
    return a;
  }

  v1::Meeting Signed(const v1::Agreement& content) {
    v1::Meeting m = AtIntent();
    auto a = Draft(m, content);
    EXPECT_TRUE(a.ok()) << a.status();
    auto s = Sign(*a);
    EXPECT_TRUE(s.ok()) << s.status();
    return *Get(m);
  }

  static v1::Reservation Res(const std::string& ref, int rooms, int arrive = 17, int leave = 18) {
    v1::Reservation r;
    r.set_reference(ref);
    r.set_room_type("deluxe-king");
    *r.mutable_arrival_date() = D(2026, 12, arrive);
    *r.mutable_departure_date() = D(2026, 12, leave);
    r.set_rooms(rooms);
    r.set_guest_name("王先生");
    return r;
  }

  absl::StatusOr<RoomBlock> Post(const v1::Meeting& m, std::vector<v1::Reservation> rs, bool rooming_list = false,
                                 const Principal& who = kReservations) {
    v1::RecordPickupRequest req;
    req.set_parent(m.name() + "/block");
    for (auto& r : rs) *req.add_reservations() = std::move(r);
    req.set_rooming_list(rooming_list);
    return meetings_->groups().RecordPickup(who, req);
  }

  absl::StatusOr<RoomBlock> Block(const v1::Meeting& m, const Principal& who = kManager) {
    v1::GetRoomBlockRequest req;
    req.set_name(m.name() + "/block");
    return meetings_->groups().GetRoomBlock(who, req);
  }

  absl::StatusOr<RoomBlock> Extend(const v1::Meeting& m, type::v1::Date to, const std::string& reason,
                                   const Principal& who = kManager, const std::string& etag = "") {
    v1::ExtendCutOffRequest req;
    req.set_name(m.name() + "/block");
    *req.mutable_cut_off_date() = to;
    req.set_reason(reason);
    req.set_etag(etag);
    return meetings_->groups().ExtendCutOff(who, req);
  }

  int Run() {
    auto ran = meetings_->groups().RunReminders();
    EXPECT_TRUE(ran.ok()) << ran.status();
    return ran.ok() ? *ran : -1;
  }

  // The alerts in the outbox whose request id contains `part`.
  std::vector<CreateAlertRequest> Alerts(const std::string& part) {
    std::vector<CreateAlertRequest> out;
    for (const auto& e : Outbox(OutboxEntry::kAlert)) {
      CreateAlertRequest a;
      EXPECT_TRUE(a.ParseFromString(e.body));
      EXPECT_EQ(e.method, "/atrium.notifications.v1.NotificationsService/CreateAlert");
      if (a.request_id().find(part) != std::string::npos) out.push_back(std::move(a));
    }
    return out;
  }

  absl::StatusOr<v1::Settlement> Bill(const v1::Meeting& m, const Principal& who = kManager) {
    v1::GetSettlementRequest req;
    req.set_name(m.name() + "/settlement");
    return meetings_->followup().GetSettlement(who, req);
  }

  absl::StatusOr<v1::Settlement> Waive(const v1::Meeting& m, const std::string& reason,
                                       const Principal& who = kManager) {
    v1::WaiveAttritionRequest req;
    req.set_name(m.name() + "/settlement");
    req.set_reason(reason);
    return meetings_->followup().WaiveAttrition(who, req);
  }

  absl::StatusOr<v1::Settlement> Pay(const v1::Meeting& m, const std::string& ref, int64_t yuan) {
    v1::RecordPaymentRequest req;
    req.set_name(m.name() + "/settlement");
    *req.mutable_payment()->mutable_amount() = Yuan(yuan);
    req.mutable_payment()->set_reference(ref);
    *req.mutable_payment()->mutable_date() = atrium::Today(clock_.Now(), kShanghai);
    return meetings_->followup().RecordPayment(kFinance, req);
  }

  // Every category charged as agreed, and the client's acceptance.
  void ChargeAndAccept(const v1::Meeting& m) {
    v1::RecordChargesRequest charges;
    charges.set_name(m.name() + "/settlement");
    for (auto [c, yuan] : {std::pair{v1::ROOMS, 45600}, std::pair{v1::FNB, 18000}, std::pair{v1::VENUE, 10000},
                           std::pair{v1::AV, 0}, std::pair{v1::EXTRAS, 0}}) {
      auto* ch = charges.add_charges();
      ch->set_category(c);
      *ch->mutable_amount() = Yuan(yuan);
    }
    ASSERT_TRUE(meetings_->followup().RecordCharges(kFinance, charges).ok());
    Accept(m);
  }
  void Accept(const v1::Meeting& m) {
    v1::RecordBillReviewRequest review;
    review.set_name(m.name() + "/settlement");
    review.set_accepted(true);
    review.set_reviewer("ACME 王经理");
    auto s = meetings_->followup().RecordBillReview(kKam, review);
    ASSERT_TRUE(s.ok()) << s.status();
  }

  absl::StatusOr<v1::TodayView> View(const Principal& who) {
    return meetings_->followup().GetTodayView(who, v1::GetTodayViewRequest());
  }
};

TEST_F(GroupsTest, SigningHoldsTheBlockAndPickupIsIdempotentByReference) {
  v1::Meeting m = Signed(Group());
  auto b = Block(m, kRooms);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->agreement(), m.name() + "/agreements/1");
  EXPECT_EQ(b->state(), RoomBlock::HELD);
  EXPECT_EQ(DateKey(b->cut_off_date()), 20261210);
  ASSERT_EQ(b->nights_size(), 1);
  EXPECT_EQ(b->nights(0).contracted(), 60);
  EXPECT_EQ(b->nights(0).blocked(), 60);
  EXPECT_EQ(b->nights(0).picked_up(), 0);

  auto first = Post(m, {Res("PMS-1", 20), Res("PMS-2", 10)});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->picked_up_room_nights(), 30);
  EXPECT_EQ(first->reservations(), 2);
  // Posted again (a retry, or the system sending what it has): nothing new.
  auto again = Post(m, {Res("PMS-1", 20), Res("PMS-2", 10)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->etag(), first->etag());
  EXPECT_EQ(again->picked_up_room_nights(), 30);
  // A reservation changed under its reference.
  auto changed = Post(m, {Res("PMS-1", 25)});
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->picked_up_room_nights(), 35);
  // The whole rooming list: PMS-2 is no longer in it.
  auto list = Post(m, {Res("PMS-1", 25), Res("PMS-3", 4)}, /*rooming_list=*/true, kRooms);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->picked_up_room_nights(), 29);
  EXPECT_EQ(list->reservations(), 2);
  v1::ListReservationsRequest lr;
  lr.set_parent(m.name() + "/block");
  lr.set_page_size(2);
  auto page = meetings_->groups().ListReservations(kFinance, lr);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->reservations_size(), 2);
  EXPECT_EQ(page->reservations(0).name(), m.name() + "/block/reservations/PMS-1");
  EXPECT_EQ(page->reservations(1).reference(), "PMS-2");
  EXPECT_TRUE(page->reservations(1).cancelled());
  EXPECT_FALSE(page->next_page_token().empty());
  lr.set_page_token(page->next_page_token());
  auto rest = meetings_->groups().ListReservations(kFinance, lr);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->reservations_size(), 1);
  EXPECT_EQ(rest->reservations(0).reference(), "PMS-3");
  EXPECT_TRUE(rest->next_page_token().empty());
  lr.set_page_token("forged");
  EXPECT_EQ(FieldOf(meetings_->groups().ListReservations(kFinance, lr).status()), "page_token");
  lr.clear_page_token();
  lr.set_parent(m.name());
  EXPECT_EQ(FieldOf(meetings_->groups().ListReservations(kFinance, lr).status()), "parent");
  EXPECT_EQ(meetings_->groups().ListReservations(kFnb, lr).status().code(), absl::StatusCode::kPermissionDenied);

  // Refused, changing nothing.
  auto twice = Post(m, {Res("PMS-9", 1), Res("PMS-9", 2)});
  EXPECT_EQ(FieldOf(twice.status()), "reservations[1].reference");
  auto bad = Post(m, {Res("PMS-9", 1), Res("", 2)});
  EXPECT_EQ(FieldOf(bad.status()), "reservations[1].reference");
  std::vector<v1::Reservation> many;
  for (int i = 0; i < 5001; ++i) many.push_back(Res(absl::StrCat("R", i), 1));
  EXPECT_EQ(FieldOf(Post(m, many).status()), "reservations");
  v1::RecordPickupRequest malformed;
  malformed.set_parent(m.name() + "/blocks");
  EXPECT_EQ(FieldOf(meetings_->groups().RecordPickup(kReservations, malformed).status()), "parent");
  malformed.set_parent("meetings/nope/block");
  EXPECT_EQ(meetings_->groups().RecordPickup(kReservations, malformed).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Post(m, {Res("PMS-9", 1)}, false, kKam2).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Post(m, {Res("PMS-9", 1)}, false, kFnb).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Post(m, {Res("PMS-9", 1)}, false, kInspector).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Block(m, kFnb).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Block(m)->picked_up_room_nights(), 29);

  // No block before an agreement with rooms is signed.
  v1::Meeting bare = AtIntent();
  EXPECT_EQ(Block(bare).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Post(bare, {Res("PMS-1", 1)}).status().code(), absl::StatusCode::kNotFound);
  // Nor pickup once the meeting is cancelled.
  v1::CancelMeetingRequest cancel;
  cancel.set_name(m.name());
  cancel.set_reason("客户取消");
  ASSERT_TRUE(meetings_->pipeline().CancelMeeting(kKam, cancel).ok());
  auto closed = Post(m, {Res("PMS-9", 1)});
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(GroupsTest, MeetingsSignedBeforeBlocksExistedGetTheirBlockAtStartUp) {
  v1::Meeting m = Signed(Group());
  v1::Meeting roomless = Signed([&] {
    v1::Agreement a = Group();
    a.clear_room_block();
    a.clear_block_terms();
    return a;
  }());
  ASSERT_TRUE(
      store_->Write([](MeetingsTx& tx) { return tx.db().Exec("DELETE FROM records WHERE kind = 'block'"); }).ok());
  ASSERT_EQ(Block(m).status().code(), absl::StatusCode::kNotFound);
  auto filled = meetings_->FillRoomBlocks();
  ASSERT_TRUE(filled.ok()) << filled.status();
  EXPECT_EQ(*filled, 1);
  auto b = Block(m);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->nights(0).contracted(), 60);
  EXPECT_EQ(Block(roomless).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*meetings_->FillRoomBlocks(), 0) << "once";
}

TEST_F(GroupsTest, TheKamIsAlertedAheadOfTheCutOffAndTheUnpickedRoomsGoBackAtIt) {
  v1::Meeting m = Signed(Group());
  ASSERT_TRUE(Post(m, {Res("PMS-1", 20)}).ok());
  // Seven days ahead of 12-10 is 12-03.
  clock_.Set(At(12, 2));
  Run();
  EXPECT_TRUE(Alerts("cut-off-alert").empty());
  clock_.Set(At(12, 3));
  Run();
  auto alerts = Alerts("cut-off-alert");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert().recipient(), "staff/kam-li");
  EXPECT_NE(alerts[0].alert().title().find("2026-12-10"), std::string::npos) << alerts[0].alert().title();
  EXPECT_NE(alerts[0].alert().title().find("已订 20/60 间夜"), std::string::npos) << alerts[0].alert().title();
  EXPECT_NE(alerts[0].alert().body().find("2026-12-17 deluxe-king：合同 60，保留 60，已订 20"), std::string::npos)
      << alerts[0].alert().body();
  EXPECT_EQ(alerts[0].alert().source(), m.name() + "/block");
  Run();
  EXPECT_EQ(Alerts("cut-off-alert").size(), 1u) << "once";

  // The manager extends the cut-off; nobody else may, nor to a wrong date.
  auto b = Block(m);
  EXPECT_EQ(Extend(m, D(2026, 12, 12), "客户名单未定", kKam).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(FieldOf(Extend(m, D(2026, 12, 12), "").status()), "reason");
  EXPECT_EQ(FieldOf(Extend(m, D(2026, 12, 10), "客户名单未定").status()), "cut_off_date");
  EXPECT_EQ(FieldOf(Extend(m, D(2026, 12, 17), "客户名单未定").status()), "cut_off_date") << "the first night";
  EXPECT_EQ(FieldOf(Extend(m, D(2026, 2, 30), "客户名单未定").status()), "cut_off_date");
  EXPECT_EQ(Extend(m, D(2026, 12, 12), "客户名单未定", kManager, "stale").status().code(), absl::StatusCode::kAborted);
  auto extended = Extend(m, D(2026, 12, 12), "客户名单未定", kManager, b->etag());
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(DateKey(extended->cut_off_date()), 20261212);
  ASSERT_EQ(extended->extensions_size(), 1);
  EXPECT_EQ(extended->extensions(0).actor(), kManager.subject);
  EXPECT_EQ(DateKey(extended->extensions(0).from_date()), 20261210);
  EXPECT_EQ(extended->extensions(0).reason(), "客户名单未定");

  // Alerted again ahead of the new date; nothing happens at the old one.
  clock_.Set(At(12, 5));
  Run();
  EXPECT_EQ(Alerts("cut-off-alert/2026-12-12").size(), 1u);
  clock_.Set(At(12, 11));
  Run();
  EXPECT_EQ(Block(m)->state(), RoomBlock::HELD);
  clock_.Set(At(12, 12));
  Run();
  EXPECT_EQ(Block(m)->state(), RoomBlock::HELD) << "the cut-off day is the group's";

  // The day after: 60 - 20 = 40 room nights go back.
  clock_.Set(At(12, 13));
  Run();
  auto released = Block(m);
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->state(), RoomBlock::RELEASED);
  EXPECT_EQ(released->nights(0).contracted(), 60);
  EXPECT_EQ(released->nights(0).blocked(), 20);
  ASSERT_EQ(released->releases_size(), 1);
  EXPECT_EQ(released->releases(0).room_nights(), 40);
  EXPECT_EQ(DateKey(released->releases(0).cut_off_date()), 20261212);
  auto to_kam = Alerts("/releases/1/kam");
  ASSERT_EQ(to_kam.size(), 1u);
  EXPECT_EQ(to_kam[0].alert().recipient(), "staff/kam-li");
  EXPECT_NE(to_kam[0].alert().title().find("释放 40 间夜"), std::string::npos) << to_kam[0].alert().title();
  auto to_rooms = Alerts("/releases/1/rooms");
  ASSERT_EQ(to_rooms.size(), 1u);
  EXPECT_EQ(to_rooms[0].alert().recipient(), "department/rooms");
  Run();
  EXPECT_EQ(Block(m)->releases_size(), 1) << "once";
  auto late = Extend(m, D(2026, 12, 14), "补救");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(late.status()), "ALREADY_RELEASED");
  // Booked after the cut-off: held as booked.
  auto after = Post(m, {Res("PMS-2", 5)});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->nights(0).blocked(), 25);
}

TEST_F(GroupsTest, ABlockChangesThroughANewAgreementVersionWhichTheNoticeCarries) {
  v1::Meeting m = IssuedWith(Group());
  ASSERT_TRUE(Post(m, {Res("PMS-1", 20)}).ok());
  v1::Agreement bigger = Group();
  bigger.mutable_room_block(0)->set_rooms(80);
  auto v2 = Draft(m, bigger);
  ASSERT_TRUE(v2.ok()) << v2.status();
  ASSERT_TRUE(Sign(*v2).ok());
  auto b = Block(m);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->agreement(), m.name() + "/agreements/2");
  EXPECT_EQ(b->nights(0).contracted(), 80);
  EXPECT_EQ(b->nights(0).picked_up(), 20) << "the reservations stay";
  EXPECT_EQ(Get(m)->notice_revision(), 2);
  v1::GetMeetingNoticeRequest get_notice;
  get_notice.set_name(m.name() + "/notice");
  auto notice = meetings_->preparation().GetMeetingNotice(kManager, get_notice);
  ASSERT_TRUE(notice.ok()) << notice.status();
  EXPECT_EQ(notice->revision(), 2);
  EXPECT_NE(notice->content().SerializeAsString().find("deluxe-king"), std::string::npos);
  EXPECT_NE(notice->content().SerializeAsString().find("80间"), std::string::npos) << "Rooms gets the new figure";
}

TEST_F(GroupsTest, AnOverdueInstalmentAlertsTheKamAndFinanceAndIsInTodaysView) {
  v1::Meeting m = Signed(Group());
  auto bill = Bill(m, kFinance);
  ASSERT_TRUE(bill.ok()) << bill.status();
  ASSERT_EQ(bill->schedule_size(), 2);
  EXPECT_EQ(bill->schedule(0).label(), "定金");
  EXPECT_EQ(bill->schedule(0).state(), v1::InstalmentStatus::DUE);
  // 11-30 passes unpaid.
  clock_.Set(At(12, 1));
  Run();
  auto kam = Alerts("/instalments/0/overdue/kam");
  ASSERT_EQ(kam.size(), 1u);
  EXPECT_EQ(kam[0].alert().recipient(), "staff/kam-li");
  EXPECT_NE(kam[0].alert().title().find("定金 20,000.00 元"), std::string::npos) << kam[0].alert().title();
  auto finance = Alerts("/instalments/0/overdue/finance");
  ASSERT_EQ(finance.size(), 1u);
  EXPECT_EQ(finance[0].alert().recipient(), "department/finance");
  EXPECT_EQ(Bill(m)->schedule(0).state(), v1::InstalmentStatus::OVERDUE);
  Run();
  EXPECT_EQ(Alerts("/overdue/").size(), 2u) << "once";

  auto view = View(kManager);
  ASSERT_TRUE(view.ok()) << view.status();
  ASSERT_EQ(view->overdue_instalments_size(), 1);
  EXPECT_EQ(view->overdue_instalments(0).meeting(), m.name());
  EXPECT_EQ(view->overdue_instalments(0).owner(), kKam.subject);
  EXPECT_EQ(view->overdue_instalments(0).instalment().label(), "定金");
  EXPECT_EQ(view->overdue_instalments(0).instalment().amount().amount_minor(), 2000000);
  EXPECT_EQ(View(kFinance)->overdue_instalments_size(), 1);
  EXPECT_EQ(View(kKam)->overdue_instalments_size(), 1);
  EXPECT_EQ(View(kKam2)->overdue_instalments_size(), 0) << "another KAM's meeting";
  EXPECT_EQ(View(kFnb)->overdue_instalments_size(), 0) << "money is for staff and finance";
  // The KAM's figures: 30,000 to come, 20,000 overdue.
  v1::SummarizeSalesRequest sum;
  *sum.mutable_start_month() = ToYearMonth(absl::CivilMonth(2026, 12));
  *sum.mutable_end_month() = sum.start_month();
  sum.mutable_read_mask()->add_paths("instalments");
  auto figures = meetings_->figures().SummarizeSales(kManager, sum);
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_EQ(figures->cells_size(), 0) << "only the part asked for";
  ASSERT_EQ(figures->instalments_size(), 1);
  EXPECT_EQ(figures->instalments(0).owner(), kKam.subject);
  EXPECT_EQ(figures->instalments(0).due().amount_minor(), 3000000);
  EXPECT_EQ(figures->instalments(0).overdue().amount_minor(), 2000000);
  EXPECT_EQ(figures->instalments(0).overdue_instalments(), 1);
  EXPECT_EQ(figures->instalments(0).meetings_overdue(), 1);
  sum.set_owner(kKam2.subject);
  EXPECT_EQ(meetings_->figures().SummarizeSales(kManager, sum)->instalments_size(), 0);

  // Part paid: still overdue; paid in full: off the list, and the balance
  // not yet due.
  auto part = Pay(m, "RCPT-1", 5000);
  ASSERT_TRUE(part.ok()) << part.status();
  EXPECT_EQ(part->schedule(0).paid().amount_minor(), 500000);
  EXPECT_EQ(part->schedule(0).state(), v1::InstalmentStatus::OVERDUE);
  EXPECT_EQ(View(kManager)->overdue_instalments_size(), 1);
  auto paid = Pay(m, "RCPT-2", 15000);
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid->schedule(0).state(), v1::InstalmentStatus::PAID);
  EXPECT_EQ(paid->schedule(1).state(), v1::InstalmentStatus::DUE);
  EXPECT_EQ(View(kManager)->overdue_instalments_size(), 0);
  // The balance, due 12-20, falls overdue on 12-21.
  clock_.Set(At(12, 21));
  Run();
  EXPECT_EQ(Alerts("/instalments/1/overdue/kam").size(), 1u);
}

TEST_F(GroupsTest, TermsAndSchedulesBreakingARuleAreRefusedNamingTheField) {
  v1::Meeting m = AtIntent();
  auto refused = [&](const std::function<void(v1::Agreement&)>& change) {
    v1::Agreement a = Group();
    change(a);
    return FieldOf(Draft(m, a).status());
  };
  EXPECT_EQ(refused([](auto& a) { *a.mutable_payment_schedule(1)->mutable_amount() = Yuan(60000); }),
            "agreement.payment_schedule")
      << "20,000 + 60,000 is more than 73,600";
  EXPECT_EQ(refused([](auto& a) { a.mutable_payment_schedule(0)->set_label(""); }),
            "agreement.payment_schedule[0].label");
  EXPECT_EQ(refused([](auto& a) { a.mutable_payment_schedule(0)->clear_due_date(); }),
            "agreement.payment_schedule[0].due_date");
  EXPECT_EQ(refused([](auto& a) { a.mutable_payment_schedule(0)->mutable_due_date()->set_year(2201); }),
            "agreement.payment_schedule[0].due_date");
  EXPECT_EQ(refused([](auto& a) { *a.mutable_payment_schedule(0)->mutable_amount() = Yuan(0); }),
            "agreement.payment_schedule[0].amount.amount_minor");
  EXPECT_EQ(refused([](auto& a) {
              for (int i = 0; i < 23; ++i) *a.add_payment_schedule() = a.payment_schedule(0);
            }),
            "agreement.payment_schedule");
  EXPECT_EQ(refused([](auto& a) { a.clear_room_block(); }), "agreement.block_terms");
  EXPECT_EQ(refused([](auto& a) { *a.mutable_block_terms()->mutable_cut_off_date() = D(2026, 12, 17); }),
            "agreement.block_terms.cut_off_date");
  EXPECT_EQ(refused([](auto& a) { a.mutable_block_terms()->set_attrition_threshold_basis_points(10001); }),
            "agreement.block_terms.attrition_threshold_basis_points");
  EXPECT_EQ(refused([](auto& a) { a.mutable_block_terms()->clear_attrition_rate(); }),
            "agreement.block_terms.attrition_rate");
  EXPECT_EQ(refused([](auto& a) { a.mutable_block_terms()->set_attrition_threshold_basis_points(0); }),
            "agreement.block_terms.attrition_rate")
      << "a rate without a threshold";
  EXPECT_EQ(refused([](auto& a) { *a.mutable_block_terms()->mutable_attrition_rate() = Yuan(-1); }),
            "agreement.block_terms.attrition_rate.amount_minor");
  EXPECT_EQ(refused([](auto& a) {
              a.mutable_block_terms()->mutable_attrition_rate()->set_amount_minor(1'000'000'000'000'001);
            }),
            "agreement.block_terms.attrition_rate.amount_minor");
  EXPECT_EQ(refused([](auto& a) { a.mutable_block_terms()->mutable_attrition_rate()->set_currency_code("USD"); }),
            "agreement.block_terms.attrition_rate.currency_code");
  EXPECT_EQ(refused([](auto& a) { a.mutable_block_terms()->mutable_cut_off_date()->set_month(13); }),
            "agreement.block_terms.cut_off_date");
  EXPECT_EQ(refused([](auto& a) { a.mutable_payment_schedule(0)->set_label("\xff"); }),
            "agreement.payment_schedule[0].label");
  // Instalments of the largest amount each: their sum would pass 10^15 fen
  // and is refused, not wrapped.
  EXPECT_EQ(refused([](auto& a) {
              for (auto& in : *a.mutable_payment_schedule())
                in.mutable_amount()->set_amount_minor(1'000'000'000'000'000);
            }),
            "agreement.payment_schedule");
}

TEST_F(GroupsTest, AttritionIsChargedAtSettlementUnlessTheManagerWaivesIt) {
  // Signed, not completed: no attrition yet, and none to waive.
  v1::Meeting signed_only = Signed(Group());
  EXPECT_FALSE(Bill(signed_only)->has_attrition());
  EXPECT_EQ(Waive(signed_only, "长期客户").status().code(), absl::StatusCode::kFailedPrecondition);

  // 30 of 60 rooms picked up: 60 x 80% = 48 required, 18 short x 600 =
  // 10,800.
  v1::Meeting m = CompletedWith(Group());
  ASSERT_TRUE(Post(m, {Res("PMS-1", 30)}).ok());
  auto bill = Bill(m);
  ASSERT_TRUE(bill.ok()) << bill.status();
  ASSERT_TRUE(bill->has_attrition());
  ASSERT_EQ(bill->attrition().nights_size(), 1);
  EXPECT_EQ(bill->attrition().nights(0).required(), 48);
  EXPECT_EQ(bill->attrition().nights(0).shortfall(), 18);
  EXPECT_EQ(bill->attrition().amount().amount_minor(), 1080000);
  EXPECT_NE(bill->attrition().workings().find("差 18 间 × 600.00 = 10,800.00 元"), std::string::npos)
      << bill->attrition().workings();
  EXPECT_EQ(bill->actual_total().amount_minor(), 1080000) << "nothing else charged yet";
  ChargeAndAccept(m);
  // 73,600 charged + 10,800 attrition.
  EXPECT_EQ(Bill(m)->actual_total().amount_minor(), 8440000);
  v1::SettleMeetingRequest settle;
  settle.set_name(m.name());
  auto settled = meetings_->followup().SettleMeeting(kFinance, settle);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->actual_revenue().rooms().amount_minor(), 4560000 + 1080000) << "attrition is rooms revenue";
  bool posted = false;
  for (const auto& e : Outbox(OutboxEntry::kLedger)) {
    clients::v1::CreateLedgerEntryRequest ledger;
    ASSERT_TRUE(ledger.ParseFromString(e.body));
    if (ledger.entry().reference() != m.name() + "/settlement") continue;
    posted = true;
    EXPECT_EQ(ledger.entry().amount().amount_minor(), 8440000);
  }
  EXPECT_TRUE(posted);
  // Fixed at settlement: later pickup changes nothing.
  EXPECT_EQ(Post(m, {Res("PMS-2", 30)}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Bill(m)->attrition().amount().amount_minor(), 1080000);

  // Another group, the same shortfall, waived by the manager.
  v1::Meeting w = CompletedWith(Group());
  ASSERT_TRUE(Post(w, {Res("PMS-1", 30)}).ok());
  ChargeAndAccept(w);
  EXPECT_EQ(Waive(w, "长期客户", kKam).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(FieldOf(Waive(w, "").status()), "reason");
  auto waived = Waive(w, "长期客户，下次会议补足");
  ASSERT_TRUE(waived.ok()) << waived.status();
  EXPECT_TRUE(waived->attrition().waived());
  EXPECT_EQ(waived->attrition().waiver(), kManager.subject);
  EXPECT_EQ(waived->attrition().waive_reason(), "长期客户，下次会议补足");
  EXPECT_EQ(waived->attrition().amount().amount_minor(), 1080000) << "shown, not charged";
  EXPECT_EQ(waived->actual_total().amount_minor(), 7360000);
  EXPECT_EQ(waived->review(), v1::Settlement::PENDING) << "the client reviews the bill again";
  auto twice = Waive(w, "再次");
  EXPECT_EQ(ReasonOf(twice.status()), "ALREADY_WAIVED");
  Accept(w);
  v1::SettleMeetingRequest settle_w;
  settle_w.set_name(w.name());
  ASSERT_TRUE(meetings_->followup().SettleMeeting(kFinance, settle_w).ok());
  for (const auto& e : Outbox(OutboxEntry::kLedger)) {
    clients::v1::CreateLedgerEntryRequest ledger;
    ASSERT_TRUE(ledger.ParseFromString(e.body));
    if (ledger.entry().reference() == w.name() + "/settlement") {
      EXPECT_EQ(ledger.entry().amount().amount_minor(), 7360000);
    }
  }
}

TEST_F(GroupsTest, TheOtherDocumentedErrorsOfTheBlockAndTheWaiver) {
  v1::Meeting m = Signed(Group());
  v1::GetRoomBlockRequest get;
  get.set_name(m.name() + "/blocks");
  EXPECT_EQ(FieldOf(meetings_->groups().GetRoomBlock(kManager, get).status()), "name");
  get.set_name("meetings/nope/block");
  EXPECT_EQ(meetings_->groups().GetRoomBlock(kManager, get).status().code(), absl::StatusCode::kNotFound);

  // Active reservations beyond 5,000 in the block; stored beyond 20,000.
  auto batch = [](const std::string& prefix, int n) {
    std::vector<v1::Reservation> out;
    for (int i = 0; i < n; ++i) out.push_back(Res(absl::StrCat(prefix, i), 1));
    return out;
  };
  ASSERT_TRUE(Post(m, batch("A", 3000)).ok());
  EXPECT_EQ(FieldOf(Post(m, batch("B", 3000)).status()), "reservations");
  EXPECT_EQ(Block(m)->reservations(), 3000) << "refused: nothing changed";
  for (const char* list : {"B", "C", "D", "E"}) {
    auto posted = Post(m, batch(list, list[0] == 'E' ? 2000 : 5000), /*rooming_list=*/true);
    ASSERT_TRUE(posted.ok()) << list << ": " << posted.status();
  }
  // 3,000 + 3 x 5,000 + 2,000 = 20,000 stored; one more is refused.
  auto full = Post(m, {Res("F1", 1)});
  EXPECT_EQ(full.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(full.status()), "TOO_MANY_RESERVATIONS");
  EXPECT_EQ(Post(m, {Res("E1", 2)}).value().picked_up_room_nights(), 2001) << "a stored one still changes";

  // Extending: the date is required; a block without a cut-off, or no block.
  v1::ExtendCutOffRequest extend;
  extend.set_name(m.name() + "/block");
  extend.set_reason("客户名单未定");
  EXPECT_EQ(FieldOf(meetings_->groups().ExtendCutOff(kManager, extend).status()), "cut_off_date");
  *extend.mutable_cut_off_date() = D(2201, 1, 1);
  EXPECT_EQ(FieldOf(meetings_->groups().ExtendCutOff(kManager, extend).status()), "cut_off_date");
  *extend.mutable_cut_off_date() = D(2026, 12, 12);
  extend.set_reason("\xff\xfe");
  EXPECT_EQ(FieldOf(meetings_->groups().ExtendCutOff(kManager, extend).status()), "reason");
  extend.set_reason(std::string(501, 'x'));
  EXPECT_EQ(FieldOf(meetings_->groups().ExtendCutOff(kManager, extend).status()), "reason");
  extend.set_reason("客户名单未定");
  extend.set_name(m.name());
  EXPECT_EQ(FieldOf(meetings_->groups().ExtendCutOff(kManager, extend).status()), "name");
  extend.set_name("meetings//block");
  EXPECT_EQ(FieldOf(meetings_->groups().ExtendCutOff(kManager, extend).status()), "name");
  v1::Agreement open_ended = Group();
  open_ended.mutable_block_terms()->clear_cut_off_date();
  v1::Meeting held = Signed(open_ended);
  auto none = Extend(held, D(2026, 12, 12), "客户名单未定");
  EXPECT_EQ(ReasonOf(none.status()), "NO_CUT_OFF");
  EXPECT_EQ(Extend(AtIntent(), D(2026, 12, 12), "客户名单未定").status().code(), absl::StatusCode::kNotFound);

  // Waiving: no such meeting; a completed bill without an attrition clause.
  v1::WaiveAttritionRequest waive;
  waive.set_name("meetings/nope/settlement");
  waive.set_reason("长期客户");
  EXPECT_EQ(meetings_->followup().WaiveAttrition(kManager, waive).status().code(), absl::StatusCode::kNotFound);
  waive.set_name("meetings/nope");
  EXPECT_EQ(FieldOf(meetings_->followup().WaiveAttrition(kManager, waive).status()), "name");
  waive.set_name("meetings/nope/settlement");
  waive.set_reason("\xc3");
  EXPECT_EQ(FieldOf(meetings_->followup().WaiveAttrition(kManager, waive).status()), "reason");
  waive.set_reason("长期客户");
  v1::Meeting plain = Completed();
  auto nothing = Waive(plain, "长期客户");
  EXPECT_EQ(ReasonOf(nothing.status()), "NO_ATTRITION");
  EXPECT_FALSE(Bill(plain)->has_attrition());

  // The cut-off (12-10) passed, the reminder not yet run: a new date must
  // not be in the past either.
  clock_.Set(At(12, 12));
  EXPECT_EQ(FieldOf(Extend(m, D(2026, 12, 11), "客户名单未定").status()), "cut_off_date");
  EXPECT_TRUE(Extend(m, D(2026, 12, 14), "客户名单未定").ok());
}

TEST_F(GroupsTest, ThePrintedAgreementStatesTheCutOffTheAttritionClauseAndTheSchedule) {
  v1::Meeting m = AtIntent();
  auto draft = Draft(m, Group());
  ASSERT_TRUE(draft.ok()) << draft.status();
  v1::PrintAgreementRequest req;
  req.set_name(draft->name());
  auto printed = meetings_->sales().PrintAgreement(kKam, req);
  ASSERT_TRUE(printed.ok()) << printed.status();
  testing::PdfReader reader;
  EXPECT_EQ(reader.Rendered(printed->data()), printed->page_count());
  const std::string text = reader.Text(printed->data());
  for (const char* want : {"截止日期 2026-12-10", "低于合同用房 80% 的部分，按每间夜 600.00 元", "付款计划", "定金",
                           "2026-11-30", "20,000.00 元", "尾款", "2026-12-20", "30,000.00 元"}) {
    EXPECT_TRUE(testing::PdfReader::Holds(text, want)) << want << " not in:\n" << text;
  }
}

}  // namespace
}  // namespace atrium::meetings
