// The function diary (Diary): the rooms of the conference centre (set up,
// changed, retired), the bookings holding them (made, confirmed, moved,
// cancelled) and the availability of the rooms over a range of time.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/meetings/internal.h"
#include "services/meetings/meetings.h"

namespace atrium::meetings {
namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::Booking;
using v1::Room;

constexpr char kCreateBooking[] = "CreateBooking";
constexpr absl::Duration kMaxFunction = absl::Hours(14 * 24);
constexpr absl::Duration kMaxAvailabilityRange = absl::Hours(31 * 24);

absl::StatusOr<std::string> RoomIdOf(const std::string& name, const std::string& field) {
  auto ids = ParseName(name, {"rooms"}, field);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<Room> MustGetRoom(MeetingsTx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto r, tx.GetRoom(id));
  if (!r) return NotFound("room", absl::StrCat("rooms/", id));
  return std::move(*r);
}

// FAILED_PRECONDITION ROOM_RETIRED when `room`, or a part of it, is retired.
absl::Status CheckBookable(MeetingsTx& tx, const v1::Room& room) {
  if (room.state() == v1::Room::RETIRED) {
    return FailedPrecondition("ROOM_RETIRED", absl::StrCat(room.name(), " is retired: ", room.retire_reason()),
                              {{"retired_room", room.name()}});
  }
  for (const auto& part : room.parts()) {
    ASSIGN_OR_RETURN(auto p, tx.GetRoom(part.substr(sizeof("rooms/") - 1)));
    if (p && (p)->state() == v1::Room::RETIRED) {
      return FailedPrecondition(
          "ROOM_RETIRED", absl::StrCat(room.name(), " contains ", part, ", which is retired: ", (p)->retire_reason()),
          {{"retired_room", part}});
    }
  }
  return absl::OkStatus();
}

// The capacities of `r`: known styles, each once, 1..10000 seats.
absl::Status CheckCapacities(const v1::Room& r, const std::string& field) {
  std::set<int> styles;
  for (int i = 0; i < r.capacities_size(); ++i) {
    const auto& c = r.capacities(i);
    const std::string at = absl::StrCat(field, ".capacities[", i, "]");
    if (c.style() == v1::SETUP_STYLE_UNSPECIFIED || !v1::SetupStyle_IsValid(c.style())) {
      return InvalidArgument(at + ".style", "is not a known set-up style");
    }
    if (!styles.insert(c.style()).second) return InvalidArgument(at + ".style", "appears twice");
    if (c.seats() < 1 || c.seats() > 10000) return InvalidArgument(at + ".seats", "must be between 1 and 10000");
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> UnitsOf(const Room& room) {
  std::vector<std::string> units;
  for (const auto& part : room.parts()) units.push_back(part.substr(sizeof("rooms/") - 1));
  if (units.empty()) units.push_back(room.name().substr(sizeof("rooms/") - 1));
  return units;
}

absl::StatusOr<Room> Diary::CreateRoom(const Principal& who, const v1::CreateRoomRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "rooms of the conference centre are set up by the manager"));
  if (!IsValidId(req.room_id())) return InvalidArgument("room_id", "must be 1 to 63 of a-z, 0-9 and '-'");
  Room r = req.room();
  RETURN_IF_ERROR(CheckText(r.display_name(), "room.display_name", 100, true));
  RETURN_IF_ERROR(CheckText(r.location(), "room.location", 100));
  RETURN_IF_ERROR(CheckCapacities(r, "room"));
  std::set<std::string> parts;
  for (int i = 0; i < r.parts_size(); ++i) {
    ASSIGN_OR_RETURN(auto part, RoomIdOf(r.parts(i), absl::StrCat("room.parts[", i, "]")));
    if (!parts.insert(part).second) return InvalidArgument(absl::StrCat("room.parts[", i, "]"), "appears twice");
  }
  if (r.parts_size() == 1) return InvalidArgument("room.parts", "a combination is made of two rooms or more");
  const absl::Time now = ctx_.clock->Now();
  r.set_name(absl::StrCat("rooms/", req.room_id()));
  r.set_state(Room::ACTIVE);
  r.clear_retire_reason();
  r.set_etag(NewEtag());
  *r.mutable_audit() = NewAudit(who, now);
  absl::Status status = ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto existing, tx.GetRoom(req.room_id()));
    if (existing) {
      return AlreadyExists("ROOM_EXISTS", absl::StrCat(r.name(), " exists already"), {{"existing_room", r.name()}});
    }
    for (const auto& part : parts) {
      ASSIGN_OR_RETURN(auto p, tx.GetRoom(part));
      if (!p) return FailedPrecondition("PART_NOT_FOUND", absl::StrCat("rooms/", part, " does not exist"));
      if ((p)->parts_size() > 0) {
        return FailedPrecondition("PART_IS_COMBINATION", absl::StrCat("rooms/", part, " is itself a combination"));
      }
    }
    return tx.InsertRoom(req.room_id(), r);
  });
  if (!status.ok()) return status;
  return r;
}

