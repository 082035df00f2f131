// Domain tests of the sales process after the intent: price list and
// discount authority, agreement versions, the notice and its revisions, the
// pre-meeting check, tracking, settlement, preferences and today's view. On
// a real SQLite file, with an injected clock and fakes of the peers.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <set>

#include "common/errors.h"
#include "common/testing.h"
#include "common/testing_pdf.h"
#include "common/validate.h"
#include "services/meetings/sales_fixture.h"

namespace atrium::meetings {
namespace {

using Code = absl::StatusCode;
using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;
using v1::Agreement;
using v1::Meeting;

class SalesTest : public SalesFixture {};

TEST_F(SalesTest, PriceListIsTheManagersAndRefusesBadItems) {
  v1::UpdatePriceListRequest req;
  auto* item = req.mutable_price_list()->add_items();
  item->set_category(v1::ROOMS);
  item->set_item("suite");
  *item->mutable_unit_price() = Yuan(2000);
  EXPECT_EQ(CodeOf(meetings_->sales().UpdatePriceList(kKam, req)), Code::kPermissionDenied);
  *req.mutable_price_list()->add_items() = *item;
  EXPECT_EQ(FieldOf(meetings_->sales().UpdatePriceList(kManager, req).status()), "price_list.items[1].item");
  req.mutable_price_list()->mutable_items()->RemoveLast();
  req.mutable_price_list()->mutable_items(0)->mutable_unit_price()->set_amount_minor(0);
  EXPECT_EQ(FieldOf(meetings_->sales().UpdatePriceList(kManager, req).status()),
            "price_list.items[0].unit_price.amount_minor");
  req.mutable_price_list()->mutable_items(0)->mutable_unit_price()->set_amount_minor(100);
  req.mutable_price_list()->set_etag("stale");
  EXPECT_EQ(CodeOf(meetings_->sales().UpdatePriceList(kManager, req)), Code::kAborted);
  auto list = meetings_->sales().GetPriceList(kKam, {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->items_size(), 3);  // nothing changed
  EXPECT_EQ(CodeOf(meetings_->sales().GetPriceList(kFnb, {})), Code::kPermissionDenied);
}

TEST_F(SalesTest, AgreementIsPricedAgainstTheListAndValidated) {
  Meeting m = AtIntent();
  Agreement bad = Content();
  bad.mutable_prices(0)->set_item("penthouse");
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.prices[0].item");
  bad = Content();
  bad.mutable_meals(0)->set_time("25:00");
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.meals[0].time");
  bad = Content();
  *bad.mutable_end_time() = ToProto(kMeetingStart + absl::Hours(24 * 40));
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.end_time");
  bad = Content();
  bad.mutable_venues(0)->set_room("hall-a");
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.venues[0].room");
  EXPECT_EQ(CodeOf(Draft(m, Content(), kKam2)), Code::kPermissionDenied);  // not their meeting
  EXPECT_EQ(CodeOf(Draft(m, Content(), kClerk)), Code::kPermissionDenied);
  auto a = Draft(m, Content(760));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->name(), m.name() + "/agreements/1");
  EXPECT_EQ(a->state(), Agreement::DRAFT);
  EXPECT_EQ(a->prices(0).list_unit_price().amount_minor(), 80000);
  EXPECT_EQ(a->prices(0).amount().amount_minor(), 60 * 76000);
  EXPECT_EQ(a->discount_basis_points(), 500);  // 760 against 800
  EXPECT_EQ(a->required_role(), "key_account_manager");
  EXPECT_EQ(a->total().amount_minor(), (60 * 760 + 120 * 150 + 10000) * 100);
  EXPECT_EQ(a->author(), "kam-li");

  EXPECT_EQ(ReasonOf(Draft(m, Content()).status()), "DRAFT_EXISTS");

  // Update with a field mask changes only what it names.
  v1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(a->name());
  update.mutable_agreement()->set_attendees(150);
  update.mutable_agreement()->set_organiser("ignored");
  update.mutable_update_mask()->add_paths("attendees");
  update.mutable_agreement()->set_etag(a->etag());
  auto changed = meetings_->sales().UpdateAgreement(kKam, update);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->attendees(), 150);
  EXPECT_EQ(changed->organiser(), "ACME 华东区");
  EXPECT_EQ(changed->prices_size(), 3);
  EXPECT_EQ(CodeOf(meetings_->sales().UpdateAgreement(kKam, update)), Code::kAborted);  // the old etag
  update.mutable_agreement()->clear_etag();
  update.mutable_update_mask()->set_paths(0, "state");
  EXPECT_EQ(FieldOf(meetings_->sales().UpdateAgreement(kKam, update).status()), "update_mask");
}

TEST_F(SalesTest, SigningFollowsTheProcessAndKeepsEveryVersion) {
  // Not before the client's intent.
  v1::CreateMeetingRequest create;
  create.mutable_meeting()->set_account("accounts/acme");
  create.mutable_meeting()->set_title("早期洽谈");
  create.mutable_meeting()->set_origin(Meeting::WALK_IN);
  auto early = meetings_->pipeline().CreateMeeting(kKam, create);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(ReasonOf(Draft(*early, Content()).status()), "INVALID_STATE_TRANSITION");  // ENQUIRY
  ASSERT_TRUE(meetings_->pipeline().StartNegotiation(kKam, MoveOf(*early)).ok());
  auto early_draft = Draft(*early, Content());
  ASSERT_TRUE(early_draft.ok());
  EXPECT_EQ(ReasonOf(Sign(*early_draft).status()), "INVALID_STATE_TRANSITION");  // NEGOTIATING

  Meeting m = AtIntent();
  Agreement incomplete = Content();
  incomplete.clear_organiser();
  auto draft = Draft(m, incomplete);
  ASSERT_TRUE(draft.ok());
  auto refused = Sign(*draft);
  EXPECT_EQ(ReasonOf(refused.status()), "AGREEMENT_INCOMPLETE");
  v1::UpdateAgreementRequest fix;
  fix.mutable_agreement()->set_name(draft->name());
  fix.mutable_agreement()->set_organiser("ACME 华东区");
  fix.mutable_update_mask()->add_paths("organiser");
  ASSERT_TRUE(meetings_->sales().UpdateAgreement(kKam, fix).ok());
  v1::SignAgreementRequest no_signatory;
  no_signatory.set_name(draft->name());
  EXPECT_EQ(FieldOf(meetings_->sales().SignAgreement(kKam, no_signatory).status()), "client_signatory");
  auto v1 = Sign(*draft);
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(v1->state(), Agreement::SIGNED);
  EXPECT_EQ(v1->hotel_signatory(), "kam-li");
  auto after = Get(m);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state(), Meeting::CONTRACTED);
  EXPECT_EQ(after->agreement_version(), 1);
  EXPECT_EQ(after->expected_attendees(), 120);
  EXPECT_EQ(ReasonOf(Sign(*v1).status()), "NOT_A_DRAFT");

  // A signed version never changes: a change is a new version.
  fix.mutable_agreement()->set_name(v1->name());
  EXPECT_EQ(ReasonOf(meetings_->sales().UpdateAgreement(kKam, fix).status()), "AGREEMENT_SIGNED");
  v1::CreateAgreementRequest copy;
  copy.set_parent(m.name());
  auto v2 = meetings_->sales().CreateAgreement(kKam, copy);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version(), 2);
  EXPECT_EQ(v2->organiser(), "ACME 华东区");  // copied from version 1
  ASSERT_TRUE(Sign(*v2).ok());
  v1::ListAgreementsRequest list;
  list.set_parent(m.name());
  auto all = meetings_->sales().ListAgreements(kManager, list);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->agreements_size(), 2);
  EXPECT_EQ(all->agreements(0).state(), Agreement::SUPERSEDED);
  EXPECT_EQ(all->agreements(1).state(), Agreement::SIGNED);
  EXPECT_EQ(Get(m)->agreement_version(), 2);
  EXPECT_EQ(Get(m)->state(), Meeting::CONTRACTED);
}

