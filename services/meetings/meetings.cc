// The meeting pipeline (Pipeline): a meeting from the enquiry through the
// site visit, the negotiation and the client's intention, or to its close
// (lost, cancelled); and the moves of a meeting every part makes (Move), the
// helpers of internal.h and the assembly of the parts (Meetings).
#include "services/meetings/meetings.h"

#include <openssl/rand.h>

#include <algorithm>

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
  ASSIGN_OR_RETURN(auto m, tx.GetMeeting(id));
  if (!m) return NotFound("meeting", absl::StrCat("meetings/", id));
  return std::move(*m);
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

absl::Status QueueRequest(MeetingsTx& tx, OutboxEntry::Kind kind, const v1::Meeting& m, const std::string& request_id,
                          const google::protobuf::MessageLite& request, absl::Time now) {
  OutboxEntry entry;
  entry.kind = kind;
  entry.account = m.account();
  entry.request_id = request_id;
  entry.subject = m.name();
  entry.body = request.SerializeAsString();
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

constexpr char kCreateMeeting[] = "CreateMeeting";

absl::Status CheckLostBusiness(const std::string& competitor, const type::v1::Money& value, bool has_value) {
  RETURN_IF_ERROR(CheckText(competitor, "competitor", 200));
  if (has_value) RETURN_IF_ERROR(ValidateAmount(value, "lost_value", true));
  return absl::OkStatus();
}

// What was lost and to whom: the value given, else what it was worth.
void MarkLostBusiness(const std::string& competitor, const type::v1::Money& value, bool has_value, Meeting& m) {
  m.set_competitor(competitor);
  *m.mutable_lost_value() = Cny(has_value ? value.amount_minor() : m.revenue().total().amount_minor());
}
constexpr absl::Duration kLongestMeeting = absl::Hours(31 * 24);

}  // namespace

Meetings::Meetings(MeetingsStore* store, AccountDirectory* accounts, const Clock* clock, PageTokens page_tokens,
                   NoticeBoard* notices, Policy policy)
    : ctx_{store, accounts, clock, std::move(page_tokens), notices, std::move(policy)} {}

absl::StatusOr<Meeting> Pipeline::CreateMeeting(const Principal& who, const v1::CreateMeetingRequest& req) {
  RETURN_IF_ERROR(who.Require(kSellers, "meetings are created by the manager, key account managers and clerks"));
  auto key = RequestKeyOf(kCreateMeeting, who, req, req.request_id());
  if (!key.ok()) return key.status();
  // Only what a caller writes; every output-only field (history, worth,
  // agreement, notice, loss) is the service's.
  Meeting m;
  m.set_account(req.meeting().account());
  m.set_title(req.meeting().title());
  m.set_origin(req.meeting().origin());
  m.set_expected_attendees(req.meeting().expected_attendees());
  if (req.meeting().has_start_time()) *m.mutable_start_time() = req.meeting().start_time();
  if (req.meeting().has_end_time()) *m.mutable_end_time() = req.meeting().end_time();
  m.set_notes(req.meeting().notes());
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
    const absl::Time latest = ctx_.clock->Now() + ctx_.policy.booking_horizon;
    RETURN_IF_ERROR(CheckTimestamp(m.start_time(), "meeting.start_time", EarliestTime(), latest));
    RETURN_IF_ERROR(CheckTimestamp(m.end_time(), "meeting.end_time", EarliestTime(), latest + kLongestMeeting));
  }
  if (m.has_start_time() && FromProto(m.end_time()) <= FromProto(m.start_time())) {
    return InvalidArgument("meeting.end_time", "must be after start_time");
  }
  RETURN_IF_ERROR(CheckText(m.notes(), "meeting.notes", 2000, false, true));

  // The account is checked with the clients service on the caller's behalf
  // before anything is written; if that service is down nothing changes.
  auto account = ctx_.accounts->Lookup(who, m.account());
  if (!account.ok()) return account.status();
  if (account->archived) {
    return FailedPrecondition("ACCOUNT_ARCHIVED", absl::StrCat(m.account(), " is archived"));
  }
  if (who.Is(Role::kKeyAccountManager) && account->owner != who.subject) {
    return PermissionDenied("a key account manager records meetings of the accounts they own");
  }
  const absl::Time now = ctx_.clock->Now();
  const std::string id = NewId(now);
  m.set_name(absl::StrCat("meetings/", id));
  m.set_owner(account->owner);
  m.set_segment(account->industry_segment);
  m.set_state(Meeting::ENQUIRY);
  m.clear_close_reason();
  *m.mutable_audit() = NewAudit(who, now);
  m.set_etag(NewEtag());
  return ctx_.store->Write<Meeting>([&](MeetingsTx& tx) -> absl::StatusOr<Meeting> {
    ASSIGN_OR_RETURN(auto prior, OriginalOf(tx, *key));
    if (prior) {
      ASSIGN_OR_RETURN(auto prior_id, MeetingIdOf(*prior, "request_id"));
      ASSIGN_OR_RETURN(auto existing, MustGetMeeting(tx, prior_id));
      return existing;
    }
    RETURN_IF_ERROR(RememberOriginal(tx, *key, m.name(), now));
    RETURN_IF_ERROR(SaveMeeting(ctx_, tx, m, now));
    RETURN_IF_ERROR(
        RecordActivity(tx, m, absl::StrCat(m.name(), "/history/0"),
                       absl::StrCat("enquiry recorded (", m.origin() == Meeting::WALK_IN ? "walk-in" : "outreach", ")"),
                       "", who, now));
    return m;
  });
}

