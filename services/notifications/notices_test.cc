// Domain tests of notices and dispatch records on a real SQLite file, with an
// injected clock and no Redis (delivery is tested against a real Redis in
// tests/). Every documented error of every RPC is exercised here or, for
// UNAUTHENTICATED and the wire format, in tests/notifications_redis_test.cc.
#include "services/notifications/notices.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/testing.h"
#include "common/testing_pdf.h"
#include "services/notifications/test_store.h"

namespace atrium::notifications {
namespace {

using Code = absl::StatusCode;
using v1::Dispatch;

const absl::Time kStart = absl::FromUnixSeconds(1795744800);  // 2026-11-27 10:00 Shanghai

using namespace testing::people;  // NOLINT(build/namespaces)
const Principal kFnb{"fnb-zhou", "Zhou (F&B)", Role::kDepartment, "fnb"};

using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;

class RecordingSink : public DispatchSink {
 public:
  void Dispatched(const DispatchBatch& d) override { seen.insert(seen.end(), d->begin(), d->end()); }
  std::vector<Dispatch> seen;
};

class NoticesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore("notifications");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    notices_ = std::make_unique<Notices>(store_.get(), &clock_, PageTokens("secret"), NoticesOptions());
    notices_->AddSink(&sink_);
  }

  v1::DispatchNoticeRequest Request(int revision, const std::string& lunch = "120", bool rooms = true) {
    v1::DispatchNoticeRequest req;
    auto* r = req.mutable_revision();
    r->set_notice_id("n-2027-dealers");
    r->set_revision(revision);
    r->set_meeting("meetings/m1");
    r->set_title("2027 华东区经销商年会");
    r->set_owner("kam-li");
    *r->mutable_meeting_start_time() = ToProto(kStart + absl::Hours(24 * 10));
    auto* fnb = r->add_sections();
    fnb->set_department("fnb");
    fnb->set_heading("餐饮安排");
    auto* f = fnb->add_fields();
    f->set_path("lunch/headcount");
    f->set_label("午餐人数");
    f->set_value(lunch);
    if (rooms) {
      auto* rs = r->add_sections();
      rs->set_department("rooms");
      auto* g = rs->add_fields();
      g->set_path("block/2027-03-15");
      g->set_label("3月15日房间数");
      g->set_value("40");
    }
    return req;
  }

  Dispatch Get(const std::string& name) {
    v1::GetDispatchRequest req;
    req.set_name(name);
    auto d = notices_->GetDispatch(kManager, req);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : Dispatch();
  }

  absl::StatusOr<Dispatch> Sign(const Principal& who, const std::string& name, const std::string& remark = "") {
    v1::SignDispatchRequest req;
    req.set_name(name);
    req.set_remark(remark);
    return notices_->SignDispatch(who, req);
  }

  FakeClock clock_{kStart};
  std::unique_ptr<NotificationsStore> store_;
  std::unique_ptr<Notices> notices_;
  RecordingSink sink_;
};

const char kFnbR1[] = "notices/n-2027-dealers/revisions/1/dispatches/fnb";
const char kRoomsR1[] = "notices/n-2027-dealers/revisions/1/dispatches/rooms";
const char kFnbR2[] = "notices/n-2027-dealers/revisions/2/dispatches/fnb";

TEST_F(NoticesTest, DispatchCreatesOneRecordPerDepartmentAndIsIdempotent) {
  auto n = notices_->DispatchNotice(kMeetings, Request(1));
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->name(), "notices/n-2027-dealers");
  EXPECT_EQ(n->current_revision(), 1);
  ASSERT_EQ(n->departments_size(), 2);
  EXPECT_EQ(n->departments(0).state(), Dispatch::AWAITING_SIGNATURE);
  ASSERT_EQ(sink_.seen.size(), 2u);
  Dispatch d = Get(kFnbR1);
  EXPECT_EQ(d.section().fields(0).value(), "120");
  EXPECT_EQ(d.event_id(), kFnbR1);
  EXPECT_EQ(d.owner(), "kam-li");
  // Ten days ahead: the ordinary four hours to sign.
  EXPECT_EQ(FromProto(d.sign_deadline()), kStart + absl::Hours(4));

  // The same revision again (a retry) creates and publishes nothing new.
  auto again = notices_->DispatchNotice(kMeetings, Request(1));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->current_revision(), 1);
  EXPECT_EQ(sink_.seen.size(), 2u);
  // The same number with other content is a conflict.
  auto other = notices_->DispatchNotice(kMeetings, Request(1, "999"));
  EXPECT_EQ(CodeOf(other), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(other.status()), "REVISION_CONTENT_DIFFERS");
}

// A revision sent again is a retry only from its sender: another sender of
// the same content is refused, not answered as if it had sent it.
TEST_F(NoticesTest, ARevisionIsRetriedOnlyByItsSender) {
  // A notice sent by hand names no meeting; its owner sends it, and the
  // manager could send its next revision.
  auto by_hand = Request(1);
  by_hand.mutable_revision()->clear_meeting();
  ASSERT_TRUE(notices_->DispatchNotice(kKam, by_hand).ok());
  auto again = notices_->DispatchNotice(kKam, by_hand);
  ASSERT_TRUE(again.ok()) << again.status();
  auto other = notices_->DispatchNotice(kManager, by_hand);
  EXPECT_EQ(CodeOf(other), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(other.status()), "REVISION_EXISTS");
}

