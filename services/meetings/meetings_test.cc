// Domain tests of meetings and the function diary on a real SQLite file,
// with an injected clock and an in-memory account directory (the clients
// service over gRPC is exercised in tests/meetings_process_test.cc).
#include "services/meetings/meetings.h"

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <map>
#include <thread>

#include "atrium/clients/v1/clients.pb.h"
#include "common/errors.h"
#include "common/testing.h"
#include "common/testing_pdf.h"
#include "services/meetings/fakes.h"
#include "services/meetings/forwarder.h"
#include "services/meetings/test_store.h"
#include "tests/meeting_requests.h"

namespace atrium::meetings {
namespace {

using Code = absl::StatusCode;
using v1::Booking;
using v1::Meeting;

const absl::Time kStart = absl::FromUnixSeconds(1795744800);  // 2026-11-27 10:00 Shanghai

using namespace testing::people;  // NOLINT(build/namespaces)

using testing::CodeOf;
using testing::FieldOf;
using testing::ReasonOf;

class MeetingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore("meetings");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    meetings_ = std::make_unique<Meetings>(store_.get(), &directory_, &clock_, PageTokens("secret"));
    Room("hall-a", {}, 200);
    Room("hall-b", {}, 150);
    Room("hall", {"rooms/hall-a", "rooms/hall-b"}, 400);
    Room("boardroom", {}, 20);
  }

  void Room(const std::string& id, std::vector<std::string> parts, int seats) {
    v1::CreateRoomRequest req;
    req.set_room_id(id);
    req.mutable_room()->set_display_name("Room " + id);
    auto* c = req.mutable_room()->add_capacities();
    c->set_style(v1::THEATRE);
    c->set_seats(seats);
    for (auto& p : parts) req.mutable_room()->add_parts(p);
    auto r = meetings_->diary().CreateRoom(kManager, req);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  Meeting NewMeeting(const Principal& who = kKam, const std::string& account = "accounts/acme") {
    v1::CreateMeetingRequest req;
    req.mutable_meeting()->set_account(account);
    req.mutable_meeting()->set_title("2027 华东区经销商年会");
    req.mutable_meeting()->set_origin(Meeting::WALK_IN);
    auto m = meetings_->pipeline().CreateMeeting(who, req);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : Meeting();
  }

  v1::CreateBookingRequest BookingRequest(const Meeting& m, const std::string& room, absl::Time start,
                                          absl::Duration length, int setup = 0, int teardown = 0) {
    v1::CreateBookingRequest req;
    req.set_parent(m.name());
    auto* b = req.mutable_booking();
    b->set_room(room);
    *b->mutable_start_time() = ToProto(start);
    *b->mutable_end_time() = ToProto(start + length);
    b->set_setup_minutes(setup);
    b->set_teardown_minutes(teardown);
    b->set_style(v1::THEATRE);
    b->set_attendees(100);
    return req;
  }

  FakeClock clock_{kStart};
  FakeDirectory directory_;
  std::unique_ptr<MeetingsStore> store_;
  std::unique_ptr<Meetings> meetings_;
};

const absl::Time kDay = kStart + absl::Hours(24 * 30);

TEST_F(MeetingsTest, CreateMeetingChecksTheAccountWithTheClientsService) {
  Meeting m = NewMeeting(kClerk);
  EXPECT_EQ(m.owner(), "kam-li");  // the account's KAM handles it
  EXPECT_EQ(m.state(), Meeting::ENQUIRY);
  EXPECT_EQ(m.audit().creator(), "clerk-chen");
  clock_.Advance(absl::Seconds(1));

  v1::CreateMeetingRequest req;
  req.mutable_meeting()->set_account("accounts/nobody");
  req.mutable_meeting()->set_title("x");
  req.mutable_meeting()->set_origin(Meeting::OUTREACH);
  EXPECT_EQ(CodeOf(meetings_->pipeline().CreateMeeting(kKam, req)), Code::kNotFound);
  req.mutable_meeting()->set_account("accounts/old");
  EXPECT_EQ(ReasonOf(meetings_->pipeline().CreateMeeting(kKam, req).status()), "ACCOUNT_ARCHIVED");
  req.mutable_meeting()->set_account("accounts/acme");
  EXPECT_EQ(CodeOf(meetings_->pipeline().CreateMeeting(kKam2, req)), Code::kPermissionDenied);  // not their account
  EXPECT_EQ(CodeOf(meetings_->pipeline().CreateMeeting(kFnb, req)), Code::kPermissionDenied);
  directory_.down = true;
  EXPECT_EQ(CodeOf(meetings_->pipeline().CreateMeeting(kKam, req)), Code::kUnavailable);
  directory_.down = false;

  auto bad = [&](auto mutate) {
    v1::CreateMeetingRequest r = req;
    mutate(*r.mutable_meeting());
    return FieldOf(meetings_->pipeline().CreateMeeting(kKam, r).status());
  };
  EXPECT_EQ(bad([](Meeting& x) { x.set_account("acme"); }), "meeting.account");
  EXPECT_EQ(bad([](Meeting& x) { x.set_title(""); }), "meeting.title");
  EXPECT_EQ(bad([](Meeting& x) { x.clear_origin(); }), "meeting.origin");
  EXPECT_EQ(bad([](Meeting& x) { x.set_expected_attendees(-1); }), "meeting.expected_attendees");
  EXPECT_EQ(bad([](Meeting& x) { *x.mutable_start_time() = ToProto(kDay); }), "meeting.end_time");
  EXPECT_EQ(bad([](Meeting& x) {
              *x.mutable_start_time() = ToProto(kDay);
              *x.mutable_end_time() = ToProto(kDay - absl::Hours(1));
            }),
            "meeting.end_time");

  // request_id: a retry returns the first meeting.
  req.set_request_id("enquiry-42");
  auto first = meetings_->pipeline().CreateMeeting(kKam, req);
  auto again = meetings_->pipeline().CreateMeeting(kKam, req);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->name(), again->name());

  v1::ListMeetingsRequest list;
  list.set_owner("kam-li");
  list.set_page_size(1);
  auto page = meetings_->pipeline().ListMeetings(kManager, list);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->meetings_size(), 1);
  EXPECT_EQ(page->meetings(0).name(), first->name());  // newest first
  EXPECT_FALSE(page->next_page_token().empty());
  list.set_page_token(page->next_page_token());
  auto second = meetings_->pipeline().ListMeetings(kManager, list);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->meetings_size(), 1);
  EXPECT_EQ(second->meetings(0).name(), m.name());
  list.set_account("accounts/acme");  // the token belongs to another query
  EXPECT_EQ(FieldOf(meetings_->pipeline().ListMeetings(kManager, list).status()), "page_token");
  EXPECT_EQ(CodeOf(meetings_->pipeline().ListMeetings(kFnb, v1::ListMeetingsRequest())), Code::kPermissionDenied);
  v1::GetMeetingRequest get;
  get.set_name("meetings/none");
  EXPECT_EQ(CodeOf(meetings_->pipeline().GetMeeting(kFnb, get)), Code::kNotFound);
  get.set_name("m1");
  EXPECT_EQ(FieldOf(meetings_->pipeline().GetMeeting(kFnb, get).status()), "name");
  EXPECT_EQ(CodeOf(meetings_->pipeline().GetMeeting(kInspector, get)), Code::kPermissionDenied);
}

TEST_F(MeetingsTest, RoomsAndCombinations) {
  v1::CreateRoomRequest req;
  req.set_room_id("hall-a");
  req.mutable_room()->set_display_name("again");
  EXPECT_EQ(CodeOf(meetings_->diary().CreateRoom(kManager, req)), Code::kAlreadyExists);
  req.set_room_id("big");
  req.mutable_room()->add_parts("rooms/hall");  // a combination of combinations
  req.mutable_room()->add_parts("rooms/boardroom");
  EXPECT_EQ(ReasonOf(meetings_->diary().CreateRoom(kManager, req).status()), "PART_IS_COMBINATION");
  req.mutable_room()->set_parts(0, "rooms/ghost");
  EXPECT_EQ(ReasonOf(meetings_->diary().CreateRoom(kManager, req).status()), "PART_NOT_FOUND");
  req.mutable_room()->set_parts(0, "rooms/boardroom");
  EXPECT_EQ(FieldOf(meetings_->diary().CreateRoom(kManager, req).status()), "room.parts[1]");
  req.mutable_room()->clear_parts();
  req.set_room_id("Big Room");
  EXPECT_EQ(FieldOf(meetings_->diary().CreateRoom(kManager, req).status()), "room_id");
  EXPECT_EQ(CodeOf(meetings_->diary().CreateRoom(kKam, req)), Code::kPermissionDenied);
  v1::ListRoomsRequest list;
  list.set_page_size(3);
  auto page = meetings_->diary().ListRooms(kFnb, list);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rooms_size(), 3);
  EXPECT_EQ(page->rooms(0).name(), "rooms/boardroom");
  list.set_page_token(page->next_page_token());
  EXPECT_EQ(meetings_->diary().ListRooms(kFnb, list)->rooms_size(), 1);
  v1::GetRoomRequest get;
  get.set_name("rooms/nope");
  EXPECT_EQ(CodeOf(meetings_->diary().GetRoom(kKam, get)), Code::kNotFound);
}