TEST_F(SalesTest, DiscountBeyondAuthorityNeedsAnApprovalOfThatDraft) {
  Meeting m = AtIntent();
  auto a = Draft(m, Content(680));  // 15% below list: beyond a KAM's 10%
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->discount_basis_points(), 1500);
  EXPECT_EQ(a->required_role(), "manager");
  auto refused = Sign(*a);
  EXPECT_EQ(ReasonOf(refused.status()), "APPROVAL_REQUIRED");

  v1::CreateApprovalRequestRequest ask;
  ask.set_parent(m.name());
  ask.mutable_approval_request()->set_agreement(a->name());
  ask.mutable_approval_request()->set_justification("三年框架客户");
  auto request = meetings_->sales().CreateApprovalRequest(kKam, ask);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->approver_role(), "manager");
  EXPECT_EQ(request->state(), v1::ApprovalRequest::PENDING);
  EXPECT_EQ(ReasonOf(meetings_->sales().CreateApprovalRequest(kKam, ask).status()), "APPROVAL_PENDING");

  // The manager's queue lists it; the GM office's does not.
  v1::ListApprovalRequestsRequest queue;
  queue.set_parent("meetings/-");
  queue.set_pending_for_me(true);
  auto mine = meetings_->sales().ListApprovalRequests(kManager, queue);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->approval_requests_size(), 1);
  EXPECT_EQ(mine->approval_requests(0).name(), request->name());
  EXPECT_EQ(meetings_->sales().ListApprovalRequests(kGm, queue)->approval_requests_size(), 0);
  queue.set_pending_for_me(false);
  EXPECT_EQ(FieldOf(meetings_->sales().ListApprovalRequests(kManager, queue).status()), "parent");

  testing::MeetingRequest decide;
  decide.set_name(request->name());
  EXPECT_EQ(CodeOf(meetings_->sales().ApproveRequest(kKam, decide)), Code::kPermissionDenied);
  EXPECT_EQ(FieldOf(meetings_->sales().RejectRequest(kManager, decide).status()), "reason");
  auto approved = meetings_->sales().ApproveRequest(kManager, decide);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->decider(), "mgr-wang");
  EXPECT_EQ(ReasonOf(meetings_->sales().ApproveRequest(kManager, decide).status()), "ALREADY_DECIDED");
  EXPECT_EQ(meetings_->sales()
                .ListApprovalRequests(kManager,
                                      [&] {
                                        v1::ListApprovalRequestsRequest q;
                                        q.set_parent("meetings/-");
                                        q.set_pending_for_me(true);
                                        return q;
                                      }())
                ->approval_requests_size(),
            0);

  // A change to the draft voids the approval.
  v1::UpdateAgreementRequest change;
  change.mutable_agreement()->set_name(a->name());
  change.mutable_agreement()->set_special_arrangements("欢迎横幅");
  change.mutable_update_mask()->add_paths("special_arrangements");
  auto changed = meetings_->sales().UpdateAgreement(kKam, change);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(ReasonOf(Sign(*changed).status()), "APPROVAL_REQUIRED");
  auto again = meetings_->sales().CreateApprovalRequest(kKam, ask);
  ASSERT_TRUE(again.ok()) << again.status();
  decide.set_name(again->name());
  ASSERT_TRUE(meetings_->sales().ApproveRequest(kManager, decide).ok());
  auto signed_one = Sign(*changed);
  ASSERT_TRUE(signed_one.ok()) << signed_one.status();
  EXPECT_EQ(signed_one->approval(), again->name());
}

TEST_F(SalesTest, DeepDiscountGoesToTheGmOfficeAndAnAuthorsOwnAuthorityCounts) {
  Meeting m = AtIntent();
  auto deep = Draft(m, Content(520));  // 35% below list
  ASSERT_TRUE(deep.ok());
  v1::CreateApprovalRequestRequest ask;
  ask.set_parent(m.name());
  ask.mutable_approval_request()->set_agreement(deep->name());
  auto request = meetings_->sales().CreateApprovalRequest(kKam, ask);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->approver_role(), "gm_office");
  testing::MeetingRequest decide;
  decide.set_name(request->name());
  EXPECT_EQ(CodeOf(meetings_->sales().ApproveRequest(kManager, decide)), Code::kPermissionDenied);  // 20% authority
  decide.set_reason("同意，战略客户");
  ASSERT_TRUE(meetings_->sales().RejectRequest(kGm, decide).ok());
  EXPECT_EQ(ReasonOf(Sign(*deep).status()), "APPROVAL_REQUIRED");

  // The manager as author: 15% is within the manager's own authority.
  v1::UpdateAgreementRequest rewrite;
  *rewrite.mutable_agreement() = Content(680);
  rewrite.mutable_agreement()->set_name(deep->name());
  auto by_manager = meetings_->sales().UpdateAgreement(kManager, rewrite);
  ASSERT_TRUE(by_manager.ok()) << by_manager.status();
  EXPECT_EQ(by_manager->author_role(), "manager");
  ask.mutable_approval_request()->set_agreement(by_manager->name());
  EXPECT_EQ(ReasonOf(meetings_->sales().CreateApprovalRequest(kManager, ask).status()), "WITHIN_AUTHORITY");
  EXPECT_TRUE(Sign(*by_manager, kManager).ok());
}

// Whatever the shape of the agreement, a key account manager signs nothing
// beyond their authority (10% below list) without an approval of that very
// draft at those very list prices.
TEST_F(SalesTest, NoShapeOfAgreementGetsPastTheAuthority) {
  Meeting m = AtIntent();
  const auto off_list = [](Agreement a, v1::ChargeCategory c, int64_t qty, int64_t minor) {
    auto* l = a.add_prices();
    l->set_category(c);
    l->set_description("deluxe-king rooms");
    l->set_quantity(qty);
    l->mutable_unit_price()->set_amount_minor(minor);
    return a;
  };
  auto draft = Draft(m, Content(800));
  ASSERT_TRUE(draft.ok()) << draft.status();
  const auto refused = [&](const Agreement& content) {
    v1::UpdateAgreementRequest update;
    *update.mutable_agreement() = content;
    update.mutable_agreement()->set_name(draft->name());
    auto changed = meetings_->sales().UpdateAgreement(kKam, update);
    if (!changed.ok()) return std::string(changed.status().message());
    return ReasonOf(Sign(*changed).status());
  };

  // 60 rooms as a line off the list at 0.01 CNY each: measured against the
  // lowest list price of ROOMS (800), 99.99% below it.
  Agreement cheap = Content(800);
  cheap.mutable_prices()->DeleteSubrange(0, 1);
  cheap = off_list(cheap, v1::ROOMS, 60, 1);
  {
    v1::UpdateAgreementRequest update;
    *update.mutable_agreement() = cheap;
    update.mutable_agreement()->set_name(draft->name());
    auto priced = meetings_->sales().UpdateAgreement(kKam, update);
    ASSERT_TRUE(priced.ok()) << priced.status();
    const auto& line = priced->prices(priced->prices_size() - 1);
    EXPECT_EQ(line.list_unit_price().amount_minor(), 80000);
    EXPECT_EQ(priced->discount_basis_points(), 10000);
    EXPECT_EQ(priced->required_role(), "gm_office");
    EXPECT_EQ(priced->list_total().amount_minor(), (60 * 800 + 120 * 150 + 10000) * 100);
    EXPECT_EQ(ReasonOf(Sign(*priced).status()), "APPROVAL_REQUIRED");
  }
  // A list item at zero.
  EXPECT_EQ(refused(Content(0)), "APPROVAL_REQUIRED");
  // An off-list line at zero in a category with list prices.
  EXPECT_EQ(refused(off_list(Content(800), v1::FNB, 120, 0)), "APPROVAL_REQUIRED");
  // The rooms split across lines: 30 at list, 30 at 600 (25% below).
  Agreement split = Content(800);
  split.mutable_prices(0)->set_quantity(30);
  const v1::PriceLine half = split.prices(0);
  *split.add_prices() = half;
  split.mutable_prices(3)->mutable_unit_price()->set_amount_minor(60000);
  EXPECT_EQ(refused(split), "APPROVAL_REQUIRED");
  // The same split with the cheap half off the list.
  Agreement split_off = Content(800);
  split_off.mutable_prices(0)->set_quantity(30);
  EXPECT_EQ(refused(off_list(split_off, v1::ROOMS, 30, 60000)), "APPROVAL_REQUIRED");
  // A line off the list in a category with no list price cannot be measured:
  // refused, naming the line; the manager lists the item first.
  {
    v1::UpdateAgreementRequest update;
    *update.mutable_agreement() = off_list(Content(800), v1::AV, 1, 1);
    update.mutable_agreement()->set_name(draft->name());
    EXPECT_EQ(FieldOf(meetings_->sales().UpdateAgreement(kKam, update).status()), "agreement.prices[3].category");
  }
  // Off the list at or above its category's lowest price: no discount, and
  // the KAM signs it.
  auto fair = [&] {
    v1::UpdateAgreementRequest update;
    *update.mutable_agreement() = off_list(Content(800), v1::ROOMS, 2, 90000);
    update.mutable_agreement()->set_name(draft->name());
    return meetings_->sales().UpdateAgreement(kKam, update);
  }();
  ASSERT_TRUE(fair.ok()) << fair.status();
  EXPECT_EQ(fair->discount_basis_points(), 0);
  EXPECT_EQ(fair->required_role(), "key_account_manager");

  // Approved at 15%; a change of prices afterwards needs a new approval.
  v1::UpdateAgreementRequest update;
  *update.mutable_agreement() = Content(680);
  update.mutable_agreement()->set_name(draft->name());
  auto at15 = meetings_->sales().UpdateAgreement(kKam, update);
  ASSERT_TRUE(at15.ok()) << at15.status();
  v1::CreateApprovalRequestRequest ask;
  ask.set_parent(m.name());
  ask.mutable_approval_request()->set_agreement(draft->name());
  auto request = meetings_->sales().CreateApprovalRequest(kKam, ask);
  ASSERT_TRUE(request.ok()) << request.status();
  testing::MeetingRequest decide;
  decide.set_name(request->name());
  ASSERT_TRUE(meetings_->sales().ApproveRequest(kManager, decide).ok());
  EXPECT_EQ(refused(Content(560)), "APPROVAL_REQUIRED");  // 30%: the approval was of the 15% draft
  *update.mutable_agreement() = Content(680);
  update.mutable_agreement()->set_name(draft->name());
  at15 = meetings_->sales().UpdateAgreement(kKam, update);
  ASSERT_TRUE(at15.ok());
  request = meetings_->sales().CreateApprovalRequest(kKam, ask);
  ASSERT_TRUE(request.ok()) << request.status();
  decide.set_name(request->name());
  ASSERT_TRUE(meetings_->sales().ApproveRequest(kManager, decide).ok());
  // The manager raises the list price after the approval: 680 is now 32%
  // below 1000, beyond what was approved.
  v1::UpdatePriceListRequest raise;
  auto list = meetings_->sales().GetPriceList(kManager, {});
  ASSERT_TRUE(list.ok());
  *raise.mutable_price_list() = *list;
  raise.mutable_price_list()->mutable_items(0)->mutable_unit_price()->set_amount_minor(100000);
  ASSERT_TRUE(meetings_->sales().UpdatePriceList(kManager, raise).ok());
  EXPECT_EQ(ReasonOf(Sign(*at15).status()), "APPROVAL_REQUIRED");
  // Back at 800, the approval of that draft holds.
  raise.mutable_price_list()->mutable_items(0)->mutable_unit_price()->set_amount_minor(80000);
  raise.mutable_price_list()->clear_etag();
  ASSERT_TRUE(meetings_->sales().UpdatePriceList(kManager, raise).ok());
  auto signed_one = Sign(*at15);
  ASSERT_TRUE(signed_one.ok()) << signed_one.status();
  EXPECT_EQ(signed_one->approval(), request->name());
}