absl::StatusOr<Room> Diary::GetRoom(const Principal& who, const v1::GetRoomRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "rooms are read by staff, departments and services"));
  ASSIGN_OR_RETURN(auto id, RoomIdOf(req.name(), "name"));
  return ctx_.store->Read<Room>([&](MeetingsTx& tx) -> absl::StatusOr<Room> {
    ASSIGN_OR_RETURN(auto r, tx.GetRoom(id));
    if (!r) return NotFound("room", req.name());
    return std::move(*r);
  });
}

absl::StatusOr<v1::ListRoomsResponse> Diary::ListRooms(const Principal& who, const v1::ListRoomsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "rooms are read by staff, departments and services"));
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size(), 100, 1000));
  ASSIGN_OR_RETURN(const std::string after, ctx_.page_tokens.DecodeAfterKey(req.page_token(), "rooms"));
  v1::ListRoomsResponse out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListRooms(after, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& r : rows) *out.add_rooms() = std::move(r);
    if (more) {
      out.set_next_page_token(ctx_.page_tokens.EncodeAfterKey(
          "rooms", out.rooms(out.rooms_size() - 1).name().substr(sizeof("rooms/") - 1)));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Room> Diary::UpdateRoom(const Principal& who, const v1::UpdateRoomRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "rooms of the conference centre are changed by the manager"));
  ASSIGN_OR_RETURN(auto id, RoomIdOf(req.room().name(), "room.name"));
  static const std::set<std::string, std::less<>> kChangeable = {"display_name", "location", "capacities"};
  for (const auto& path : req.update_mask().paths()) {
    if (kChangeable.count(path) == 0) {
      return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" is not a room field that can change"));
    }
  }
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<Room>([&](MeetingsTx& tx) -> absl::StatusOr<Room> {
    ASSIGN_OR_RETURN(auto r, MustGetRoom(tx, id));
    if (!req.room().etag().empty() && req.room().etag() != r.etag()) return StaleEtag(r.name());
    if (r.state() == Room::RETIRED) {
      return FailedPrecondition("ROOM_RETIRED", absl::StrCat(r.name(), " is retired"), {{"retired_room", r.name()}});
    }
    Room changed = r;
    if (req.update_mask().paths_size() == 0) {
      changed.set_display_name(req.room().display_name());
      changed.set_location(req.room().location());
      *changed.mutable_capacities() = req.room().capacities();
    } else {
      ApplyFieldMask(req.room(), req.update_mask(), &changed);
    }
    RETURN_IF_ERROR(CheckText(changed.display_name(), "room.display_name", 100, true));
    RETURN_IF_ERROR(CheckText(changed.location(), "room.location", 100));
    RETURN_IF_ERROR(CheckCapacities(changed, "room"));
    if (changed.state() == Room::STATE_UNSPECIFIED) changed.set_state(Room::ACTIVE);
    Touch(changed.mutable_audit(), who, now);
    changed.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutRoom(id, changed));
    return changed;
  });
}

absl::StatusOr<Room> Diary::RetireRoom(const Principal& who, const v1::RetireRoomRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "rooms of the conference centre are retired by the manager"));
  ASSIGN_OR_RETURN(auto id, RoomIdOf(req.name(), "name"));
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<Room>([&](MeetingsTx& tx) -> absl::StatusOr<Room> {
    ASSIGN_OR_RETURN(auto r, MustGetRoom(tx, id));
    if (r.state() == Room::RETIRED) {  // harmless again
      return r;
    }
    if (!req.etag().empty() && req.etag() != r.etag()) return StaleEtag(r.name());
    r.set_state(Room::RETIRED);
    r.set_retire_reason(req.reason());
    Touch(r.mutable_audit(), who, now);
    r.set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutRoom(id, r));
    return r;
  });
}