TEST_F(MeetingsTest, BookingsConflictOnTheRoomItsPartsAndCombinations) {
  Meeting m1 = NewMeeting();
  Meeting m2 = NewMeeting(kManager);
  // m1 holds hall-a 09:00-17:00 with an hour of set-up and of tear-down.
  auto first = meetings_->diary().CreateBooking(
      kKam, BookingRequest(m1, "rooms/hall-a", kDay + absl::Hours(9), absl::Hours(8), 60, 60));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->hold(), Booking::TENTATIVE);

  // The same room during its tear-down: refused, naming the meeting in the way.
  auto clash = meetings_->diary().CreateBooking(
      kManager, BookingRequest(m2, "rooms/hall-a", kDay + absl::Hours(17) + absl::Minutes(30), absl::Hours(2)));
  EXPECT_EQ(CodeOf(clash), Code::kAborted);
  EXPECT_EQ(ReasonOf(clash.status()), "ROOM_CONFLICT");
  EXPECT_NE(std::string(clash.status().message()).find(m1.name()), std::string::npos);
  // The combination containing it: refused too.
  EXPECT_EQ(
      ReasonOf(meetings_->diary()
                   .CreateBooking(kManager, BookingRequest(m2, "rooms/hall", kDay + absl::Hours(12), absl::Hours(1)))
                   .status()),
      "ROOM_CONFLICT");
  // The other part, and the same room after tear-down: fine.
  EXPECT_TRUE(meetings_->diary()
                  .CreateBooking(kManager, BookingRequest(m2, "rooms/hall-b", kDay + absl::Hours(9), absl::Hours(8)))
                  .ok());
  auto evening = meetings_->diary().CreateBooking(
      kManager, BookingRequest(m2, "rooms/hall-a", kDay + absl::Hours(18), absl::Hours(3)));
  ASSERT_TRUE(evening.ok()) << evening.status();
  // A combination booked holds both parts.
  auto next_day = meetings_->diary().CreateBooking(
      kManager, BookingRequest(m2, "rooms/hall", kDay + absl::Hours(33), absl::Hours(4)));
  ASSERT_TRUE(next_day.ok());
  EXPECT_EQ(
      ReasonOf(meetings_->diary()
                   .CreateBooking(kKam, BookingRequest(m1, "rooms/hall-b", kDay + absl::Hours(34), absl::Hours(1)))
                   .status()),
      "ROOM_CONFLICT");

  // Cancelling releases the room; cancelling again is harmless.
  v1::CancelBookingRequest cancel;
  cancel.set_name(first->name());
  EXPECT_EQ(FieldOf(meetings_->diary().CancelBooking(kKam, cancel).status()), "reason");
  cancel.set_reason("客户改期");
  EXPECT_EQ(CodeOf(meetings_->diary().CancelBooking(kKam2, cancel)), Code::kPermissionDenied);
  ASSERT_TRUE(meetings_->diary().CancelBooking(kKam, cancel).ok());
  ASSERT_TRUE(meetings_->diary().CancelBooking(kKam, cancel).ok());
  EXPECT_TRUE(meetings_->diary()
                  .CreateBooking(kManager, BookingRequest(m2, "rooms/hall-a", kDay + absl::Hours(10), absl::Hours(1)))
                  .ok());
  v1::ConfirmBookingRequest confirm;
  confirm.set_name(first->name());
  EXPECT_EQ(ReasonOf(meetings_->diary().ConfirmBooking(kKam, confirm).status()), "BOOKING_CANCELLED");
  confirm.set_name(evening->name());
  auto definite = meetings_->diary().ConfirmBooking(kManager, confirm);
  ASSERT_TRUE(definite.ok());
  EXPECT_EQ(definite->hold(), Booking::DEFINITE);
  EXPECT_EQ(ReasonOf(meetings_->diary().ConfirmBooking(kManager, confirm).status()), "ALREADY_DEFINITE");
}

TEST_F(MeetingsTest, BookingValidation) {
  Meeting m = NewMeeting();
  auto field = [&](auto mutate) {
    auto req = BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(2));
    mutate(req);
    return FieldOf(meetings_->diary().CreateBooking(kKam, req).status());
  };
  EXPECT_EQ(field([](auto& r) { r.set_parent("m"); }), "parent");
  EXPECT_EQ(field([](auto& r) { r.mutable_booking()->set_room("hall-a"); }), "booking.room");
  EXPECT_EQ(field([](auto& r) { r.mutable_booking()->clear_start_time(); }), "booking.start_time");
  EXPECT_EQ(field([](auto& r) { *r.mutable_booking()->mutable_end_time() = ToProto(kDay); }), "booking.end_time");
  EXPECT_EQ(field([](auto& r) { *r.mutable_booking()->mutable_end_time() = ToProto(kDay + absl::Hours(24 * 15)); }),
            "booking.end_time");
  EXPECT_EQ(field([](auto& r) { r.mutable_booking()->set_setup_minutes(-5); }), "booking.setup_minutes");
  EXPECT_EQ(field([](auto& r) { r.mutable_booking()->set_teardown_minutes(2000); }), "booking.teardown_minutes");
  EXPECT_EQ(field([](auto& r) { r.mutable_booking()->clear_style(); }), "booking.style");
  EXPECT_EQ(field([](auto& r) { r.mutable_booking()->set_attendees(0); }), "booking.attendees");
  auto big = BookingRequest(m, "rooms/boardroom", kDay, absl::Hours(2));
  EXPECT_EQ(ReasonOf(meetings_->diary().CreateBooking(kKam, big).status()), "ROOM_TOO_SMALL");
  big.mutable_booking()->set_style(v1::BANQUET);  // not offered there
  EXPECT_EQ(ReasonOf(meetings_->diary().CreateBooking(kKam, big).status()), "ROOM_TOO_SMALL");
  EXPECT_EQ(CodeOf(meetings_->diary().CreateBooking(kKam, BookingRequest(m, "rooms/ghost", kDay, absl::Hours(1)))),
            Code::kNotFound);
  auto other = BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(1));
  other.set_parent("meetings/ghost");
  EXPECT_EQ(CodeOf(meetings_->diary().CreateBooking(kKam, other)), Code::kNotFound);
  EXPECT_EQ(CodeOf(meetings_->diary().CreateBooking(kKam2, BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(1)))),
            Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(meetings_->diary().CreateBooking(kFnb, BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(1)))),
            Code::kPermissionDenied);

  // request_id makes a retry return the same booking, even though the room is now held.
  auto req = BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(1));
  req.set_request_id("hold-1");
  auto a = meetings_->diary().CreateBooking(kKam, req);
  auto b = meetings_->diary().CreateBooking(kKam, req);
  ASSERT_TRUE(a.ok() && b.ok()) << b.status();
  EXPECT_EQ(a->name(), b->name());
  Meeting m2 = NewMeeting();
  auto reuse = BookingRequest(m2, "rooms/hall-b", kDay, absl::Hours(1));
  reuse.set_request_id("hold-1");
  EXPECT_EQ(CodeOf(meetings_->diary().CreateBooking(kKam, reuse)), Code::kAlreadyExists);

  v1::ListBookingsRequest list;
  list.set_parent("meetings/-");
  EXPECT_EQ(meetings_->diary().ListBookings(kFnb, list)->bookings_size(), 1);
  list.set_parent("rooms/x");
  EXPECT_EQ(FieldOf(meetings_->diary().ListBookings(kFnb, list).status()), "parent");
  v1::GetBookingRequest get;
  get.set_name(m.name() + "/bookings/none");
  EXPECT_EQ(CodeOf(meetings_->diary().GetBooking(kFnb, get)), Code::kNotFound);
}

// The example: a request id that created a booking, since cancelled,
// sent again for another slot of the same meeting must not answer OK with the
// cancelled booking (the caller would believe the new slot held).
TEST_F(MeetingsTest, ARequestIdOfACancelledBookingIsNotReusedForAnotherSlot) {
  Meeting m = NewMeeting();
  auto first = BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(2));
  first.set_request_id("slot-1");
  auto booked = meetings_->diary().CreateBooking(kKam, first);
  ASSERT_TRUE(booked.ok()) << booked.status();
  v1::CancelBookingRequest cancel;
  cancel.set_name(booked->name());
  cancel.set_reason("客户改期");
  ASSERT_TRUE(meetings_->diary().CancelBooking(kKam, cancel).ok());

  auto other = BookingRequest(m, "rooms/hall-a", kDay + absl::Hours(24), absl::Hours(2));
  other.set_request_id("slot-1");
  auto reused = meetings_->diary().CreateBooking(kKam, other);
  EXPECT_EQ(CodeOf(reused), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(reused.status()), "REQUEST_ID_REUSED");
  // A true retry of the first request still answers with what it created.
  auto retry = meetings_->diary().CreateBooking(kKam, first);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), booked->name());
  EXPECT_EQ(retry->state(), Booking::CANCELLED);
}