TEST_F(SalesTest, DiscountAuthorityConfiguration) {
  auto a = DiscountAuthority::Parse("key_account_manager=5,manager=12.5,gm_office=30");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->Of("manager"), 1250);
  EXPECT_EQ(a->Of("clerk"), 0);
  EXPECT_EQ(a->RequiredRole(500), "key_account_manager");
  EXPECT_EQ(a->ApproverFor(500), "manager");
  EXPECT_EQ(a->RequiredRole(1251), "gm_office");
  EXPECT_EQ(a->RequiredRole(3001), "");
  EXPECT_FALSE(DiscountAuthority::Parse("cashier=5").ok());
  EXPECT_FALSE(DiscountAuthority::Parse("manager=120").ok());
  EXPECT_FALSE(DiscountAuthority::Parse("key_account_manager=30,manager=20").ok());
}

TEST_F(SalesTest, NoticeHasASectionPerDepartmentAndGoesThroughTheOutbox) {
  Meeting m = AtIntent();
  EXPECT_EQ(ReasonOf(meetings_->preparation().IssueNotice(kKam, MoveOf(m)).status()), "INVALID_STATE_TRANSITION");
  Meeting issued = Issued();
  EXPECT_EQ(issued.state(), Meeting::NOTICE_ISSUED);
  EXPECT_EQ(issued.notice_revision(), 1);
  auto notices = Outbox(OutboxEntry::kNotice);
  ASSERT_EQ(notices.size(), 1u);  // (the first meeting has none)
  notifications::v1::DispatchNoticeRequest sent;
  ASSERT_TRUE(sent.ParseFromString(notices[0].body));
  EXPECT_EQ(sent.revision().notice_id(), IdOf(issued));
  EXPECT_EQ(sent.revision().revision(), 1);
  EXPECT_EQ(sent.revision().owner(), "kam-li");
  std::map<std::string, std::string> fields;
  for (const auto& section : sent.revision().sections()) {
    for (const auto& f : section.fields()) fields[section.department() + ":" + f.path()] = f.value();
  }
  EXPECT_EQ(fields["fnb:meals/2026-12-17/LUNCH"], "12:00 · 120人 · 标准 lunch-150");
  EXPECT_EQ(fields["rooms:rooms/2026-12-17/deluxe-king"], "60间");
  EXPECT_EQ(fields["front_office:vips/张总"], "董事长 · 抵店 2026-12-17");
  EXPECT_EQ(fields["engineering:av"], "两支无线话筒，投影");
  EXPECT_EQ(fields["rooms:general/dates"], "2026-12-17 10:00 – 2026-12-18 18:00");  // hotel time

  // The checklist follows the notice: a requirement per item.
  std::set<std::string> items;
  for (const auto& item : issued.checklist()) items.insert(item.id());
  EXPECT_TRUE(items.count("fnb/meals/2026-12-17/LUNCH"));
  EXPECT_TRUE(items.count("rooms/arrivals"));
  EXPECT_TRUE(items.count("engineering/av"));

  v1::GetMeetingNoticeRequest get;
  get.set_name(issued.name() + "/notice");
  auto shown = meetings_->preparation().GetMeetingNotice(kFnb, get);
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_EQ(shown->revision(), 1);
  EXPECT_TRUE(shown->signatures_known());
  EXPECT_EQ(shown->delivered_revision(), 0);  // not delivered yet
  board_.Deliver(IdOf(issued), 1, {"fnb"});
  shown = meetings_->preparation().GetMeetingNotice(kFnb, get);
  EXPECT_EQ(shown->delivered_revision(), 1);
  EXPECT_EQ(shown->departments_size(), 4);
  board_.down = true;
  shown = meetings_->preparation().GetMeetingNotice(kFnb, get);
  ASSERT_TRUE(shown.ok());
  EXPECT_FALSE(shown->signatures_known());
  get.set_name(m.name() + "/notice");
  EXPECT_EQ(CodeOf(meetings_->preparation().GetMeetingNotice(kFnb, get)), Code::kNotFound);
}

TEST_F(SalesTest, PreparedOnlyWhenEverySignatureAndCheckIsInOrTheManagerOverrides) {
  Meeting m = Issued();
  v1::MarkPreparedRequest prepare;
  prepare.set_name(m.name());
  board_.down = true;
  EXPECT_EQ(CodeOf(meetings_->preparation().MarkPrepared(kKam, prepare)), Code::kUnavailable);
  board_.down = false;
  board_.Deliver(IdOf(m), 1, {"fnb", "rooms"});
  auto refused = meetings_->preparation().MarkPrepared(kKam, prepare);
  EXPECT_EQ(ReasonOf(refused.status()), "NOT_PREPARED");
  EXPECT_NE(std::string(refused.status().message()).find("front_office, engineering"), std::string::npos)
      << refused.status();

  board_.Deliver(IdOf(m), 1, {"fnb", "rooms", "front_office", "engineering"});
  EXPECT_EQ(ReasonOf(meetings_->preparation().MarkPrepared(kKam, prepare).status()),
            "NOT_PREPARED");  // unchecked items
  v1::CheckItemRequest check;
  check.set_meeting(m.name());
  check.set_item("fnb/nothing");
  EXPECT_EQ(CodeOf(meetings_->preparation().CheckItem(kKam, check)), Code::kNotFound);
  EXPECT_EQ(CodeOf(meetings_->preparation().CheckItem(kClerk, check)), Code::kPermissionDenied);
  for (const auto& item : m.checklist()) {
    check.set_item(item.id());
    check.set_note("已核对");
    auto checked = meetings_->preparation().CheckItem(kKam, check);
    ASSERT_TRUE(checked.ok()) << checked.status();
  }
  EXPECT_EQ(Get(m)->state(), Meeting::NOTICE_ISSUED);  // nothing changed by the refusals
  v1::MarkPreparedRequest stale = prepare;
  stale.set_etag("stale");
  EXPECT_EQ(CodeOf(meetings_->preparation().MarkPrepared(kKam, stale)), Code::kAborted);
  auto prepared = meetings_->preparation().MarkPrepared(kKam, prepare);
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  EXPECT_EQ(prepared->state(), Meeting::PREPARED);
  EXPECT_TRUE(prepared->checklist(0).checked());
  EXPECT_EQ(prepared->checklist(0).checked_by(), "kam-li");

  // The manager's override, with a reason; a KAM cannot.
  Meeting other = Issued();
  v1::MarkPreparedRequest override_it;
  override_it.set_name(other.name());
  override_it.set_override_reason("工程部已口头确认，书面签收补办");
  EXPECT_EQ(CodeOf(meetings_->preparation().MarkPrepared(kKam, override_it)), Code::kPermissionDenied);
  auto overridden = meetings_->preparation().MarkPrepared(kManager, override_it);
  ASSERT_TRUE(overridden.ok()) << overridden.status();
  EXPECT_EQ(overridden->prepared_override(), "工程部已口头确认，书面签收补办");
}

TEST_F(SalesTest, AChangedAgreementIssuesTheNextRevisionAndDepartmentsSignAgain) {
  Meeting m = Prepared();
  v1::CreateAgreementRequest next;
  next.set_parent(m.name());
  *next.mutable_agreement() = Content(760, 150);  // lunch for 150 instead of 120
  auto v2 = meetings_->sales().CreateAgreement(kKam, next);
  ASSERT_TRUE(v2.ok()) << v2.status();
  ASSERT_TRUE(Sign(*v2).ok());
  auto after = Get(m);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state(), Meeting::NOTICE_ISSUED);  // back: the departments sign again
  EXPECT_EQ(after->notice_revision(), 2);
  for (const auto& item : after->checklist()) {
    // The changed meal must be checked again; the rest keep their checks.
    EXPECT_EQ(item.checked(), item.id() != "fnb/meals/2026-12-17/LUNCH") << item.id();
  }
  v1::GetMeetingNoticeRequest get;
  get.set_name(m.name() + "/notice");
  auto notice = meetings_->preparation().GetMeetingNotice(kManager, get);
  ASSERT_TRUE(notice.ok());
  EXPECT_EQ(notice->revision(), 2);
  v1::MarkPreparedRequest prepare;
  prepare.set_name(m.name());
  // The notifications service still reports revision 1 as fully signed: not enough.
  EXPECT_EQ(ReasonOf(meetings_->preparation().MarkPrepared(kKam, prepare).status()), "NOT_PREPARED");

  // Revision 2 waits in the outbox behind revision 1 of the same meeting.
  auto queued = Outbox(OutboxEntry::kNotice);
  ASSERT_EQ(queued.size(), 1u);
  ASSERT_TRUE(store_->Write([&](MeetingsTx& tx) { return tx.DeleteOutbox(queued[0].id); }).ok());
  queued = Outbox(OutboxEntry::kNotice);
  ASSERT_EQ(queued.size(), 1u);
  notifications::v1::DispatchNoticeRequest sent;
  ASSERT_TRUE(sent.ParseFromString(queued[0].body));
  EXPECT_EQ(sent.revision().revision(), 2);
}