absl::StatusOr<Meeting> Pipeline::GetMeeting(const Principal& who, const v1::GetMeetingRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "meetings are read by staff, departments and services"));
  ASSIGN_OR_RETURN(auto id, MeetingIdOf(req.name(), "name"));
  absl::StatusOr<Meeting> out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) {
    out = MustGetMeeting(tx, id);
    return out.status();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::ListMeetingsResponse> Pipeline::ListMeetings(const Principal& who,
                                                                const v1::ListMeetingsRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaffAndService, "meetings are listed by staff and services"));
  if (!req.account().empty()) {
    if (auto ids = ParseName(req.account(), {"accounts"}, "account"); !ids.ok()) return ids.status();
  }
  RETURN_IF_ERROR(CheckText(req.owner(), "owner", 128));
  if (!Meeting::State_IsValid(req.state())) return InvalidArgument("state", "is not a meeting state");
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query = absl::StrCat("meetings|", req.account(), "|", req.owner(), "|", req.state());
  ASSIGN_OR_RETURN(auto after, ctx_.page_tokens.DecodeAfter(req.page_token(), query));
  v1::ListMeetingsResponse out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListMeetings(req.account(), req.owner(), req.state(), after, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (auto& m : rows) *out.add_meetings() = std::move(m);
    if (more) {
      const Meeting& last = out.meetings(out.meetings_size() - 1);
      out.set_next_page_token(ctx_.page_tokens.EncodeAfter(query, ToUnixMicros(last.audit().create_time()),
                                                           last.name().substr(sizeof("meetings/") - 1)));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Meeting> Pipeline::RecordSiteVisit(const Principal& who, const v1::RecordSiteVisitRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(ctx_, who, req.name(), req.etag(), req.note(), {Meeting::ENQUIRY}, Meeting::SITE_VISIT, false);
}

absl::StatusOr<Meeting> Pipeline::StartNegotiation(const Principal& who, const v1::StartNegotiationRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(ctx_, who, req.name(), req.etag(), req.note(), {Meeting::ENQUIRY, Meeting::SITE_VISIT},
              Meeting::NEGOTIATING, false);
}

absl::StatusOr<Meeting> Pipeline::RecordIntent(const Principal& who, const v1::RecordIntentRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(ctx_, who, req.name(), req.etag(), req.note(), {Meeting::NEGOTIATING}, Meeting::INTENT, false);
}

absl::StatusOr<Meeting> Pipeline::MarkMeetingLost(const Principal& who, const v1::MarkMeetingLostRequest& req) {
  // Lost: an enquiry that never became business.
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  ASSIGN_OR_RETURN(const std::string lost_reason, LostReasonCodeOf(req.lost_reason(), "lost_reason"));
  RETURN_IF_ERROR(CheckLostBusiness(req.competitor(), req.lost_value(), req.has_lost_value()));
  return Move(ctx_, who, req.name(), req.etag(), req.reason(),
              {Meeting::ENQUIRY, Meeting::SITE_VISIT, Meeting::NEGOTIATING, Meeting::INTENT}, Meeting::LOST, true,
              [&](MeetingsTx& tx, Meeting& m) -> absl::Status {
                RETURN_IF_ERROR(MarkLostReason(tx, lost_reason, m));
                MarkLostBusiness(req.competitor(), req.lost_value(), req.has_lost_value(), m);
                return absl::OkStatus();
              });
}

absl::StatusOr<Meeting> Pipeline::CancelMeeting(const Principal& who, const v1::CancelMeetingRequest& req) {
  // Cancelled by the client, at any point before the guests arrive. Once a
  // notice went out, the departments get a revision saying so, to sign.
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true));
  ASSIGN_OR_RETURN(const std::string lost_reason, LostReasonCodeOf(req.lost_reason(), "lost_reason"));
  RETURN_IF_ERROR(CheckLostBusiness(req.competitor(), req.lost_value(), req.has_lost_value()));
  return Move(ctx_, who, req.name(), req.etag(), req.reason(),
              {Meeting::ENQUIRY, Meeting::SITE_VISIT, Meeting::NEGOTIATING, Meeting::INTENT, Meeting::CONTRACTED,
               Meeting::NOTICE_ISSUED, Meeting::PREPARED},
              Meeting::CANCELLED, true, [&](MeetingsTx& tx, Meeting& m) -> absl::Status {
                RETURN_IF_ERROR(MarkLostReason(tx, lost_reason, m));
                MarkLostBusiness(req.competitor(), req.lost_value(), req.has_lost_value(), m);
                if (m.notice_revision() == 0) return absl::OkStatus();
                return IssueRevision(ctx_, tx, m, who, req.reason());
              });
}