// A request id is scoped to its caller: a second KAM sending the id the first
// KAM used creates their own resource and never gets the first KAM's back.
TEST_F(MeetingsTest, ARequestIdBelongsToItsCaller) {
  directory_.accounts["accounts/zeta"] = {"accounts/zeta", "kam-zhao", "Zeta", false, ""};
  v1::CreateMeetingRequest req;
  req.mutable_meeting()->set_account("accounts/acme");
  req.mutable_meeting()->set_title("年会");
  req.mutable_meeting()->set_origin(Meeting::OUTREACH);
  req.set_request_id("enquiry-1");
  auto mine = meetings_->pipeline().CreateMeeting(kKam, req);
  ASSERT_TRUE(mine.ok()) << mine.status();
  req.mutable_meeting()->set_account("accounts/zeta");
  auto theirs = meetings_->pipeline().CreateMeeting(kKam2, req);
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  EXPECT_NE(theirs->name(), mine->name());
  EXPECT_EQ(theirs->account(), "accounts/zeta");
  EXPECT_EQ(theirs->owner(), "kam-zhao");
  auto retry = meetings_->pipeline().CreateMeeting(kKam2, req);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), theirs->name());
  req.mutable_meeting()->set_title("另一个会");
  auto reused = meetings_->pipeline().CreateMeeting(kKam2, req);
  EXPECT_EQ(CodeOf(reused), Code::kAlreadyExists);
  EXPECT_EQ(ReasonOf(reused.status()), "REQUEST_ID_REUSED");

  auto hold = BookingRequest(*mine, "rooms/hall-a", kDay, absl::Hours(1));
  hold.set_request_id("hold-1");
  auto my_booking = meetings_->diary().CreateBooking(kKam, hold);
  ASSERT_TRUE(my_booking.ok()) << my_booking.status();
  // Someone else's meeting: refused before the request id is looked at.
  EXPECT_EQ(CodeOf(meetings_->diary().CreateBooking(kKam2, hold)), Code::kPermissionDenied);
  auto their_hold = BookingRequest(*theirs, "rooms/hall-b", kDay, absl::Hours(1));
  their_hold.set_request_id("hold-1");
  auto their_booking = meetings_->diary().CreateBooking(kKam2, their_hold);
  ASSERT_TRUE(their_booking.ok()) << their_booking.status();
  EXPECT_EQ(their_booking->name().rfind(theirs->name() + "/bookings/", 0), 0u);
}

// A malformed name is INVALID_ARGUMENT naming the field; only a well-formed
// name of something absent is NOT_FOUND.
TEST_F(MeetingsTest, MalformedNamesAreInvalidArgumentNotNotFound) {
  Meeting m = NewMeeting();
  v1::GetAgreementRequest agreement;
  for (const std::string version : {"+1", " 1", "01", "0", "1 ", "2147483648"}) {
    agreement.set_name(m.name() + "/agreements/" + version);
    auto got = meetings_->sales().GetAgreement(kManager, agreement);
    EXPECT_EQ(CodeOf(got), Code::kInvalidArgument) << agreement.name();
    EXPECT_EQ(FieldOf(got.status()), "name") << agreement.name();
  }
  agreement.set_name(m.name() + "/agreements/1");
  EXPECT_EQ(CodeOf(meetings_->sales().GetAgreement(kManager, agreement)), Code::kNotFound);
  v1::GetMeetingRequest get;
  get.set_name("meetings/-");
  EXPECT_EQ(FieldOf(meetings_->pipeline().GetMeeting(kManager, get).status()), "name");
  v1::GetBookingRequest booking;
  booking.set_name("meetings/-/bookings/x");
  EXPECT_EQ(FieldOf(meetings_->diary().GetBooking(kManager, booking).status()), "name");
  auto req = BookingRequest(m, "rooms/-", kDay, absl::Hours(1));
  EXPECT_EQ(FieldOf(meetings_->diary().CreateBooking(kKam, req).status()), "booking.room");
  v1::ListBookingsRequest all;
  all.set_parent("meetings/-");  // the wildcard is the List's to take
  EXPECT_TRUE(meetings_->diary().ListBookings(kManager, all).ok());
}

TEST_F(MeetingsTest, ConcurrentRequestsForOverlappingSlotsExactlyOneWins) {
  std::vector<Meeting> contenders;
  for (int i = 0; i < 16; ++i) contenders.push_back(NewMeeting(kManager));
  std::atomic<int> won{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      // Each asks for the hall, or one of its parts, at overlapping times.
      const char* rooms[] = {"rooms/hall", "rooms/hall-a", "rooms/hall-b"};
      auto r = meetings_->diary().CreateBooking(
          kManager, BookingRequest(contenders[i], rooms[i % 3], kDay + absl::Minutes(10 * i), absl::Hours(4)));
      if (r.ok()) {
        won++;
      } else if (ReasonOf(r.status()) == "ROOM_CONFLICT") {
        conflicts++;
      }
    });
  }
  for (auto& t : threads) t.join();
  // Without a hall booking both halves could win once each; with one, only it.
  v1::GetAvailabilityRequest req;
  *req.mutable_start_time() = ToProto(kDay);
  *req.mutable_end_time() = ToProto(kDay + absl::Hours(24));
  req.add_rooms("rooms/hall-a");
  req.add_rooms("rooms/hall-b");
  auto diary = meetings_->diary().GetAvailability(kFnb, req);
  ASSERT_TRUE(diary.ok()) << diary.status();
  EXPECT_EQ(diary->rooms(0).holds_size(), 1);  // never two holds on one part
  EXPECT_EQ(diary->rooms(1).holds_size(), 1);
  EXPECT_EQ(won.load() + conflicts.load(), 16);
  EXPECT_TRUE(won.load() == 1 || won.load() == 2) << won.load();
}

TEST_F(MeetingsTest, AvailabilityShowsHoldsOfTheRoomItsPartsAndCombinations) {
  Meeting m = NewMeeting();
  ASSERT_TRUE(meetings_->diary()
                  .CreateBooking(kKam, BookingRequest(m, "rooms/hall", kDay + absl::Hours(9), absl::Hours(3), 30, 30))
                  .ok());
  v1::GetAvailabilityRequest req;
  *req.mutable_start_time() = ToProto(kDay);
  *req.mutable_end_time() = ToProto(kDay + absl::Hours(24 * 7));
  auto diary = meetings_->diary().GetAvailability(kKam, req);
  ASSERT_TRUE(diary.ok());
  ASSERT_EQ(diary->rooms_size(), 4);
  for (const auto& r : diary->rooms()) {
    if (r.room() == "rooms/boardroom") {
      EXPECT_TRUE(r.free());
      continue;
    }
    ASSERT_EQ(r.holds_size(), 1) << r.room();
    EXPECT_EQ(r.holds(0).meeting(), m.name());
    EXPECT_EQ(r.holds(0).room(), "rooms/hall");
    EXPECT_EQ(FromProto(r.holds(0).start_time()), kDay + absl::Hours(9) - absl::Minutes(30));
  }
  req.add_rooms("rooms/ghost");
  EXPECT_EQ(FieldOf(meetings_->diary().GetAvailability(kKam, req).status()), "rooms[0]");
  req.clear_rooms();
  *req.mutable_end_time() = ToProto(kDay + absl::Hours(24 * 40));
  EXPECT_EQ(FieldOf(meetings_->diary().GetAvailability(kKam, req).status()), "end_time");
  req.clear_start_time();
  EXPECT_EQ(FieldOf(meetings_->diary().GetAvailability(kKam, req).status()), "start_time");
  EXPECT_EQ(CodeOf(meetings_->diary().GetAvailability(kInspector, req)), Code::kPermissionDenied);
}