TEST_F(SalesTest, CancellingAfterTheNoticeTellsTheDepartments) {
  Meeting m = Prepared();
  testing::MeetingRequest cancel;
  cancel.set_name(m.name());
  cancel.set_reason("客户预算取消");
  auto cancelled = meetings_->pipeline().CancelMeeting(kKam, cancel);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->notice_revision(), 2);
  v1::GetMeetingNoticeRequest get;
  get.set_name(m.name() + "/notice");
  auto notice = meetings_->preparation().GetMeetingNotice(kManager, get);
  ASSERT_TRUE(notice.ok());
  EXPECT_EQ(notice->content().sections(0).fields(0).value(), "已取消：客户预算取消");

  Meeting running = Prepared();
  ASSERT_TRUE(meetings_->preparation().StartMeeting(kKam, MoveOf(running)).ok());
  cancel.set_name(running.name());
  EXPECT_EQ(ReasonOf(meetings_->pipeline().CancelMeeting(kKam, cancel).status()), "INVALID_STATE_TRANSITION");
  testing::MeetingRequest lose;
  lose.set_name(running.name());
  lose.set_reason("x");
  EXPECT_EQ(ReasonOf(meetings_->pipeline().MarkMeetingLost(kKam, lose).status()), "INVALID_STATE_TRANSITION");
}

TEST_F(SalesTest, EveryMoveChecksTheCurrentState) {
  Meeting m = AtIntent();
  EXPECT_EQ(ReasonOf(meetings_->preparation().StartMeeting(kKam, MoveOf(m)).status()), "INVALID_STATE_TRANSITION");
  EXPECT_EQ(ReasonOf(meetings_->preparation().CompleteMeeting(kKam, MoveOf(m)).status()), "INVALID_STATE_TRANSITION");
  v1::MarkPreparedRequest prepare;
  prepare.set_name(m.name());
  EXPECT_EQ(ReasonOf(meetings_->preparation().MarkPrepared(kKam, prepare).status()), "INVALID_STATE_TRANSITION");
  v1::SettleMeetingRequest settle;
  settle.set_name(m.name());
  auto s = meetings_->followup().SettleMeeting(kKam, settle);
  EXPECT_EQ(ReasonOf(s.status()), "INVALID_STATE_TRANSITION");
  EXPECT_EQ(testing::MetadataOf(s.status(), "current_state"), "INTENT");
  v1::CheckItemRequest check;
  check.set_meeting(m.name());
  check.set_item("fnb/x");
  EXPECT_EQ(ReasonOf(meetings_->preparation().CheckItem(kKam, check).status()), "INVALID_STATE_TRANSITION");

  Meeting done = Completed();
  EXPECT_EQ(ReasonOf(meetings_->preparation().StartMeeting(kKam, MoveOf(done)).status()), "INVALID_STATE_TRANSITION");
  EXPECT_EQ(ReasonOf(meetings_->preparation().IssueNotice(kKam, MoveOf(done)).status()), "INVALID_STATE_TRANSITION");
  EXPECT_EQ(ReasonOf(Draft(done, Content()).status()), "INVALID_STATE_TRANSITION");
  auto history = Get(done)->history();
  std::vector<Meeting::State> path;
  for (const auto& h : history) path.push_back(h.to());
  EXPECT_EQ(path, (std::vector<Meeting::State>{Meeting::NEGOTIATING, Meeting::INTENT, Meeting::CONTRACTED,
                                               Meeting::NOTICE_ISSUED, Meeting::PREPARED, Meeting::IN_PROGRESS,
                                               Meeting::COMPLETED}));
  EXPECT_EQ(CodeOf(meetings_->preparation().CompleteMeeting(kKam2, MoveOf(done))), Code::kPermissionDenied);
}

TEST_F(SalesTest, TrackingRecordsFeedbackIncidentsAndExtras) {
  Meeting m = AtIntent();
  v1::CreateTrackingEntryRequest req;
  req.set_parent(m.name());
  auto* e = req.mutable_tracking_entry();
  e->set_kind(v1::TrackingEntry::INCIDENT);
  e->set_aspect(v1::TrackingEntry::VENUE);
  e->set_description("投影仪故障");
  e->set_action_taken("10分钟内更换备用机");
  EXPECT_EQ(ReasonOf(meetings_->followup().CreateTrackingEntry(kKam, req).status()), "INVALID_STATE_TRANSITION");

  Meeting running = Prepared();
  ASSERT_TRUE(meetings_->preparation().StartMeeting(kKam, MoveOf(running)).ok());
  req.set_parent(running.name());
  req.set_request_id("incident-1");
  auto incident = meetings_->followup().CreateTrackingEntry(kFnb, req);  // a department reports it
  ASSERT_TRUE(incident.ok()) << incident.status();
  EXPECT_EQ(meetings_->followup().CreateTrackingEntry(kFnb, req)->name(), incident->name());  // retried: same entry
  e->set_kind(v1::TrackingEntry::EXTRA_SERVICE);
  e->set_description("加开茶歇");
  req.clear_request_id();
  EXPECT_EQ(FieldOf(meetings_->followup().CreateTrackingEntry(kKam, req).status()), "tracking_entry.charge");
  *e->mutable_charge() = Yuan(1500);
  ASSERT_TRUE(meetings_->followup().CreateTrackingEntry(kKam, req).ok());
  e->set_kind(v1::TrackingEntry::FEEDBACK);
  EXPECT_EQ(FieldOf(meetings_->followup().CreateTrackingEntry(kKam, req).status()), "tracking_entry.charge");
  e->clear_charge();
  e->clear_description();
  EXPECT_EQ(FieldOf(meetings_->followup().CreateTrackingEntry(kKam, req).status()), "tracking_entry.description");
  e->set_description("客房安静，满意");
  e->set_aspect(v1::TrackingEntry::ASPECT_UNSPECIFIED);
  EXPECT_EQ(FieldOf(meetings_->followup().CreateTrackingEntry(kKam, req).status()), "tracking_entry.aspect");
  e->set_aspect(v1::TrackingEntry::GUEST_ROOMS);
  ASSERT_TRUE(meetings_->followup().CreateTrackingEntry(kKam, req).ok());
  // The same request_id for another meeting is a mistake, not a retry.
  Meeting other = Prepared();
  ASSERT_TRUE(meetings_->preparation().StartMeeting(kKam, MoveOf(other)).ok());
  v1::CreateTrackingEntryRequest reused = req;
  reused.set_parent(other.name());
  reused.set_request_id("incident-1");
  EXPECT_EQ(CodeOf(meetings_->followup().CreateTrackingEntry(kFnb, reused)), Code::kAlreadyExists);
  v1::ListTrackingEntriesRequest list;
  list.set_parent(running.name());
  auto entries = meetings_->followup().ListTrackingEntries(kFnb, list);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->tracking_entries_size(), 3);
}

