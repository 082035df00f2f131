// The pack of the monthly marketing analysis meeting (市场营销分析例会):
// attainment for the month and the year to date, pace for the coming months,
// the month's conversion, lost business and top accounts, and the
// receivables per KAM, all from the peers' figures at the time of the call.
#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/sales/management.h"
#include "services/sales/measures.h"

namespace atrium::sales {
namespace {

using meetings::v1::Meeting;
using v1::MonthlyPack;

constexpr int kDefaultPace = 3;
constexpr int kDefaultTop = 10;

// Department first, then KAMs, then segments; by metric within each.
bool Before(const MonthlyPack::AttainmentLine& a, const MonthlyPack::AttainmentLine& b) {
  return std::make_tuple(a.scope(), a.kam(), a.segment(), a.metric()) <
         std::make_tuple(b.scope(), b.kam(), b.segment(), b.metric());
}

}  // namespace

absl::StatusOr<MonthlyPack> Management::GetMonthlyPack(const Principal& who, const v1::GetMonthlyPackRequest& req) {
  constexpr char kRule[] = "the monthly pack is read by the manager, the GM office and the Rooms and F&B directors";
  RETURN_IF_ERROR(who.Require({Role::kManager, Role::kGmOffice, Role::kDepartment}, kRule));
  if (who.Is(Role::kDepartment) && !who.IsDepartment("rooms") && !who.IsDepartment("fnb")) {
    return PermissionDenied(kRule);
  }
  if (!req.has_month()) return InvalidArgument("month", "is required");
  RETURN_IF_ERROR(CheckYearMonth(req.month(), "month"));
  if (req.month().year() <= kFirstYear) return InvalidArgument("month", "must be after 1900 (last year is beside it)");
  if (req.pace_months() < 0 || req.pace_months() > 12) return InvalidArgument("pace_months", "must be 0..12");
  if (req.top_accounts() < 0 || req.top_accounts() > 100) return InvalidArgument("top_accounts", "must be 0..100");
  const int pace = req.pace_months() == 0 ? kDefaultPace : req.pace_months();
  const int top = req.top_accounts() == 0 ? kDefaultTop : req.top_accounts();
  const absl::CivilMonth month(req.month().year(), req.month().month());
  const absl::Time now = clock_->Now();

  MonthlyPack out;
  *out.mutable_month() = req.month();
  *out.mutable_as_of() = ToProto(now);

  // Attainment: every target of the year, over January to the month.
  const int m = req.month().month();
  ASSIGN_OR_RETURN(auto attainment, AttainmentOf(who, req.month().year(), 1, m, TargetFilter()));
  for (const auto& line : attainment.lines()) {
    auto* l = out.add_attainment();
    l->set_target(line.target());
    l->set_scope(line.scope());
    l->set_kam(line.kam());
    l->set_segment(line.segment());
    l->set_metric(line.metric());
    const auto& this_month = line.months(m - 1);
    *l->mutable_month() = MeasureOf(this_month.target(), this_month.achieved(), this_month.last_year());
    *l->mutable_year_to_date() = MeasureOf(line.target_value(), line.achieved(), line.last_year());
  }
  std::sort(out.mutable_attainment()->begin(), out.mutable_attainment()->end(), Before);

  // Pace: the department's coming months.
  v1::GetForecastRequest forecast_req;
  *forecast_req.mutable_start_month() = ToYearMonth(month + 1);
  *forecast_req.mutable_end_month() = ToYearMonth(std::min(month + pace, absl::CivilMonth(kLastYear, 12)));
  if ((month + 1).year() <= kLastYear) {
    ASSIGN_OR_RETURN(auto forecast, ForecastOf(who, forecast_req));
    *out.mutable_pace() = std::move(*forecast.mutable_months());
  }

  // The month itself: conversion, lost business, top accounts; and the
  // receivables as they stood at its end (today while it runs).
  meetings::v1::SummarizeSalesRequest sales_req;
  *sales_req.mutable_start_month() = req.month();
  *sales_req.mutable_end_month() = req.month();
  sales_req.set_top_accounts(top);
  for (const char* path : {"cells.enquiries", "cells.enquiries_contracted", "cells.enquiries_lost", "cells.lost",
                           "top_accounts", "instalments"}) {
    sales_req.mutable_read_mask()->add_paths(path);
  }
  ASSIGN_OR_RETURN(auto sales, figures_->Sales(who, sales_req));
  clients::v1::SummarizeBookRequest book_req;
  *book_req.mutable_start_month() = req.month();
  *book_req.mutable_end_month() = req.month();
  *book_req.mutable_as_of() = ToDate(std::min(absl::CivilDay(month + 1) - 1, absl::ToCivilDay(now, zone_)));
  ASSIGN_OR_RETURN(auto book, figures_->Book(who, book_req));

  // The department, then each KAM (a meeting without an owner counts for
  // the department only).
  MonthlyPack::Conversion department;
  std::map<std::string, MonthlyPack::Conversion> by_kam;
  std::map<std::pair<int, std::string>, std::pair<int64_t, int64_t>> lost;
  auto count = [](MonthlyPack::Conversion& conv, const meetings::v1::SalesSummary::Cell& c) {
    conv.set_enquiries(conv.enquiries() + c.enquiries());
    conv.set_contracted(conv.contracted() + c.enquiries_contracted());
    conv.set_lost(conv.lost() + c.enquiries_lost());
  };
  for (const auto& c : sales.cells()) {
    if (!c.has_month()) continue;
    count(department, c);
    if (!c.owner().empty()) count(by_kam[c.owner()], c);
    for (const auto& l : c.lost()) {
      auto& n = lost[{l.state(), l.lost_reason()}];
      n.first += l.meetings();
      RETURN_IF_ERROR(AddToFigure(n.second, l.value().amount_minor()));
    }
  }
  department.set_conversion_basis_points(BasisPoints(department.contracted(), department.enquiries()));
  *out.add_conversion() = department;
  for (auto& [kam, conv] : by_kam) {
    if (conv.enquiries() == 0) continue;
    conv.set_kam(kam);
    conv.set_conversion_basis_points(BasisPoints(conv.contracted(), conv.enquiries()));
    *out.add_conversion() = conv;
  }
  for (const auto& [key, n] : lost) {
    auto* l = out.add_lost();
    l->set_state(static_cast<Meeting::State>(key.first));
    l->set_lost_reason(key.second);
    l->set_meetings(static_cast<int32_t>(n.first));
    l->set_value(n.second);
  }
  *out.mutable_top_accounts() = std::move(*sales.mutable_top_accounts());
  *out.mutable_receivables() = std::move(*book.mutable_receivables());
  *out.mutable_instalments() = std::move(*sales.mutable_instalments());
  return out;
}

}  // namespace atrium::sales