absl::StatusOr<Booking> Diary::CreateBooking(const Principal& who, const v1::CreateBookingRequest& req) {
  RETURN_IF_ERROR(who.Require(kSellers, "rooms are booked by the manager, key account managers and clerks"));
  ASSIGN_OR_RETURN(auto meeting_id, MeetingIdOf(req.parent(), "parent"));
  ASSIGN_OR_RETURN(auto key, RequestKeyOf(kCreateBooking, who, req, req.request_id()));
  Booking b = req.booking();
  ASSIGN_OR_RETURN(auto room_id, RoomIdOf(b.room(), "booking.room"));
  if (!b.has_start_time()) return InvalidArgument("booking.start_time", "is required");
  if (!b.has_end_time()) return InvalidArgument("booking.end_time", "is required");
  // Checked before any arithmetic: from a day ago to the booking horizon.
  const absl::Time now = ctx_.clock->Now();
  if (auto s = CheckTimestamp(b.start_time(), "booking.start_time", now - absl::Hours(24),
                              now + ctx_.policy.booking_horizon);
      !s.ok()) {
    return s;
  }
  RETURN_IF_ERROR(CheckTimestamp(b.end_time(), "booking.end_time"));
  const absl::Time start = FromProto(b.start_time());
  const absl::Time end = FromProto(b.end_time());
  if (end <= start) return InvalidArgument("booking.end_time", "must be after start_time");
  if (end - start > kMaxFunction) return InvalidArgument("booking.end_time", "a booking lasts at most 14 days");
  if (b.setup_minutes() < 0 || b.setup_minutes() > 1440) {
    return InvalidArgument("booking.setup_minutes", "must be between 0 and 1440");
  }
  if (b.teardown_minutes() < 0 || b.teardown_minutes() > 1440) {
    return InvalidArgument("booking.teardown_minutes", "must be between 0 and 1440");
  }
  if (b.style() == v1::SETUP_STYLE_UNSPECIFIED || !v1::SetupStyle_IsValid(b.style())) {
    return InvalidArgument("booking.style", "is not a known set-up style");
  }
  if (b.attendees() < 1) return InvalidArgument("booking.attendees", "must be 1 or more");
  if (b.hold() == Booking::HOLD_UNSPECIFIED) b.set_hold(Booking::TENTATIVE);
  if (!Booking::Hold_IsValid(b.hold())) return InvalidArgument("booking.hold", "must be TENTATIVE or DEFINITE");
  b.set_name(absl::StrCat(req.parent(), "/bookings/", NewId(now)));
  b.set_state(Booking::ACTIVE);
  b.clear_cancel_reason();
  *b.mutable_audit() = NewAudit(who, now);
  const int64_t occupied_start = absl::ToUnixMicros(start - absl::Minutes(b.setup_minutes()));
  const int64_t occupied_end = absl::ToUnixMicros(end + absl::Minutes(b.teardown_minutes()));

  return ctx_.store->Write<Booking>([&](MeetingsTx& tx) -> absl::StatusOr<Booking> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, meeting_id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    ASSIGN_OR_RETURN(auto prior, OriginalOf(tx, key));
    if (prior) {
      ASSIGN_OR_RETURN(auto existing, tx.GetBooking(*prior));
      if (!existing) return NotFound("booking", *prior);
      return std::move(*existing);
    }
    if (IsClosed(m)) {
      return FailedPrecondition("MEETING_CLOSED", absl::StrCat(req.parent(), " is ", StateName(m.state())),
                                {{"current_state", StateName(m.state())}});
    }
    auto room = tx.GetRoom(room_id);
    if (!room.ok()) return room.status();
    if (!*room) return NotFound("room", b.room());
    RETURN_IF_ERROR(CheckBookable(tx, **room));
    int seats = 0;
    for (const auto& c : (*room)->capacities()) {
      if (c.style() == b.style()) seats = c.seats();
    }
    if (seats < b.attendees()) {
      return FailedPrecondition(
          "ROOM_TOO_SMALL", absl::StrCat(b.room(), " seats ", seats, " in ", v1::SetupStyle_Name(b.style()), " style; ",
                                         b.attendees(), " attendees asked"));
    }
    // The check and the insert are in one write transaction: the single
    // writer makes them atomic, so of two overlapping requests one wins.
    const std::vector<std::string> units = UnitsOf(**room);
    ASSIGN_OR_RETURN(auto in_the_way, tx.Occupancies(units, occupied_start, occupied_end, 1));
    if (!in_the_way.empty()) {
      const Occupancy& o = in_the_way.front();
      return WithReason(absl::AbortedError(absl::StrCat(b.room(), " is held by ", o.meeting, " (", o.booking,
                                                        ") at that time, set-up and tear-down included")),
                        "ROOM_CONFLICT", {{"conflicting_meeting", o.meeting}, {"conflicting_booking", o.booking}});
    }
    RETURN_IF_ERROR(RememberOriginal(tx, key, b.name(), now));
    RETURN_IF_ERROR(tx.PutBooking(meeting_id, b, units));
    return b;
  });
}

