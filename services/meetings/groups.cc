// Group business (Groups): the room block of a signed agreement, the
// pickup the reservation system posts, the cut-off and its extension, and
// the reminders that run on their own: the KAM's alert ahead of a cut-off,
// the release at it, and the alerts of overdue instalments.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "atrium/notifications/v1/notifications.pb.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/validate.h"
#include "services/meetings/group.h"
#include "services/meetings/internal.h"
#include "services/meetings/meetings.h"

namespace atrium::meetings {
namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::Meeting;
using v1::Reservation;
using v1::RoomBlock;

constexpr char kBlockKind[] = "block";
constexpr char kReservationKind[] = "reservation";
constexpr int kReminderBatch = 200;

const Principal kItself{"service:meetings", "meetings", Role::kService, ""};

std::string BlockName(const std::string& meeting) { return absl::StrCat(meeting, "/block"); }
std::string DayText(const type::v1::Date& d) { return absl::FormatCivilTime(ToCivilDay(d)); }

absl::Status PutBlock(MeetingsTx& tx, const RoomBlock& b) {
  const std::string meeting = b.name().substr(0, b.name().size() - sizeof("/block") + 1);
  return tx.PutRecord(Record{b.name(), kBlockKind, meeting, "", 0, b.SerializeAsString()});
}

absl::StatusOr<std::vector<Reservation>> AllReservations(MeetingsTx& tx, const std::string& block) {
  return AllAs<Reservation>(tx, kReservationKind, block);
}

// The block of a meeting, NOT_FOUND if it has none.
absl::StatusOr<RoomBlock> MustGetBlock(MeetingsTx& tx, const std::string& meeting) {
  ASSIGN_OR_RETURN(auto b, GetAs<RoomBlock>(tx, BlockName(meeting)));
  if (!b) return NotFound("room block", BlockName(meeting));
  return std::move(*b);
}

// The room block, the reservations and the payments are read by staff,
// services and the departments that work with them.
absl::Status RequireBlockReader(const Principal& who) {
  if (who.IsDepartment("rooms") || who.IsDepartment("front_office") || who.IsDepartment("finance")) {
    return absl::OkStatus();
  }
  return who.Require(kStaffAndService, "the room block is read by staff, services, rooms, front office and finance");
}

bool Ended(const Meeting& m) { return IsClosed(m) || m.state() == Meeting::SETTLED; }

absl::Status Alert(MeetingsTx& tx, const Meeting& m, const std::string& recipient, const std::string& request_id,
                   const std::string& title, const std::string& body, const std::string& source, absl::Time now) {
  notifications::v1::CreateAlertRequest req;
  req.set_request_id(request_id);
  auto* a = req.mutable_alert();
  a->set_recipient(recipient);
  a->set_title(Utf8Prefix(title, 200));
  // An alert's body holds 2,000 characters: the longest lists are cut.
  a->set_body(Utf8Prefix(body, 1900));
  a->set_source(source);
  return QueueRequest(tx, OutboxEntry::kAlert, m, request_id, req, now);
}

std::string OwnerOf(const Meeting& m) {
  return m.owner().empty() ? std::string("role/manager") : absl::StrCat("staff/", m.owner());
}

std::string PickupLines(const RoomBlock& b) {
  std::string out;
  for (const auto& n : b.nights()) {
    absl::StrAppend(&out, DayText(n.night()), " ", n.room_type(), "：合同 ", n.contracted(), "，保留 ", n.blocked(),
                    "，已订 ", n.picked_up(), "\n");
  }
  return out;
}

bool Configured(const Context& ctx, const std::string& department) {
  return std::find(ctx.policy.departments.begin(), ctx.policy.departments.end(), department) !=
         ctx.policy.departments.end();
}

}  // namespace

