// Helpers shared by the parts of the meetings domain (meetings.h): the
// roles, names, and the steps more than one part takes (moving a meeting,
// issuing a notice revision). Not API.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "atrium/meetings/v1/meetings.pb.h"
#include "common/audit.h"
#include "common/auth.h"
#include "common/page_token.h"
#include "services/meetings/context.h"
#include "services/meetings/forwarder.h"
#include "services/meetings/store.h"

namespace atrium::meetings::internal {

inline const std::initializer_list<Role> kReaders = {Role::kManager,  Role::kKeyAccountManager, Role::kClerk,
                                                     Role::kGmOffice, Role::kService,           Role::kDepartment};
inline const std::initializer_list<Role> kStaffAndService = {Role::kManager, Role::kKeyAccountManager, Role::kClerk,
                                                             Role::kGmOffice, Role::kService};
inline const std::initializer_list<Role> kStaff = {Role::kManager, Role::kKeyAccountManager, Role::kClerk,
                                                   Role::kGmOffice};
inline const std::initializer_list<Role> kSellers = {Role::kManager, Role::kKeyAccountManager, Role::kClerk};
inline const std::initializer_list<Role> kHandlers = {Role::kManager, Role::kKeyAccountManager};

// The code of `name`, a lostReasons/{code} name given in `field`
// (INVALID_ARGUMENT otherwise); "" when `name` is empty.
absl::StatusOr<std::string> LostReasonCodeOf(const std::string& name, const std::string& field);
// Marks `m` with the coded reason `code` (none when empty), which must exist
// and be active (FAILED_PRECONDITION LOST_REASON_NOT_FOUND / _RETIRED).
absl::Status MarkLostReason(MeetingsTx& tx, const std::string& code, v1::Meeting& m);
// A KAM handles only the meetings of accounts they own.
absl::Status CheckHandles(const Principal& who, const v1::Meeting& m);
absl::StatusOr<std::string> MeetingIdOf(const std::string& name, const std::string& field);
// The meeting id of a singleton "meetings/{meeting}/<suffix>".
absl::StatusOr<std::string> SingletonOf(const std::string& name, const std::string& suffix, const std::string& field);
absl::StatusOr<v1::Meeting> MustGetMeeting(MeetingsTx& tx, const std::string& id);
const char* StateName(v1::Meeting::State s);
bool IsClosed(const v1::Meeting& m);
// Records a move of `m` to `to` in its history (who, when, why) and makes it.
void AddChange(v1::Meeting& m, v1::Meeting::State to, const Principal& who, absl::Time now, const std::string& note);
// FAILED_PRECONDITION INVALID_STATE_TRANSITION naming the current state.
absl::Status WrongState(const v1::Meeting& m, const std::string& what);
// Appends a step to the account's sales record through the outbox.
absl::Status RecordActivity(MeetingsTx& tx, const v1::Meeting& m, const std::string& request_id,
                            const std::string& summary, const std::string& detail, const Principal& who,
                            absl::Time now);
// Puts `request` (a preference, a ledger entry or a notice revision: `kind`)
// for another service in the outbox, about meeting `m`, under `request_id`.
absl::Status QueueRequest(MeetingsTx& tx, OutboxEntry::Kind kind, const v1::Meeting& m, const std::string& request_id,
                          const google::protobuf::MessageLite& request, absl::Time now);

using MoveHook = std::function<absl::Status(MeetingsTx&, v1::Meeting&)>;
// Moves a meeting from one of `from` to `to`, recording who, when and why;
// `release_rooms` cancels its bookings in the same transaction, `also` runs
// in it before the move (meetings.cc). The pipeline and the preparation
// move meetings.
absl::StatusOr<v1::Meeting> Move(const Context& ctx, const Principal& who, const std::string& name,
                                 const std::string& etag, const std::string& note,
                                 std::initializer_list<v1::Meeting::State> from, v1::Meeting::State to,
                                 bool release_rooms, const MoveHook& also = {});
// Generates the next notice revision of `m` from its agreement in force
// (or a cancellation), puts it in the outbox and re-derives the checklist
// (preparation.cc). Also on cancelling and on signing a new agreement.
absl::Status IssueRevision(const Context& ctx, MeetingsTx& tx, v1::Meeting& m, const Principal& who,
                           const std::string& cancelled_reason = "");
// The records of the reminders of cut-offs and instalments (groups.cc):
// under the meeting, tagged kDueReminder until they run on their day (seq,
// yyyymmdd), an instalment's then kOverdueReminder while it stays unpaid.
inline constexpr char kReminderKind[] = "reminder";
inline constexpr char kDueReminder[] = "due";
inline constexpr char kOverdueReminder[] = "overdue";

// A meeting in hand (signed, not settled, lost or cancelled) and its
// payment schedule's state on a day.
struct ScheduleInHand {
  v1::Meeting meeting;
  std::vector<v1::InstalmentStatus> schedule;
};
// The most reminders SchedulesInHand reads.
inline constexpr int kMaxSchedulesRead = 5000;
// The meetings in hand with an instalment unpaid, found by the reminders
// of their instalments (run and still unpaid, or due to run by `due_by`,
// yyyymmdd; 0 = whenever), with their schedules as of `day`, by meeting
// name (groups.cc).
absl::StatusOr<std::vector<ScheduleInHand>> SchedulesInHand(const Context& ctx, MeetingsTx& tx, absl::CivilDay day,
                                                            int64_t due_by);

// Replaces the room block of `m` with the figures of the agreement `a` just
// signed, its reservations counted again (groups.cc).
absl::Status RefreshBlock(const Context& ctx, MeetingsTx& tx, const v1::Meeting& m, const v1::Agreement& a,
                          const Principal& who, absl::Time now);
// Brings the reminders of `m` in line with its agreement in force, its
// block and its payments (`payments`, or the stored ones when null): those
// no longer wanted (superseded, paid, the meeting ended) are dropped, new
// ones wait for their day (groups.cc). After signing, extending a cut-off,
// a payment and the settlement.
absl::Status PlanReminders(const Context& ctx, MeetingsTx& tx, const v1::Meeting& m,
                           const google::protobuf::RepeatedPtrField<v1::Payment>* payments, absl::Time now);
// The agreement `name` (meetings/{m}/agreements/{v}), NOT_FOUND if none
// (sales.cc).
absl::StatusOr<v1::Agreement> MustGetAgreement(MeetingsTx& tx, const std::string& name);

// Stores `m` with what the sales figures keep of it (figures.cc): every
// write of a meeting goes through here.
absl::Status SaveMeeting(const Context& ctx, MeetingsTx& tx, const v1::Meeting& m, absl::Time now);
// Records that `who` issued notice revision `revision` of `m`.
absl::Status RecordRevision(const Context& ctx, MeetingsTx& tx, const v1::Meeting& m, const Principal& who,
                            int revision, absl::Time now);

// Reads and writes a stored message under its resource name.
template <typename T>
absl::StatusOr<std::optional<T>> GetAs(MeetingsTx& tx, const std::string& name) {
  auto r = tx.GetRecord(name);
  if (!r.ok()) return r.status();
  if (!*r) return std::optional<T>();
  T out;
  if (!out.ParseFromString((*r)->data)) return absl::DataLossError(absl::StrCat(name, " cannot be read"));
  return std::optional<T>(std::move(out));
}

// Every record of `kind` under `parent`, in (seq, name) order, read in
// pages of 500.
inline absl::StatusOr<std::vector<Record>> AllRecords(MeetingsTx& tx, const std::string& kind,
                                                      const std::string& parent) {
  std::vector<Record> out;
  std::optional<std::pair<int64_t, std::string>> after;
  for (;;) {
    auto rows = tx.ListRecords(kind, parent, false, after, 500);
    if (!rows.ok()) return rows.status();
    const bool more = rows->size() == 500;
    for (auto& r : *rows) out.push_back(std::move(r));
    if (!more) return out;
    after = std::make_pair(out.back().seq, out.back().name);
  }
}

// The same, each record's message read as a T.
template <typename T>
absl::StatusOr<std::vector<T>> AllAs(MeetingsTx& tx, const std::string& kind, const std::string& parent) {
  auto rows = AllRecords(tx, kind, parent);
  if (!rows.ok()) return rows.status();
  std::vector<T> out(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    if (!out[i].ParseFromString((*rows)[i].data)) return absl::DataLossError((*rows)[i].name + " cannot be read");
  }
  return out;
}

// One page of the records of `kind` under the meeting `parent`, oldest
// first: each record's bytes go to `add` (false = unreadable). Returns the
// next page token ("" at the end). NOT_FOUND if the meeting does not exist.
template <typename Add>
absl::StatusOr<std::string> ListMeetingRecords(MeetingsStore& store, const PageTokens& tokens, const std::string& kind,
                                               const std::string& parent, int page_size, const std::string& page_token,
                                               Add&& add) {
  auto id = MeetingIdOf(parent, "parent");
  if (!id.ok()) return id.status();
  auto size = ClampPageSize(page_size);
  if (!size.ok()) return size.status();
  const std::string query = absl::StrCat(kind, "|", parent);
  auto after = tokens.DecodeAfter(page_token, query);
  if (!after.ok()) return after.status();
  std::string next;
  absl::Status status = store.Read([&](MeetingsTx& tx) -> absl::Status {
    if (auto m = MustGetMeeting(tx, *id); !m.ok()) return m.status();
    auto rows = tx.ListRecords(kind, parent, false, *after, *size + 1);
    if (!rows.ok()) return rows.status();
    const bool more = static_cast<int>(rows->size()) > *size;
    if (more) rows->pop_back();
    for (const auto& r : *rows) {
      if (!add(r.data)) return absl::DataLossError(r.name + " cannot be read");
    }
    if (more) next = tokens.EncodeAfter(query, rows->back().seq, rows->back().name);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return next;
}

}  // namespace atrium::meetings::internal
