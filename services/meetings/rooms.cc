// Changing the conference centre after it was set up: a room's details, its
// retirement, and moving a booking to other times or another room.
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
namespace internal {

absl::Status CheckBookable(MeetingsTx& tx, const v1::Room& room) {
  if (room.state() == v1::Room::RETIRED) {
    return FailedPrecondition("ROOM_RETIRED", absl::StrCat(room.name(), " is retired: ", room.retire_reason()),
                              {{"retired_room", room.name()}});
  }
  for (const auto& part : room.parts()) {
    auto p = tx.GetRoom(part.substr(sizeof("rooms/") - 1));
    if (!p.ok()) return p.status();
    if (*p && (*p)->state() == v1::Room::RETIRED) {
      return FailedPrecondition(
          "ROOM_RETIRED", absl::StrCat(room.name(), " contains ", part, ", which is retired: ", (*p)->retire_reason()),
          {{"retired_room", part}});
    }
  }
  return absl::OkStatus();
}

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

}  // namespace internal

namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::Booking;
using v1::Room;

constexpr absl::Duration kMaxFunction = absl::Hours(14 * 24);

absl::StatusOr<std::string> RoomId(const std::string& name, const std::string& field) {
  auto ids = ParseName(name, {"rooms"}, field);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<Room> MustGetRoom(MeetingsTx& tx, const std::string& id) {
  auto r = tx.GetRoom(id);
  if (!r.ok()) return r.status();
  if (!*r) return NotFound("room", absl::StrCat("rooms/", id));
  return std::move(**r);
}

}  // namespace

absl::StatusOr<Room> Meetings::UpdateRoom(const Principal& who, const v1::UpdateRoomRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "rooms of the conference centre are changed by the manager"));
  auto id = RoomId(req.room().name(), "room.name");
  if (!id.ok()) return id.status();
  static const std::set<std::string, std::less<>> kChangeable = {"display_name", "location", "capacities"};
  for (const auto& path : req.update_mask().paths()) {
    if (kChangeable.count(path) == 0) {
      return InvalidArgument("update_mask", absl::StrCat("\"", path, "\" is not a room field that can change"));
    }
  }
  const absl::Time now = clock_->Now();
  Room out;
  absl::Status status = store_->Write([&](MeetingsTx& tx) -> absl::Status {
    auto r = MustGetRoom(tx, *id);
    if (!r.ok()) return r.status();
    if (!req.room().etag().empty() && req.room().etag() != r->etag()) return StaleEtag(r->name());
    if (r->state() == Room::RETIRED) {
      return FailedPrecondition("ROOM_RETIRED", absl::StrCat(r->name(), " is retired"), {{"retired_room", r->name()}});
    }
    Room changed = *r;
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
    RETURN_IF_ERROR(tx.PutRoom(*id, changed));
    out = std::move(changed);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Room> Meetings::RetireRoom(const Principal& who, const v1::RetireRoomRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "rooms of the conference centre are retired by the manager"));
  auto id = RoomId(req.name(), "name");
  if (!id.ok()) return id.status();
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  const absl::Time now = clock_->Now();
  Room out;
  absl::Status status = store_->Write([&](MeetingsTx& tx) -> absl::Status {
    auto r = MustGetRoom(tx, *id);
    if (!r.ok()) return r.status();
    if (r->state() == Room::RETIRED) {  // harmless again
      out = std::move(*r);
      return absl::OkStatus();
    }
    if (!req.etag().empty() && req.etag() != r->etag()) return StaleEtag(r->name());
    r->set_state(Room::RETIRED);
    r->set_retire_reason(req.reason());
    Touch(r->mutable_audit(), who, now);
    r->set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutRoom(*id, *r));
    out = std::move(*r);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Booking> Meetings::MoveBooking(const Principal& who, const v1::MoveBookingRequest& req) {
  if (!req.room().empty()) {
    if (auto id = RoomId(req.room(), "room"); !id.ok()) return id.status();
  }
  if (!req.has_start_time()) return InvalidArgument("start_time", "is required");
  if (!req.has_end_time()) return InvalidArgument("end_time", "is required");
  // Checked before any arithmetic, as for a new booking: from a day ago to
  // the booking horizon.
  const absl::Time now = clock_->Now();
  RETURN_IF_ERROR(CheckTimestamp(req.start_time(), "start_time", now - absl::Hours(24), now + policy_.booking_horizon));
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
        auto room = MustGetRoom(tx, room_name.substr(sizeof("rooms/") - 1));
        if (!room.ok()) return room.status();
        RETURN_IF_ERROR(CheckBookable(tx, *room));
        int seats = 0;
        for (const auto& c : room->capacities()) {
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
        const std::vector<std::string> units = UnitsOf(*room);
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

}  // namespace atrium::meetings