TEST_F(NoticesTest, UrgentMeetingsMustBeSignedSooner) {
  auto req = Request(1);
  *req.mutable_revision()->mutable_meeting_start_time() = ToProto(kStart + absl::Hours(20));
  auto n = notices_->DispatchNotice(kMeetings, req);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(FromProto(Get(kFnbR1).sign_deadline()), kStart + absl::Minutes(30));
}

TEST_F(NoticesTest, RevisionSupersedesAndCarriesChanges) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  ASSERT_TRUE(Sign(kRooms, kRoomsR1, "房间已预留").ok());
  clock_.Advance(absl::Minutes(10));
  // Revision 2: lunch headcount changes and Rooms is no longer concerned.
  auto n = notices_->DispatchNotice(kMeetings, Request(2, "150", /*rooms=*/false));
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->current_revision(), 2);
  ASSERT_EQ(n->departments_size(), 2);  // fnb gets the new revision, rooms the withdrawal

  Dispatch old = Get(kFnbR1);
  EXPECT_EQ(old.state(), Dispatch::SUPERSEDED);
  EXPECT_EQ(old.superseded_by(), 2);
  Dispatch fnb2 = Get(kFnbR2);
  EXPECT_EQ(fnb2.state(), Dispatch::AWAITING_SIGNATURE);
  ASSERT_EQ(fnb2.changes_size(), 1);
  EXPECT_EQ(fnb2.changes(0).kind(), v1::FieldChange::MODIFIED);
  EXPECT_EQ(fnb2.changes(0).old_value(), "120");
  EXPECT_EQ(fnb2.changes(0).new_value(), "150");
  Dispatch rooms2 = Get("notices/n-2027-dealers/revisions/2/dispatches/rooms");
  EXPECT_EQ(rooms2.section().fields_size(), 0);
  ASSERT_EQ(rooms2.changes_size(), 1);
  EXPECT_EQ(rooms2.changes(0).kind(), v1::FieldChange::REMOVED);
  // Rooms' signature of revision 1 stays on record.
  EXPECT_EQ(Get(kRoomsR1).state(), Dispatch::SIGNED);
  EXPECT_EQ(Get(kRoomsR1).superseded_by(), 2);

  // Signing the superseded revision is refused, naming the current one.
  auto stale = Sign(kFnb, kFnbR1);
  EXPECT_EQ(CodeOf(stale), Code::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(stale.status()), "REVISION_SUPERSEDED");
  EXPECT_NE(std::string(stale.status().message()).find(kFnbR2), std::string::npos);
  ASSERT_TRUE(Sign(kFnb, kFnbR2).ok());

  v1::GetNoticeRequest get;
  get.set_name("notices/n-2027-dealers");
  auto view = notices_->GetNotice(kFnb, get);
  ASSERT_TRUE(view.ok());
  for (const auto& st : view->departments()) {
    if (st.department() == "fnb") {
      EXPECT_EQ(st.state(), Dispatch::SIGNED);
      EXPECT_EQ(st.last_signed_revision(), 2);
    } else {
      EXPECT_EQ(st.state(), Dispatch::AWAITING_SIGNATURE);
      EXPECT_EQ(st.last_signed_revision(), 1);
    }
  }
}

TEST_F(NoticesTest, RevisionsMustFollowInOrder) {
  auto skip = notices_->DispatchNotice(kMeetings, Request(2));
  EXPECT_EQ(CodeOf(skip), Code::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(skip.status()), "REVISION_OUT_OF_ORDER");
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kMeetings, Request(3))), Code::kFailedPrecondition);
  auto moved = Request(2);
  moved.mutable_revision()->set_meeting("meetings/other");
  EXPECT_EQ(FieldOf(notices_->DispatchNotice(kMeetings, moved).status()), "revision.meeting");
}

TEST_F(NoticesTest, SigningRules) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  EXPECT_EQ(CodeOf(Sign(kRooms, kFnbR1)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(Sign(kManager, kFnbR1)), Code::kPermissionDenied);
  EXPECT_EQ(FieldOf(Sign(kFnb, "notices/x/dispatches/fnb").status()), "name");
  EXPECT_EQ(CodeOf(Sign(kFnb, "notices/n-2027-dealers/revisions/9/dispatches/fnb")), Code::kNotFound);
  EXPECT_EQ(FieldOf(Sign(kFnb, kFnbR1, std::string(501, 'x')).status()), "remark");
  clock_.Advance(absl::Minutes(5));
  auto first = Sign(kFnb, kFnbR1, "菜单已确认");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->signer(), "fnb-zhou");
  EXPECT_EQ(first->signer_name(), "Zhou (F&B)");
  EXPECT_EQ(FromProto(first->sign_time()), kStart + absl::Minutes(5));
  // Signing twice is harmless: the first signature stands.
  clock_.Advance(absl::Minutes(5));
  auto second = Sign(kFnb, kFnbR1, "again");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->remark(), "菜单已确认");
  EXPECT_EQ(FromProto(second->sign_time()), kStart + absl::Minutes(5));
}

