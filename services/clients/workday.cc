// One person's day as the archive knows it (SummarizeWorkDay): the draft of
// their daily work report at the sales management service. Every list is
// read from the records of that day, at most kMaxPerList each.
#include <set>

#include "absl/strings/match.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers

constexpr int kMaxPerList = 200;

template <typename T>
absl::Status AddParsed(const ChildRecord& r, google::protobuf::RepeatedPtrField<T>* into) {
  if (!into->Add()->ParseFromString(r.data)) return absl::DataLossError(r.name + " cannot be read");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::WorkDay> Archive::SummarizeWorkDay(const Principal& who, const v1::SummarizeWorkDayRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kKeyAccountManager, Role::kGmOffice, Role::kService},
                              "a day's work is read by the manager, KAMs (their own), the GM office and services"));
  RETURN_IF_ERROR(CheckStaffId(req.person(), "person", true));
  if (who.Is(Role::kKeyAccountManager) && req.person() != who.subject) {
    return PermissionDenied("a key account manager reads their own day (person must be the caller)");
  }
  if (!req.has_date()) return InvalidArgument("date", "is required");
  RETURN_IF_ERROR(CheckDate(req.date(), "date"));
  const absl::CivilDay day = ToCivilDay(req.date());
  const absl::Time start = absl::FromCivil(day, zone_), end = absl::FromCivil(day + 1, zone_);
  const int64_t from = absl::ToUnixMicros(start), to = absl::ToUnixMicros(end) - 1;
  const absl::Time now = Now();

  v1::WorkDay out;
  out.set_person(req.person());
  *out.mutable_date() = req.date();
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    auto day_of = [&](const std::string& kind, const char* column, bool or_unset, int64_t a, int64_t b, int state) {
      return tx.DayChildren(kind, column, req.person(), or_unset, a, b, state, kMaxPerList + 1);
    };
    auto clip = [&](std::vector<ChildRecord>& rows) {
      if (static_cast<int>(rows.size()) > kMaxPerList) {
        rows.resize(kMaxPerList);
        out.set_truncated(true);
      }
    };

    ASSIGN_OR_RETURN(auto planned, day_of(kVisit, "person", false, from, to, 0));
    clip(planned);
    for (const ChildRecord& r : planned) {
      RETURN_IF_ERROR(AddParsed(r, out.mutable_visits_planned()));
      const v1::Visit& v = out.visits_planned(out.visits_planned_size() - 1);
      if (v.state() == v1::Visit::PLANNED && end <= now) out.set_visits_missed(out.visits_missed() + 1);
    }

    // The activities the person logged; those the service appended for a
    // visit recorded or feedback handled name their record as subject.
    ASSIGN_OR_RETURN(auto logged, day_of(kActivity, "person", true, from, to, 0));
    std::vector<std::string> visits, feedback;
    std::set<std::string> seen;
    for (const ChildRecord& r : logged) {
      v1::Activity a;
      if (!a.ParseFromString(r.data)) return absl::DataLossError(r.name + " cannot be read");
      if (a.actor() != req.person()) continue;  // an older row without its actor
      if (out.activities_size() == kMaxPerList) {
        out.set_truncated(true);
        break;
      }
      if (a.type() == v1::Activity::VISIT && absl::StrContains(a.subject(), "/visits/") &&
          seen.insert(a.subject()).second) {
        visits.push_back(a.subject());
      }
      if (absl::StrContains(a.subject(), "/feedback/") && seen.insert(a.subject()).second) {
        feedback.push_back(a.subject());
      }
      *out.add_activities() = std::move(a);
    }
    if (static_cast<int>(logged.size()) > kMaxPerList) out.set_truncated(true);
    for (const std::string& name : visits) {
      ASSIGN_OR_RETURN(auto r, tx.GetChild(name));
      if (!r || r->kind != kVisit) continue;
      RETURN_IF_ERROR(AddParsed(*r, out.mutable_visits_done()));
    }
    for (const std::string& name : feedback) {
      ASSIGN_OR_RETURN(auto r, tx.GetChild(name));
      if (!r || r->kind != kFeedback) continue;
      RETURN_IF_ERROR(AddParsed(*r, out.mutable_feedback_handled()));
    }

    ASSIGN_OR_RETURN(auto received, day_of(kFeedback, "owner", false, from, to, 0));
    clip(received);
    for (const ChildRecord& r : received) RETURN_IF_ERROR(AddParsed(r, out.mutable_feedback_received()));

    const int64_t date_key = DateKey(req.date());
    ASSIGN_OR_RETURN(auto paid, day_of(kLedgerEntry, "owner", false, date_key, date_key, v1::LedgerEntry::PAYMENT));
    clip(paid);
    for (const ChildRecord& r : paid) RETURN_IF_ERROR(AddParsed(r, out.mutable_payments()));
    // Of every payment of the day, not only those listed.
    ASSIGN_OR_RETURN(const int64_t total, tx.DayPayments(req.person(), date_key));
    if (total > kMaxAmountMinor) return SumTooLarge();
    *out.mutable_payments_total() = Cny(total);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace atrium::clients