TEST_F(SalesTest, SettlementReconcilesPostsTheRemainderOnceAndRecordsPreferences) {
  Meeting m = Prepared();
  ASSERT_TRUE(meetings_->preparation().StartMeeting(kKam, MoveOf(m)).ok());
  v1::CreateTrackingEntryRequest extra;
  extra.set_parent(m.name());
  extra.mutable_tracking_entry()->set_kind(v1::TrackingEntry::EXTRA_SERVICE);
  extra.mutable_tracking_entry()->set_aspect(v1::TrackingEntry::CATERING);
  extra.mutable_tracking_entry()->set_description("加开茶歇");
  *extra.mutable_tracking_entry()->mutable_charge() = Yuan(1500);
  ASSERT_TRUE(meetings_->followup().CreateTrackingEntry(kKam, extra).ok());
  const std::string bill = m.name() + "/settlement";
  v1::RecordPaymentRequest deposit;
  deposit.set_name(bill);
  *deposit.mutable_payment()->mutable_amount() = Yuan(20000);
  deposit.mutable_payment()->set_reference("R-001");
  *deposit.mutable_payment()->mutable_date() = D(2026, 12, 1);
  ASSERT_TRUE(meetings_->followup().RecordPayment(kFinance, deposit).ok());
  ASSERT_TRUE(meetings_->followup().RecordPayment(kFinance, deposit).ok());  // the same receipt again: nothing new
  deposit.mutable_payment()->mutable_amount()->set_amount_minor(1);
  EXPECT_EQ(CodeOf(meetings_->followup().RecordPayment(kFinance, deposit)), Code::kAlreadyExists);

  v1::RecordChargesRequest charges;
  charges.set_name(bill);
  auto* fnb = charges.add_charges();
  fnb->set_category(v1::FNB);
  *fnb->mutable_amount() = Yuan(120 * 150);
  EXPECT_EQ(ReasonOf(meetings_->followup().RecordCharges(kKam, charges).status()),
            "INVALID_STATE_TRANSITION");  // running
  ASSERT_TRUE(meetings_->preparation().CompleteMeeting(kKam, MoveOf(m)).ok());
  EXPECT_EQ(CodeOf(meetings_->followup().RecordCharges(kFnb, charges)), Code::kPermissionDenied);
  fnb->set_category(v1::FNB);
  *fnb->mutable_amount() = Yuan(125 * 150);  // five more guests for lunch
  EXPECT_EQ(FieldOf(meetings_->followup().RecordCharges(kKam, charges).status()), "charges[0].explanation");
  fnb->set_explanation("午餐实到125人");
  auto add = [&](v1::ChargeCategory c, int64_t yuan) {
    auto* ch = charges.add_charges();
    ch->set_category(c);
    *ch->mutable_amount() = Yuan(yuan);
  };
  add(v1::ROOMS, 60 * 760);
  auto partial = meetings_->followup().RecordCharges(kKam, charges);
  ASSERT_TRUE(partial.ok()) << partial.status();

  v1::SettleMeetingRequest settle;
  settle.set_name(m.name());
  EXPECT_EQ(ReasonOf(meetings_->followup().SettleMeeting(kKam, settle).status()), "CHARGES_MISSING");  // venue, extras
  charges.clear_charges();
  add(v1::VENUE, 10000);
  add(v1::EXTRAS, 1500);
  ASSERT_TRUE(meetings_->followup().RecordCharges(kKam, charges).ok());
  EXPECT_EQ(ReasonOf(meetings_->followup().SettleMeeting(kKam, settle).status()), "BILL_NOT_ACCEPTED");
  v1::RecordBillReviewRequest review;
  review.set_name(bill);
  review.set_reviewer("ACME 王经理");
  review.set_accepted(false);
  EXPECT_EQ(FieldOf(meetings_->followup().RecordBillReview(kKam, review).status()), "comment");
  review.set_accepted(true);
  auto reviewed = meetings_->followup().RecordBillReview(kKam, review);
  ASSERT_TRUE(reviewed.ok()) << reviewed.status();
  const int64_t actual = (125 * 150 + 60 * 760 + 10000 + 1500) * 100;
  EXPECT_EQ(reviewed->actual_total().amount_minor(), actual);
  EXPECT_EQ(reviewed->agreed_total().amount_minor(), (120 * 150 + 60 * 760 + 10000 + 1500) * 100);
  EXPECT_EQ(reviewed->lines(1).difference().amount_minor(), 5 * 150 * 100);  // FNB
  EXPECT_EQ(reviewed->balance().amount_minor(), actual - 20000 * 100);

  auto settled = meetings_->followup().SettleMeeting(kFinance, settle);
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(settled->state(), Meeting::SETTLED);
  auto again = meetings_->followup().SettleMeeting(kFinance, settle);  // a retry
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->etag(), settled->etag());
  auto ledger = Outbox(OutboxEntry::kLedger);
  ASSERT_EQ(ledger.size(), 1u);
  clients::v1::CreateLedgerEntryRequest posted;
  ASSERT_TRUE(posted.ParseFromString(ledger[0].body));
  EXPECT_EQ(posted.parent(), "accounts/acme");
  EXPECT_EQ(posted.entry().type(), clients::v1::LedgerEntry::CHARGE);
  EXPECT_EQ(posted.entry().amount().amount_minor(), actual - 20000 * 100);
  EXPECT_EQ(posted.entry().reference(), bill);
  EXPECT_EQ(CodeOf(meetings_->followup().RecordPayment(kFinance, deposit)), Code::kFailedPrecondition);

  v1::RecordGuestPreferencesRequest prefs;
  prefs.set_name(m.name());
  auto* p = prefs.add_preferences();
  p->set_category("DIETARY");
  p->set_description("张总不吃辣");
  p->set_guest_name("张总");
  p = prefs.add_preferences();
  p->set_category("SMELL");
  p->set_description("x");
  EXPECT_EQ(FieldOf(meetings_->followup().RecordGuestPreferences(kKam, prefs).status()), "preferences[1].category");
  p->set_category("ROOM");
  p->set_description("高楼层，远离电梯");
  auto recorded = meetings_->followup().RecordGuestPreferences(kKam, prefs);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->preferences_recorded(), 2);
  auto sent = Outbox(OutboxEntry::kPreference);
  ASSERT_EQ(sent.size(), 2u);
  clients::v1::CreatePreferenceRequest first;
  ASSERT_TRUE(first.ParseFromString(sent[0].body));
  EXPECT_EQ(first.preference().category(), clients::v1::Preference::DIETARY);
  EXPECT_EQ(first.preference().source(), m.name());
  EXPECT_EQ(first.request_id(), m.name() + "/preferences/1");
}

TEST_F(SalesTest, TodayViewShowsMeetingsInHouseTheirVipsRoomsAndUnsignedDepartments) {
  Meeting m = Issued();
  board_.Deliver(IdOf(m), 1, {"fnb", "rooms"});
  v1::GetTodayViewRequest req;
  *req.mutable_date() = D(2026, 12, 17);
  auto today = meetings_->followup().GetTodayView(kFnb, req);
  ASSERT_TRUE(today.ok()) << today.status();
  ASSERT_EQ(today->meetings_size(), 1);
  const auto& t = today->meetings(0);
  EXPECT_EQ(t.meeting(), m.name());
  EXPECT_TRUE(t.arriving());
  EXPECT_FALSE(t.departing());
  ASSERT_EQ(t.vips_size(), 1);
  EXPECT_EQ(t.vips(0).name(), "张总");
  EXPECT_EQ(std::vector<std::string>(t.unsigned_departments().begin(), t.unsigned_departments().end()),
            (std::vector<std::string>{"front_office", "engineering"}));
  EXPECT_TRUE(today->signatures_known());

  *req.mutable_date() = D(2026, 12, 18);
  today = meetings_->followup().GetTodayView(kManager, req);
  ASSERT_EQ(today->meetings_size(), 1);
  EXPECT_TRUE(today->meetings(0).departing());
  *req.mutable_date() = D(2026, 12, 19);
  EXPECT_EQ(meetings_->followup().GetTodayView(kManager, req)->meetings_size(), 0);
  clock_.Set(kMeetingStart);  // no date: the hotel's today
  req.clear_date();
  EXPECT_EQ(meetings_->followup().GetTodayView(kManager, req)->meetings_size(), 1);
  board_.down = true;
  EXPECT_FALSE(meetings_->followup().GetTodayView(kManager, req)->signatures_known());
  req.mutable_date()->set_month(13);
  EXPECT_EQ(FieldOf(meetings_->followup().GetTodayView(kManager, req).status()), "date");
}