TEST_F(NoticesTest, DispatchValidationNamesTheField) {
  auto bad = [&](auto mutate) {
    auto req = Request(1);
    mutate(*req.mutable_revision());
    return FieldOf(notices_->DispatchNotice(kMeetings, req).status());
  };
  EXPECT_EQ(bad([](auto& r) { r.set_notice_id("Bad Id"); }), "revision.notice_id");
  EXPECT_EQ(bad([](auto& r) { r.set_revision(0); }), "revision.revision");
  EXPECT_EQ(bad([](auto& r) { r.set_meeting("rooms/1"); }), "revision.meeting");
  EXPECT_EQ(bad([](auto& r) { r.set_title(""); }), "revision.title");
  EXPECT_EQ(bad([](auto& r) { r.set_owner(""); }), "revision.owner");
  EXPECT_EQ(bad([](auto& r) { r.clear_meeting_start_time(); }), "revision.meeting_start_time");
  EXPECT_EQ(bad([](auto& r) { r.clear_sections(); }), "revision.sections");
  EXPECT_EQ(bad([](auto& r) { r.mutable_sections(0)->set_department("spa"); }), "revision.sections[0].department");
  EXPECT_EQ(bad([](auto& r) { r.mutable_sections(1)->set_department("fnb"); }), "revision.sections[1].department");
  EXPECT_EQ(bad([](auto& r) { r.mutable_sections(0)->mutable_fields(0)->set_path(""); }),
            "revision.sections[0].fields[0].path");
  EXPECT_EQ(bad([](auto& r) { *r.mutable_sections(0)->add_fields() = r.sections(0).fields(0); }),
            "revision.sections[0].fields[1].path");
  EXPECT_EQ(bad([](auto& r) { r.mutable_sections(0)->mutable_fields(0)->set_value(std::string(4001, 'x')); }),
            "revision.sections[0].fields[0].value");
  EXPECT_EQ(bad([](auto& r) { r.add_changes()->set_department("fnb"); }), "revision.changes");
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kFnb, Request(1))), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kClerk, Request(1))), Code::kPermissionDenied);
  EXPECT_TRUE(sink_.seen.empty());  // nothing refused was dispatched
}

// The examples: a malformed name (a signed, spaced or zero-led
// revision number, the wildcard where none is allowed) is INVALID_ARGUMENT
// naming the field, not NOT_FOUND.
TEST_F(NoticesTest, MalformedNamesAreInvalidArgumentNotNotFound) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  for (const std::string revision :
       {"notices/n-2027-dealers/revisions/+1", "notices/n-2027-dealers/revisions/ 1",
        "notices/n-2027-dealers/revisions/01", "notices/n-2027-dealers/revisions/1 ", "notices/-/revisions/1"}) {
    v1::GetNoticeRevisionRequest rev;
    rev.set_name(revision);
    auto got = notices_->GetNoticeRevision(kManager, rev);
    EXPECT_EQ(CodeOf(got), Code::kInvalidArgument) << revision;
    EXPECT_EQ(FieldOf(got.status()), "name") << revision;
    v1::GetDispatchRequest gd;
    gd.set_name(revision + "/dispatches/fnb");
    auto d = notices_->GetDispatch(kManager, gd);
    EXPECT_EQ(CodeOf(d), Code::kInvalidArgument) << gd.name();
    EXPECT_EQ(FieldOf(d.status()), "name") << gd.name();
    auto signed_ = Sign(kFnb, gd.name());
    EXPECT_EQ(CodeOf(signed_), Code::kInvalidArgument) << gd.name();
  }
  v1::GetNoticeRequest get;
  get.set_name("notices/-");
  EXPECT_EQ(FieldOf(notices_->GetNotice(kManager, get).status()), "name");
}

