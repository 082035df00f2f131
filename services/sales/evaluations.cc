// The evaluation of the KAMs (考核): a scorecard of some months from the
// peers' figures and this service's reports, and the manager's evaluations,
// each kept with the scorecard as it stood when written.
#include "absl/strings/str_cat.h"
#include "common/audit.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/request_ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/sales/management.h"
#include "services/sales/measures.h"
#include "services/sales/names.h"
#include "services/sales/workdays.h"

namespace atrium::sales {
namespace {

using v1::Evaluation;
using v1::Scorecard;

constexpr int kMaxMonths = 12;
constexpr int kMaxText = 5000;

absl::Status CheckEvaluationReader(const Principal& who, const std::string& kam) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kGmOffice, Role::kKeyAccountManager},
                  "scorecards and evaluations are read by the manager, the GM office and KAMs (their own)"));
  if (who.Is(Role::kKeyAccountManager) && kam != who.subject) {
    return PermissionDenied("a key account manager reads their own scorecard and evaluations");
  }
  return absl::OkStatus();
}

// The months of a scorecard or an evaluation, with `prefix` before the
// fields' names; last year is read beside them.
template <typename T>
absl::StatusOr<MonthRange> CheckPeriod(const T& t, std::string_view prefix) {
  ASSIGN_OR_RETURN(const MonthRange r, CheckMonthRange(t, kMaxMonths, prefix));
  if (r.first.year() <= kFirstYear) {
    return InvalidArgument(std::string(prefix) + "start_month", "must be after 1900 (last year is read beside it)");
  }
  return r;
}

// The evaluation a request id created.
absl::StatusOr<Evaluation> StoredEvaluation(SalesTx& tx, const std::string& name) {
  ASSIGN_OR_RETURN(auto parts, ParseEvaluationName(name, "name"));
  ASSIGN_OR_RETURN(auto existing, tx.GetEvaluation(parts.second));
  if (!existing) return NotFound("evaluation", name);
  return std::move(*existing);
}

}  // namespace

absl::StatusOr<Scorecard> Management::ScorecardOf(const Principal& who, const std::string& kam, absl::CivilMonth first,
                                                  absl::CivilMonth last) {
  meetings::v1::SummarizeSalesRequest sales_req;
  *sales_req.mutable_start_month() = ToYearMonth(first);
  *sales_req.mutable_end_month() = ToYearMonth(last);
  sales_req.set_owner(kam);
  for (const char* path : {"cells.definite", "cells.actualised"}) sales_req.mutable_read_mask()->add_paths(path);
  meetings::v1::SummarizeSalesRequest before_req = sales_req;
  *before_req.mutable_start_month() = ToYearMonth(first - 12);
  *before_req.mutable_end_month() = ToYearMonth(last - 12);
  sales_req.mutable_read_mask()->add_paths("cells.notice_revisions");
  clients::v1::SummarizeBookRequest book_req;
  *book_req.mutable_start_month() = sales_req.start_month();
  *book_req.mutable_end_month() = sales_req.end_month();
  book_req.set_owner(kam);
  ASSIGN_OR_RETURN(auto sales, figures_->Sales(who, sales_req));
  ASSIGN_OR_RETURN(auto before, figures_->Sales(who, before_req));
  ASSIGN_OR_RETURN(auto book, figures_->Book(who, book_req));

  Scorecard out;
  out.set_kam(kam);
  *out.mutable_start_month() = sales_req.start_month();
  *out.mutable_end_month() = sales_req.end_month();
  *out.mutable_as_of() = ToProto(clock_->Now());
  int64_t achieved = 0, settled = 0, last_year = 0, target = 0;
  for (const auto& c : sales.cells()) {
    if (!c.has_month()) continue;
    RETURN_IF_ERROR(AddToFigure(achieved, c.definite().value().total().amount_minor()));
    RETURN_IF_ERROR(AddToFigure(settled, c.actualised().value().total().amount_minor()));
    out.set_notice_revisions(out.notice_revisions() + c.notice_revisions());
  }
  for (const auto& c : before.cells()) {
    if (c.has_month()) RETURN_IF_ERROR(AddToFigure(last_year, c.definite().value().total().amount_minor()));
  }
  for (const auto& c : book.cells()) {
    out.set_visits_planned(out.visits_planned() + c.visits_planned());
    out.set_visits_done_on_time(out.visits_done_on_time() + c.visits_done_on_time());
    out.set_complaints(out.complaints() + c.complaints());
    out.set_complaints_answered_on_time(out.complaints_answered_on_time() + c.complaints_answered_on_time());
  }
  for (const auto& r : book.receivables()) {
    if (r.owner() != kam) continue;
    int64_t overdue = r.days_61_90().amount_minor();
    RETURN_IF_ERROR(AddToFigure(overdue, r.over_90_days().amount_minor()));
    out.set_overdue_receivables(overdue);
    out.set_overdue_accounts(r.overdue_accounts());
  }
  out.set_visit_execution_basis_points(BasisPoints(out.visits_done_on_time(), out.visits_planned()));
  out.set_complaint_response_basis_points(BasisPoints(out.complaints_answered_on_time(), out.complaints()));

  const absl::CivilDay first_day(first.year(), first.month(), 1);
  const absl::CivilDay until = std::min(absl::CivilDay(last + 1) - 1, Yesterday());
  RETURN_IF_ERROR(store_->Read([&](SalesTx& tx) -> absl::Status {
    for (int64_t year = first.year(); year <= last.year(); ++year) {
      ASSIGN_OR_RETURN(auto id, tx.FindTarget({static_cast<int>(year), v1::Target::KAM, kam, "", v1::TOTAL_REVENUE}));
      if (!id) continue;
      ASSIGN_OR_RETURN(auto t, tx.GetTarget(*id));
      if (!t) continue;
      for (int m = 1; m <= 12 && m <= t->months_size(); ++m) {
        const absl::CivilMonth month(year, m);
        if (month >= first && month <= last) RETURN_IF_ERROR(AddToFigure(target, t->months(m - 1)));
      }
    }
    ASSIGN_OR_RETURN(auto calendar, tx.GetCalendar());
    const WorkDays work_days(calendar ? *calendar : v1::WorkCalendar());
    if (until < first_day) return absl::OkStatus();
    out.set_working_days(work_days.Count(first_day, until));
    ASSIGN_OR_RETURN(auto days, tx.ReportDays(kam, DayKey(first_day), DayKey(until)));
    int submitted = 0;
    for (const auto& d : days) {
      const absl::CivilDay day = FromDayKey(d.day);
      if (d.state != v1::DailyReport::DRAFT && work_days.IsWorking(day)) ++submitted;
    }
    out.set_reports_submitted(submitted);
    return absl::OkStatus();
  }));
  *out.mutable_revenue() = MeasureOf(target, achieved, last_year);
  out.set_revenue_settled(settled);
  return out;
}