// Each RPC's "Callers:" line of the proto, for every role: the roles it
// names get past the role and ownership checks (whatever else they get),
// every other role gets PERMISSION_DENIED. "kam" handles the meeting,
// "other_kam" does not.
TEST_F(SalesTest, RoleMatrixFollowsTheProto) {
  Meeting m = Completed();
  const std::vector<std::pair<std::string, Principal>> roles = {
      {"manager", kManager}, {"kam", kKam},         {"other_kam", kKam2},  {"clerk", kClerk},        {"gm_office", kGm},
      {"fnb", kFnb},         {"finance", kFinance}, {"service", kService}, {"inspector", kInspector}};
  const std::set<std::string> staff = {"manager", "kam", "other_kam", "clerk", "gm_office"};
  const auto with = [](std::set<std::string> set, std::initializer_list<std::string> more) {
    set.insert(more.begin(), more.end());
    return set;
  };
  const std::set<std::string> handlers = {"manager", "kam"};
  struct Row {
    std::string rpc;
    std::set<std::string> allowed;
    std::function<absl::Status(const Principal&)> call;
  };
  const std::string bill = m.name() + "/settlement";
  const std::vector<Row> rows = {
      {"GetMeeting", with(staff, {"service", "fnb", "finance"}),
       [&](const Principal& who) {
         v1::GetMeetingRequest r;
         r.set_name(m.name());
         return meetings_->pipeline().GetMeeting(who, r).status();
       }},
      {"ListMeetings", with(staff, {"service"}),
       [&](const Principal& who) { return meetings_->pipeline().ListMeetings(who, {}).status(); }},
      {"CreateRoom",
       {"manager"},
       [&](const Principal& who) { return meetings_->diary().CreateRoom(who, {}).status(); }},
      {"CreateLostReason",
       {"manager"},
       [&](const Principal& who) { return meetings_->pipeline().CreateLostReason(who, {}).status(); }},
      {"GetLostReason", with(staff, {"service", "fnb", "finance"}),
       [&](const Principal& who) { return meetings_->pipeline().GetLostReason(who, {}).status(); }},
      {"ListLostReasons", with(staff, {"service", "fnb", "finance"}),
       [&](const Principal& who) { return meetings_->pipeline().ListLostReasons(who, {}).status(); }},
      {"UpdateLostReason",
       {"manager"},
       [&](const Principal& who) { return meetings_->pipeline().UpdateLostReason(who, {}).status(); }},
      {"RetireLostReason",
       {"manager"},
       [&](const Principal& who) { return meetings_->pipeline().RetireLostReason(who, {}).status(); }},
      {"GetPriceList", with(staff, {"service"}),
       [&](const Principal& who) { return meetings_->sales().GetPriceList(who, {}).status(); }},
      {"UpdatePriceList",
       {"manager"},
       [&](const Principal& who) {
         v1::UpdatePriceListRequest r;
         r.mutable_update_mask()->add_paths("state");
         return meetings_->sales().UpdatePriceList(who, r).status();
       }},
      {"ListAgreements", with(staff, {"service"}),
       [&](const Principal& who) {
         v1::ListAgreementsRequest r;
         r.set_parent(m.name());
         return meetings_->sales().ListAgreements(who, r).status();
       }},
      {"CreateAgreement", handlers,
       [&](const Principal& who) {
         v1::CreateAgreementRequest r;
         r.set_parent(m.name());
         return meetings_->sales().CreateAgreement(who, r).status();
       }},
      {"ListApprovalRequests", staff,
       [&](const Principal& who) {
         v1::ListApprovalRequestsRequest r;
         r.set_parent(m.name());
         return meetings_->sales().ListApprovalRequests(who, r).status();
       }},
      {"ApproveRequest",
       {"manager", "gm_office"},
       [&](const Principal& who) { return meetings_->sales().ApproveRequest(who, {}).status(); }},
      {"RejectRequest",
       {"manager", "gm_office"},
       [&](const Principal& who) { return meetings_->sales().RejectRequest(who, {}).status(); }},
      {"GetMeetingNotice", with(staff, {"service", "fnb", "finance"}),
       [&](const Principal& who) {
         v1::GetMeetingNoticeRequest r;
         r.set_name(m.name() + "/notice");
         return meetings_->preparation().GetMeetingNotice(who, r).status();
       }},
      {"CheckItem", handlers,
       [&](const Principal& who) {
         v1::CheckItemRequest r;
         r.set_meeting(m.name());
         r.set_item("x");
         return meetings_->preparation().CheckItem(who, r).status();
       }},
      {"StartMeeting", handlers,
       [&](const Principal& who) { return meetings_->preparation().StartMeeting(who, MoveOf(m)).status(); }},
      {"CreateTrackingEntry",
       {"manager", "kam", "clerk", "fnb", "finance"},
       [&](const Principal& who) {
         v1::CreateTrackingEntryRequest r;
         r.set_parent(m.name());
         r.mutable_tracking_entry()->set_kind(v1::TrackingEntry::FEEDBACK);
         r.mutable_tracking_entry()->set_aspect(v1::TrackingEntry::OTHER);
         r.mutable_tracking_entry()->set_description("客房安静");
         return meetings_->followup().CreateTrackingEntry(who, r).status();
       }},
      {"ListTrackingEntries", with(staff, {"service", "fnb", "finance"}),
       [&](const Principal& who) {
         v1::ListTrackingEntriesRequest r;
         r.set_parent(m.name());
         return meetings_->followup().ListTrackingEntries(who, r).status();
       }},
      // Finance records the charges and payments and settles: it reads the bill.
      {"GetSettlement", with(staff, {"service", "finance"}),
       [&](const Principal& who) {
         v1::GetSettlementRequest r;
         r.set_name(bill);
         return meetings_->followup().GetSettlement(who, r).status();
       }},
      {"RecordCharges",
       {"manager", "kam", "finance"},
       [&](const Principal& who) {
         v1::RecordChargesRequest r;
         r.set_name(bill);
         auto* c = r.add_charges();
         c->set_category(v1::ROOMS);
         *c->mutable_amount() = Yuan(1);
         c->set_explanation("核对");
         return meetings_->followup().RecordCharges(who, r).status();
       }},
      // The client's review is the sales side's, not finance's.
      {"RecordBillReview", handlers,
       [&](const Principal& who) {
         v1::RecordBillReviewRequest r;
         r.set_name(bill);
         r.set_reviewer("王经理");
         r.set_accepted(true);
         return meetings_->followup().RecordBillReview(who, r).status();
       }},
      {"RecordGuestPreferences", handlers,
       [&](const Principal& who) {
         v1::RecordGuestPreferencesRequest r;
         r.set_name(m.name());
         auto* p = r.add_preferences();
         p->set_category("DIETARY");
         p->set_description("张总不吃辣");
         return meetings_->followup().RecordGuestPreferences(who, r).status();
       }},
      {"GetTodayView", with(staff, {"fnb", "finance"}),
       [&](const Principal& who) { return meetings_->followup().GetTodayView(who, {}).status(); }},
  };
  for (const Row& row : rows) {
    for (const auto& [role, who] : roles) {
      const absl::Status s = row.call(who);
      EXPECT_EQ(s.code() == Code::kPermissionDenied, row.allowed.count(role) == 0)
          << row.rpc << " as " << role << ": " << s;
    }
  }
}

// A department reads its own section of the meeting's notice only.
TEST_F(SalesTest, ADepartmentReadsItsOwnSectionOfTheMeetingsNotice) {
  Meeting m = Issued();
  v1::GetMeetingNoticeRequest req;
  req.set_name(m.name() + "/notice");
  auto all = meetings_->preparation().GetMeetingNotice(kManager, req);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_GT(all->content().sections_size(), 1);
  auto own = meetings_->preparation().GetMeetingNotice(kFnb, req);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->content().sections_size(), 1);
  EXPECT_EQ(own->content().sections(0).department(), "fnb");
}

TEST_F(SalesTest, ReadsAndRefusalsTheProtoDocuments) {
  Meeting m = AtIntent();
  v1::GetAgreementRequest get;
  get.set_name(m.name() + "/agreements/1");
  EXPECT_EQ(CodeOf(meetings_->sales().GetAgreement(kKam, get)), Code::kNotFound);
  get.set_name(m.name() + "/agreements/first");
  EXPECT_EQ(FieldOf(meetings_->sales().GetAgreement(kKam, get).status()), "name");
  EXPECT_EQ(CodeOf(meetings_->sales().GetAgreement(kFnb, get)), Code::kPermissionDenied);
  v1::ListAgreementsRequest list;
  list.set_parent("meetings/nosuchmeeting");
  EXPECT_EQ(CodeOf(meetings_->sales().ListAgreements(kKam, list)), Code::kNotFound);
  list.set_parent(m.name());
  list.set_page_token("forged");
  EXPECT_EQ(FieldOf(meetings_->sales().ListAgreements(kKam, list).status()), "page_token");
  v1::GetApprovalRequestRequest get_approval;
  get_approval.set_name(m.name() + "/approvals/nothing");
  EXPECT_EQ(CodeOf(meetings_->sales().GetApprovalRequest(kManager, get_approval)), Code::kNotFound);
  v1::GetSettlementRequest bill;
  bill.set_name(m.name() + "/bill");
  EXPECT_EQ(FieldOf(meetings_->followup().GetSettlement(kManager, bill).status()), "name");
  v1::RecordPaymentRequest pay;
  pay.set_name(m.name() + "/settlement");
  *pay.mutable_payment()->mutable_amount() = Yuan(100);
  pay.mutable_payment()->set_reference("R-1");
  *pay.mutable_payment()->mutable_date() = D(2026, 12, 1);
  EXPECT_EQ(ReasonOf(meetings_->followup().RecordPayment(kFinance, pay).status()),
            "INVALID_STATE_TRANSITION");  // no agreement
  pay.mutable_payment()->mutable_date()->set_day(32);
  EXPECT_EQ(FieldOf(meetings_->followup().RecordPayment(kFinance, pay).status()), "payment.date");

  // Approval requests: not for a draft within authority, a signed version, or
  // a discount no role may grant; a stale request cannot be approved.
  auto within = Draft(m, Content(760));
  ASSERT_TRUE(within.ok());
  v1::CreateApprovalRequestRequest ask;
  ask.set_parent(m.name());
  ask.mutable_approval_request()->set_agreement(within->name());
  EXPECT_EQ(ReasonOf(meetings_->sales().CreateApprovalRequest(kKam, ask).status()), "WITHIN_AUTHORITY");
  ask.mutable_approval_request()->set_agreement("meetings/other/agreements/1");
  EXPECT_EQ(FieldOf(meetings_->sales().CreateApprovalRequest(kKam, ask).status()), "approval_request.agreement");
  v1::UpdateAgreementRequest free;
  *free.mutable_agreement() = Content(0);
  free.mutable_agreement()->set_name(within->name());
  auto given_away = meetings_->sales().UpdateAgreement(kKam, free);
  ASSERT_TRUE(given_away.ok()) << given_away.status();
  ask.mutable_approval_request()->set_agreement(within->name());
  auto to_gm = meetings_->sales().CreateApprovalRequest(kKam, ask);  // 100% below list: only the GM office may
  ASSERT_TRUE(to_gm.ok()) << to_gm.status();
  EXPECT_EQ(to_gm->approver_role(), "gm_office");
  free.mutable_agreement()->mutable_prices(0)->mutable_unit_price()->set_amount_minor(68000);
  auto at_15 = meetings_->sales().UpdateAgreement(kKam, free);
  ASSERT_TRUE(at_15.ok());
  auto request = meetings_->sales().CreateApprovalRequest(kKam, ask);
  ASSERT_TRUE(request.ok()) << request.status();
  free.mutable_agreement()->set_special_arrangements("改了");
  ASSERT_TRUE(meetings_->sales().UpdateAgreement(kKam, free).ok());
  testing::MeetingRequest decide;
  decide.set_name(request->name());
  EXPECT_EQ(ReasonOf(meetings_->sales().ApproveRequest(kManager, decide).status()), "AGREEMENT_CHANGED");

  v1::GetPriceListRequest bad_list;
  bad_list.set_name("prices");
  EXPECT_EQ(FieldOf(meetings_->sales().GetPriceList(kManager, bad_list).status()), "name");
  v1::GetMeetingNoticeRequest bad_notice;
  bad_notice.set_name(m.name());
  EXPECT_EQ(FieldOf(meetings_->preparation().GetMeetingNotice(kManager, bad_notice).status()), "name");
  v1::RecordChargesRequest nowhere;
  nowhere.set_name("meetings/nosuchmeeting/settlement");
  auto* charge = nowhere.add_charges();
  charge->set_category(v1::AV);
  *charge->mutable_amount() = Yuan(1);
  EXPECT_EQ(CodeOf(meetings_->followup().RecordCharges(kKam, nowhere)), Code::kNotFound);
  v1::RecordPaymentRequest pay_nowhere = pay;
  pay_nowhere.set_name("meetings/nosuchmeeting/settlement");
  pay_nowhere.mutable_payment()->mutable_date()->set_day(2);
  EXPECT_EQ(CodeOf(meetings_->followup().RecordPayment(kFinance, pay_nowhere)), Code::kNotFound);

  // A charge review before any charge.
  Meeting done = Completed();
  v1::RecordBillReviewRequest review;
  review.set_name(done.name() + "/settlement");
  review.set_accepted(true);
  review.set_reviewer("王经理");
  EXPECT_EQ(ReasonOf(meetings_->followup().RecordBillReview(kKam, review).status()), "CHARGES_MISSING");
  v1::RecordChargesRequest charges;
  charges.set_name(done.name() + "/settlement");
  EXPECT_EQ(FieldOf(meetings_->followup().RecordCharges(kKam, charges).status()), "charges");
  auto* c = charges.add_charges();
  c->set_category(v1::AV);
  *c->mutable_amount() = Yuan(10);
  *charges.add_charges() = *c;
  EXPECT_EQ(FieldOf(meetings_->followup().RecordCharges(kKam, charges).status()), "charges[1].category");
  EXPECT_EQ(CodeOf(meetings_->followup().GetSettlement(kFnb,
                                                       [&] {
                                                         v1::GetSettlementRequest r;
                                                         r.set_name(done.name() + "/settlement");
                                                         return r;
                                                       }())),
            Code::kPermissionDenied);
}