TEST_F(NoticesTest, QueriesAndTheirRules) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  auto other = Request(1);
  other.mutable_revision()->set_notice_id("n-other");
  other.mutable_revision()->set_meeting("meetings/m2");
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, other).ok());

  // A department lists its own dispatches; asking for another's is refused.
  v1::ListDispatchesRequest mine;
  auto r = notices_->ListDispatches(kFnb, mine);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->dispatches_size(), 2);
  EXPECT_EQ(r->dispatches(0).name(), kFnbR1);  // oldest first
  mine.set_department("rooms");
  EXPECT_EQ(CodeOf(notices_->ListDispatches(kFnb, mine)), Code::kPermissionDenied);
  mine.set_department("spa");
  EXPECT_EQ(FieldOf(notices_->ListDispatches(kManager, mine).status()), "department");

  // Unsigned, then overdue once the deadline passes; pages of one.
  ASSERT_TRUE(Sign(kFnb, kFnbR1).ok());
  v1::ListDispatchesRequest unsigned_req;
  unsigned_req.set_unsigned_only(true);
  unsigned_req.set_page_size(1);
  std::vector<std::string> seen;
  for (;;) {
    auto page = notices_->ListDispatches(kManager, unsigned_req);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& d : page->dispatches()) seen.push_back(d.name());
    if (page->next_page_token().empty()) break;
    unsigned_req.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(seen.size(), 3u);
  unsigned_req.set_unsigned_only(false);  // the token belongs to another query
  EXPECT_EQ(FieldOf(notices_->ListDispatches(kManager, unsigned_req).status()), "page_token");

  v1::ListDispatchesRequest overdue;
  overdue.set_overdue_only(true);
  EXPECT_EQ(notices_->ListDispatches(kManager, overdue)->dispatches_size(), 0);
  clock_.Advance(absl::Hours(5));
  EXPECT_EQ(notices_->ListDispatches(kManager, overdue)->dispatches_size(), 3);
  overdue.set_meeting("meetings/m2");
  EXPECT_EQ(notices_->ListDispatches(kManager, overdue)->dispatches_size(), 2);
  overdue.set_meeting("m2");
  EXPECT_EQ(FieldOf(notices_->ListDispatches(kManager, overdue).status()), "meeting");

  v1::ListNoticesRequest list;
  list.set_meeting("meetings/m1");
  auto notices = notices_->ListNotices(kKam, list);
  ASSERT_TRUE(notices.ok());
  ASSERT_EQ(notices->notices_size(), 1);
  EXPECT_TRUE(notices->notices(0).departments(1).overdue());
  EXPECT_EQ(CodeOf(notices_->ListNotices(kFnb, list)), Code::kPermissionDenied);
  list.set_meeting("bad");
  EXPECT_EQ(FieldOf(notices_->ListNotices(kKam, list).status()), "meeting");

  v1::GetNoticeRequest get;
  get.set_name("notices/missing");
  EXPECT_EQ(CodeOf(notices_->GetNotice(kKam, get)), Code::kNotFound);
  get.set_name("meetings/m1");
  EXPECT_EQ(FieldOf(notices_->GetNotice(kKam, get).status()), "name");
  EXPECT_EQ(CodeOf(notices_->GetNotice(kInspector, get)), Code::kPermissionDenied);

  v1::GetNoticeRevisionRequest rev;
  rev.set_name("notices/n-2027-dealers/revisions/1");
  auto got = notices_->GetNoticeRevision(kRooms, rev);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->sender(), "service:meetings");
  rev.set_name("notices/n-2027-dealers/revisions/7");
  EXPECT_EQ(CodeOf(notices_->GetNoticeRevision(kRooms, rev)), Code::kNotFound);
  rev.set_name("notices/n-2027-dealers/revisions/x");
  EXPECT_EQ(FieldOf(notices_->GetNoticeRevision(kRooms, rev).status()), "name");
  EXPECT_EQ(CodeOf(notices_->GetNoticeRevision(kInspector, rev)), Code::kPermissionDenied);

  v1::GetDispatchRequest gd;
  gd.set_name(kRoomsR1);
  EXPECT_EQ(CodeOf(notices_->GetDispatch(kFnb, gd)), Code::kPermissionDenied);
  gd.set_name("notices/n-2027-dealers/revisions/1/dispatches/finance");
  EXPECT_EQ(CodeOf(notices_->GetDispatch(kManager, gd)), Code::kNotFound);
  EXPECT_EQ(CodeOf(notices_->GetDispatch(kInspector, gd)), Code::kPermissionDenied);
  gd.set_name("notices/n-2027-dealers/revisions/0/dispatches/fnb");
  EXPECT_EQ(FieldOf(notices_->GetDispatch(kManager, gd).status()), "name");
  v1::ListDispatchesRequest by_notice;
  by_notice.set_notice("n-2027-dealers");
  EXPECT_EQ(FieldOf(notices_->ListDispatches(kManager, by_notice).status()), "notice");
  by_notice.set_notice("notices/n-2027-dealers");
  EXPECT_EQ(notices_->ListDispatches(kManager, by_notice)->dispatches_size(), 2);
  EXPECT_EQ(CodeOf(notices_->ListDispatches(kInspector, by_notice)), Code::kPermissionDenied);
  v1::ListNoticesRequest paged;
  paged.set_page_size(1);
  auto first_page = notices_->ListNotices(kManager, paged);
  ASSERT_TRUE(first_page.ok());
  EXPECT_EQ(first_page->notices(0).name(), "notices/n-other");  // newest first
  paged.set_page_token(first_page->next_page_token());
  auto second_page = notices_->ListNotices(kManager, paged);
  ASSERT_TRUE(second_page.ok());
  EXPECT_EQ(second_page->notices(0).name(), "notices/n-2027-dealers");
  paged.set_meeting("meetings/m1");
  EXPECT_EQ(FieldOf(notices_->ListNotices(kManager, paged).status()), "page_token");

  v1::WatchDispatchesRequest watch;
  watch.set_department("fnb");
  EXPECT_TRUE(notices_->CheckWatch(kFnb, watch).ok());
  EXPECT_EQ(notices_->CheckWatch(kRooms, watch).code(), Code::kPermissionDenied);
  EXPECT_EQ(notices_->CheckWatch(kKam, watch).code(), Code::kPermissionDenied);
  watch.set_department("spa");
  EXPECT_EQ(FieldOf(notices_->CheckWatch(kMeetings, watch)), "department");
  watch.set_department("\xff\xfe");
  EXPECT_EQ(FieldOf(notices_->CheckWatch(kMeetings, watch)), "department") << "invalid UTF-8 named, not garbled";
}