namespace internal {

absl::Status RefreshBlock(const Context&, MeetingsTx& tx, const Meeting& m, const v1::Agreement& a,
                          const Principal& who, absl::Time now) {
  ASSIGN_OR_RETURN(auto previous, GetAs<RoomBlock>(tx, BlockName(m.name())));
  if (!previous && a.room_block_size() == 0) return absl::OkStatus();
  RoomBlock b = BlockOf(a, previous ? &*previous : nullptr);
  ASSIGN_OR_RETURN(auto reservations, AllReservations(tx, b.name()));
  Tally(b, reservations);
  if (b.has_audit()) {
    Touch(b.mutable_audit(), who, now);
  } else {
    *b.mutable_audit() = NewAudit(who, now);
  }
  b.set_etag(NewEtag());
  return PutBlock(tx, b);
}

absl::StatusOr<std::vector<ScheduleInHand>> SchedulesInHand(const Context& ctx, MeetingsTx& tx, absl::CivilDay day,
                                                            int64_t due_by) {
  std::set<std::string> meetings;
  int read = 0;
  for (const std::string tag : {kOverdueReminder, kDueReminder}) {
    std::optional<std::pair<int64_t, std::string>> after;
    for (bool more = true; more && read < kMaxSchedulesRead;) {
      ASSIGN_OR_RETURN(auto rows, tx.ListRecords(kReminderKind, tag, true, after, 500));
      more = rows.size() == 500;
      if (more) after = std::make_pair(rows.back().seq, rows.back().name);
      for (const auto& r : rows) {
        ++read;
        if (tag == kDueReminder && due_by > 0 && r.seq > due_by) {
          more = false;
          break;
        }
        if (absl::StrContains(r.name, "/reminders/instalment/")) meetings.insert(r.parent);
      }
    }
  }
  std::vector<ScheduleInHand> out;
  const google::protobuf::RepeatedPtrField<v1::Payment> none;
  for (const auto& name : meetings) {
    ASSIGN_OR_RETURN(auto m, tx.GetMeeting(name.substr(sizeof("meetings/") - 1)));
    if (!m || Ended(*m) || m->agreement_version() == 0) continue;
    ASSIGN_OR_RETURN(auto a, MustGetAgreement(tx, absl::StrCat(m->name(), "/agreements/", m->agreement_version())));
    ASSIGN_OR_RETURN(auto s, GetAs<v1::Settlement>(tx, absl::StrCat(m->name(), "/settlement")));
    auto schedule = ScheduleOf(a, s ? s->payments() : none, day, ctx.policy.zone);
    out.push_back(ScheduleInHand{std::move(*m), std::move(schedule)});
  }
  return out;
}

absl::Status PlanReminders(const Context& ctx, MeetingsTx& tx, const Meeting& m,
                           const google::protobuf::RepeatedPtrField<v1::Payment>* payments, absl::Time now) {
  std::map<std::string, int64_t> wanted;  // name -> the day it runs
  std::optional<v1::Agreement> agreement;
  std::vector<v1::InstalmentStatus> schedule;
  const std::string prefix = absl::StrCat(m.name(), "/reminders/");
  if (!Ended(m) && m.agreement_version() > 0) {
    ASSIGN_OR_RETURN(agreement, MustGetAgreement(tx, absl::StrCat(m.name(), "/agreements/", m.agreement_version())));
    ASSIGN_OR_RETURN(auto block, GetAs<RoomBlock>(tx, BlockName(m.name())));
    if (block && block->state() == RoomBlock::HELD && block->has_cut_off_date()) {
      const absl::CivilDay cut = ToCivilDay(block->cut_off_date());
      const std::string day = absl::FormatCivilTime(cut);
      wanted[absl::StrCat(prefix, "cut-off-alert/", day)] = DayKey(cut - ctx.policy.cut_off_alert_days);
      wanted[absl::StrCat(prefix, "cut-off/v", m.agreement_version(), "/", day)] = DayKey(cut + 1);
    }
    std::optional<v1::Settlement> stored;
    if (payments == nullptr) {
      ASSIGN_OR_RETURN(stored, GetAs<v1::Settlement>(tx, absl::StrCat(m.name(), "/settlement")));
      if (stored) payments = &stored->payments();
    }
    const google::protobuf::RepeatedPtrField<v1::Payment> none;
    schedule =
        ScheduleOf(*agreement, payments ? *payments : none, absl::ToCivilDay(now, ctx.policy.zone), ctx.policy.zone);
    for (size_t i = 0; i < schedule.size(); ++i) {
      if (schedule[i].state() == v1::InstalmentStatus::PAID) continue;
      wanted[absl::StrCat(prefix, "instalment/v", m.agreement_version(), "/", i)] =
          DayKey(ToCivilDay(schedule[i].due_date()) + 1);
    }
  }
  ASSIGN_OR_RETURN(auto existing, AllRecords(tx, kReminderKind, m.name()));
  for (auto& r : existing) {
    auto it = wanted.find(r.name);
    if (it == wanted.end()) {
      if (r.tag.empty()) continue;
      r.tag.clear();  // superseded, paid, or the meeting ended
      RETURN_IF_ERROR(tx.PutRecord(r));
    }
    if (it != wanted.end()) wanted.erase(it);  // kept as it is: due, or run
  }
  for (const auto& [name, day] : wanted) {
    RETURN_IF_ERROR(tx.PutRecord(Record{name, kReminderKind, m.name(), kDueReminder, day, ""}));
  }
  return absl::OkStatus();
}

}  // namespace internal