TEST_F(SalesTest, ADiscardedDraftMakesWayForANewVersion) {
  Meeting m = AtIntent();
  auto first = Draft(m, Content(680));
  ASSERT_TRUE(first.ok()) << first.status();
  v1::CreateApprovalRequestRequest ask;
  ask.set_parent(m.name());
  ask.mutable_approval_request()->set_agreement(first->name());
  auto pending = meetings_->sales().CreateApprovalRequest(kKam, ask);
  ASSERT_TRUE(pending.ok()) << pending.status();

  v1::DiscardAgreementRequest discard;
  discard.set_name(first->name());
  EXPECT_EQ(CodeOf(meetings_->sales().DiscardAgreement(kKam2, discard)), Code::kPermissionDenied);  // not their meeting
  EXPECT_EQ(CodeOf(meetings_->sales().DiscardAgreement(kClerk, discard)), Code::kPermissionDenied);
  discard.set_etag("stale");
  EXPECT_EQ(CodeOf(meetings_->sales().DiscardAgreement(kKam, discard)), Code::kAborted);
  discard.clear_etag();
  auto discarded = meetings_->sales().DiscardAgreement(kKam, discard);
  ASSERT_TRUE(discarded.ok()) << discarded.status();
  EXPECT_EQ(discarded->state(), Agreement::DISCARDED);
  EXPECT_TRUE(meetings_->sales().DiscardAgreement(kKam, discard).ok());  // harmless again
  EXPECT_EQ(ReasonOf(Sign(*first).status()), "NOT_A_DRAFT");
  // Its approval request is out of the manager's queue and cannot be granted.
  v1::GetApprovalRequestRequest get_request;
  get_request.set_name(pending->name());
  EXPECT_EQ(meetings_->sales().GetApprovalRequest(kManager, get_request)->state(), v1::ApprovalRequest::WITHDRAWN);
  v1::ListApprovalRequestsRequest queue;
  queue.set_parent("meetings/-");
  queue.set_pending_for_me(true);
  EXPECT_EQ(meetings_->sales().ListApprovalRequests(kManager, queue)->approval_requests_size(), 0);
  testing::MeetingRequest decide;
  decide.set_name(pending->name());
  EXPECT_EQ(ReasonOf(meetings_->sales().ApproveRequest(kManager, decide).status()), "ALREADY_DECIDED");

  // The next draft is version 2; a copy of nothing signed is empty.
  auto second = Draft(m, Content(760));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->version(), 2);
  ASSERT_TRUE(Sign(*second).ok());
  discard.set_name(second->name());
  EXPECT_EQ(ReasonOf(meetings_->sales().DiscardAgreement(kKam, discard).status()), "NOT_A_DRAFT");

  // A copy is of the signed version, not of a discarded draft.
  auto third = Draft(m, Agreement());
  ASSERT_TRUE(third.ok()) << third.status();
  v1::UpdateAgreementRequest update;
  update.mutable_agreement()->set_name(third->name());
  update.mutable_agreement()->set_attendees(999);
  update.mutable_update_mask()->add_paths("attendees");
  ASSERT_TRUE(meetings_->sales().UpdateAgreement(kKam, update).ok());
  discard.set_name(third->name());
  ASSERT_TRUE(meetings_->sales().DiscardAgreement(kManager, discard).ok());
  auto fourth = Draft(m, Agreement());
  ASSERT_TRUE(fourth.ok()) << fourth.status();
  EXPECT_EQ(fourth->version(), 4);
  EXPECT_EQ(fourth->attendees(), second->attendees());
  EXPECT_EQ(fourth->prices(0).unit_price().amount_minor(), 76000);
  v1::ListAgreementsRequest list;
  list.set_parent(m.name());
  auto all = meetings_->sales().ListAgreements(kManager, list);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->agreements_size(), 4);  // the discarded ones are kept
  EXPECT_EQ(all->agreements(0).state(), Agreement::DISCARDED);
  EXPECT_EQ(all->agreements(2).state(), Agreement::DISCARDED);
}

// ---- Values out of range ----

TEST_F(SalesTest, TenLinesOfAMillionAtTenBillionYuanAreRefusedNotWrapped) {
  Meeting m = AtIntent();
  Agreement huge = Content();
  huge.clear_prices();
  for (int i = 0; i < 10; ++i) {
    auto* line = huge.add_prices();
    line->set_category(v1::EXTRAS);
    line->set_description("gold-plated souvenir " + std::to_string(i));
    line->set_quantity(1'000'000);
    line->mutable_unit_price()->set_amount_minor(1'000'000'000'000);  // 10^12 fen
  }
  auto refused = Draft(m, huge);
  EXPECT_EQ(CodeOf(refused), Code::kInvalidArgument);
  EXPECT_EQ(FieldOf(refused.status()), "agreement.prices[0]");
  // Lines within the bound whose sum is not: the total is refused.
  huge.clear_prices();
  for (int i = 0; i < 2; ++i) {
    auto* line = huge.add_prices();
    line->set_category(v1::FNB);  // off the list, in a category that has list prices
    line->set_description("banquet " + std::to_string(i));
    line->set_quantity(1'000'000);
    line->mutable_unit_price()->set_amount_minor(600'000'000);  // 6·10^14 fen a line
  }
  EXPECT_EQ(FieldOf(Draft(m, huge).status()), "agreement.prices");
  huge.mutable_prices(0)->set_quantity(1'000'001);
  EXPECT_EQ(FieldOf(Draft(m, huge).status()), "agreement.prices[0].quantity");
  huge.mutable_prices(0)->set_quantity(1);
  huge.mutable_prices(0)->mutable_unit_price()->set_amount_minor(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(FieldOf(Draft(m, huge).status()), "agreement.prices[0].unit_price.amount_minor");
  // Nothing was stored: no version, and a sound draft is still the first.
  EXPECT_EQ(Get(m)->agreement_version(), 0);
  auto a = Draft(m, Content());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->name(), m.name() + "/agreements/1");
  EXPECT_GT(a->total().amount_minor(), 0);
}