TEST_F(MeetingsTest, LostAndCancelledMeetingsReleaseTheirRooms) {
  Meeting m = NewMeeting();
  ASSERT_TRUE(meetings_->diary().CreateBooking(kKam, BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(2))).ok());
  testing::MeetingRequest lost;
  lost.set_name(m.name());
  EXPECT_EQ(FieldOf(meetings_->pipeline().MarkMeetingLost(kKam, lost).status()), "reason");
  lost.set_reason("选择了其他酒店");
  EXPECT_EQ(CodeOf(meetings_->pipeline().MarkMeetingLost(kKam2, lost)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(meetings_->pipeline().MarkMeetingLost(kClerk, lost)), Code::kPermissionDenied);
  lost.set_etag("stale");
  EXPECT_EQ(CodeOf(meetings_->pipeline().MarkMeetingLost(kKam, lost)), Code::kAborted);
  lost.set_etag(m.etag());
  auto closed = meetings_->pipeline().MarkMeetingLost(kKam, lost);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), Meeting::LOST);
  EXPECT_EQ(closed->close_reason(), "选择了其他酒店");
  // Its room is free again; it cannot book, be lost or cancelled again.
  Meeting other = NewMeeting();
  EXPECT_TRUE(meetings_->diary().CreateBooking(kKam, BookingRequest(other, "rooms/hall-a", kDay, absl::Hours(2))).ok());
  EXPECT_EQ(
      ReasonOf(
          meetings_->diary().CreateBooking(kKam, BookingRequest(m, "rooms/hall-b", kDay, absl::Hours(2))).status()),
      "MEETING_CLOSED");
  lost.clear_etag();
  auto again = meetings_->pipeline().MarkMeetingLost(kKam, lost);
  EXPECT_EQ(ReasonOf(again.status()), "INVALID_STATE_TRANSITION");
  EXPECT_NE(std::string(again.status().message()).find("LOST"), std::string::npos);
  EXPECT_EQ(CodeOf(meetings_->pipeline().CancelMeeting(kKam, lost)), Code::kFailedPrecondition);
  testing::MeetingRequest cancel;
  cancel.set_name(other.name());
  cancel.set_reason("客户取消");
  auto cancelled = meetings_->pipeline().CancelMeeting(kManager, cancel);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->state(), Meeting::CANCELLED);
  v1::ListBookingsRequest list;
  list.set_parent(other.name());
  EXPECT_EQ(meetings_->diary().ListBookings(kKam, list)->bookings_size(), 0);
  list.set_show_cancelled(true);
  auto all = meetings_->diary().ListBookings(kKam, list);
  ASSERT_EQ(all->bookings_size(), 1);
  EXPECT_EQ(all->bookings(0).state(), Booking::CANCELLED);
}

v1::CreateLostReasonRequest LostReasonRequest(const std::string& code, const std::string& display_name) {
  v1::CreateLostReasonRequest req;
  req.set_lost_reason_id(code);
  req.mutable_lost_reason()->set_display_name(display_name);
  return req;
}

TEST_F(MeetingsTest, TheManagerKeepsTheListOfLostReasons) {
  Pipeline& p = meetings_->pipeline();
  auto price = p.CreateLostReason(kManager, LostReasonRequest("price", "价格"));
  ASSERT_TRUE(price.ok()) << price.status();
  EXPECT_EQ(price->name(), "lostReasons/price");
  EXPECT_EQ(price->state(), v1::LostReason::ACTIVE);
  EXPECT_EQ(price->audit().creator(), kManager.subject);
  EXPECT_FALSE(price->etag().empty());
  ASSERT_TRUE(p.CreateLostReason(kManager, LostReasonRequest("venue", "选择了其他场地")).ok());
  ASSERT_TRUE(p.CreateLostReason(kManager, LostReasonRequest("budget", "预算削减")).ok());

  // Refused, naming the field or the rule, and nothing is created.
  EXPECT_EQ(CodeOf(p.CreateLostReason(kKam, LostReasonRequest("dates", "日期不可用"))), Code::kPermissionDenied);
  EXPECT_EQ(FieldOf(p.CreateLostReason(kManager, LostReasonRequest("Dates!", "日期不可用")).status()),
            "lost_reason_id");
  EXPECT_EQ(FieldOf(p.CreateLostReason(kManager, LostReasonRequest("dates", "")).status()), "lost_reason.display_name");
  EXPECT_EQ(FieldOf(p.CreateLostReason(kManager, LostReasonRequest("dates", "\xff\xfe")).status()),
            "lost_reason.display_name");
  auto long_description = LostReasonRequest("dates", "日期不可用");
  long_description.mutable_lost_reason()->set_description(std::string(501, 'x'));
  EXPECT_EQ(FieldOf(p.CreateLostReason(kManager, long_description).status()), "lost_reason.description");
  EXPECT_EQ(ReasonOf(p.CreateLostReason(kManager, LostReasonRequest("price", "别的")).status()), "LOST_REASON_EXISTS");
  v1::GetLostReasonRequest get;
  get.set_name("lostReasons/dates");
  EXPECT_EQ(CodeOf(p.GetLostReason(kKam, get)), Code::kNotFound);
  get.set_name("price");
  EXPECT_EQ(FieldOf(p.GetLostReason(kKam, get).status()), "name");
  get.set_name("lostReasons/price");
  auto read = p.GetLostReason(kFnb, get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->display_name(), "价格");  // the taken code kept its first name

  // Listed by code, a page at a time; a token is for its own query only.
  v1::ListLostReasonsRequest list;
  list.set_page_size(2);
  auto page = p.ListLostReasons(kKam, list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->lost_reasons_size(), 2);
  EXPECT_EQ(page->lost_reasons(0).name(), "lostReasons/budget");
  EXPECT_EQ(page->lost_reasons(1).name(), "lostReasons/price");
  list.set_page_token(page->next_page_token());
  auto rest = p.ListLostReasons(kKam, list);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->lost_reasons_size(), 1);
  EXPECT_EQ(rest->lost_reasons(0).name(), "lostReasons/venue");
  EXPECT_TRUE(rest->next_page_token().empty());
  list.set_show_retired(true);
  EXPECT_EQ(FieldOf(p.ListLostReasons(kKam, list).status()), "page_token");
  list.clear_page_token();
  list.set_page_size(-1);
  EXPECT_EQ(FieldOf(p.ListLostReasons(kKam, list).status()), "page_size");

  // Changed by the manager, by mask; a refused change changes nothing.
  v1::UpdateLostReasonRequest update;
  update.mutable_lost_reason()->set_name("lostReasons/price");
  update.mutable_lost_reason()->set_description("报价高于竞争对手");
  update.mutable_update_mask()->add_paths("description");
  EXPECT_EQ(CodeOf(p.UpdateLostReason(kKam, update)), Code::kPermissionDenied);
  update.mutable_lost_reason()->set_etag("stale");
  EXPECT_EQ(CodeOf(p.UpdateLostReason(kManager, update)), Code::kAborted);
  update.mutable_lost_reason()->set_etag(price->etag());
  update.mutable_update_mask()->add_paths("state");
  EXPECT_EQ(FieldOf(p.UpdateLostReason(kManager, update).status()), "update_mask");
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(FieldOf(p.UpdateLostReason(kManager, update).status()), "lost_reason.display_name");  // emptied
  update.mutable_lost_reason()->set_display_name("\xc3\x28");
  EXPECT_EQ(FieldOf(p.UpdateLostReason(kManager, update).status()), "lost_reason.display_name");  // not UTF-8
  update.mutable_lost_reason()->clear_display_name();
  update.mutable_lost_reason()->set_name("price");
  EXPECT_EQ(FieldOf(p.UpdateLostReason(kManager, update).status()), "lost_reason.name");
  update.mutable_lost_reason()->set_name("lostReasons/dates");
  EXPECT_EQ(CodeOf(p.UpdateLostReason(kManager, update)), Code::kNotFound);
  update.mutable_lost_reason()->set_name("lostReasons/price");
  EXPECT_EQ(p.GetLostReason(kKam, get)->etag(), price->etag());
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("description");
  clock_.Advance(absl::Minutes(1));
  auto changed = p.UpdateLostReason(kManager, update);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->display_name(), "价格");
  EXPECT_EQ(changed->description(), "报价高于竞争对手");
  EXPECT_NE(changed->etag(), price->etag());
  EXPECT_EQ(FromProto(changed->audit().update_time()), kStart + absl::Minutes(1));

  // Retired: no longer listed unless asked, no longer changed; again is harmless.
  v1::RetireLostReasonRequest retire;
  retire.set_name("lostReasons/Budget");
  EXPECT_EQ(FieldOf(p.RetireLostReason(kManager, retire).status()), "name");
  retire.set_name("lostReasons/dates");
  EXPECT_EQ(CodeOf(p.RetireLostReason(kManager, retire)), Code::kNotFound);
  retire.set_name("lostReasons/budget");
  EXPECT_EQ(CodeOf(p.RetireLostReason(kKam, retire)), Code::kPermissionDenied);
  retire.set_etag("stale");
  EXPECT_EQ(CodeOf(p.RetireLostReason(kManager, retire)), Code::kAborted);
  retire.clear_etag();
  auto retired = p.RetireLostReason(kManager, retire);
  ASSERT_TRUE(retired.ok()) << retired.status();
  EXPECT_EQ(retired->state(), v1::LostReason::RETIRED);
  auto twice = p.RetireLostReason(kManager, retire);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->etag(), retired->etag());
  list.set_page_size(0);
  list.set_show_retired(false);
  EXPECT_EQ(p.ListLostReasons(kKam, list)->lost_reasons_size(), 2);
  list.set_show_retired(true);
  EXPECT_EQ(p.ListLostReasons(kKam, list)->lost_reasons_size(), 3);
  update.mutable_lost_reason()->set_name("lostReasons/budget");
  update.mutable_lost_reason()->clear_etag();
  EXPECT_EQ(ReasonOf(p.UpdateLostReason(kManager, update).status()), "LOST_REASON_RETIRED");
}