absl::StatusOr<int> Meetings::FillRoomBlocks() {
  const absl::Time now = ctx_.clock->Now();
  int filled = 0;
  for (std::string last;;) {
    int seen = 0, added = 0;
    std::string next = last;
    RETURN_IF_ERROR(ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
      seen = added = 0;
      next = last;
      ASSIGN_OR_RETURN(auto rows, tx.db().Query("SELECT id, data FROM meetings WHERE id > $1 AND state >= $2 AND"
                                                " state <= $3 ORDER BY id LIMIT 200",
                                                {last, static_cast<int64_t>(Meeting::CONTRACTED),
                                                 static_cast<int64_t>(Meeting::COMPLETED)}));
      for (int i = 0; i < rows.size(); ++i) {
        ++seen;
        next = rows.Text(i, 0);
        Meeting m;
        if (!rows.Parse(i, 1, &m)) return absl::DataLossError("a stored meeting is corrupt");
        if (m.agreement_version() == 0) continue;
        ASSIGN_OR_RETURN(auto block, GetAs<RoomBlock>(tx, BlockName(m.name())));
        if (block) continue;
        ASSIGN_OR_RETURN(auto a, MustGetAgreement(tx, absl::StrCat(m.name(), "/agreements/", m.agreement_version())));
        if (a.room_block_size() == 0) continue;
        RETURN_IF_ERROR(RefreshBlock(ctx_, tx, m, a, kItself, now));
        ++added;
      }
      return absl::OkStatus();
    }));
    filled += added;
    last = next;
    if (seen < 200) return filled;
  }
}

absl::StatusOr<RoomBlock> Groups::GetRoomBlock(const Principal& who, const v1::GetRoomBlockRequest& req) {
  RETURN_IF_ERROR(RequireBlockReader(who));
  ASSIGN_OR_RETURN(auto id, SingletonOf(req.name(), "block", "name"));
  return ctx_.store->Read<RoomBlock>([&](MeetingsTx& tx) -> absl::StatusOr<RoomBlock> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    return MustGetBlock(tx, m.name());
  });
}