namespace internal {

absl::StatusOr<Meeting> Move(const Context& ctx, const Principal& who, const std::string& name, const std::string& etag,
                             const std::string& note, std::initializer_list<Meeting::State> from, Meeting::State to,
                             bool release_rooms, const MoveHook& also) {
  RETURN_IF_ERROR(
      who.Require(kHandlers, "meetings are moved by the manager and the key account manager handling them"));
  ASSIGN_OR_RETURN(auto id, MeetingIdOf(name, "name"));
  const absl::Time now = ctx.clock->Now();
  return ctx.store->Write<Meeting>([&](MeetingsTx& tx) -> absl::StatusOr<Meeting> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    if (!etag.empty() && etag != m.etag()) return StaleEtag(name);
    if (std::find(from.begin(), from.end(), m.state()) == from.end()) {
      return WrongState(m, absl::StrCat("it cannot become ", StateName(to)));
    }
    const Meeting::State was = m.state();
    if (also) {
      RETURN_IF_ERROR(also(tx, m));
    }
    AddChange(m, to, who, now, note);
    if (to == Meeting::LOST || to == Meeting::CANCELLED) m.set_close_reason(note);
    Touch(m.mutable_audit(), who, now);
    m.set_etag(NewEtag());
    RETURN_IF_ERROR(SaveMeeting(ctx, tx, m, now));
    // The step goes to the account's sales record too, through the outbox.
    RETURN_IF_ERROR(RecordActivity(tx, m, absl::StrCat(name, "/history/", m.history_size()),
                                   absl::StrCat(StateName(was), " -> ", StateName(to)), note, who, now));
    if (release_rooms) {
      std::optional<std::pair<int64_t, std::string>> after;
      for (;;) {
        ASSIGN_OR_RETURN(auto bookings, tx.ListBookings(id, false, after, 500));
        for (Booking b : bookings) {
          b.set_state(Booking::CANCELLED);
          b.set_cancel_reason(absl::StrCat("meeting ", StateName(to), ": ", note));
          Touch(b.mutable_audit(), who, now);
          RETURN_IF_ERROR(tx.PutBooking(id, b, {}));
        }
        if (bookings.size() < 500) break;
        after = std::make_pair(ToUnixMicros(bookings.back().start_time()), bookings.back().name());
      }
    }
    return m;
  });
}

}  // namespace internal

}  // namespace atrium::meetings