// A notice for a meeting comes from the meetings service, which knows the
// meeting exists; staff send by hand only notices that name no meeting.
TEST_F(NoticesTest, OnlyTheMeetingsServiceSendsAMeetingsNotice) {
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kKam, Request(1))), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kManager, Request(1))), Code::kPermissionDenied);
  EXPECT_TRUE(sink_.seen.empty());
  v1::GetNoticeRequest get;
  get.set_name("notices/n-2027-dealers");
  EXPECT_EQ(CodeOf(notices_->GetNotice(kManager, get)), Code::kNotFound);  // nothing was stored
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kManager, Request(2, "150"))), Code::kPermissionDenied);
  auto by_hand = Request(2, "150");
  by_hand.mutable_revision()->clear_meeting();
  EXPECT_EQ(FieldOf(notices_->DispatchNotice(kManager, by_hand).status()), "revision.meeting");
  EXPECT_EQ(Get(kFnbR1).state(), Dispatch::AWAITING_SIGNATURE);
  EXPECT_EQ(sink_.seen.size(), 2u);
}

// A revision comes from the notice's owner, the manager or the meetings
// service; the owner changes only by the manager or the meetings service,
// and the revision that changes it says so.
TEST_F(NoticesTest, ARevisionComesFromTheOwnerAndTheOwnerNeverChangesSilently) {
  const auto hand = [&](int revision, const std::string& owner, const std::string& lunch) {
    auto req = Request(revision, lunch);
    req.mutable_revision()->clear_meeting();
    req.mutable_revision()->set_owner(owner);
    return req;
  };
  // A KAM sends only notices they own.
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kKam, hand(1, "kam-zhao", "120"))), Code::kPermissionDenied);
  auto first = notices_->DispatchNotice(kKam, hand(1, "kam-li", "120"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->meeting(), "");
  EXPECT_EQ(first->owner(), "kam-li");
  const size_t published = sink_.seen.size();

  // Another KAM cannot send revision 2, whatever owner it names.
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kKam2, hand(2, "kam-zhao", "150"))), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kKam2, hand(2, "kam-li", "150"))), Code::kPermissionDenied);
  // Nor can the owner hand it over.
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kKam, hand(2, "kam-zhao", "150"))), Code::kPermissionDenied);
  EXPECT_EQ(Get(kFnbR1).state(), Dispatch::AWAITING_SIGNATURE);
  EXPECT_EQ(sink_.seen.size(), published);
  v1::GetNoticeRequest get;
  get.set_name("notices/n-2027-dealers");
  EXPECT_EQ(notices_->GetNotice(kManager, get)->owner(), "kam-li");
  EXPECT_EQ(notices_->GetNotice(kManager, get)->current_revision(), 1);

  // The owner sends revision 2.
  ASSERT_TRUE(notices_->DispatchNotice(kKam, hand(2, "kam-li", "150")).ok());
  v1::GetNoticeRevisionRequest rev;
  rev.set_name("notices/n-2027-dealers/revisions/2");
  EXPECT_EQ(notices_->GetNoticeRevision(kManager, rev)->previous_owner(), "");
  // The manager hands it over with revision 3: recorded in that revision.
  auto handed = notices_->DispatchNotice(kManager, hand(3, "kam-zhao", "160"));
  ASSERT_TRUE(handed.ok()) << handed.status();
  EXPECT_EQ(handed->owner(), "kam-zhao");
  rev.set_name("notices/n-2027-dealers/revisions/3");
  auto third = notices_->GetNoticeRevision(kManager, rev);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->previous_owner(), "kam-li");
  EXPECT_EQ(third->sender(), "mgr-wang");
  EXPECT_EQ(Get("notices/n-2027-dealers/revisions/3/dispatches/fnb").owner(), "kam-zhao");
  // From then on the new owner sends, the old one does not.
  EXPECT_EQ(CodeOf(notices_->DispatchNotice(kKam, hand(4, "kam-li", "170"))), Code::kPermissionDenied);
  ASSERT_TRUE(notices_->DispatchNotice(kKam2, hand(4, "kam-zhao", "170")).ok());
  // A retry of an accepted revision stays harmless.
  EXPECT_TRUE(notices_->DispatchNotice(kKam2, hand(4, "kam-zhao", "170")).ok());
}

// A department reads its own section of a revision and its own changes only.
TEST_F(NoticesTest, ADepartmentReadsOnlyItsOwnSectionOfARevision) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  auto second = Request(2, "150");
  second.mutable_revision()->mutable_sections(1)->mutable_fields(0)->set_value("45");
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, second).ok());
  v1::GetNoticeRevisionRequest rev;
  rev.set_name("notices/n-2027-dealers/revisions/2");
  auto all = notices_->GetNoticeRevision(kManager, rev);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->sections_size(), 2);
  EXPECT_EQ(all->changes_size(), 2);
  auto own = notices_->GetNoticeRevision(kFnb, rev);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->sections_size(), 1);
  EXPECT_EQ(own->sections(0).department(), "fnb");
  ASSERT_EQ(own->changes_size(), 1);
  EXPECT_EQ(own->changes(0).department(), "fnb");
  auto rooms = notices_->GetNoticeRevision(kRooms, rev);
  ASSERT_TRUE(rooms.ok());
  ASSERT_EQ(rooms->sections_size(), 1);
  EXPECT_EQ(rooms->sections(0).fields(0).value(), "45");
  EXPECT_EQ(notices_->GetNoticeRevision(kMeetings, rev)->sections_size(), 2);
}