TEST_F(MeetingsTest, LostAndCancelledBusinessNamesAnActiveCodedReason) {
  Pipeline& p = meetings_->pipeline();
  ASSERT_TRUE(p.CreateLostReason(kManager, LostReasonRequest("venue", "选择了其他场地")).ok());
  ASSERT_TRUE(p.CreateLostReason(kManager, LostReasonRequest("budget", "预算削减")).ok());
  v1::RetireLostReasonRequest retire;
  retire.set_name("lostReasons/budget");
  ASSERT_TRUE(p.RetireLostReason(kManager, retire).ok());

  Meeting m = NewMeeting();
  v1::MarkMeetingLostRequest lost;
  lost.set_name(m.name());
  lost.set_reason("选择了其他酒店");
  lost.set_lost_reason("venue");
  EXPECT_EQ(FieldOf(p.MarkMeetingLost(kKam, lost).status()), "lost_reason");
  lost.set_lost_reason("lostReasons/dates");
  EXPECT_EQ(ReasonOf(p.MarkMeetingLost(kKam, lost).status()), "LOST_REASON_NOT_FOUND");
  lost.set_lost_reason("lostReasons/budget");
  EXPECT_EQ(ReasonOf(p.MarkMeetingLost(kKam, lost).status()), "LOST_REASON_RETIRED");
  v1::GetMeetingRequest get;
  get.set_name(m.name());
  EXPECT_EQ(p.GetMeeting(kKam, get)->etag(), m.etag());  // nothing changed
  lost.set_lost_reason("lostReasons/venue");
  auto closed = p.MarkMeetingLost(kKam, lost);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), Meeting::LOST);
  EXPECT_EQ(closed->lost_reason(), "lostReasons/venue");
  EXPECT_EQ(closed->close_reason(), "选择了其他酒店");

  Meeting other = NewMeeting();
  v1::CancelMeetingRequest cancel;
  cancel.set_name(other.name());
  cancel.set_reason("预算取消");
  cancel.set_lost_reason("lostReasons/budget");
  EXPECT_EQ(ReasonOf(p.CancelMeeting(kManager, cancel).status()), "LOST_REASON_RETIRED");
  cancel.set_lost_reason("lostReasons/");
  EXPECT_EQ(FieldOf(p.CancelMeeting(kManager, cancel).status()), "lost_reason");
  cancel.clear_lost_reason();  // a coded reason is optional
  auto cancelled = p.CancelMeeting(kManager, cancel);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), Meeting::CANCELLED);
  EXPECT_TRUE(cancelled->lost_reason().empty());
}

TEST_F(MeetingsTest, TheSalesStagesBeforeTheContractAreRecordedInOrder) {
  Meeting m = NewMeeting();
  auto move = [&](auto method, const Principal& who, const std::string& note = "", const std::string& etag = "") {
    testing::MeetingRequest req;
    req.set_name(m.name());
    req.set_note(note);
    req.set_etag(etag);
    return (meetings_->pipeline().*method)(who, req);
  };
  // Intent before negotiating is refused, naming the current state.
  auto early = move(&Pipeline::RecordIntent, kKam);
  EXPECT_EQ(ReasonOf(early.status()), "INVALID_STATE_TRANSITION");
  EXPECT_NE(std::string(early.status().message()).find("ENQUIRY"), std::string::npos);
  EXPECT_EQ(CodeOf(move(&Pipeline::RecordSiteVisit, kClerk)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(move(&Pipeline::RecordSiteVisit, kKam2)), Code::kPermissionDenied);
  EXPECT_EQ(FieldOf(move(&Pipeline::RecordSiteVisit, kKam, std::string(2001, 'x')).status()), "note");
  EXPECT_EQ(CodeOf(move(&Pipeline::RecordSiteVisit, kKam, "", "stale")), Code::kAborted);
  clock_.Advance(absl::Hours(1));
  auto visited = move(&Pipeline::RecordSiteVisit, kKam, "参观了大宴会厅和客房", m.etag());
  ASSERT_TRUE(visited.ok()) << visited.status();
  EXPECT_EQ(visited->state(), Meeting::SITE_VISIT);
  EXPECT_EQ(CodeOf(move(&Pipeline::RecordSiteVisit, kKam)), Code::kFailedPrecondition);  // once
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(move(&Pipeline::StartNegotiation, kManager, "报价: 会议套餐 680 元/人").ok());
  auto intent = move(&Pipeline::RecordIntent, kKam, "客户确认意向");
  ASSERT_TRUE(intent.ok());
  EXPECT_EQ(intent->state(), Meeting::INTENT);
  ASSERT_EQ(intent->history_size(), 3);
  EXPECT_EQ(intent->history(0).from(), Meeting::ENQUIRY);
  EXPECT_EQ(intent->history(0).to(), Meeting::SITE_VISIT);
  EXPECT_EQ(intent->history(0).note(), "参观了大宴会厅和客房");
  EXPECT_EQ(FromProto(intent->history(0).time()), kStart + absl::Hours(1));
  EXPECT_EQ(intent->history(1).actor(), "mgr-wang");
  EXPECT_EQ(intent->history(2).to(), Meeting::INTENT);

  // Negotiation may also start straight from the enquiry.
  Meeting other = NewMeeting();
  testing::MeetingRequest req;
  req.set_name(other.name());
  EXPECT_TRUE(meetings_->pipeline().StartNegotiation(kKam, req).ok());
  // Lost from any stage before the contract; nothing moves after.
  testing::MeetingRequest lost;
  lost.set_name(m.name());
  lost.set_reason("预算不足");
  auto closed = meetings_->pipeline().MarkMeetingLost(kKam, lost);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->history(3).to(), Meeting::LOST);
  EXPECT_EQ(CodeOf(move(&Pipeline::StartNegotiation, kKam)), Code::kFailedPrecondition);
  v1::GetMeetingRequest get;
  get.set_name("meetings/missing");
  req.set_name("meetings/missing");
  EXPECT_EQ(CodeOf(meetings_->pipeline().RecordSiteVisit(kKam, req)), Code::kNotFound);
  req.set_name("missing");
  EXPECT_EQ(FieldOf(meetings_->pipeline().RecordSiteVisit(kKam, req).status()), "name");
}

TEST_F(MeetingsTest, RoomAndBookingReadsAndChangesRefuseWhatTheyDocument) {
  Meeting m = NewMeeting();
  auto booked = meetings_->diary().CreateBooking(kKam, BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(2)));
  ASSERT_TRUE(booked.ok());

  v1::GetRoomRequest room;
  room.set_name("hall-a");
  EXPECT_EQ(FieldOf(meetings_->diary().GetRoom(kFnb, room).status()), "name");
  room.set_name("rooms/hall-a");
  EXPECT_EQ(CodeOf(meetings_->diary().GetRoom(kInspector, room)), Code::kPermissionDenied);
  v1::ListRoomsRequest rooms;
  rooms.set_page_token("forged");
  EXPECT_EQ(FieldOf(meetings_->diary().ListRooms(kFnb, rooms).status()), "page_token");
  EXPECT_EQ(CodeOf(meetings_->diary().ListRooms(kInspector, v1::ListRoomsRequest())), Code::kPermissionDenied);

  v1::GetBookingRequest get;
  get.set_name("bookings/x");
  EXPECT_EQ(FieldOf(meetings_->diary().GetBooking(kFnb, get).status()), "name");
  get.set_name(booked->name());
  EXPECT_EQ(CodeOf(meetings_->diary().GetBooking(kInspector, get)), Code::kPermissionDenied);
  v1::ListBookingsRequest list;
  list.set_parent(m.name());
  EXPECT_EQ(CodeOf(meetings_->diary().ListBookings(kInspector, list)), Code::kPermissionDenied);
  list.set_page_token("forged");
  EXPECT_EQ(FieldOf(meetings_->diary().ListBookings(kFnb, list).status()), "page_token");

  v1::ConfirmBookingRequest confirm;
  confirm.set_name("x");
  EXPECT_EQ(FieldOf(meetings_->diary().ConfirmBooking(kKam, confirm).status()), "name");
  confirm.set_name(m.name() + "/bookings/none");
  EXPECT_EQ(CodeOf(meetings_->diary().ConfirmBooking(kKam, confirm)), Code::kNotFound);
  confirm.set_name(booked->name());
  EXPECT_EQ(CodeOf(meetings_->diary().ConfirmBooking(kKam2, confirm)), Code::kPermissionDenied);
  EXPECT_EQ(CodeOf(meetings_->diary().ConfirmBooking(kFnb, confirm)), Code::kPermissionDenied);

  v1::CancelBookingRequest cancel;
  cancel.set_name(m.name() + "/bookings/none");
  cancel.set_reason("r");
  EXPECT_EQ(CodeOf(meetings_->diary().CancelBooking(kKam, cancel)), Code::kNotFound);
  cancel.set_name("x");
  EXPECT_EQ(FieldOf(meetings_->diary().CancelBooking(kKam, cancel).status()), "name");

  // Cancelling a meeting: the same rules as marking it lost.
  testing::MeetingRequest close;
  close.set_name(m.name());
  EXPECT_EQ(FieldOf(meetings_->pipeline().CancelMeeting(kKam, close).status()), "reason");
  close.set_reason("客户取消");
  close.set_etag("stale");
  EXPECT_EQ(CodeOf(meetings_->pipeline().CancelMeeting(kKam, close)), Code::kAborted);
  close.clear_etag();
  EXPECT_EQ(CodeOf(meetings_->pipeline().CancelMeeting(kKam2, close)), Code::kPermissionDenied);
  close.set_name("meetings/none");
  EXPECT_EQ(CodeOf(meetings_->pipeline().CancelMeeting(kKam, close)), Code::kNotFound);
  testing::MeetingRequest move;
  move.set_name(m.name());
  move.set_note(std::string(2001, 'x'));
  EXPECT_EQ(FieldOf(meetings_->pipeline().StartNegotiation(kKam, move).status()), "note");
  EXPECT_EQ(FieldOf(meetings_->pipeline().RecordIntent(kKam, move).status()), "note");
}

