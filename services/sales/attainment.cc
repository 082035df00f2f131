// Attainment of the targets (计划完成情况) and the forecast (销售预测), from
// the figures of the meetings and clients services, asked with the caller's
// token at the time of the call: nothing of them is stored here.
#include <map>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/sales/management.h"
#include "services/sales/measures.h"

namespace atrium::sales {
namespace {

using meetings::v1::Meeting;
using v1::Target;

constexpr char kReadRule[] =
    "attainment and the forecast are read by the manager, the GM office, the Rooms and F&B directors and KAMs "
    "(their own)";

absl::Status CheckFigureReader(const Principal& who, const std::string& kam) {
  RETURN_IF_ERROR(
      who.Require({Role::kManager, Role::kKeyAccountManager, Role::kGmOffice, Role::kDepartment}, kReadRule));
  if (who.Is(Role::kDepartment) && !who.IsDepartment("rooms") && !who.IsDepartment("fnb")) {
    return PermissionDenied(kReadRule);
  }
  if (who.Is(Role::kKeyAccountManager) && kam != who.subject) {
    return PermissionDenied("a key account manager reads their own figures (kam must be the caller)");
  }
  return absl::OkStatus();
}

// The scope the peers are asked for: one KAM's or one segment's figures,
// or everyone's.
Target ScopeOf(const std::string& kam, const std::string& segment) {
  Target t;
  t.set_scope(!kam.empty() ? Target::KAM : !segment.empty() ? Target::SEGMENT : Target::DEPARTMENT);
  t.set_kam(kam);
  t.set_segment(segment);
  return t;
}

}  // namespace

absl::StatusOr<v1::Attainment> Management::GetAttainment(const Principal& who, const v1::GetAttainmentRequest& req) {
  RETURN_IF_ERROR(CheckFigureReader(who, req.kam()));
  if (req.year() < kFirstYear + 1 || req.year() > kLastYear) return InvalidArgument("year", "must be 1901..2200");
  const int first = req.first_month() == 0 ? 1 : req.first_month();
  const int last = req.last_month() == 0 ? 12 : req.last_month();
  if (first < 1 || first > 12) return InvalidArgument("first_month", "must be 1..12");
  if (last < first || last > 12) return InvalidArgument("last_month", "must be first_month..12");
  if (!Target::Scope_IsValid(req.scope())) return InvalidArgument("scope", "is not a scope");
  if (!v1::Metric_IsValid(req.metric())) return InvalidArgument("metric", "is not a metric");
  RETURN_IF_ERROR(CheckStaffId(req.kam(), "kam", false));
  RETURN_IF_ERROR(CheckText(req.segment(), "segment", 100));

  TargetFilter f;
  f.scope = req.scope();
  f.kam = req.kam();
  f.segment = req.segment();
  f.metric = req.metric();
  return AttainmentOf(who, req.year(), first, last, f);
}

absl::StatusOr<v1::Attainment> Management::AttainmentOf(const Principal& who, int year, int first, int last,
                                                        const TargetFilter& filter) {
  std::vector<Target> targets;
  RETURN_IF_ERROR(store_->Read([&](SalesTx& tx) -> absl::Status {
    TargetFilter f = filter;
    f.year = year;
    f.limit = 1000;
    for (;;) {
      ASSIGN_OR_RETURN(auto page, tx.ListTargets(f));
      for (auto& t : page) targets.push_back(std::move(t));
      if (static_cast<int>(page.size()) < f.limit) return absl::OkStatus();
      f.after_id = targets.back().name().substr(sizeof("targets/") - 1);
    }
  }));
  // One summary of each peer for this year and one for last year covers
  // every target: their cells carry owner and segment. A KAM is asked for
  // their own only (the peers' rule).
  const Target scope = ScopeOf(who.Is(Role::kKeyAccountManager) ? who.subject : "", "");
  bool meetings = false, clients = false;
  for (const Target& t : targets) (FromMeetings(t.metric()) ? meetings : clients) = true;
  meetings::v1::SalesSummary sales, sales_before;
  clients::v1::BookSummary book, book_before;
  if (meetings) {
    ASSIGN_OR_RETURN(sales, figures_->Sales(who, SalesRequest(scope, year, first, last)));
    ASSIGN_OR_RETURN(sales_before, figures_->Sales(who, SalesRequest(scope, year - 1, first, last)));
  }
  if (clients) {
    ASSIGN_OR_RETURN(book, figures_->Book(who, BookRequest(scope, year, first, last)));
    ASSIGN_OR_RETURN(book_before, figures_->Book(who, BookRequest(scope, year - 1, first, last)));
  }

  v1::Attainment out;
  out.set_year(year);
  out.set_first_month(first);
  out.set_last_month(last);
  for (const Target& t : targets) {
    ASSIGN_OR_RETURN(const Months achieved, MonthsOf(t, year, sales, book, false));
    ASSIGN_OR_RETURN(const Months settled, MonthsOf(t, year, sales, book, FromMeetings(t.metric())));
    ASSIGN_OR_RETURN(const Months before, MonthsOf(t, year - 1, sales_before, book_before, false));
    auto* line = out.add_lines();
    line->set_target(t.name());
    line->set_scope(t.scope());
    line->set_kam(t.kam());
    line->set_segment(t.segment());
    line->set_metric(t.metric());
    int64_t target = 0, got = 0, paid = 0, previous = 0;
    for (int m = first; m <= last; ++m) {
      const int64_t month_target = m - 1 < t.months_size() ? t.months(m - 1) : 0;
      auto* month = line->add_months();
      month->set_month(m);
      month->set_target(month_target);
      month->set_achieved(achieved[m - 1]);
      month->set_settled(settled[m - 1]);
      month->set_last_year(before[m - 1]);
      RETURN_IF_ERROR(AddToFigure(target, month_target));
      RETURN_IF_ERROR(AddToFigure(got, achieved[m - 1]));
      RETURN_IF_ERROR(AddToFigure(paid, settled[m - 1]));
      RETURN_IF_ERROR(AddToFigure(previous, before[m - 1]));
    }
    line->set_target_value(target);
    line->set_achieved(got);
    line->set_settled(paid);
    line->set_last_year(previous);
    line->set_attainment_basis_points(BasisPoints(got, target));
    line->set_growth_basis_points(BasisPoints(got, previous));
  }
  return out;
}

absl::StatusOr<v1::Forecast> Management::GetForecast(const Principal& who, const v1::GetForecastRequest& req) {
  RETURN_IF_ERROR(CheckFigureReader(who, req.kam()));
  return ForecastOf(who, req);
}

absl::StatusOr<v1::Forecast> Management::ForecastOf(const Principal& who, const v1::GetForecastRequest& req) {
  RETURN_IF_ERROR(CheckStaffId(req.kam(), "kam", false));
  RETURN_IF_ERROR(CheckText(req.segment(), "segment", 100));
  if (!req.kam().empty() && !req.segment().empty()) return InvalidArgument("segment", "one KAM or one segment");
  ASSIGN_OR_RETURN(const MonthRange range, CheckMonthRange(req, 12));
  const absl::CivilMonth first = range.first, last = range.last;
  if (first.year() <= kFirstYear)
    return InvalidArgument("start_month", "must be after 1900 (pace reads a year before)");
  const absl::Time now = clock_->Now();

  // Now, and the same months a year before as their books stood a year ago.
  meetings::v1::SummarizeSalesRequest now_req;
  *now_req.mutable_start_month() = req.start_month();
  *now_req.mutable_end_month() = req.end_month();
  now_req.set_owner(req.kam());
  now_req.set_segment(req.segment());
  now_req.mutable_read_mask()->add_paths("cells.definite");
  meetings::v1::SummarizeSalesRequest then_req = now_req;
  then_req.mutable_start_month()->set_year(req.start_month().year() - 1);
  then_req.mutable_end_month()->set_year(req.end_month().year() - 1);
  *then_req.mutable_as_of() = ToProto(now - absl::Hours(24 * 365));
  now_req.mutable_read_mask()->add_paths("cells.pipeline");
  ASSIGN_OR_RETURN(auto sales, figures_->Sales(who, now_req));
  ASSIGN_OR_RETURN(auto then, figures_->Sales(who, then_req));

  v1::ForecastSettings settings;
  std::map<int64_t, int64_t> targets;  // yyyymm -> the month's target
  RETURN_IF_ERROR(store_->Read([&](SalesTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto stored, tx.GetSettings());
    if (stored) settings = *stored;
    const Target scope = ScopeOf(req.kam(), req.segment());
    for (int year = first.year(); year <= last.year(); ++year) {
      ASSIGN_OR_RETURN(auto id, tx.FindTarget({year, scope.scope(), scope.kam(), scope.segment(), v1::TOTAL_REVENUE}));
      if (!id) continue;
      ASSIGN_OR_RETURN(auto t, tx.GetTarget(*id));
      if (!t) continue;
      for (int m = 0; m < t->months_size() && m < 12; ++m) targets[year * 100 + m + 1] = t->months(m);
    }
    return absl::OkStatus();
  }));
  std::map<int, int> percent;
  const v1::ForecastSettings defaults = DefaultForecastSettings();
  for (const auto& p : defaults.stages()) percent[p.stage()] = p.percent();
  for (const auto& p : settings.stages()) percent[p.stage()] = p.percent();

