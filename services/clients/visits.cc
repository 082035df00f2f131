// Visits (走访): planned, then recorded or cancelled. Planned visits whose
// time has passed are the manager's daily check of the visit plan.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/clients/archive.h"
#include "services/clients/internal.h"

namespace atrium::clients {
namespace {

using namespace internal;  // NOLINT: the archive's own helpers
using v1::Visit;

constexpr std::initializer_list<Role> kWriters = {Role::kManager, Role::kKeyAccountManager};
constexpr ChildSpec kSpec{"CreateVisit", "visits", kVisit, "visit", ClerkMay::kNo, true};

ChildRecord ToRecord(const Visit& v, const std::string& account_id) {
  ChildRecord r;
  r.name = v.name();
  r.kind = kVisit;
  r.account_id = account_id;
  r.state = v.state();
  r.person = v.visitor();
  // Only a planned visit can become overdue.
  r.due_micros = v.state() == Visit::PLANNED ? ToUnixMicros(v.planned_time()) : 0;
  r.sort_key = ToUnixMicros(v.planned_time());
  r.done_micros = v.state() == Visit::DONE ? ToUnixMicros(v.visit_time()) : 0;
  r.data = v.SerializeAsString();
  return r;
}

// How far ahead a visit can be planned.
constexpr absl::Duration kVisitHorizon = absl::Hours(24 * 366 * 5);

absl::Status RequirePlanned(const Visit& v) {
  if (v.state() == Visit::PLANNED) return absl::OkStatus();
  return FailedPrecondition(
      "VISIT_NOT_PLANNED",
      absl::StrCat(v.name(), " is ", Visit::State_Name(v.state()), "; only a planned visit can change"),
      {{"state", Visit::State_Name(v.state())}});
}

}  // namespace

absl::StatusOr<Visit> Archive::CreateVisit(const Principal& who, const v1::CreateVisitRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "CreateVisit is for the manager and key account managers"));
  Visit v = req.visit();
  if (v.visitor().empty()) v.set_visitor(who.subject);
  RETURN_IF_ERROR(CheckStaffId(v.visitor(), "visit.visitor", true));
  if (who.Is(Role::kKeyAccountManager) && v.visitor() != who.subject) {
    return PermissionDenied("a key account manager plans their own visits; the manager plans for others");
  }
  if (!v.has_planned_time()) return InvalidArgument("visit.planned_time", "is required");
  RETURN_IF_ERROR(CheckText(v.purpose(), "visit.purpose", 500, true, true));
  const absl::Time now = Now();
  RETURN_IF_ERROR(CheckTimestamp(v.planned_time(), "visit.planned_time", EarliestTime(), now + kVisitHorizon));
  return CreateChild<Visit>(
      store_, who, req.parent(), RequestKeyOf(kSpec.method, who, req, req.request_id()), kSpec, std::move(v), now,
      [&](ClientsTx&, const v1::Account&, Visit& x) {
        x.set_state(Visit::PLANNED);
        x.clear_outcome();
        x.clear_next_step();
        x.clear_visit_time();
        x.clear_cancel_reason();
        *x.mutable_audit() = NewAudit(who, now);
        x.set_etag(NewEtag());
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Visit> Archive::GetVisit(const Principal& who, const v1::GetVisitRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaff, "GetVisit is for staff"));
  return ReadChild<Visit>(store_, req.name(), "visits", kVisit, "visit");
}