TEST_F(MeetingsTest, ARoomChangesAndRetiresKeepingItsBookings) {
  Meeting m = NewMeeting();
  auto held =
      meetings_->diary().CreateBooking(kKam, BookingRequest(m, "rooms/hall-a", kDay + absl::Hours(9), absl::Hours(8)));
  ASSERT_TRUE(held.ok()) << held.status();

  v1::UpdateRoomRequest update;
  update.mutable_room()->set_name("rooms/hall-a");
  update.mutable_room()->set_display_name("宴会厅A（新）");
  update.mutable_room()->set_location("ignored: not in the mask");
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(CodeOf(meetings_->diary().UpdateRoom(kKam, update)), Code::kPermissionDenied);
  auto changed = meetings_->diary().UpdateRoom(kManager, update);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->display_name(), "宴会厅A（新）");
  EXPECT_EQ(changed->location(), "");
  EXPECT_EQ(changed->capacities_size(), 1);  // not in the mask: kept
  EXPECT_EQ(changed->state(), v1::Room::ACTIVE);
  update.mutable_room()->set_etag("stale");
  EXPECT_EQ(CodeOf(meetings_->diary().UpdateRoom(kManager, update)), Code::kAborted);
  update.mutable_room()->set_etag(changed->etag());
  update.mutable_update_mask()->set_paths(0, "parts");
  EXPECT_EQ(FieldOf(meetings_->diary().UpdateRoom(kManager, update).status()), "update_mask");
  update.mutable_update_mask()->set_paths(0, "capacities");
  update.mutable_room()->add_capacities()->set_style(v1::THEATRE);
  EXPECT_EQ(FieldOf(meetings_->diary().UpdateRoom(kManager, update).status()), "room.capacities[0].seats");
  update.mutable_room()->set_name("rooms/ghost");
  EXPECT_EQ(CodeOf(meetings_->diary().UpdateRoom(kManager, update)), Code::kNotFound);

  v1::RetireRoomRequest retire;
  retire.set_name("rooms/hall-a");
  EXPECT_EQ(FieldOf(meetings_->diary().RetireRoom(kManager, retire).status()), "reason");
  retire.set_reason("改建为餐厅");
  EXPECT_EQ(CodeOf(meetings_->diary().RetireRoom(kClerk, retire)), Code::kPermissionDenied);
  auto retired = meetings_->diary().RetireRoom(kManager, retire);
  ASSERT_TRUE(retired.ok()) << retired.status();
  EXPECT_EQ(retired->state(), v1::Room::RETIRED);
  EXPECT_EQ(retired->retire_reason(), "改建为餐厅");
  EXPECT_TRUE(meetings_->diary().RetireRoom(kManager, retire).ok());  // harmless again

  // The booking made before stays; no new one, neither of the room nor of a
  // combination containing it; a retired room no longer changes.
  v1::GetBookingRequest get;
  get.set_name(held->name());
  EXPECT_EQ(meetings_->diary().GetBooking(kFnb, get)->state(), Booking::ACTIVE);
  EXPECT_EQ(ReasonOf(meetings_->diary()
                         .CreateBooking(kKam, BookingRequest(m, "rooms/hall-a", kDay + absl::Hours(48), absl::Hours(2)))
                         .status()),
            "ROOM_RETIRED");
  EXPECT_EQ(ReasonOf(meetings_->diary()
                         .CreateBooking(kKam, BookingRequest(m, "rooms/hall", kDay + absl::Hours(48), absl::Hours(2)))
                         .status()),
            "ROOM_RETIRED");
  update.mutable_room()->set_name("rooms/hall-a");
  update.mutable_room()->clear_capacities();
  update.mutable_room()->clear_etag();
  update.mutable_update_mask()->set_paths(0, "display_name");
  EXPECT_EQ(ReasonOf(meetings_->diary().UpdateRoom(kManager, update).status()), "ROOM_RETIRED");
  v1::GetRoomRequest room;
  room.set_name("rooms/hall-a");
  EXPECT_EQ(meetings_->diary().GetRoom(kFnb, room)->state(), v1::Room::RETIRED);
  v1::MoveBookingRequest move;
  move.set_name(held->name());
  *move.mutable_start_time() = ToProto(kDay + absl::Hours(10));
  *move.mutable_end_time() = ToProto(kDay + absl::Hours(12));
  EXPECT_EQ(ReasonOf(meetings_->diary().MoveBooking(kKam, move).status()), "ROOM_RETIRED");
}

TEST_F(MeetingsTest, AMovedBookingKeepsItsSlotUntilTheNewOneIsHeld) {
  Meeting m1 = NewMeeting();
  Meeting m2 = NewMeeting(kManager);
  auto b1 =
      meetings_->diary().CreateBooking(kKam, BookingRequest(m1, "rooms/hall-a", kDay + absl::Hours(9), absl::Hours(8)));
  ASSERT_TRUE(b1.ok()) << b1.status();
  auto b2 = meetings_->diary().CreateBooking(kManager,
                                             BookingRequest(m2, "rooms/hall-b", kDay + absl::Hours(9), absl::Hours(8)));
  ASSERT_TRUE(b2.ok()) << b2.status();

  v1::MoveBookingRequest move;
  move.set_name(b1->name());
  *move.mutable_start_time() = ToProto(kDay + absl::Hours(10));
  EXPECT_EQ(FieldOf(meetings_->diary().MoveBooking(kKam, move).status()), "end_time");
  *move.mutable_end_time() = ToProto(kDay + absl::Hours(18));
  // A time out of range is refused before any arithmetic on it.
  move.mutable_start_time()->set_seconds(int64_t{1} << 62);
  EXPECT_EQ(FieldOf(meetings_->diary().MoveBooking(kKam, move).status()), "start_time");
  *move.mutable_start_time() = ToProto(kDay + absl::Hours(10));
  move.mutable_end_time()->set_nanos(1'000'000'000);
  EXPECT_EQ(FieldOf(meetings_->diary().MoveBooking(kKam, move).status()), "end_time.nanos");
  *move.mutable_end_time() = ToProto(kDay + absl::Hours(18));
  EXPECT_EQ(CodeOf(meetings_->diary().MoveBooking(kKam2, move)), Code::kPermissionDenied);  // not their meeting
  EXPECT_EQ(CodeOf(meetings_->diary().MoveBooking(kFnb, move)), Code::kPermissionDenied);
  // An hour later in the same room overlaps only itself.
  auto later = meetings_->diary().MoveBooking(kKam, move);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->start_time().seconds(), absl::ToUnixSeconds(kDay + absl::Hours(10)));
  EXPECT_EQ(later->room(), "rooms/hall-a");

  // Into hall-b, or the combination of both halls, while m2 holds hall-b:
  // refused, and the booking is where it was.
  move.set_room("rooms/hall-b");
  auto refused = meetings_->diary().MoveBooking(kKam, move);
  EXPECT_EQ(ReasonOf(refused.status()), "ROOM_CONFLICT");
  move.set_room("rooms/hall");
  move.set_setup_minutes(30);
  EXPECT_EQ(ReasonOf(meetings_->diary().MoveBooking(kKam, move).status()), "ROOM_CONFLICT");
  move.set_room("rooms/boardroom");  // 20 seats for 100
  EXPECT_EQ(ReasonOf(meetings_->diary().MoveBooking(kKam, move).status()), "ROOM_TOO_SMALL");
  v1::GetBookingRequest get;
  get.set_name(b1->name());
  auto unchanged = meetings_->diary().GetBooking(kFnb, get);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->room(), "rooms/hall-a");
  EXPECT_EQ(unchanged->setup_minutes(), 0);
  EXPECT_EQ(unchanged->start_time().seconds(), absl::ToUnixSeconds(kDay + absl::Hours(10)));
  // m2 still cannot take hall-a at that time.
  EXPECT_EQ(
      ReasonOf(meetings_->diary()
                   .CreateBooking(kManager, BookingRequest(m2, "rooms/hall-a", kDay + absl::Hours(11), absl::Hours(1)))
                   .status()),
      "ROOM_CONFLICT");

  // The next day in hall-b: the old slot is free at once.
  move.set_room("rooms/hall-b");
  *move.mutable_start_time() = ToProto(kDay + absl::Hours(24 + 9));
  *move.mutable_end_time() = ToProto(kDay + absl::Hours(24 + 17));
  auto moved = meetings_->diary().MoveBooking(kClerk, move);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->room(), "rooms/hall-b");
  EXPECT_EQ(moved->setup_minutes(), 30);
  EXPECT_TRUE(meetings_->diary()
                  .CreateBooking(kManager, BookingRequest(m2, "rooms/hall-a", kDay + absl::Hours(11), absl::Hours(1)))
                  .ok());
  v1::ListBookingsRequest list;
  list.set_parent(m1.name());
  auto listed = meetings_->diary().ListBookings(kFnb, list);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->bookings_size(), 1);
  EXPECT_EQ(listed->bookings(0).start_time().seconds(), absl::ToUnixSeconds(kDay + absl::Hours(24 + 9)));

  v1::CancelBookingRequest cancel;
  cancel.set_name(b1->name());
  cancel.set_reason("client cancelled");
  ASSERT_TRUE(meetings_->diary().CancelBooking(kKam, cancel).ok());
  EXPECT_EQ(ReasonOf(meetings_->diary().MoveBooking(kKam, move).status()), "BOOKING_CANCELLED");
}