// Each RPC's "Callers:" line of the proto, for every role: the roles it
// names get past the role and ownership checks (whatever else they get),
// every other role gets PERMISSION_DENIED. The notice is kam-li's.
TEST_F(NoticesTest, RoleMatrixFollowsTheProto) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  const std::vector<std::pair<std::string, Principal>> roles = {
      {"manager", kManager}, {"kam", kKam},     {"other_kam", kKam2},   {"clerk", kClerk},        {"gm_office", kGm},
      {"fnb", kFnb},         {"rooms", kRooms}, {"service", kMeetings}, {"inspector", kInspector}};
  const std::set<std::string> staff = {"manager", "kam", "other_kam", "clerk", "gm_office"};
  const auto with = [](std::set<std::string> set, std::initializer_list<std::string> more) {
    set.insert(more.begin(), more.end());
    return set;
  };
  struct Row {
    std::string rpc;
    std::set<std::string> allowed;
    std::function<absl::Status(const Principal&)> call;
  };
  int fresh = 0;
  const std::vector<Row> rows = {
      // By hand: a new notice of kam-li's each time.
      {"DispatchNotice",
       {"manager", "kam", "service"},
       [&](const Principal& who) {
         auto req = Request(1);
         req.mutable_revision()->clear_meeting();
         req.mutable_revision()->set_notice_id(absl::StrCat("n-by-hand-", ++fresh));
         return notices_->DispatchNotice(who, req).status();
       }},
      {"GetNotice", with(staff, {"service", "fnb", "rooms"}),
       [&](const Principal& who) {
         v1::GetNoticeRequest r;
         r.set_name("notices/n-2027-dealers");
         return notices_->GetNotice(who, r).status();
       }},
      {"ListNotices", with(staff, {"service"}),
       [&](const Principal& who) { return notices_->ListNotices(who, {}).status(); }},
      {"GetNoticeRevision", with(staff, {"service", "fnb", "rooms"}),
       [&](const Principal& who) {
         v1::GetNoticeRevisionRequest r;
         r.set_name("notices/n-2027-dealers/revisions/1");
         return notices_->GetNoticeRevision(who, r).status();
       }},
      {"GetDispatch", with(staff, {"service", "fnb"}),
       [&](const Principal& who) {
         v1::GetDispatchRequest r;
         r.set_name(kFnbR1);
         return notices_->GetDispatch(who, r).status();
       }},
      {"ListDispatches", with(staff, {"service", "fnb"}),
       [&](const Principal& who) {
         v1::ListDispatchesRequest r;
         r.set_department("fnb");
         return notices_->ListDispatches(who, r).status();
       }},
      {"SignDispatch", {"fnb"}, [&](const Principal& who) { return Sign(who, kFnbR1).status(); }},
      {"WatchDispatches",
       {"service", "fnb"},
       [&](const Principal& who) {
         v1::WatchDispatchesRequest r;
         r.set_department("fnb");
         return notices_->CheckWatch(who, r);
       }},
  };
  for (const Row& row : rows) {
    for (const auto& [role, who] : roles) {
      const absl::Status s = row.call(who);
      EXPECT_EQ(s.code() == Code::kPermissionDenied, row.allowed.count(role) == 0)
          << row.rpc << " as " << role << ": " << s;
    }
  }
}

TEST_F(NoticesTest, ANoticesRevisionsAreListedOldestFirst) {
  v1::ListNoticeRevisionsRequest list;
  for (const char* malformed : {"notices/-", "notices/ n-2027-dealers", "notices/n-2027-dealers/revisions/1"}) {
    list.set_parent(malformed);
    EXPECT_EQ(FieldOf(notices_->ListNoticeRevisions(kManager, list).status()), "parent") << malformed;
  }
  list.set_parent("notices/n-2027-dealers");
  EXPECT_EQ(CodeOf(notices_->ListNoticeRevisions(kManager, list)), Code::kNotFound);
  for (int r = 1; r <= 3; ++r) {
    ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(r, std::to_string(100 + 10 * r))).ok());
    clock_.Advance(absl::Minutes(1));
  }
  list.set_page_size(2);
  auto first = notices_->ListNoticeRevisions(kKam, list);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->revisions_size(), 2);
  EXPECT_EQ(first->revisions(0).revision(), 1);
  EXPECT_EQ(first->revisions(1).revision(), 2);
  EXPECT_EQ(first->revisions(1).sections_size(), 2);
  ASSERT_FALSE(first->next_page_token().empty());
  list.set_page_token(first->next_page_token());
  auto second = notices_->ListNoticeRevisions(kKam, list);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->revisions_size(), 1);
  EXPECT_EQ(second->revisions(0).revision(), 3);
  EXPECT_EQ(second->revisions(0).sections(0).fields(0).value(), "130");
  EXPECT_TRUE(second->next_page_token().empty());

  // A department sees its own section (and changes) only.
  list.clear_page_token();
  list.set_page_size(0);
  auto fnb = notices_->ListNoticeRevisions(kFnb, list);
  ASSERT_TRUE(fnb.ok()) << fnb.status();
  ASSERT_EQ(fnb->revisions_size(), 3);
  for (const auto& r : fnb->revisions()) {
    ASSERT_EQ(r.sections_size(), 1);
    EXPECT_EQ(r.sections(0).department(), "fnb");
    for (const auto& c : r.changes()) EXPECT_EQ(c.department(), "fnb");
  }

  EXPECT_EQ(CodeOf(notices_->ListNoticeRevisions(kInspector, list)), Code::kPermissionDenied);
  list.set_page_token(first->next_page_token());
  list.set_parent("notices/other");  // the token belongs to another notice
  EXPECT_EQ(FieldOf(notices_->ListNoticeRevisions(kManager, list).status()), "page_token");
  list.clear_page_token();
  list.set_parent("notices/n-2027-dealers/revisions/1");
  EXPECT_EQ(FieldOf(notices_->ListNoticeRevisions(kManager, list).status()), "parent");
  list.set_parent("notices/n-2027-dealers");
  list.set_page_size(-1);
  EXPECT_EQ(FieldOf(notices_->ListNoticeRevisions(kManager, list).status()), "page_size");
}