absl::StatusOr<Booking> Diary::GetBooking(const Principal& who, const v1::GetBookingRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "bookings are read by staff, departments and services"));
  if (auto ids = ParseName(req.name(), {"meetings", "bookings"}, "name"); !ids.ok()) return ids.status();
  return ctx_.store->Read<Booking>([&](MeetingsTx& tx) -> absl::StatusOr<Booking> {
    ASSIGN_OR_RETURN(auto b, tx.GetBooking(req.name()));
    if (!b) return NotFound("booking", req.name());
    return std::move(*b);
  });
}

absl::StatusOr<v1::ListBookingsResponse> Diary::ListBookings(const Principal& who, const v1::ListBookingsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "bookings are read by staff, departments and services"));
  auto ids = ParseName(req.parent(), {"meetings"}, "parent", /*allow_wildcard=*/true);
  if (!ids.ok()) return ids.status();
  const std::string meeting_id = (*ids)[0] == "-" ? "" : (*ids)[0];
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query = absl::StrCat("bookings|", meeting_id, "|", req.show_cancelled());
  ASSIGN_OR_RETURN(auto after, ctx_.page_tokens.DecodeAfter(req.page_token(), query));
  v1::ListBookingsResponse out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListBookings(meeting_id, req.show_cancelled(), after, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& b : rows) *out.add_bookings() = std::move(b);
    if (more) {
      const Booking& last = out.bookings(out.bookings_size() - 1);
      out.set_next_page_token(ctx_.page_tokens.EncodeAfter(query, ToUnixMicros(last.start_time()), last.name()));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::Status Diary::ChangeBooking(const Principal& who, const std::string& name,
                                  const std::function<absl::Status(MeetingsTx&, Booking&)>& change, Booking* out) {
  RETURN_IF_ERROR(who.Require(kSellers, "bookings are changed by the manager, key account managers and clerks"));
  auto ids = ParseName(name, {"meetings", "bookings"}, "name");
  if (!ids.ok()) return ids.status();
  const std::string meeting_id = (*ids)[0];
  return ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto b, tx.GetBooking(name));
    if (!b) return NotFound("booking", name);
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, meeting_id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    Booking booking = std::move(*b);
    const bool was_active = booking.state() == Booking::ACTIVE;
    RETURN_IF_ERROR(change(tx, booking));
    *out = booking;
    if (!was_active && booking.state() != Booking::ACTIVE) return absl::OkStatus();  // nothing changed
    ASSIGN_OR_RETURN(auto room, tx.GetRoom(booking.room().substr(sizeof("rooms/") - 1)));
    if (!room) return absl::DataLossError(absl::StrCat(booking.room(), " is missing"));
    return tx.PutBooking(meeting_id, booking, UnitsOf(*room));
  });
}