absl::StatusOr<v1::ListReservationsResponse> Groups::ListReservations(const Principal& who,
                                                                      const v1::ListReservationsRequest& req) {
  RETURN_IF_ERROR(RequireBlockReader(who));
  ASSIGN_OR_RETURN(auto id, SingletonOf(req.parent(), "block", "parent"));
  ASSIGN_OR_RETURN(auto size, ClampPageSize(req.page_size()));
  const std::string query = absl::StrCat(kReservationKind, "|", req.parent());
  ASSIGN_OR_RETURN(auto after, ctx_.page_tokens.DecodeAfter(req.page_token(), query));
  v1::ListReservationsResponse out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    RETURN_IF_ERROR(MustGetBlock(tx, m.name()).status());
    ASSIGN_OR_RETURN(auto rows, tx.ListRecords(kReservationKind, req.parent(), false, after, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    for (const auto& r : rows) {
      if (!out.add_reservations()->ParseFromString(r.data)) return absl::DataLossError(r.name + " cannot be read");
    }
    if (more) out.set_next_page_token(ctx_.page_tokens.EncodeAfter(query, rows.back().seq, rows.back().name));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<RoomBlock> Groups::RecordPickup(const Principal& who, const v1::RecordPickupRequest& req) {
  if (!who.IsDepartment("rooms") && !who.IsDepartment("front_office")) {
    RETURN_IF_ERROR(who.Require({Role::kService, Role::kManager, Role::kKeyAccountManager},
                                "pickup is posted by the reservation system (a service), the manager, the KAM, "
                                "rooms and front office"));
  }
  ASSIGN_OR_RETURN(auto id, SingletonOf(req.parent(), "block", "parent"));
  if (req.reservations_size() > kMaxActiveReservations) {
    return InvalidArgument("reservations", "at most 5000 in a request");
  }
  std::set<std::string> references;
  for (int i = 0; i < req.reservations_size(); ++i) {
    const std::string f = absl::StrCat("reservations[", i, "]");
    RETURN_IF_ERROR(ValidateReservation(req.reservations(i), f));
    if (!references.insert(req.reservations(i).reference()).second) {
      return InvalidArgument(f + ".reference", "appears twice in the request");
    }
  }
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<RoomBlock>([&](MeetingsTx& tx) -> absl::StatusOr<RoomBlock> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    if (Ended(m)) return WrongState(m, "pickup is posted until the bill is settled");
    ASSIGN_OR_RETURN(auto block, MustGetBlock(tx, m.name()));
    ASSIGN_OR_RETURN(auto stored, AllReservations(tx, block.name()));
    std::map<std::string, Reservation*> by_reference;
    for (auto& r : stored) by_reference[r.reference()] = &r;
    auto put = [&](Reservation& r) {
      *r.mutable_update_time() = ToProto(now);
      return tx.PutRecord(Record{r.name(), kReservationKind, block.name(), "", 0, r.SerializeAsString()});
    };
    std::vector<Reservation> added;
    bool changed = false;
    for (const auto& in : req.reservations()) {
      Reservation r = in;
      r.set_name(absl::StrCat(block.name(), "/reservations/", in.reference()));
      r.clear_update_time();
      auto it = by_reference.find(in.reference());
      if (it != by_reference.end()) {
        Reservation before = *it->second;
        before.clear_update_time();
        if (before.SerializeAsString() == r.SerializeAsString()) continue;  // posted again: nothing new
        *it->second = r;
        RETURN_IF_ERROR(put(*it->second));
      } else {
        RETURN_IF_ERROR(put(r));
        added.push_back(std::move(r));
      }
      changed = true;
    }
    if (req.rooming_list()) {
      for (auto& r : stored) {
        if (r.cancelled() || references.count(r.reference()) > 0) continue;
        r.set_cancelled(true);
        RETURN_IF_ERROR(put(r));
        changed = true;
      }
    }
    for (auto& r : added) stored.push_back(std::move(r));
    if (static_cast<int>(stored.size()) > kMaxStoredReservations) {
      return FailedPrecondition("TOO_MANY_RESERVATIONS",
                                absl::StrCat(block.name(), " would store over 20000 reservations, cancelled included"));
    }
    const auto active =
        std::count_if(stored.begin(), stored.end(), [](const Reservation& r) { return !r.cancelled(); });
    if (active > kMaxActiveReservations) {
      return InvalidArgument("reservations", "the block would hold over 5000 active reservations");
    }
    if (!changed) return block;
    Tally(block, stored);
    Touch(block.mutable_audit(), who, now);
    block.set_etag(NewEtag());
    RETURN_IF_ERROR(PutBlock(tx, block));
    return block;
  });
}

absl::StatusOr<RoomBlock> Groups::ExtendCutOff(const Principal& who, const v1::ExtendCutOffRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "a cut-off is extended by the manager"));
  ASSIGN_OR_RETURN(auto id, SingletonOf(req.name(), "block", "name"));
  if (!req.has_cut_off_date()) return InvalidArgument("cut_off_date", "is required");
  RETURN_IF_ERROR(CheckDate(req.cut_off_date(), "cut_off_date"));
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true, true));
  const absl::Time now = ctx_.clock->Now();
  return ctx_.store->Write<RoomBlock>([&](MeetingsTx& tx) -> absl::StatusOr<RoomBlock> {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    if (Ended(m)) return WrongState(m, "the block's cut-off is extended before the bill is settled");
    ASSIGN_OR_RETURN(auto block, MustGetBlock(tx, m.name()));
    if (!req.etag().empty() && req.etag() != block.etag()) return StaleEtag(block.name());
    if (block.state() == RoomBlock::RELEASED) {
      return FailedPrecondition("ALREADY_RELEASED", absl::StrCat(block.name(), " was released at its cut-off, ",
                                                                 DayText(block.cut_off_date())));
    }
    if (!block.has_cut_off_date()) {
      return FailedPrecondition("NO_CUT_OFF", absl::StrCat(block.name(), " has no cut-off: its rooms are held"));
    }
    const int64_t to = DateKey(req.cut_off_date());
    if (to <= DateKey(block.cut_off_date())) {
      return InvalidArgument("cut_off_date",
                             absl::StrCat("must be after the current cut-off, ", DayText(block.cut_off_date())));
    }
    if (ToCivilDay(req.cut_off_date()) < absl::ToCivilDay(now, ctx_.policy.zone)) {
      return InvalidArgument("cut_off_date", "must not be in the past");
    }
    for (const auto& n : block.nights()) {
      if (n.contracted() > 0 && DateKey(n.night()) <= to) {
        return InvalidArgument("cut_off_date",
                               absl::StrCat("must be before the block's first night, ", DayText(n.night())));
      }
    }
    auto* e = block.add_extensions();
    *e->mutable_time() = ToProto(now);
    e->set_actor(who.subject);
    *e->mutable_from_date() = block.cut_off_date();
    *e->mutable_to_date() = req.cut_off_date();
    e->set_reason(req.reason());
    *block.mutable_cut_off_date() = req.cut_off_date();
    Touch(block.mutable_audit(), who, now);
    block.set_etag(NewEtag());
    RETURN_IF_ERROR(PutBlock(tx, block));
    RETURN_IF_ERROR(PlanReminders(ctx_, tx, m, nullptr, now));
    RETURN_IF_ERROR(RecordActivity(tx, m, absl::StrCat(block.name(), "/extensions/", block.extensions_size()),
                                   absl::StrCat("room block cut-off extended to ", DayText(req.cut_off_date())),
                                   req.reason(), who, now));
    return block;
  });
}