absl::StatusOr<v1::ListVisitsResponse> Archive::ListVisits(const Principal& who, const v1::ListVisitsRequest& req) {
  RETURN_IF_ERROR(who.Require(kStaff, "ListVisits is for staff"));
  auto account_id = AccountIdOf(req.parent(), "parent", /*allow_wildcard=*/true);
  if (!account_id.ok()) return account_id.status();
  RETURN_IF_ERROR(CheckStaffId(req.visitor(), "visitor", false));
  const absl::Time now = Now();
  v1::ListVisitsResponse resp;
  absl::Status status = store_->Read([&](ClientsTx& tx) -> absl::Status {
    ChildQuery q;
    q.kind = kVisit;
    if (*account_id != "-") {
      if (auto a = MustGetAccount(tx, *account_id); !a.ok()) return a.status();
      q.account_id = *account_id;
    }
    q.person = req.visitor();
    if (req.overdue_only()) {
      q.states = {Visit::PLANNED};
      q.due_before = absl::ToUnixMicros(now);
    }
    const std::string fingerprint =
        absl::StrCat("visits|", req.parent(), "|", req.visitor(), "|", req.overdue_only() ? 1 : 0);
    auto page = ListPage<Visit>(tx, tokens_, q, req.page_size(), req.page_token(), fingerprint);
    if (!page.ok()) return page.status();
    for (auto& v : page->first) *resp.add_visits() = std::move(v);
    resp.set_next_page_token(page->second);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return resp;
}

absl::StatusOr<Visit> Archive::RecordVisit(const Principal& who, const v1::RecordVisitRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "RecordVisit is for the manager and key account managers"));
  RETURN_IF_ERROR(CheckText(req.outcome(), "outcome", 2000, true, true));
  RETURN_IF_ERROR(CheckText(req.next_step(), "next_step", 1000, false, true));
  if (req.has_visit_time()) {
    RETURN_IF_ERROR(CheckTimestamp(req.visit_time(), "visit_time"));
  }
  const absl::Time now = Now();
  const absl::Time when = req.has_visit_time() ? FromProto(req.visit_time()) : now;
  if (when > now + absl::Minutes(5)) return InvalidArgument("visit_time", "must not be in the future");
  return ChangeChild<Visit>(
      store_, who, req.name(), req.etag(), "visits", kVisit, "visit", ClerkMay::kNo,
      [&](ClientsTx& tx, const v1::Account& account, Visit& v) -> absl::Status {
        RETURN_IF_ERROR(RequirePlanned(v));
        v.set_state(Visit::DONE);
        v.set_outcome(req.outcome());
        v.set_next_step(req.next_step());
        *v.mutable_visit_time() = ToProto(when);
        Touch(v.mutable_audit(), who, now);
        std::string detail = req.outcome();
        if (!req.next_step().empty()) detail += "\nnext step: " + req.next_step();
        return AppendActivity(tx, who, account.name().substr(9), v1::Activity::VISIT,
                              absl::StrCat("visit: ", v.purpose()), detail, v.name(), now);
      },
      ToRecord);
}

absl::StatusOr<Visit> Archive::CancelVisit(const Principal& who, const v1::CancelVisitRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "CancelVisit is for the manager and key account managers"));
  RETURN_IF_ERROR(CheckText(req.reason(), "reason", 500, true, true));
  const absl::Time now = Now();
  return ChangeChild<Visit>(
      store_, who, req.name(), req.etag(), "visits", kVisit, "visit", ClerkMay::kNo,
      [&](ClientsTx&, const v1::Account&, Visit& v) -> absl::Status {
        RETURN_IF_ERROR(RequirePlanned(v));
        v.set_state(Visit::CANCELLED);
        v.set_cancel_reason(req.reason());
        Touch(v.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      ToRecord);
}

absl::StatusOr<Visit> Archive::RescheduleVisit(const Principal& who, const v1::RescheduleVisitRequest& req) {
  RETURN_IF_ERROR(who.Require(kWriters, "RescheduleVisit is for the manager and key account managers"));
  if (!req.has_planned_time()) return InvalidArgument("planned_time", "is required");
  const absl::Time now = Now();
  RETURN_IF_ERROR(CheckTimestamp(req.planned_time(), "planned_time", EarliestTime(), now + kVisitHorizon));
  return ChangeChild<Visit>(
      store_, who, req.name(), req.etag(), "visits", kVisit, "visit", ClerkMay::kNo,
      [&](ClientsTx&, const v1::Account&, Visit& v) -> absl::Status {
        RETURN_IF_ERROR(RequirePlanned(v));
        *v.mutable_planned_time() = req.planned_time();
        Touch(v.mutable_audit(), who, now);
        return absl::OkStatus();
      },
      ToRecord);
}

}  // namespace atrium::clients