absl::StatusOr<Booking> Diary::ConfirmBooking(const Principal& who, const v1::ConfirmBookingRequest& req) {
  const absl::Time now = ctx_.clock->Now();
  Booking out;
  absl::Status s = ChangeBooking(
      who, req.name(),
      [&](MeetingsTx&, Booking& b) -> absl::Status {
        if (b.state() != Booking::ACTIVE) {
          return FailedPrecondition("BOOKING_CANCELLED", absl::StrCat(req.name(), " was cancelled"));
        }
        if (b.hold() == Booking::DEFINITE) {
          return FailedPrecondition("ALREADY_DEFINITE", absl::StrCat(req.name(), " is definite already"));
        }
        b.set_hold(Booking::DEFINITE);
        Touch(b.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      &out);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<Booking> Diary::CancelBooking(const Principal& who, const v1::CancelBookingRequest& req) {
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  const absl::Time now = ctx_.clock->Now();
  Booking out;
  absl::Status s = ChangeBooking(
      who, req.name(),
      [&](MeetingsTx&, Booking& b) -> absl::Status {
        if (b.state() == Booking::CANCELLED) return absl::OkStatus();  // harmless again
        b.set_state(Booking::CANCELLED);
        b.set_cancel_reason(req.reason());
        Touch(b.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      &out);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<Booking> Diary::MoveBooking(const Principal& who, const v1::MoveBookingRequest& req) {
  if (!req.room().empty()) {
    if (auto id = RoomIdOf(req.room(), "room"); !id.ok()) return id.status();
  }
  if (!req.has_start_time()) return InvalidArgument("start_time", "is required");
  if (!req.has_end_time()) return InvalidArgument("end_time", "is required");
  // Checked before any arithmetic, as for a new booking: from a day ago to
  // the booking horizon.
  const absl::Time now = ctx_.clock->Now();
  RETURN_IF_ERROR(
      CheckTimestamp(req.start_time(), "start_time", now - absl::Hours(24), now + ctx_.policy.booking_horizon));
  RETURN_IF_ERROR(CheckTimestamp(req.end_time(), "end_time"));
  const absl::Time start = FromProto(req.start_time());
  const absl::Time end = FromProto(req.end_time());
  if (end <= start) return InvalidArgument("end_time", "must be after start_time");
  if (end - start > kMaxFunction) return InvalidArgument("end_time", "a booking lasts at most 14 days");
  if (req.has_setup_minutes() && (req.setup_minutes() < 0 || req.setup_minutes() > 1440)) {
    return InvalidArgument("setup_minutes", "must be between 0 and 1440");
  }
  if (req.has_teardown_minutes() && (req.teardown_minutes() < 0 || req.teardown_minutes() > 1440)) {
    return InvalidArgument("teardown_minutes", "must be between 0 and 1440");
  }
  Booking out;
  absl::Status s = ChangeBooking(
      who, req.name(),
      [&](MeetingsTx& tx, Booking& b) -> absl::Status {
        if (b.state() != Booking::ACTIVE) {
          return FailedPrecondition("BOOKING_CANCELLED", absl::StrCat(req.name(), " was cancelled"));
        }
        const std::string room_name = req.room().empty() ? b.room() : req.room();
        ASSIGN_OR_RETURN(auto room, MustGetRoom(tx, room_name.substr(sizeof("rooms/") - 1)));
        RETURN_IF_ERROR(CheckBookable(tx, room));
        int seats = 0;
        for (const auto& c : room.capacities()) {
          if (c.style() == b.style()) seats = c.seats();
        }
        if (seats < b.attendees()) {
          return FailedPrecondition("ROOM_TOO_SMALL",
                                    absl::StrCat(room_name, " seats ", seats, " in ", v1::SetupStyle_Name(b.style()),
                                                 " style; the booking is for ", b.attendees(), " attendees"));
        }
        const int setup = req.has_setup_minutes() ? req.setup_minutes() : b.setup_minutes();
        const int teardown = req.has_teardown_minutes() ? req.teardown_minutes() : b.teardown_minutes();
        const int64_t occupied_start = absl::ToUnixMicros(start - absl::Minutes(setup));
        const int64_t occupied_end = absl::ToUnixMicros(end + absl::Minutes(teardown));
        // In the same transaction as the change: the booking's own
        // occupancy is not in the way of its move.
        // It holds at most one occupancy per unit, so one more row than
        // there are units shows any other booking in the way.
        const std::vector<std::string> units = UnitsOf(room);
        auto in_the_way = tx.Occupancies(units, occupied_start, occupied_end, static_cast<int>(units.size()) + 1);
        if (!in_the_way.ok()) return in_the_way.status();
        for (const Occupancy& o : *in_the_way) {
          if (o.booking == b.name()) continue;
          return WithReason(absl::AbortedError(absl::StrCat(room_name, " is held by ", o.meeting, " (", o.booking,
                                                            ") at that time, set-up and tear-down included")),
                            "ROOM_CONFLICT", {{"conflicting_meeting", o.meeting}, {"conflicting_booking", o.booking}});
        }
        b.set_room(room_name);
        *b.mutable_start_time() = req.start_time();
        *b.mutable_end_time() = req.end_time();
        b.set_setup_minutes(setup);
        b.set_teardown_minutes(teardown);
        Touch(b.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      &out);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Availability> Diary::GetAvailability(const Principal& who, const v1::GetAvailabilityRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "the diary is read by staff, departments and services"));
  if (!req.has_start_time()) return InvalidArgument("start_time", "is required");
  if (!req.has_end_time()) return InvalidArgument("end_time", "is required");
  RETURN_IF_ERROR(CheckTimestamp(req.start_time(), "start_time"));
  RETURN_IF_ERROR(CheckTimestamp(req.end_time(), "end_time"));
  const absl::Time start = FromProto(req.start_time());
  const absl::Time end = FromProto(req.end_time());
  if (end <= start) return InvalidArgument("end_time", "must be after start_time");
  if (end - start > kMaxAvailabilityRange) return InvalidArgument("end_time", "the range is at most 31 days");
  std::vector<std::string> wanted;
  for (int i = 0; i < req.rooms_size(); ++i) {
    ASSIGN_OR_RETURN(auto id, RoomIdOf(req.rooms(i), absl::StrCat("rooms[", i, "]")));
    wanted.push_back(id);
  }
  v1::Availability out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    std::vector<Room> rooms;
    if (wanted.empty()) {
      std::string after;
      for (;;) {
        ASSIGN_OR_RETURN(auto page, tx.ListRooms(after, 1000));
        for (auto& r : page) rooms.push_back(std::move(r));
        if (page.size() < 1000) break;
        after = rooms.back().name().substr(sizeof("rooms/") - 1);
      }
    } else {
      for (size_t i = 0; i < wanted.size(); ++i) {
        ASSIGN_OR_RETURN(auto r, tx.GetRoom(wanted[i]));
        if (!r)
          return InvalidArgument(absl::StrCat("rooms[", i, "]"), absl::StrCat("rooms/", wanted[i], " does not exist"));
        rooms.push_back(std::move(*r));
      }
    }
    // Every room at once is one range scan of the diary, grouped by unit;
    // a few rooms are a lookup per unit.
    std::vector<Occupancy> all;
    std::map<std::string, std::vector<const Occupancy*>> by_unit;
    if (wanted.empty()) {
      ASSIGN_OR_RETURN(auto found, tx.AllOccupancies(absl::ToUnixMicros(start), absl::ToUnixMicros(end), 1000000));
      all = std::move(found);
      for (const auto& o : all) by_unit[o.unit].push_back(&o);
    }
    for (const Room& room : rooms) {
      std::vector<Occupancy> fetched;
      std::vector<const Occupancy*> occupied;
      if (wanted.empty()) {
        for (const auto& unit : UnitsOf(room)) {
          auto it = by_unit.find(unit);
          if (it != by_unit.end()) occupied.insert(occupied.end(), it->second.begin(), it->second.end());
        }
      } else {
        ASSIGN_OR_RETURN(auto found,
                         tx.Occupancies(UnitsOf(room), absl::ToUnixMicros(start), absl::ToUnixMicros(end), 10000));
        fetched = std::move(found);
        for (const auto& o : fetched) occupied.push_back(&o);
      }
      std::sort(occupied.begin(), occupied.end(), [](const Occupancy* a, const Occupancy* b) {
        return std::tie(a->start_micros, a->booking) < std::tie(b->start_micros, b->booking);
      });
      auto* diary = out.add_rooms();
      diary->set_room(room.name());
      diary->mutable_holds()->Reserve(static_cast<int>(occupied.size()));
      const Occupancy* previous = nullptr;
      for (const Occupancy* o : occupied) {
        // A combination holds several units: show its booking once.
        if (previous != nullptr && previous->booking == o->booking) continue;
        previous = o;
        auto* h = diary->add_holds();
        h->set_booking(o->booking);
        h->set_meeting(o->meeting);
        h->set_room(o->room);
        h->set_hold(static_cast<Booking::Hold>(o->hold));
        h->mutable_start_time()->set_seconds(o->start_micros / 1000000);
        h->mutable_end_time()->set_seconds(o->end_micros / 1000000);
        h->mutable_start_time()->set_nanos(static_cast<int32_t>(o->start_micros % 1000000) * 1000);
        h->mutable_end_time()->set_nanos(static_cast<int32_t>(o->end_micros % 1000000) * 1000);
      }
      diary->set_free(diary->holds_size() == 0);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace atrium::meetings