absl::StatusOr<int> Groups::RunReminders() {
  const absl::Time now = ctx_.clock->Now();
  const absl::CivilDay today = absl::ToCivilDay(now, ctx_.policy.zone);
  int ran = 0;
  for (bool more = true; more;) {
    more = false;
    absl::Status status = ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto rows, tx.ListRecords(kReminderKind, kDueReminder, true, std::nullopt, kReminderBatch));
      for (auto& r : rows) {
        if (r.seq > DayKey(today)) return absl::OkStatus();
        const std::string what = r.name.substr(r.parent.size() + sizeof("/reminders/") - 1);
        r.tag.clear();
        ASSIGN_OR_RETURN(auto m, tx.GetMeeting(r.parent.substr(sizeof("meetings/") - 1)));
        if (m && !Ended(*m)) {
          ASSIGN_OR_RETURN(r.tag, RunReminder(tx, *m, what, today, now));
        }
        RETURN_IF_ERROR(tx.PutRecord(r));
        ++ran;
      }
      more = static_cast<int>(rows.size()) == kReminderBatch;
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
  }
  return ran;
}

absl::StatusOr<std::string> Groups::RunReminder(MeetingsTx& tx, const Meeting& m, const std::string& what,
                                                absl::CivilDay today, absl::Time now) {
  const std::vector<std::string> parts = absl::StrSplit(what, '/');
  if (parts[0] == "cut-off-alert" && parts.size() == 2) {
    ASSIGN_OR_RETURN(auto block, GetAs<RoomBlock>(tx, BlockName(m.name())));
    if (!block || block->state() != RoomBlock::HELD || DayText(block->cut_off_date()) != parts[1] ||
        today > ToCivilDay(block->cut_off_date())) {
      return std::string();
    }
    const std::string title =
        absl::StrCat("团队用房截止日 ", parts[1], "：", m.title(), " 已订 ", block->picked_up_room_nights(), "/",
                     block->contracted_room_nights(), " 间夜");
    const std::string body = absl::StrCat("截止日后未预订的房间将释放。\n", PickupLines(*block));
    RETURN_IF_ERROR(Alert(tx, m, OwnerOf(m), absl::StrCat(block->name(), "/cut-off-alert/", parts[1]), title, body,
                          block->name(), now));
    return std::string();
  }
  if (parts[0] == "cut-off" && parts.size() == 3) {
    ASSIGN_OR_RETURN(auto block, GetAs<RoomBlock>(tx, BlockName(m.name())));
    if (!block || block->state() != RoomBlock::HELD || DayText(block->cut_off_date()) != parts[2] ||
        parts[1] != absl::StrCat("v", m.agreement_version()) || today <= ToCivilDay(block->cut_off_date())) {
      return std::string();
    }
    const int released = Release(*block, now);
    Touch(block->mutable_audit(), kItself, now);
    block->set_etag(NewEtag());
    RETURN_IF_ERROR(PutBlock(tx, *block));
    const std::string id = absl::StrCat(block->name(), "/releases/", block->releases_size());
    const std::string title = absl::StrCat("团队用房已释放：", m.title(), " 释放 ", released, " 间夜，保留 ",
                                           block->blocked_room_nights(), " 间夜");
    const std::string body =
        absl::StrCat("截止日 ", parts[2], " 已过，未预订的房间回到散客销售。\n", PickupLines(*block));
    RETURN_IF_ERROR(Alert(tx, m, OwnerOf(m), id + "/kam", title, body, block->name(), now));
    if (Configured(ctx_, "rooms")) {
      RETURN_IF_ERROR(Alert(tx, m, "department/rooms", id + "/rooms", title, body, block->name(), now));
    }
    RETURN_IF_ERROR(RecordActivity(tx, m, id, absl::StrCat("room block released at its cut-off, ", parts[2]),
                                   absl::StrCat(released, " room nights released; ", block->blocked_room_nights(),
                                                " held for the guests who booked"),
                                   kItself, now));
    return std::string();
  }
  int index = 0;
  if (parts[0] == "instalment" && parts.size() == 3 && absl::SimpleAtoi(parts[2], &index) &&
      parts[1] == absl::StrCat("v", m.agreement_version())) {
    ASSIGN_OR_RETURN(auto a, MustGetAgreement(tx, absl::StrCat(m.name(), "/agreements/", m.agreement_version())));
    ASSIGN_OR_RETURN(auto s, GetAs<v1::Settlement>(tx, absl::StrCat(m.name(), "/settlement")));
    const google::protobuf::RepeatedPtrField<v1::Payment> none;
    const auto schedule = ScheduleOf(a, s ? s->payments() : none, today, ctx_.policy.zone);
    if (index < 0 || index >= static_cast<int>(schedule.size()) ||
        schedule[index].state() != v1::InstalmentStatus::OVERDUE) {
      return std::string();
    }
    const auto& in = schedule[index];
    const std::string id = absl::StrCat(m.name(), "/agreements/", m.agreement_version(), "/instalments/", index);
    const std::string title = absl::StrCat("逾期未付：", m.title(), " ", in.label(), " ",
                                           YuanText(in.amount().amount_minor() - in.paid().amount_minor()), " 元");
    const std::string body =
        absl::StrCat(in.label(), " 应于 ", DayText(in.due_date()), " 付 ", YuanText(in.amount().amount_minor()),
                     " 元，已付 ", YuanText(in.paid().amount_minor()), " 元。客户经理：", m.owner());
    RETURN_IF_ERROR(Alert(tx, m, OwnerOf(m), id + "/overdue/kam", title, body, m.name() + "/settlement", now));
    if (Configured(ctx_, "finance")) {
      RETURN_IF_ERROR(
          Alert(tx, m, "department/finance", id + "/overdue/finance", title, body, m.name() + "/settlement", now));
    }
    return std::string(kOverdueReminder);
  }
  return std::string();
}

}  // namespace atrium::meetings