TEST_F(SalesTest, AgreementTimesAndDatesOutOfRangeAreRefusedByField) {
  Meeting m = AtIntent();
  Agreement bad = Content();
  bad.mutable_start_time()->set_nanos(-1);
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.start_time.nanos");
  bad = Content();
  bad.mutable_start_time()->set_seconds(int64_t{1} << 62);
  bad.mutable_end_time()->set_seconds((int64_t{1} << 62) + 3600);
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.start_time");
  bad = Content();
  bad.mutable_venues(0)->mutable_end_time()->set_nanos(1'000'000'000);
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.venues[0].end_time.nanos");
  bad = Content();
  *bad.mutable_room_block(0)->mutable_night() = D(50000, 12, 17);
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.room_block[0].night");
  bad = Content();
  *bad.mutable_guests(0)->mutable_departure() = D(10000, 1, 1);
  EXPECT_EQ(FieldOf(Draft(m, bad).status()), "agreement.guests[0].departure");
  EXPECT_EQ(Get(m)->agreement_version(), 0);
  v1::GetTodayViewRequest today;
  *today.mutable_date() = D(0, 1, 1);
  EXPECT_EQ(FieldOf(meetings_->followup().GetTodayView(kManager, today).status()), "date");
}

TEST_F(SalesTest, PaymentsNeverSumBeyondTheLargestAmount) {
  Meeting m = Issued();
  v1::RecordPaymentRequest pay;
  pay.set_name(m.name() + "/settlement");
  pay.mutable_payment()->mutable_amount()->set_amount_minor(kMaxAmountMinor);
  pay.mutable_payment()->set_reference("R-1");
  *pay.mutable_payment()->mutable_date() = D(2026, 12, 1);
  auto first = meetings_->followup().RecordPayment(kFinance, pay);
  ASSERT_TRUE(first.ok()) << first.status();
  pay.mutable_payment()->mutable_amount()->set_amount_minor(1);
  pay.mutable_payment()->set_reference("R-2");
  auto over = meetings_->followup().RecordPayment(kFinance, pay);
  EXPECT_EQ(CodeOf(over), Code::kInvalidArgument);
  EXPECT_EQ(FieldOf(over.status()), "payment.amount");
  pay.mutable_payment()->mutable_amount()->set_amount_minor(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(FieldOf(meetings_->followup().RecordPayment(kFinance, pay).status()), "payment.amount.amount_minor");
  v1::GetSettlementRequest get;
  get.set_name(m.name() + "/settlement");
  auto bill = meetings_->followup().GetSettlement(kManager, get);
  ASSERT_TRUE(bill.ok()) << bill.status();
  EXPECT_EQ(bill->paid().amount_minor(), kMaxAmountMinor);
  EXPECT_EQ(bill->payments_size(), 1);
  EXPECT_EQ(bill->balance().amount_minor(), -kMaxAmountMinor);
  *pay.mutable_payment()->mutable_date() = D(2201, 1, 1);
  pay.mutable_payment()->mutable_amount()->set_amount_minor(1);
  EXPECT_EQ(FieldOf(meetings_->followup().RecordPayment(kFinance, pay).status()), "payment.date");
}

// The printed agreement, read back as a reader would (pdftotext): a draft
// says it is one; once signed, the signatories and the time.
TEST_F(SalesTest, AnAgreementPrintsWithBothPartiesAndItsState) {
  Meeting m = AtIntent();
  auto draft = Draft(m, Content());
  ASSERT_TRUE(draft.ok()) << draft.status();
  testing::PdfReader reader;
  v1::PrintAgreementRequest req;
  req.set_name(draft->name());
  auto printed = meetings_->sales().PrintAgreement(kKam, req);
  ASSERT_TRUE(printed.ok()) << printed.status();
  EXPECT_EQ(printed->media_type(), "application/pdf");
  EXPECT_EQ(printed->file_name(), absl::StrCat("agreement-", m.name().substr(9), "-v1.pdf"));
  EXPECT_EQ(reader.Pages(printed->data()), printed->page_count());
  EXPECT_EQ(reader.Rendered(printed->data()), printed->page_count());
  std::string text = reader.Text(printed->data());
  for (const std::string& want : {std::string("会议协议书"),
                                  std::string("Atrium 酒店"),
                                  std::string("草稿，未签署"),
                                  std::string("ACME 华东区"),
                                  m.title(),
                                  m.name(),
                                  std::string("120"),
                                  std::string("deluxe-king"),
                                  std::string("60 间"),
                                  std::string("2026-12-17 午餐"),
                                  std::string("lunch-150"),
                                  std::string("剧院式"),
                                  std::string("两支无线话筒"),
                                  std::string("张总（VIP）"),
                                  std::string("董事长"),
                                  std::string("45,600.00 元"),
                                  std::string("18,000.00 元"),
                                  std::string("73,600.00 元"),
                                  std::string("甲方（客户）"),
                                  std::string("乙方（酒店）"),
                                  draft->name(),
                                  std::string("第 1 版")}) {
    EXPECT_TRUE(testing::PdfReader::Holds(text, want)) << want << " not in:\n" << text;
  }
  ASSERT_TRUE(Sign(*draft).ok());
  printed = meetings_->sales().PrintAgreement(kManager, req);
  ASSERT_TRUE(printed.ok()) << printed.status();
  text = reader.Text(printed->data());
  for (const char* want : {"已签署", "ACME 王经理", "kam-li"}) {
    EXPECT_TRUE(testing::PdfReader::Holds(text, want)) << want << " not in:\n" << text;
  }
  EXPECT_FALSE(testing::PdfReader::Holds(text, "草稿")) << text;

  // Who may print it, and what is refused.
  EXPECT_EQ(CodeOf(meetings_->sales().PrintAgreement(kFnb, req)), Code::kPermissionDenied);
  req.set_name(absl::StrCat(m.name(), "/agreements/9"));
  EXPECT_EQ(CodeOf(meetings_->sales().PrintAgreement(kManager, req)), Code::kNotFound);
  req.set_name("meetings/nothing/agreements/1");
  EXPECT_EQ(CodeOf(meetings_->sales().PrintAgreement(kManager, req)), Code::kNotFound);
  for (const std::string& bad : {m.name(), absl::StrCat(m.name(), "/agreements/x"),
                                 std::string("meetings//agreements/1"), std::string("agreements/1"), std::string("")}) {
    req.set_name(bad);
    EXPECT_EQ(FieldOf(meetings_->sales().PrintAgreement(kManager, req).status()), "name") << bad;
  }
}

// The day's paper in one file: what it holds, each notice of a meeting in
// house as the departments received it, the day's diary sheet.
TEST_F(SalesTest, TheDailyBatchHoldsTheDaysNoticesAndItsDiarySheet) {
  Meeting m = Issued();  // 2026-12-17 10:00 to 12-18 18:00
  v1::PrintDailyBatchRequest req;
  *req.mutable_date() = D(2026, 12, 17);
  // The notifications service has not received the revision yet.
  EXPECT_EQ(CodeOf(meetings_->followup().PrintDailyBatch(kManager, req)), Code::kUnavailable);
  v1::GetMeetingNoticeRequest get;
  get.set_name(m.name() + "/notice");
  auto notice = meetings_->preparation().GetMeetingNotice(kManager, get);
  ASSERT_TRUE(notice.ok()) << notice.status();
  board_.revisions[{IdOf(m), 1}] = notice->content();

  testing::PdfReader reader;
  auto pdf = meetings_->followup().PrintDailyBatch(kManager, req);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->file_name(), "daily-batch-2026-12-17.pdf");
  EXPECT_EQ(reader.Pages(pdf->data()), pdf->page_count());
  EXPECT_EQ(reader.Rendered(pdf->data()), pdf->page_count());
  std::string text = reader.Text(pdf->data());
  for (const std::string& want :
       {std::string("每日单据 2026-12-17"), std::string("本批包括"), m.title(), std::string("会议通知单"),
        std::string("餐饮安排"), std::string("午餐"), std::string("客房安排"), std::string("60间"),
        std::string("场地日程表"), std::string("12-17 周四"), notice->content().name()}) {
    EXPECT_TRUE(testing::PdfReader::Holds(text, want)) << want << " not in:\n" << text;
  }
  // F&B's batch: its own section, with its signature box.
  pdf = meetings_->followup().PrintDailyBatch(kFnb, req);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  text = reader.Text(pdf->data());
  EXPECT_TRUE(testing::PdfReader::Holds(text, "接收部门签收")) << text;
  EXPECT_TRUE(testing::PdfReader::Holds(text, "餐饮安排")) << text;
  EXPECT_FALSE(testing::PdfReader::Holds(text, "客房安排")) << text;
  // A day without a meeting in house: the diary sheet alone.
  *req.mutable_date() = D(2026, 12, 25);
  pdf = meetings_->followup().PrintDailyBatch(kManager, req);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  text = reader.Text(pdf->data());
  EXPECT_TRUE(testing::PdfReader::Holds(text, "场地日程表")) << text;
  EXPECT_FALSE(testing::PdfReader::Holds(text, m.title())) << text;

  EXPECT_EQ(CodeOf(meetings_->followup().PrintDailyBatch(kInspector, req)), Code::kPermissionDenied);
  req.mutable_date()->set_month(13);
  EXPECT_EQ(FieldOf(meetings_->followup().PrintDailyBatch(kManager, req).status()), "date");
  *req.mutable_date() = D(2026, 12, 17);
  board_.down = true;
  EXPECT_EQ(CodeOf(meetings_->followup().PrintDailyBatch(kManager, req)), Code::kUnavailable);
}

// A hotel without some of the departments a notice may concern: the notice
// has sections for those it has, and only their signatures are waited for.
TEST_F(SalesTest, TheNoticeConcernsOnlyTheDepartmentsTheHotelHas) {
  Policy policy;
  policy.zone = kShanghai;
  policy.notice_departments = {"fnb", "rooms"};
  meetings_ = std::make_unique<Meetings>(store_.get(), &directory_, &clock_, PageTokens("secret"), &board_, policy);
  Meeting m = Issued();
  auto notices = Outbox(OutboxEntry::kNotice);
  ASSERT_FALSE(notices.empty());
  notifications::v1::DispatchNoticeRequest sent;
  ASSERT_TRUE(sent.ParseFromString(notices.back().body));
  std::set<std::string> departments;
  for (const auto& section : sent.revision().sections()) departments.insert(section.department());
  EXPECT_EQ(departments, (std::set<std::string>{"fnb", "rooms"}));
  for (const auto& item : m.checklist()) EXPECT_TRUE(departments.count(item.department())) << item.id();
  for (const auto& item : m.checklist()) {
    v1::CheckItemRequest check;
    check.set_meeting(m.name());
    check.set_item(item.id());
    ASSERT_TRUE(meetings_->preparation().CheckItem(kKam, check).ok());
  }
  board_.Deliver(IdOf(m), 1, {"fnb", "rooms"});
  v1::MarkPreparedRequest prepare;
  prepare.set_name(m.name());
  auto prepared = meetings_->preparation().MarkPrepared(kKam, prepare);
  ASSERT_TRUE(prepared.ok()) << prepared.status();  // front office and engineering are not waited for
  EXPECT_EQ(prepared->state(), Meeting::PREPARED);
}

}  // namespace
}  // namespace atrium::meetings