  struct Figures {
    int64_t definite = 0, definite_meetings = 0, tentative = 0, weighted = 0, then = 0;
    std::map<int, std::pair<int64_t, int64_t>> stages;  // stage -> (meetings, value)
  };
  std::map<int64_t, Figures> months;  // yyyymm; 0 = undated
  for (const auto& c : sales.cells()) {
    const int64_t key = c.has_month() ? c.month().year() * 100 + c.month().month() : 0;
    Figures& f = months[key];
    RETURN_IF_ERROR(AddToFigure(f.definite, c.definite().value().total().amount_minor()));
    f.definite_meetings += c.definite().meetings();
    for (const auto& s : c.pipeline()) {
      auto& stage = f.stages[s.stage()];
      stage.first += s.meetings();
      RETURN_IF_ERROR(AddToFigure(stage.second, s.value().total().amount_minor()));
    }
  }
  for (const auto& c : then.cells()) {
    if (!c.has_month()) continue;
    RETURN_IF_ERROR(AddToFigure(months[(c.month().year() + 1) * 100 + c.month().month()].then,
                                c.definite().value().total().amount_minor()));
  }
  v1::Forecast out;
  *out.mutable_as_of() = ToProto(now);
  auto weigh = [&](Figures& f, google::protobuf::RepeatedPtrField<v1::Forecast::Stage>* into) -> absl::Status {
    for (const auto& [stage, n] : f.stages) {
      const int p = percent.count(stage) ? percent[stage] : 0;
      const int64_t weighted = static_cast<int64_t>(static_cast<__int128>(n.second) * p / 100);
      RETURN_IF_ERROR(AddToFigure(f.tentative, n.second));
      RETURN_IF_ERROR(AddToFigure(f.weighted, weighted));
      if (into == nullptr) continue;
      auto* s = into->Add();
      s->set_stage(static_cast<Meeting::State>(stage));
      s->set_meetings(static_cast<int32_t>(n.first));
      s->set_value(n.second);
      s->set_percent(p);
      s->set_weighted(weighted);
    }
    return absl::OkStatus();
  };
  for (absl::CivilMonth m = first; m <= last; ++m) {
    const int64_t key = m.year() * 100 + m.month();
    Figures& f = months[key];
    auto* month = out.add_months();
    month->mutable_month()->set_year(static_cast<int32_t>(m.year()));
    month->mutable_month()->set_month(m.month());
    RETURN_IF_ERROR(weigh(f, month->mutable_pipeline()));
    month->set_definite(f.definite);
    month->set_definite_meetings(static_cast<int32_t>(f.definite_meetings));
    month->set_tentative(f.tentative);
    month->set_weighted(f.weighted);
    int64_t forecast = f.definite;
    RETURN_IF_ERROR(AddToFigure(forecast, f.weighted));
    month->set_forecast(forecast);
    month->set_target(targets.count(key) ? targets[key] : 0);
    month->set_last_year_at_this_point(f.then);
  }
  Figures& undated = months[0];
  RETURN_IF_ERROR(weigh(undated, nullptr));
  out.set_undated_tentative(undated.tentative);
  out.set_undated_weighted(undated.weighted);
  return out;
}

}  // namespace atrium::sales