absl::StatusOr<Scorecard> Management::GetScorecard(const Principal& who, const v1::GetScorecardRequest& req) {
  RETURN_IF_ERROR(CheckStaffId(req.kam(), "kam", true));
  RETURN_IF_ERROR(CheckEvaluationReader(who, req.kam()));
  ASSIGN_OR_RETURN(const MonthRange range, CheckPeriod(req, ""));
  return ScorecardOf(who, req.kam(), range.first, range.last);
}

absl::StatusOr<Evaluation> Management::CreateEvaluation(const Principal& who, const v1::CreateEvaluationRequest& req) {
  RETURN_IF_ERROR(who.Require({Role::kManager}, "evaluations are written by the manager"));
  ASSIGN_OR_RETURN(const std::string kam, KamOfParent(req.parent(), "parent", false));
  ASSIGN_OR_RETURN(auto key, RequestKeyOf("CreateEvaluation", who, req, req.request_id()));
  ASSIGN_OR_RETURN(const MonthRange range, CheckPeriod(req.evaluation(), "evaluation."));
  RETURN_IF_ERROR(CheckText(req.evaluation().text(), "evaluation.text", kMaxText, true, true));
  // A retry returns the first evaluation without asking the peers again.
  ASSIGN_OR_RETURN(auto prior,
                   store_->Read<std::optional<std::string>>([&](SalesTx& tx) { return OriginalOf(tx, key); }));
  if (prior) return store_->Read<Evaluation>([&](SalesTx& tx) { return StoredEvaluation(tx, *prior); });
  ASSIGN_OR_RETURN(auto scorecard, ScorecardOf(who, kam, range.first, range.last));
  const absl::Time now = clock_->Now();
  const std::string id = NewId(now);
  Evaluation e;
  e.set_name(absl::StrCat("kams/", kam, "/evaluations/", id));
  e.set_kam(kam);
  *e.mutable_start_month() = req.evaluation().start_month();
  *e.mutable_end_month() = req.evaluation().end_month();
  *e.mutable_scorecard() = std::move(scorecard);
  e.set_text(req.evaluation().text());
  *e.mutable_audit() = NewAudit(who, now);
  return store_->Write<Evaluation>([&](SalesTx& tx) -> absl::StatusOr<Evaluation> {
    ASSIGN_OR_RETURN(auto again, OriginalOf(tx, key));  // a retry that raced this call
    if (again) return StoredEvaluation(tx, *again);
    RETURN_IF_ERROR(tx.PutEvaluation(id, e, absl::ToUnixMicros(now)));
    RETURN_IF_ERROR(RememberOriginal(tx, key, e.name(), now));
    return e;
  });
}

absl::StatusOr<Evaluation> Management::GetEvaluation(const Principal& who, const v1::GetEvaluationRequest& req) {
  ASSIGN_OR_RETURN(auto parts, ParseEvaluationName(req.name(), "name"));
  RETURN_IF_ERROR(CheckEvaluationReader(who, parts.first));
  return store_->Read<Evaluation>([&](SalesTx& tx) -> absl::StatusOr<Evaluation> {
    ASSIGN_OR_RETURN(auto e, tx.GetEvaluation(parts.second));
    if (!e || e->kam() != parts.first) return NotFound("evaluation", req.name());
    return std::move(*e);
  });
}

absl::StatusOr<v1::ListEvaluationsResponse> Management::ListEvaluations(const Principal& who,
                                                                        const v1::ListEvaluationsRequest& req) {
  ASSIGN_OR_RETURN(const std::string kam, KamOfParent(req.parent(), "parent", true));
  RETURN_IF_ERROR(CheckEvaluationReader(who, kam));
  ASSIGN_OR_RETURN(const int size, ClampPageSize(req.page_size(), 50, 100));
  const std::string query = absl::StrCat("evaluations|", kam);
  ASSIGN_OR_RETURN(auto before, page_tokens_.DecodeAfter(req.page_token(), query));
  v1::ListEvaluationsResponse out;
  RETURN_IF_ERROR(store_->Read([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.ListEvaluations(kam, before, size + 1));
    const bool more = static_cast<int>(rows.size()) > size;
    if (more) rows.pop_back();
    if (more) {
      const Evaluation& last = rows.back();
      out.set_next_page_token(page_tokens_.EncodeAfter(query, ToUnixMicros(last.audit().create_time()),
                                                       last.name().substr(last.name().rfind('/') + 1)));
    }
    for (auto& e : rows) *out.add_evaluations() = std::move(e);
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace atrium::sales
