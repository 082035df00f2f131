#include "services/meetings/meetings.h"

#include <openssl/rand.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/trace.h"
#include "common/validate.h"
#include "services/meetings/internal.h"

namespace atrium::meetings {
namespace internal {

absl::Status CheckHandles(const Principal& who, const v1::Meeting& m) {
  if (who.Is(Role::kKeyAccountManager) && m.owner() != who.subject) {
    return PermissionDenied("a key account manager changes only the meetings they handle");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MeetingIdOf(const std::string& name, const std::string& field) {
  auto ids = ParseName(name, {"meetings"}, field);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

absl::StatusOr<std::string> SingletonOf(const std::string& name, const std::string& suffix, const std::string& field) {
  const std::string tail = "/" + suffix;
  if (name.size() <= tail.size() || name.compare(name.size() - tail.size(), tail.size(), tail) != 0) {
    return InvalidArgument(field, absl::StrCat("must be meetings/{meeting}/", suffix));
  }
  return MeetingIdOf(name.substr(0, name.size() - tail.size()), field);
}

absl::StatusOr<v1::Meeting> MustGetMeeting(MeetingsTx& tx, const std::string& id) {
  auto m = tx.GetMeeting(id);
  if (!m.ok()) return m.status();
  if (!*m) return NotFound("meeting", absl::StrCat("meetings/", id));
  return std::move(**m);
}

const char* StateName(v1::Meeting::State s) {
  switch (s) {
    case v1::Meeting::ENQUIRY: return "ENQUIRY";
    case v1::Meeting::SITE_VISIT: return "SITE_VISIT";
    case v1::Meeting::NEGOTIATING: return "NEGOTIATING";
    case v1::Meeting::INTENT: return "INTENT";
    case v1::Meeting::CONTRACTED: return "CONTRACTED";
    case v1::Meeting::NOTICE_ISSUED: return "NOTICE_ISSUED";
    case v1::Meeting::PREPARED: return "PREPARED";
    case v1::Meeting::IN_PROGRESS: return "IN_PROGRESS";
    case v1::Meeting::COMPLETED: return "COMPLETED";
    case v1::Meeting::SETTLED: return "SETTLED";
    case v1::Meeting::LOST: return "LOST";
    case v1::Meeting::CANCELLED: return "CANCELLED";
    default: return "UNSPECIFIED";
  }
}

bool IsClosed(const v1::Meeting& m) { return m.state() == v1::Meeting::LOST || m.state() == v1::Meeting::CANCELLED; }

absl::Status WrongState(const v1::Meeting& m, const std::string& what) {
  return FailedPrecondition("INVALID_STATE_TRANSITION",
                            absl::StrCat(m.name(), " is ", StateName(m.state()), "; ", what),
                            {{"current_state", StateName(m.state())}});
}

absl::StatusOr<std::optional<std::pair<int64_t, std::string>>> Position(const PageTokens& tokens,
                                                                        const std::string& token,
                                                                        const std::string& query) {
  auto pos = tokens.Decode(token, query);
  if (!pos.ok()) return pos.status();
  if (pos->size() != 2) return std::optional<std::pair<int64_t, std::string>>();
  int64_t micros = 0;
  if (!absl::SimpleAtoi((*pos)[0], &micros)) return InvalidArgument("page_token", "is malformed");
  return std::optional<std::pair<int64_t, std::string>>(std::make_pair(micros, (*pos)[1]));
}

absl::Status RecordActivity(MeetingsTx& tx, const v1::Meeting& m, const std::string& request_id,
                            const std::string& summary, const std::string& detail, const Principal& who,
                            absl::Time now) {
  OutboxEntry entry;
  entry.account = m.account();
  entry.request_id = request_id;
  entry.summary = absl::StrCat(m.title(), ": ", summary);
  entry.detail = absl::StrCat(detail, detail.empty() ? "" : "\n", "by ", who.display_name, " (", who.subject, ")");
  entry.subject = m.name();
  entry.traceparent = CurrentTraceparent();
  return tx.AddOutbox(ToMessage(entry), absl::ToUnixMicros(now));
}

void AddChange(v1::Meeting& m, v1::Meeting::State to, const Principal& who, absl::Time now, const std::string& note) {
  auto* change = m.add_history();
  change->set_from(m.state());
  change->set_to(to);
  *change->mutable_time() = ToProto(now);
  change->set_actor(who.subject);
  change->set_note(note);
  m.set_state(to);
}

}  // namespace internal

namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::Booking;
using v1::Meeting;
using v1::Room;

constexpr char kCreateMeeting[] = "CreateMeeting";
constexpr char kCreateBooking[] = "CreateBooking";
constexpr absl::Duration kMaxFunction = absl::Hours(14 * 24);
constexpr absl::Duration kLongestMeeting = absl::Hours(31 * 24);
constexpr absl::Duration kMaxAvailabilityRange = absl::Hours(31 * 24);

absl::StatusOr<std::string> RoomIdOf(const std::string& name, const std::string& field) {
  auto ids = ParseName(name, {"rooms"}, field);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

}  // namespace

std::vector<std::string> UnitsOf(const Room& room) {
  std::vector<std::string> units;
  for (const auto& part : room.parts()) units.push_back(part.substr(sizeof("rooms/") - 1));
  if (units.empty()) units.push_back(room.name().substr(sizeof("rooms/") - 1));
  return units;
}

Meetings::Meetings(MeetingsStore* store, AccountDirectory* accounts, const Clock* clock, PageTokens page_tokens,
                   NoticeBoard* notices, Policy policy)
    : store_(store),
      accounts_(accounts),
      clock_(clock),
      page_tokens_(std::move(page_tokens)),
      notices_(notices),
      policy_(std::move(policy)) {}

absl::StatusOr<Meeting> Meetings::CreateMeeting(const Principal& who, const v1::CreateMeetingRequest& req) {
  RETURN_IF_ERROR(who.Require(kSellers, "meetings are created by the manager, key account managers and clerks"));
  auto key = RequestKeyOf(kCreateMeeting, who, req, req.request_id());
  if (!key.ok()) return key.status();
  Meeting m = req.meeting();
  if (auto ids = ParseName(m.account(), {"accounts"}, "meeting.account"); !ids.ok()) return ids.status();
  RETURN_IF_ERROR(CheckText(m.title(), "meeting.title", 200, true));
  if (m.origin() == Meeting::ORIGIN_UNSPECIFIED || !Meeting::Origin_IsValid(m.origin())) {
    return InvalidArgument("meeting.origin", "must be OUTREACH or WALK_IN");
  }
  if (m.expected_attendees() < 0 || m.expected_attendees() > 100000) {
    return InvalidArgument("meeting.expected_attendees", "must be between 0 and 100000");
  }
  if (m.has_start_time() != m.has_end_time()) {
    return InvalidArgument(m.has_start_time() ? "meeting.end_time" : "meeting.start_time",
                           "start and end are given together");
  }
  if (m.has_start_time()) {
    const absl::Time latest = clock_->Now() + policy_.booking_horizon;
    RETURN_IF_ERROR(CheckTimestamp(m.start_time(), "meeting.start_time", EarliestTime(), latest));
    RETURN_IF_ERROR(CheckTimestamp(m.end_time(), "meeting.end_time", EarliestTime(), latest + kLongestMeeting));
  }
  if (m.has_start_time() && FromProto(m.end_time()) <= FromProto(m.start_time())) {
    return InvalidArgument("meeting.end_time", "must be after start_time");
  }
  RETURN_IF_ERROR(CheckText(m.notes(), "meeting.notes", 2000, false, true));

  // The account is checked with the clients service on the caller's behalf
  // before anything is written; if that service is down nothing changes.
  auto account = accounts_->Lookup(who, m.account());
  if (!account.ok()) return account.status();
  if (account->archived) {
    return FailedPrecondition("ACCOUNT_ARCHIVED", absl::StrCat(m.account(), " is archived"));
  }
  if (who.Is(Role::kKeyAccountManager) && account->owner != who.subject) {
    return PermissionDenied("a key account manager records meetings of the accounts they own");
  }
  const absl::Time now = clock_->Now();
  const std::string id = NewId(now);
  m.set_name(absl::StrCat("meetings/", id));
  m.set_owner(account->owner);
  m.set_state(Meeting::ENQUIRY);
  m.clear_close_reason();
  *m.mutable_audit() = NewAudit(who, now);
  m.set_etag(NewEtag());
  Meeting out;
  absl::Status status = store_->Write([&](MeetingsTx& tx) -> absl::Status {
    auto prior = OriginalOf(tx, *key);
    if (!prior.ok()) return prior.status();
    if (*prior) {
      auto prior_id = MeetingIdOf(**prior, "request_id");
      if (!prior_id.ok()) return prior_id.status();
      auto existing = MustGetMeeting(tx, *prior_id);
      if (!existing.ok()) return existing.status();
      out = std::move(*existing);
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(RememberOriginal(tx, *key, m.name(), now));
    RETURN_IF_ERROR(tx.PutMeeting(id, m));
    RETURN_IF_ERROR(
        RecordActivity(tx, m, absl::StrCat(m.name(), "/history/0"),
                       absl::StrCat("enquiry recorded (", m.origin() == Meeting::WALK_IN ? "walk-in" : "outreach", ")"),
                       "", who, now));
    out = m;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Meeting> Meetings::GetMeeting(const Principal& who, const v1::GetMeetingRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "meetings are read by staff, departments and services"));
  auto id = MeetingIdOf(req.name(), "name");
  if (!id.ok()) return id.status();
  absl::StatusOr<Meeting> out;
  absl::Status status = store_->Read([&](MeetingsTx& tx) {
    out = MustGetMeeting(tx, *id);
    return out.status();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::ListMeetingsResponse> Meetings::ListMeetings(const Principal& who,
                                                                const v1::ListMeetingsRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaffAndService, "meetings are listed by staff and services"));
  if (!req.account().empty()) {
    if (auto ids = ParseName(req.account(), {"accounts"}, "account"); !ids.ok()) return ids.status();
  }
  RETURN_IF_ERROR(CheckText(req.owner(), "owner", 128));
  if (!Meeting::State_IsValid(req.state())) return InvalidArgument("state", "is not a meeting state");
  auto size = ClampPageSize(req.page_size());
  if (!size.ok()) return size.status();
  const std::string query = absl::StrCat("meetings|", req.account(), "|", req.owner(), "|", req.state());
  auto after = Position(page_tokens_, req.page_token(), query);
  if (!after.ok()) return after.status();
  v1::ListMeetingsResponse out;
  absl::Status status = store_->Read([&](MeetingsTx& tx) -> absl::Status {
    auto rows = tx.ListMeetings(req.account(), req.owner(), req.state(), *after, *size + 1);
    if (!rows.ok()) return rows.status();
    const bool more = static_cast<int>(rows->size()) > *size;
    if (more) rows->pop_back();
    for (auto& m : *rows) *out.add_meetings() = std::move(m);
    if (more) {
      const Meeting& last = out.meetings(out.meetings_size() - 1);
      out.set_next_page_token(page_tokens_.Encode(query, {absl::StrCat(ToUnixMicros(last.audit().create_time())),
                                                          last.name().substr(sizeof("meetings/") - 1)}));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Meeting> Meetings::RecordSiteVisit(const Principal& who, const v1::RecordSiteVisitRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(who, req.name(), req.etag(), req.note(), {Meeting::ENQUIRY}, Meeting::SITE_VISIT, false);
}

absl::StatusOr<Meeting> Meetings::StartNegotiation(const Principal& who, const v1::StartNegotiationRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(who, req.name(), req.etag(), req.note(), {Meeting::ENQUIRY, Meeting::SITE_VISIT}, Meeting::NEGOTIATING,
              false);
}

absl::StatusOr<Meeting> Meetings::RecordIntent(const Principal& who, const v1::RecordIntentRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(who, req.name(), req.etag(), req.note(), {Meeting::NEGOTIATING}, Meeting::INTENT, false);
}

absl::StatusOr<Meeting> Meetings::MarkMeetingLost(const Principal& who, const v1::MarkMeetingLostRequest& req) {
  // Lost: an enquiry that never became business.
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  return Move(who, req.name(), req.etag(), req.reason(),
              {Meeting::ENQUIRY, Meeting::SITE_VISIT, Meeting::NEGOTIATING, Meeting::INTENT}, Meeting::LOST, true);
}

absl::StatusOr<Meeting> Meetings::CancelMeeting(const Principal& who, const v1::CancelMeetingRequest& req) {
  // Cancelled by the client, at any point before the guests arrive. Once a
  // notice went out, the departments get a revision saying so, to sign.
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  return Move(who, req.name(), req.etag(), req.reason(),
              {Meeting::ENQUIRY, Meeting::SITE_VISIT, Meeting::NEGOTIATING, Meeting::INTENT, Meeting::CONTRACTED,
               Meeting::NOTICE_ISSUED, Meeting::PREPARED},
              Meeting::CANCELLED, true, [&](MeetingsTx& tx, Meeting& m) -> absl::Status {
                if (m.notice_revision() == 0) return absl::OkStatus();
                return IssueRevision(tx, m, who, req.reason());
              });
}

absl::StatusOr<Meeting> Meetings::Move(const Principal& who, const std::string& name, const std::string& etag,
                                       const std::string& note, std::initializer_list<Meeting::State> from,
                                       Meeting::State to, bool release_rooms, const MoveHook& also) {
  RETURN_IF_ERROR(
      who.Require(kHandlers, "meetings are moved by the manager and the key account manager handling them"));
  auto id = MeetingIdOf(name, "name");
  if (!id.ok()) return id.status();
  const absl::Time now = clock_->Now();
  Meeting out;
  absl::Status status = store_->Write([&](MeetingsTx& tx) -> absl::Status {
    auto m = MustGetMeeting(tx, *id);
    if (!m.ok()) return m.status();
    RETURN_IF_ERROR(CheckHandles(who, *m));
    if (!etag.empty() && etag != m->etag()) return StaleEtag(name);
    if (std::find(from.begin(), from.end(), m->state()) == from.end()) {
      return WrongState(*m, absl::StrCat("it cannot become ", StateName(to)));
    }
    const Meeting::State was = m->state();
    if (also) {
      RETURN_IF_ERROR(also(tx, *m));
    }
    AddChange(*m, to, who, now, note);
    if (to == Meeting::LOST || to == Meeting::CANCELLED) m->set_close_reason(note);
    Touch(m->mutable_audit(), who, now);
    m->set_etag(NewEtag());
    RETURN_IF_ERROR(tx.PutMeeting(*id, *m));
    // The step goes to the account's sales record too, through the outbox.
    RETURN_IF_ERROR(RecordActivity(tx, *m, absl::StrCat(name, "/history/", m->history_size()),
                                   absl::StrCat(StateName(was), " -> ", StateName(to)), note, who, now));
    if (release_rooms) {
      std::optional<std::pair<int64_t, std::string>> after;
      for (;;) {
        auto bookings = tx.ListBookings(*id, false, after, 500);
        if (!bookings.ok()) return bookings.status();
        for (Booking b : *bookings) {
          b.set_state(Booking::CANCELLED);
          b.set_cancel_reason(absl::StrCat("meeting ", StateName(to), ": ", note));
          Touch(b.mutable_audit(), who, now);
          RETURN_IF_ERROR(tx.PutBooking(*id, b, {}));
        }
        if (bookings->size() < 500) break;
        after = std::make_pair(ToUnixMicros(bookings->back().start_time()), bookings->back().name());
      }
    }
    out = std::move(*m);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Room> Meetings::CreateRoom(const Principal& who, const v1::CreateRoomRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "rooms of the conference centre are set up by the manager"));
  if (!IsValidId(req.room_id())) return InvalidArgument("room_id", "must be 1 to 63 of a-z, 0-9 and '-'");
  Room r = req.room();
  RETURN_IF_ERROR(CheckText(r.display_name(), "room.display_name", 100, true));
  RETURN_IF_ERROR(CheckText(r.location(), "room.location", 100));
  RETURN_IF_ERROR(CheckCapacities(r, "room"));
  std::set<std::string> parts;
  for (int i = 0; i < r.parts_size(); ++i) {
    auto part = RoomIdOf(r.parts(i), absl::StrCat("room.parts[", i, "]"));
    if (!part.ok()) return part.status();
    if (!parts.insert(*part).second) return InvalidArgument(absl::StrCat("room.parts[", i, "]"), "appears twice");
  }
  if (r.parts_size() == 1) return InvalidArgument("room.parts", "a combination is made of two rooms or more");
  const absl::Time now = clock_->Now();
  r.set_name(absl::StrCat("rooms/", req.room_id()));
  r.set_state(Room::ACTIVE);
  r.clear_retire_reason();
  r.set_etag(NewEtag());
  *r.mutable_audit() = NewAudit(who, now);
  absl::Status status = store_->Write([&](MeetingsTx& tx) -> absl::Status {
    auto existing = tx.GetRoom(req.room_id());
    if (!existing.ok()) return existing.status();
    if (*existing) {
      return AlreadyExists("ROOM_EXISTS", absl::StrCat(r.name(), " exists already"), {{"existing_room", r.name()}});
    }
    for (const auto& part : parts) {
      auto p = tx.GetRoom(part);
      if (!p.ok()) return p.status();
      if (!*p) return FailedPrecondition("PART_NOT_FOUND", absl::StrCat("rooms/", part, " does not exist"));
      if ((*p)->parts_size() > 0) {
        return FailedPrecondition("PART_IS_COMBINATION", absl::StrCat("rooms/", part, " is itself a combination"));
      }
    }
    return tx.InsertRoom(req.room_id(), r);
  });
  if (!status.ok()) return status;
  return r;
}

absl::StatusOr<Room> Meetings::GetRoom(const Principal& who, const v1::GetRoomRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "rooms are read by staff, departments and services"));
  auto id = RoomIdOf(req.name(), "name");
  if (!id.ok()) return id.status();
  Room out;
  absl::Status status = store_->Read([&](MeetingsTx& tx) -> absl::Status {
    auto r = tx.GetRoom(*id);
    if (!r.ok()) return r.status();
    if (!*r) return NotFound("room", req.name());
    out = std::move(**r);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::ListRoomsResponse> Meetings::ListRooms(const Principal& who, const v1::ListRoomsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "rooms are read by staff, departments and services"));
  auto size = ClampPageSize(req.page_size(), 100, 1000);
  if (!size.ok()) return size.status();
  auto pos = page_tokens_.Decode(req.page_token(), "rooms");
  if (!pos.ok()) return pos.status();
  const std::string after = pos->empty() ? "" : (*pos)[0];
  v1::ListRoomsResponse out;
  absl::Status status = store_->Read([&](MeetingsTx& tx) -> absl::Status {
    auto rows = tx.ListRooms(after, *size + 1);
    if (!rows.ok()) return rows.status();
    const bool more = static_cast<int>(rows->size()) > *size;
    if (more) rows->pop_back();
    for (auto& r : *rows) *out.add_rooms() = std::move(r);
    if (more) {
      out.set_next_page_token(
          page_tokens_.Encode("rooms", {out.rooms(out.rooms_size() - 1).name().substr(sizeof("rooms/") - 1)}));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Booking> Meetings::CreateBooking(const Principal& who, const v1::CreateBookingRequest& req) {
  RETURN_IF_ERROR(who.Require(kSellers, "rooms are booked by the manager, key account managers and clerks"));
  auto meeting_id = MeetingIdOf(req.parent(), "parent");
  if (!meeting_id.ok()) return meeting_id.status();
  auto key = RequestKeyOf(kCreateBooking, who, req, req.request_id());
  if (!key.ok()) return key.status();
  Booking b = req.booking();
  auto room_id = RoomIdOf(b.room(), "booking.room");
  if (!room_id.ok()) return room_id.status();
  if (!b.has_start_time()) return InvalidArgument("booking.start_time", "is required");
  if (!b.has_end_time()) return InvalidArgument("booking.end_time", "is required");
  // Checked before any arithmetic: from a day ago to the booking horizon.
  const absl::Time now = clock_->Now();
  if (auto s =
          CheckTimestamp(b.start_time(), "booking.start_time", now - absl::Hours(24), now + policy_.booking_horizon);
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

  Booking out;
  absl::Status status = store_->Write([&](MeetingsTx& tx) -> absl::Status {
    auto m = MustGetMeeting(tx, *meeting_id);
    if (!m.ok()) return m.status();
    RETURN_IF_ERROR(CheckHandles(who, *m));
    auto prior = OriginalOf(tx, *key);
    if (!prior.ok()) return prior.status();
    if (*prior) {
      auto existing = tx.GetBooking(**prior);
      if (!existing.ok()) return existing.status();
      if (!*existing) return NotFound("booking", **prior);
      out = std::move(**existing);
      return absl::OkStatus();
    }
    if (IsClosed(*m)) {
      return FailedPrecondition("MEETING_CLOSED", absl::StrCat(req.parent(), " is ", StateName(m->state())),
                                {{"current_state", StateName(m->state())}});
    }
    auto room = tx.GetRoom(*room_id);
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
    auto in_the_way = tx.Occupancies(units, occupied_start, occupied_end, 1);
    if (!in_the_way.ok()) return in_the_way.status();
    if (!in_the_way->empty()) {
      const Occupancy& o = in_the_way->front();
      return WithReason(absl::AbortedError(absl::StrCat(b.room(), " is held by ", o.meeting, " (", o.booking,
                                                        ") at that time, set-up and tear-down included")),
                        "ROOM_CONFLICT", {{"conflicting_meeting", o.meeting}, {"conflicting_booking", o.booking}});
    }
    RETURN_IF_ERROR(RememberOriginal(tx, *key, b.name(), now));
    RETURN_IF_ERROR(tx.PutBooking(*meeting_id, b, units));
    out = b;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Booking> Meetings::GetBooking(const Principal& who, const v1::GetBookingRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "bookings are read by staff, departments and services"));
  if (auto ids = ParseName(req.name(), {"meetings", "bookings"}, "name"); !ids.ok()) return ids.status();
  Booking out;
  absl::Status status = store_->Read([&](MeetingsTx& tx) -> absl::Status {
    auto b = tx.GetBooking(req.name());
    if (!b.ok()) return b.status();
    if (!*b) return NotFound("booking", req.name());
    out = std::move(**b);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::ListBookingsResponse> Meetings::ListBookings(const Principal& who,
                                                                const v1::ListBookingsRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "bookings are read by staff, departments and services"));
  auto ids = ParseName(req.parent(), {"meetings"}, "parent", /*allow_wildcard=*/true);
  if (!ids.ok()) return ids.status();
  const std::string meeting_id = (*ids)[0] == "-" ? "" : (*ids)[0];
  auto size = ClampPageSize(req.page_size());
  if (!size.ok()) return size.status();
  const std::string query = absl::StrCat("bookings|", meeting_id, "|", req.show_cancelled());
  auto after = Position(page_tokens_, req.page_token(), query);
  if (!after.ok()) return after.status();
  v1::ListBookingsResponse out;
  absl::Status status = store_->Read([&](MeetingsTx& tx) -> absl::Status {
    auto rows = tx.ListBookings(meeting_id, req.show_cancelled(), *after, *size + 1);
    if (!rows.ok()) return rows.status();
    const bool more = static_cast<int>(rows->size()) > *size;
    if (more) rows->pop_back();
    for (auto& b : *rows) *out.add_bookings() = std::move(b);
    if (more) {
      const Booking& last = out.bookings(out.bookings_size() - 1);
      out.set_next_page_token(page_tokens_.Encode(query, {absl::StrCat(ToUnixMicros(last.start_time())), last.name()}));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::Status Meetings::ChangeBooking(const Principal& who, const std::string& name,
                                     const std::function<absl::Status(MeetingsTx&, Booking&)>& change, Booking* out) {
  RETURN_IF_ERROR(who.Require(kSellers, "bookings are changed by the manager, key account managers and clerks"));
  auto ids = ParseName(name, {"meetings", "bookings"}, "name");
  if (!ids.ok()) return ids.status();
  const std::string meeting_id = (*ids)[0];
  return store_->Write([&](MeetingsTx& tx) -> absl::Status {
    auto b = tx.GetBooking(name);
    if (!b.ok()) return b.status();
    if (!*b) return NotFound("booking", name);
    auto m = MustGetMeeting(tx, meeting_id);
    if (!m.ok()) return m.status();
    RETURN_IF_ERROR(CheckHandles(who, *m));
    Booking booking = std::move(**b);
    const bool was_active = booking.state() == Booking::ACTIVE;
    RETURN_IF_ERROR(change(tx, booking));
    *out = booking;
    if (!was_active && booking.state() != Booking::ACTIVE) return absl::OkStatus();  // nothing changed
    auto room = tx.GetRoom(booking.room().substr(sizeof("rooms/") - 1));
    if (!room.ok()) return room.status();
    if (!*room) return absl::DataLossError(absl::StrCat(booking.room(), " is missing"));
    return tx.PutBooking(meeting_id, booking, UnitsOf(**room));
  });
}

absl::StatusOr<Booking> Meetings::ConfirmBooking(const Principal& who, const v1::ConfirmBookingRequest& req) {
  const absl::Time now = clock_->Now();
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

absl::StatusOr<Booking> Meetings::CancelBooking(const Principal& who, const v1::CancelBookingRequest& req) {
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  const absl::Time now = clock_->Now();
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

absl::StatusOr<v1::Availability> Meetings::GetAvailability(const Principal& who,
                                                           const v1::GetAvailabilityRequest& req) {
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
    auto id = RoomIdOf(req.rooms(i), absl::StrCat("rooms[", i, "]"));
    if (!id.ok()) return id.status();
    wanted.push_back(*id);
  }
  v1::Availability out;
  absl::Status status = store_->Read([&](MeetingsTx& tx) -> absl::Status {
    std::vector<Room> rooms;
    if (wanted.empty()) {
      std::string after;
      for (;;) {
        auto page = tx.ListRooms(after, 1000);
        if (!page.ok()) return page.status();
        for (auto& r : *page) rooms.push_back(std::move(r));
        if (page->size() < 1000) break;
        after = rooms.back().name().substr(sizeof("rooms/") - 1);
      }
    } else {
      for (size_t i = 0; i < wanted.size(); ++i) {
        auto r = tx.GetRoom(wanted[i]);
        if (!r.ok()) return r.status();
        if (!*r)
          return InvalidArgument(absl::StrCat("rooms[", i, "]"), absl::StrCat("rooms/", wanted[i], " does not exist"));
        rooms.push_back(std::move(**r));
      }
    }
    // Every room at once is one range scan of the diary, grouped by unit;
    // a few rooms are a lookup per unit.
    std::vector<Occupancy> all;
    std::map<std::string, std::vector<const Occupancy*>> by_unit;
    if (wanted.empty()) {
      auto found = tx.AllOccupancies(absl::ToUnixMicros(start), absl::ToUnixMicros(end), 1000000);
      if (!found.ok()) return found.status();
      all = std::move(*found);
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
        auto found = tx.Occupancies(UnitsOf(room), absl::ToUnixMicros(start), absl::ToUnixMicros(end), 10000);
        if (!found.ok()) return found.status();
        fetched = std::move(*found);
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