TEST_F(MeetingsTest, MeetingsAreListedByState) {
  Meeting enquiry = NewMeeting();
  clock_.Advance(absl::Seconds(1));
  Meeting visited = NewMeeting();
  testing::MeetingRequest move;
  move.set_name(visited.name());
  ASSERT_TRUE(meetings_->pipeline().RecordSiteVisit(kKam, move).ok());

  v1::ListMeetingsRequest list;
  list.set_state(Meeting::SITE_VISIT);
  auto sited = meetings_->pipeline().ListMeetings(kManager, list);
  ASSERT_TRUE(sited.ok()) << sited.status();
  ASSERT_EQ(sited->meetings_size(), 1);
  EXPECT_EQ(sited->meetings(0).name(), visited.name());
  list.set_state(Meeting::ENQUIRY);
  list.set_owner("kam-li");
  auto open = meetings_->pipeline().ListMeetings(kManager, list);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->meetings_size(), 1);
  EXPECT_EQ(open->meetings(0).name(), enquiry.name());
  list.set_state(Meeting::CANCELLED);
  EXPECT_EQ(meetings_->pipeline().ListMeetings(kManager, list)->meetings_size(), 0);
  list.set_state(static_cast<Meeting::State>(99));
  EXPECT_EQ(FieldOf(meetings_->pipeline().ListMeetings(kManager, list).status()), "state");
}

// ---- Values out of range ----

// A start whose microseconds, computed in int64, wrap onto `target`: about
// the year 9·10^9. 10^6 = 2^6 · 15625, so seconds = (target/2^6) · 15625^-1
// modulo 2^58, plus 2^58.
int64_t WrappingOnto(absl::Time target) {
  const uint64_t micros = static_cast<uint64_t>(absl::ToUnixMicros(target));
  uint64_t inverse = 15625;  // Newton's iteration for 15625^-1 modulo 2^64
  for (int i = 0; i < 6; ++i) inverse *= 2 - 15625 * inverse;
  const uint64_t low = ((micros >> 6) * inverse) & ((uint64_t{1} << 58) - 1);
  return static_cast<int64_t>(low + (uint64_t{1} << 58));
}