TEST_F(NoticesTest, AMeetingStartOutOfRangeIsRefusedByFieldAndNothingIsSent) {
  v1::DispatchNoticeRequest req = Request(1);
  req.mutable_revision()->mutable_meeting_start_time()->set_seconds(int64_t{1} << 62);
  auto refused = notices_->DispatchNotice(kMeetings, req);
  EXPECT_EQ(CodeOf(refused), Code::kInvalidArgument);
  EXPECT_EQ(FieldOf(refused.status()), "revision.meeting_start_time");
  req.mutable_revision()->mutable_meeting_start_time()->set_seconds(-62167219200);  // year 0
  EXPECT_EQ(FieldOf(notices_->DispatchNotice(kMeetings, req).status()), "revision.meeting_start_time");
  *req.mutable_revision()->mutable_meeting_start_time() = ToProto(kStart + absl::Hours(24));
  req.mutable_revision()->mutable_meeting_start_time()->set_nanos(-1);
  EXPECT_EQ(FieldOf(notices_->DispatchNotice(kMeetings, req).status()), "revision.meeting_start_time.nanos");
  EXPECT_TRUE(sink_.seen.empty());
  v1::ListNoticesRequest list;
  auto listed = notices_->ListNotices(kManager, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->notices_size(), 0);
}

// The printed notice, read back as a reader would (pdftotext): the whole of
// a revision with its changes marked and the withdrawn fields listed; a
// department's copy with its own section only and a box for its signature.
TEST_F(NoticesTest, ARevisionPrintsWithItsChangesMarked) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(2, "150", false)).ok());
  testing::PdfReader reader;
  v1::PrintNoticeRevisionRequest req;
  req.set_name("notices/n-2027-dealers/revisions/2");
  auto whole = notices_->PrintNoticeRevision(kManager, req);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->media_type(), "application/pdf");
  EXPECT_EQ(whole->file_name(), "notice-n-2027-dealers-r2.pdf");
  EXPECT_EQ(whole->page_count(), 1);
  EXPECT_EQ(reader.Pages(whole->data()), 1);
  EXPECT_EQ(reader.Rendered(whole->data()), 1);
  const std::string text = reader.Text(whole->data());
  for (const char* want :
       {"Atrium 酒店", "会议通知单", "2027 华东区经销商年会", "meetings/m1", "kam-li", "2026-12-07 10:00", "餐饮安排",
        "餐饮部", "午餐人数", "150", "修改，原为：120", "已取消的项目", "房务部", "3月15日房间数", "40",
        "notices/n-2027-dealers/revisions/2", "第 2 版", "打印于 2026-11-27 11:00", "第 1 页 / 共 1 页"}) {
    EXPECT_TRUE(testing::PdfReader::Holds(text, want)) << want << " not in:\n" << text;
  }

  // F&B's copy: its section, none of the rooms', and its signature box.
  req.set_department("fnb");
  auto fnb = notices_->PrintNoticeRevision(kFnb, req);
  ASSERT_TRUE(fnb.ok()) << fnb.status();
  EXPECT_EQ(fnb->file_name(), "notice-n-2027-dealers-r2-fnb.pdf");
  const std::string copy = reader.Text(fnb->data());
  for (const char* want : {"会议通知单 · 餐饮部 (fnb)", "午餐人数", "修改，原为：120", "接收部门签收", "签字"}) {
    EXPECT_TRUE(testing::PdfReader::Holds(copy, want)) << want << " not in:\n" << copy;
  }
  EXPECT_FALSE(testing::PdfReader::Holds(copy, "3月15日房间数")) << copy;

  // The first revision: nothing marked.
  req.set_name("notices/n-2027-dealers/revisions/1");
  auto first = notices_->PrintNoticeRevision(kFnb, req);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string first_text = reader.Text(first->data());
  EXPECT_TRUE(testing::PdfReader::Holds(first_text, "本版为首次发出")) << first_text;
  EXPECT_FALSE(testing::PdfReader::Holds(first_text, "修改")) << first_text;
}

