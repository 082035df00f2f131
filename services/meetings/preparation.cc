// From the contract to the end of the meeting (Preparation): the meeting
// notice to the departments and its revisions (IssueRevision, also on
// cancelling and on signing a new agreement), the pre-meeting check, the
// meeting declared prepared, started and completed.
#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/trace.h"
#include "services/meetings/internal.h"
#include "services/meetings/meetings.h"
#include "services/meetings/notice.h"
#include "spdlog/spdlog.h"

namespace atrium::meetings {
namespace {

using namespace internal;  // NOLINT: the domain's own helpers
using v1::Meeting;

constexpr char kNoticeKind[] = "notice";

}  // namespace

namespace internal {

absl::Status IssueRevision(const Context& ctx, MeetingsTx& tx, Meeting& m, const Principal& who,
                           const std::string& cancelled_reason) {
  ASSIGN_OR_RETURN(auto a, MustGetAgreement(tx, absl::StrCat(m.name(), "/agreements/", m.agreement_version())));
  const absl::Time now = ctx.clock->Now();
  const int revision = m.notice_revision() + 1;
  std::map<std::string, std::string> room_names;
  for (const auto& v : a.venues()) {
    ASSIGN_OR_RETURN(auto room, tx.GetRoom(v.room().substr(sizeof("rooms/") - 1)));
    if (room) room_names[v.room()] = (room)->display_name();
  }
  notifications::v1::NoticeRevision notice = BuildNotice(m, a, revision, ctx.policy.zone, room_names, cancelled_reason);
  KeepDepartments(&notice, ctx.policy.notice_departments);
  notice.set_name(absl::StrCat("notices/", notice.notice_id(), "/revisions/", revision));
  notice.set_sender(who.subject);
  *notice.mutable_create_time() = ToProto(now);
  RETURN_IF_ERROR(tx.PutRecord(
      Record{absl::StrCat(m.name(), "/notice"), kNoticeKind, m.name(), "", 0, notice.SerializeAsString()}));
  notifications::v1::DispatchNoticeRequest dispatch;
  *dispatch.mutable_revision() = notice;
  dispatch.mutable_revision()->clear_name();
  dispatch.mutable_revision()->clear_sender();
  dispatch.mutable_revision()->clear_create_time();
  RETURN_IF_ERROR(QueueRequest(tx, OutboxEntry::kNotice, m, notice.name(), dispatch, now));
  m.set_notice_revision(revision);
  *m.mutable_checklist() = DeriveChecklist(notice, m.checklist());
  RETURN_IF_ERROR(RecordRevision(ctx, tx, m, who, revision, now));
  spdlog::info("{}: notice revision {} issued by {} ({})", m.name(), revision, who.subject, notice.name());
  return RecordActivity(
      tx, m, notice.name(),
      absl::StrCat("notice revision ", revision, cancelled_reason.empty() ? " issued" : " (cancellation) issued"), "",
      who, now);
}

}  // namespace internal

absl::StatusOr<Meeting> Preparation::IssueNotice(const Principal& who, const v1::IssueNoticeRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(ctx_, who, req.name(), req.etag(), req.note(), {Meeting::CONTRACTED}, Meeting::NOTICE_ISSUED, false,
              [&](MeetingsTx& tx, Meeting& m) { return IssueRevision(ctx_, tx, m, who); });
}

absl::StatusOr<v1::MeetingNotice> Preparation::GetMeetingNotice(const Principal& who,
                                                                const v1::GetMeetingNoticeRequest& req) {
  RETURN_IF_ERROR(who.Require(kReaders, "notices are read by staff, departments and services"));
  ASSIGN_OR_RETURN(auto meeting_id, SingletonOf(req.name(), "notice", "name"));
  v1::MeetingNotice out;
  absl::Status status = ctx_.store->Read([&](MeetingsTx& tx) -> absl::Status {
    if (auto m = MustGetMeeting(tx, meeting_id); !m.ok()) return m.status();
    auto n = GetAs<notifications::v1::NoticeRevision>(tx, req.name());
    if (!n.ok()) return n.status();
    if (!*n) return NotFound("notice", req.name());
    out.set_name(req.name());
    out.set_notice(absl::StrCat("notices/", (*n)->notice_id()));
    out.set_revision((*n)->revision());
    *out.mutable_content() = std::move(**n);
    if (who.Is(Role::kDepartment)) KeepDepartment(out.mutable_content(), who.department);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (ctx_.notices != nullptr) {
    auto board = ctx_.notices->Status(who, NoticeIdOf(meeting_id));
    if (board.ok()) {
      out.set_signatures_known(true);
      if (*board) {
        out.set_delivered_revision((*board)->current_revision);
        for (auto& d : (*board)->departments) *out.add_departments() = std::move(d);
      }
    }
  }
  return out;
}

absl::StatusOr<Meeting> Preparation::CheckItem(const Principal& who, const v1::CheckItemRequest& req) {
  RETURN_IF_ERROR(who.Require(kHandlers, "checks are marked by the manager and the key account manager"));
  ASSIGN_OR_RETURN(auto id, MeetingIdOf(req.meeting(), "meeting"));
  RETURN_IF_ERROR(CheckText(req.item(), "item", 300, true));
  RETURN_IF_ERROR(CheckText(req.note(), "note", 500, false, true));
  const absl::Time now = ctx_.clock->Now();
  Meeting out;
  absl::Status status = ctx_.store->Write([&](MeetingsTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto m, MustGetMeeting(tx, id));
    RETURN_IF_ERROR(CheckHandles(who, m));
    if (m.state() != Meeting::NOTICE_ISSUED && m.state() != Meeting::PREPARED) {
      return WrongState(m, "the pre-meeting check runs between the notice and the guests' arrival");
    }
    auto it = std::find_if(m.mutable_checklist()->begin(), m.mutable_checklist()->end(),
                           [&](const v1::ChecklistItem& c) { return c.id() == req.item(); });
    if (it == m.mutable_checklist()->end()) return NotFound("checklist item", req.item());
    if (!it->checked()) {
      it->set_checked(true);
      it->set_checked_by(who.subject);
      *it->mutable_check_time() = ToProto(now);
      it->set_note(req.note());
      Touch(m.mutable_audit(), who, now);
      m.set_etag(NewEtag());
      RETURN_IF_ERROR(SaveMeeting(ctx_, tx, m, now));
    }
    out = std::move(m);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Meeting> Preparation::MarkPrepared(const Principal& who, const v1::MarkPreparedRequest& req) {
  RETURN_IF_ERROR(CheckText(req.override_reason(), "override_reason", 500, false, true));
  const bool overriding = !req.override_reason().empty();
  if (overriding && !who.Is(Role::kManager)) {
    return PermissionDenied("only the manager declares a meeting prepared without every signature and check");
  }
  ASSIGN_OR_RETURN(auto id, MeetingIdOf(req.name(), "name"));
  // The signatures are asked of the notifications service on the caller's
  // behalf, before the transaction; unreachable means nothing changes.
  std::optional<NoticeStatus> board;
  if (!overriding) {
    if (ctx_.notices == nullptr) return absl::UnavailableError("the notifications service is not configured");
    ASSIGN_OR_RETURN(auto s, ctx_.notices->Status(who, NoticeIdOf(id)));
    board = std::move(s);
  }
  const std::string note = overriding ? absl::StrCat("manager's override: ", req.override_reason())
                                      : "every department signed the notice; every check done";
  return Move(ctx_, who, req.name(), req.etag(), note, {Meeting::NOTICE_ISSUED}, Meeting::PREPARED, false,
              [&](MeetingsTx&, Meeting& m) -> absl::Status {
                if (overriding) {
                  m.set_prepared_override(req.override_reason());
                  return absl::OkStatus();
                }
                const std::vector<std::string> unsigned_departments =
                    UnsignedDepartments(m, board, ctx_.policy.notice_departments);
                int unchecked = 0;
                for (const auto& item : m.checklist()) unchecked += item.checked() ? 0 : 1;
                if (!unsigned_departments.empty() || unchecked > 0) {
                  return FailedPrecondition(
                      "NOT_PREPARED",
                      absl::StrCat(m.name(), ": ",
                                   unsigned_departments.empty()
                                       ? ""
                                       : absl::StrCat("not signed by ", absl::StrJoin(unsigned_departments, ", "),
                                                      " (revision ", m.notice_revision(), "); "),
                                   unchecked, " checklist item(s) unchecked"),
                      {{"unsigned", absl::StrJoin(unsigned_departments, ",")}, {"unchecked", absl::StrCat(unchecked)}});
                }
                return absl::OkStatus();
              });
}

absl::StatusOr<Meeting> Preparation::StartMeeting(const Principal& who, const v1::StartMeetingRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(ctx_, who, req.name(), req.etag(), req.note(), {Meeting::PREPARED}, Meeting::IN_PROGRESS, false);
}

absl::StatusOr<Meeting> Preparation::CompleteMeeting(const Principal& who, const v1::CompleteMeetingRequest& req) {
  RETURN_IF_ERROR(CheckText(req.note(), "note", 2000, false, true));
  return Move(ctx_, who, req.name(), req.etag(), req.note(), {Meeting::IN_PROGRESS}, Meeting::COMPLETED, false);
}

}  // namespace atrium::meetings