TEST_F(MeetingsTest, ABookingInTheYear9e9IsRefusedAndLeavesNoGhostOnARealDay) {
  Meeting m = NewMeeting();
  const absl::Time real_start = kDay + absl::Hours(9);
  const int64_t ghost_seconds = WrappingOnto(real_start);
  ASSERT_GT(ghost_seconds, int64_t{9'000'000'000} * 365 * 86400 / 10 * 9);  // far beyond any calendar
  v1::CreateBookingRequest ghost = BookingRequest(m, "rooms/hall-a", real_start, absl::Hours(2));
  ghost.mutable_booking()->mutable_start_time()->set_seconds(ghost_seconds);
  ghost.mutable_booking()->mutable_start_time()->set_nanos(0);
  ghost.mutable_booking()->mutable_end_time()->set_seconds(ghost_seconds + 7200);
  ghost.mutable_booking()->mutable_end_time()->set_nanos(0);
  auto refused = meetings_->diary().CreateBooking(kKam, ghost);
  EXPECT_EQ(CodeOf(refused), Code::kInvalidArgument);
  EXPECT_EQ(FieldOf(refused.status()), "booking.start_time");
  // The real booking of that day is not refused by a ghost.
  auto real = meetings_->diary().CreateBooking(kKam, BookingRequest(m, "rooms/hall-a", real_start, absl::Hours(2)));
  EXPECT_TRUE(real.ok()) << real.status();
  v1::ListBookingsRequest list;
  list.set_parent(m.name());
  list.set_show_cancelled(true);
  auto all = meetings_->diary().ListBookings(kKam, list);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->bookings_size(), 1);
}

TEST_F(MeetingsTest, BookingsAndMeetingsOutsideTheirRangeAreRefusedByField) {
  Meeting m = NewMeeting();
  auto field = [&](absl::Time start, int32_t nanos = 0) {
    v1::CreateBookingRequest req = BookingRequest(m, "rooms/boardroom", start, absl::Hours(1));
    req.mutable_booking()->set_attendees(10);
    req.mutable_booking()->mutable_start_time()->set_nanos(nanos);
    return FieldOf(meetings_->diary().CreateBooking(kKam, req).status());
  };
  // The default horizon is 1096 days ahead; a day back is still taken.
  EXPECT_EQ(field(kStart + absl::Hours(24 * 1097)), "booking.start_time");
  EXPECT_EQ(field(kStart - absl::Hours(48)), "booking.start_time");
  EXPECT_EQ(field(kDay, -1), "booking.start_time.nanos");
  EXPECT_EQ(field(kDay, 1'000'000'000), "booking.start_time.nanos");
  v1::CreateBookingRequest year0 = BookingRequest(m, "rooms/boardroom", kDay, absl::Hours(1));
  year0.mutable_booking()->mutable_end_time()->set_seconds(-62167219200);
  EXPECT_EQ(FieldOf(meetings_->diary().CreateBooking(kKam, year0).status()), "booking.end_time");
  EXPECT_EQ(field(kStart + absl::Hours(24 * 1000)), "");  // accepted
  v1::ListBookingsRequest list;
  list.set_parent(m.name());
  EXPECT_EQ(meetings_->diary().ListBookings(kKam, list)->bookings_size(), 1);

  // The horizon is a setting of the service.
  Policy near;
  near.booking_horizon = absl::Hours(24 * 30);
  Meetings short_sighted(store_.get(), &directory_, &clock_, PageTokens("secret"), nullptr, near);
  v1::CreateBookingRequest later = BookingRequest(m, "rooms/hall-b", kStart + absl::Hours(24 * 31), absl::Hours(1));
  EXPECT_EQ(FieldOf(short_sighted.diary().CreateBooking(kKam, later).status()), "booking.start_time");

  v1::CreateMeetingRequest meeting;
  meeting.mutable_meeting()->set_account("accounts/acme");
  meeting.mutable_meeting()->set_title("far away");
  meeting.mutable_meeting()->set_origin(Meeting::OUTREACH);
  const int64_t year_50000 = absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(50000, 1, 1), absl::UTCTimeZone()));
  meeting.mutable_meeting()->mutable_start_time()->set_seconds(year_50000);
  meeting.mutable_meeting()->mutable_end_time()->set_seconds(year_50000 + 7200);
  EXPECT_EQ(FieldOf(meetings_->pipeline().CreateMeeting(kKam, meeting).status()), "meeting.start_time");

  v1::GetAvailabilityRequest diary;
  diary.mutable_start_time()->set_seconds(std::numeric_limits<int64_t>::max() - 100);
  diary.mutable_end_time()->set_seconds(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(FieldOf(meetings_->diary().GetAvailability(kKam, diary).status()), "start_time");
}

// What the relay sends for each kind of stored entry: the request, to the
// peer and method it is for; an unknown kind goes nowhere (kept).
TEST(OutboxTest, EntriesBecomeTheRequestsTheyStandFor) {
  OutboxEntry activity;
  activity.id = 7;
  activity.kind = OutboxEntry::kActivity;
  activity.account = "accounts/a1";
  activity.request_id = "m1-step-3";
  activity.summary = "agreement signed";
  activity.subject = "meetings/m1";
  activity.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  OutboxMessage m = ToMessage(activity);
  EXPECT_EQ(m.id, 7);
  EXPECT_EQ(m.peer, "clients");
  EXPECT_EQ(m.method, "/atrium.clients.v1.ClientsService/CreateActivity");
  EXPECT_EQ(m.traceparent, activity.traceparent);
  EXPECT_EQ(m.key, "meetings/m1");  // notice revisions are sent in order per meeting
  clients::v1::CreateActivityRequest req;
  ASSERT_TRUE(req.ParseFromString(m.body));
  EXPECT_EQ(req.parent(), "accounts/a1");
  EXPECT_EQ(req.request_id(), "m1-step-3");
  EXPECT_EQ(req.activity().type(), clients::v1::Activity::MEETING);
  EXPECT_EQ(req.activity().subject(), "meetings/m1");

  OutboxEntry notice;
  notice.kind = OutboxEntry::kNotice;
  notice.body = "stored request";
  m = ToMessage(notice);
  EXPECT_EQ(m.peer, "notifications");
  EXPECT_EQ(m.method, "/atrium.notifications.v1.NotificationsService/DispatchNotice");
  EXPECT_EQ(m.body, "stored request");
  const auto of_kind = [](int kind) {
    OutboxEntry e;
    e.kind = kind;
    return ToMessage(e);
  };
  EXPECT_EQ(of_kind(OutboxEntry::kLedger).method, "/atrium.clients.v1.ClientsService/CreateLedgerEntry");
  EXPECT_EQ(of_kind(OutboxEntry::kPreference).method, "/atrium.clients.v1.ClientsService/CreatePreference");
  EXPECT_TRUE(of_kind(99).peer.empty());
}

// At start-up, what earlier releases left is brought up to date, once:
// meetings without their state, and the writes waiting in the legacy
// activity_outbox, moved in order as the requests they stand for.
TEST_F(MeetingsTest, StartUpUpgradesWhatEarlierReleasesLeft) {
  Meeting m = NewMeeting();
  ASSERT_TRUE(store_
                  ->Write([&](MeetingsTx& tx) -> absl::Status {
                    db::Tx& raw = tx.db();
                    if (auto s = raw.Exec("DELETE FROM outbox"); !s.ok()) return s;
                    if (auto s = raw.Exec("UPDATE meetings SET state = 0"); !s.ok()) return s;
                    const std::string insert =
                        "INSERT INTO activity_outbox(account, request_id, summary, detail, subject, attempts,"
                        " next_attempt_micros, kind, body, traceparent) VALUES ($1, $2, $3, '', $4, 2, $5, $6, $7, $8)";
                    if (auto s = raw.Exec(insert, {"accounts/acme", "r1", "signed", m.name(), 5, OutboxEntry::kActivity,
                                                   db::Arg::Blob(""), ""});
                        !s.ok()) {
                      return s;
                    }
                    return raw.Exec(insert, {"accounts/acme", "r2", "", m.name(), 6, OutboxEntry::kNotice,
                                             db::Arg::Blob("stored request"), "tp"});
                  })
                  .ok());
  ASSERT_TRUE(UpgradeRows(*store_).ok());
  ASSERT_TRUE(UpgradeRows(*store_).ok());  // nothing left to do
  std::vector<OutboxMessage> due;
  ASSERT_TRUE(store_
                  ->Read([&](MeetingsTx& tx) -> absl::Status {
                    auto listed = tx.ListMeetings("", "", m.state(), std::nullopt, 10);
                    if (!listed.ok()) return listed.status();
                    EXPECT_EQ(listed->size(), 1u);
                    auto left = tx.db().Query("SELECT COUNT(*) FROM activity_outbox");
                    if (!left.ok()) return left.status();
                    EXPECT_EQ(left->Int(0, 0), 0);
                    auto rows = tx.DueOutbox(10, 10);
                    if (!rows.ok()) return rows.status();
                    due = std::move(*rows);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].method, "/atrium.clients.v1.ClientsService/CreateActivity");
  clients::v1::CreateActivityRequest activity;
  ASSERT_TRUE(activity.ParseFromString(due[0].body));
  EXPECT_EQ(activity.request_id(), "r1");
  EXPECT_EQ(activity.activity().subject(), m.name());
  EXPECT_EQ(due[1].method, "/atrium.notifications.v1.NotificationsService/DispatchNotice");
  EXPECT_EQ(due[1].body, "stored request");
  EXPECT_EQ(due[1].key, m.name());
  EXPECT_EQ(due[1].traceparent, "tp");
}

// The week's function diary, read back as a reader would (pdftotext): each
// booking in its room's row and its day's column, a combination in each of
// its parts, a booking past midnight on both days.
TEST_F(MeetingsTest, TheWeeksDiaryPrintsEachBookingInItsRoomAndDay) {
  Meeting m = NewMeeting();
  ASSERT_TRUE(meetings_->diary().CreateBooking(kKam, BookingRequest(m, "rooms/hall-a", kDay, absl::Hours(8))).ok());
  auto whole = meetings_->diary().CreateBooking(
      kKam, BookingRequest(m, "rooms/hall", kDay + absl::Hours(23), absl::Hours(3)));  // 12-28 09:00
  ASSERT_TRUE(whole.ok()) << whole.status();
  v1::ConfirmBookingRequest confirm;
  confirm.set_name(whole->name());
  ASSERT_TRUE(meetings_->diary().ConfirmBooking(kManager, confirm).ok());
  ASSERT_TRUE(meetings_->diary()
                  .CreateBooking(kKam, BookingRequest(m, "rooms/hall-b", kDay + absl::Hours(58), absl::Hours(14)))
                  .ok());  // 12-29 20:00 to 12-30 10:00

  v1::PrintFunctionDiaryRequest req;
  req.mutable_start_date()->set_year(2026);
  req.mutable_start_date()->set_month(12);
  req.mutable_start_date()->set_day(27);
  auto pdf = meetings_->diary().PrintFunctionDiary(kFnb, req);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->file_name(), "diary-2026-12-27.pdf");
  testing::PdfReader reader;
  EXPECT_EQ(reader.Pages(pdf->data()), pdf->page_count());
  EXPECT_EQ(reader.Rendered(pdf->data()), pdf->page_count());
  const std::string text = reader.Text(pdf->data());
  for (const char* want : {"场地日程表", "2026-12-27 起 7 天", "12-27 周日", "01-02 周六", "Room hall-a",
                           "Room boardroom", "10:00–18:00 2027 华东区经销商年会（暂定，剧院式 100人）", "09:00–12:00",
                           "（确定，剧院式 100人，经 rooms/hall）", "20:00–次日", "00:00–10:00"}) {
    EXPECT_TRUE(testing::PdfReader::Holds(text, want)) << want << " not in:\n" << text;
  }

  // Three days of two rooms only.
  req.set_days(3);
  req.add_rooms("rooms/boardroom");
  req.add_rooms("rooms/hall-b");
  pdf = meetings_->diary().PrintFunctionDiary(kManager, req);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  const std::string two = reader.Text(pdf->data());
  EXPECT_TRUE(testing::PdfReader::Holds(two, "12-29 周二")) << two;
  EXPECT_FALSE(testing::PdfReader::Holds(two, "12-30")) << two;
  EXPECT_FALSE(testing::PdfReader::Holds(two, "Room hall-a")) << two;
  EXPECT_TRUE(testing::PdfReader::Holds(two, "经 rooms/hall")) << two;  // hall-b is part of the hall
  EXPECT_TRUE(testing::PdfReader::Holds(two, "20:00–次日")) << two;
  EXPECT_FALSE(testing::PdfReader::Holds(two, "00:00–10:00")) << two;  // the 30th is not asked for

  auto bad = [&](std::function<void(v1::PrintFunctionDiaryRequest&)> change) {
    v1::PrintFunctionDiaryRequest r;
    *r.mutable_start_date() = req.start_date();
    change(r);
    return FieldOf(meetings_->diary().PrintFunctionDiary(kManager, r).status());
  };
  EXPECT_EQ(bad([](auto& r) { r.clear_start_date(); }), "start_date");
  EXPECT_EQ(bad([](auto& r) { r.mutable_start_date()->set_day(32); }), "start_date");
  EXPECT_EQ(bad([](auto& r) { r.mutable_start_date()->set_year(2201); }), "start_date");
  EXPECT_EQ(bad([](auto& r) { r.set_days(8); }), "days");
  EXPECT_EQ(bad([](auto& r) { r.set_days(-1); }), "days");
  EXPECT_EQ(bad([](auto& r) { r.add_rooms("rooms/nowhere"); }), "rooms[0]");
  EXPECT_EQ(bad([](auto& r) { r.add_rooms("hall-a"); }), "rooms[0]");
  EXPECT_EQ(CodeOf(meetings_->diary().PrintFunctionDiary(kInspector, req)), Code::kPermissionDenied);
}

}  // namespace
}  // namespace atrium::meetings