TEST_F(NoticesTest, PrintingRefusesOtherDepartmentsAndBadNames) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  v1::PrintNoticeRevisionRequest req;
  req.set_name("notices/n-2027-dealers/revisions/1");
  EXPECT_EQ(CodeOf(notices_->PrintNoticeRevision(kFnb, req)), Code::kPermissionDenied);  // the whole notice
  req.set_department("rooms");
  EXPECT_EQ(CodeOf(notices_->PrintNoticeRevision(kFnb, req)), Code::kPermissionDenied);  // another's copy
  req.set_department("spa");
  EXPECT_EQ(FieldOf(notices_->PrintNoticeRevision(kManager, req).status()), "department");
  req.clear_department();
  EXPECT_TRUE(notices_->PrintNoticeRevision(kClerk, req).ok());
  EXPECT_EQ(CodeOf(notices_->PrintNoticeRevision(kMeetings, req)), Code::kOk);
  req.set_name("notices/n-2027-dealers/revisions/9");
  EXPECT_EQ(CodeOf(notices_->PrintNoticeRevision(kManager, req)), Code::kNotFound);
  for (const char* bad :
       {"notices/n-2027-dealers", "notices/n-2027-dealers/revisions/x", "notices//revisions/1", "dispatches/1", ""}) {
    req.set_name(bad);
    EXPECT_EQ(FieldOf(notices_->PrintNoticeRevision(kManager, req).status()), "name") << bad;
  }

  v1::PrintDispatchRecordRequest record;
  record.set_name("notices/n-2027-dealers");
  EXPECT_EQ(CodeOf(notices_->PrintDispatchRecord(kFnb, record)), Code::kPermissionDenied);
  record.set_name("notices/nothing-here");
  EXPECT_EQ(CodeOf(notices_->PrintDispatchRecord(kManager, record)), Code::kNotFound);
  for (const char* bad : {"notices/n-2027-dealers/revisions/1", "notices/", "n-2027-dealers", ""}) {
    record.set_name(bad);
    EXPECT_EQ(FieldOf(notices_->PrintDispatchRecord(kManager, record).status()), "name") << bad;
  }
}

// A notice of 200 lines runs over several pages, each with the table's
// header, every line printed once.
TEST_F(NoticesTest, ANoticeOfTwoHundredLinesPaginates) {
  auto req = Request(1);
  auto* fnb = req.mutable_revision()->mutable_sections(0);
  for (int i = 1; i < 200; ++i) {
    auto* f = fnb->add_fields();
    f->set_path(absl::StrCat("meals/", i));
    f->set_label(absl::StrCat("第", i, "项餐饮安排"));
    f->set_value(absl::StrCat("自助餐 ", 100 + i, " 人，宴会厅A"));
  }
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, req).ok());
  v1::PrintNoticeRevisionRequest print;
  print.set_name("notices/n-2027-dealers/revisions/1");
  auto pdf = notices_->PrintNoticeRevision(kManager, print);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  testing::PdfReader reader;
  EXPECT_GT(pdf->page_count(), 3);
  EXPECT_EQ(reader.Pages(pdf->data()), pdf->page_count());
  EXPECT_EQ(reader.Rendered(pdf->data()), pdf->page_count());
  const std::string text = reader.Text(pdf->data());
  for (int i = 1; i < 200; ++i) {
    EXPECT_TRUE(testing::PdfReader::Holds(text, absl::StrCat("自助餐 ", 100 + i, " 人"))) << i;
  }
  EXPECT_TRUE(
      testing::PdfReader::Holds(text, absl::StrCat("第 ", pdf->page_count(), " 页 / 共 ", pdf->page_count(), " 页")));
}

// The dispatch record: each revision and department, who signed and when,
// what is waiting and what a later revision superseded.
TEST_F(NoticesTest, TheDispatchRecordPrintsWhoSignedWhat) {
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(1)).ok());
  clock_.Advance(absl::Minutes(30));
  ASSERT_TRUE(Sign(kFnb, kFnbR1, "已安排").ok());
  clock_.Advance(absl::Hours(5));  // past rooms' deadline for revision 1
  ASSERT_TRUE(notices_->DispatchNotice(kMeetings, Request(2, "150")).ok());
  v1::PrintDispatchRecordRequest req;
  req.set_name("notices/n-2027-dealers");
  auto pdf = notices_->PrintDispatchRecord(kManager, req);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->file_name(), "dispatch-record-n-2027-dealers.pdf");
  testing::PdfReader reader;
  EXPECT_EQ(reader.Rendered(pdf->data()), pdf->page_count());
  const std::string text = reader.Text(pdf->data());
  for (const char* want : {"收发文记录", "至第 2 版", "2027 华东区经销商年会", "第 1 版", "第 2 版", "餐饮部 (fnb)",
                           "房务部 (rooms)", "2026-11-27 10:00", "已签收", "Zhou (F&B)", "2026-11-27 10:30", "已安排",
                           "已被第 2 版取代", "待签收", "客户关系部经理"}) {
    EXPECT_TRUE(testing::PdfReader::Holds(text, want)) << want << " not in:\n" << text;
  }
}

}  // namespace
}  // namespace atrium::notifications
