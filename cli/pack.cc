#include "cli/pack.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/render.h"

namespace atrium::cli {
namespace {

using sales::v1::Metric;
using sales::v1::MonthlyPack;
using sales::v1::Target;

bool IsMoney(Metric m) { return m != sales::v1::ROOM_NIGHTS && m != sales::v1::NEW_ACCOUNTS && m != sales::v1::VISITS; }

std::string Yuan(int64_t fen) {
  const bool negative = fen < 0;
  const uint64_t v = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  return absl::StrFormat("%s%d.%02d", negative ? "-" : "", v / 100, v % 100);
}

std::string Value(int64_t v, Metric m) { return IsMoney(m) ? Yuan(v) : absl::StrCat(v); }

std::string Percent(int64_t basis_points) {
  return absl::StrFormat("%d.%02d%%", basis_points / 100, basis_points % 100);
}

std::string Of(const MonthlyPack::AttainmentLine& l) {
  switch (l.scope()) {
    case Target::KAM: return "kam " + EscapeControl(l.kam());
    case Target::SEGMENT: return "segment " + EscapeControl(l.segment());
    default: return "department";
  }
}

std::string Month(const type::v1::YearMonth& m) { return absl::StrFormat("%04d-%02d", m.year(), m.month()); }

}  // namespace

std::string RenderPack(const MonthlyPack& p) {
  std::string out = absl::StrCat("Monthly pack ", Month(p.month()), " (as of ",
                                 FormatTimestamp(p.as_of(), "%Y-%m-%d %H:%M"), ")\n\n");
  absl::StrAppend(&out, "Attainment (month | year to date)\n");
  absl::StrAppendFormat(&out, "  %-18s %16s %16s %9s %9s | %16s %16s %9s %9s  %s\n", "metric", "target", "achieved",
                        "attain", "growth", "target", "achieved", "attain", "growth", "of");
  for (const auto& l : p.attainment()) {
    const auto &m = l.month(), &y = l.year_to_date();
    absl::StrAppendFormat(
        &out, "  %-18s %16s %16s %9s %9s | %16s %16s %9s %9s  %s\n", sales::v1::Metric_Name(l.metric()),
        Value(m.target(), l.metric()), Value(m.achieved(), l.metric()), Percent(m.attainment_basis_points()),
        Percent(m.growth_basis_points()), Value(y.target(), l.metric()), Value(y.achieved(), l.metric()),
        Percent(y.attainment_basis_points()), Percent(y.growth_basis_points()), Of(l));
  }
  if (p.attainment().empty()) absl::StrAppend(&out, "  (no targets for the year)\n");

  absl::StrAppend(&out, "\nPace (total revenue, department)\n");
  absl::StrAppendFormat(&out, "  %-8s %16s %16s %16s %16s %16s\n", "month", "definite", "weighted", "forecast",
                        "target", "last year then");
  for (const auto& m : p.pace()) {
    absl::StrAppendFormat(&out, "  %-8s %16s %16s %16s %16s %16s\n", Month(m.month()), Yuan(m.definite()),
                          Yuan(m.weighted()), Yuan(m.forecast()), Yuan(m.target()), Yuan(m.last_year_at_this_point()));
  }

  absl::StrAppend(&out, "\nConversion of the month's enquiries\n");
  absl::StrAppendFormat(&out, "  %9s %10s %6s %9s  %s\n", "enquiries", "contracted", "lost", "rate", "of");
  for (const auto& c : p.conversion()) {
    absl::StrAppendFormat(&out, "  %9d %10d %6d %9s  %s\n", c.enquiries(), c.contracted(), c.lost(),
                          Percent(c.conversion_basis_points()),
                          c.kam().empty() ? "department" : "kam " + EscapeControl(c.kam()));
  }

  absl::StrAppend(&out, "\nLost business by reason\n");
  for (const auto& l : p.lost()) {
    absl::StrAppendFormat(&out, "  %-9s %4d %16s  %s\n", meetings::v1::Meeting::State_Name(l.state()), l.meetings(),
                          Yuan(l.value()), l.lost_reason().empty() ? "(no reason)" : EscapeControl(l.lost_reason()));
  }
  if (p.lost().empty()) absl::StrAppend(&out, "  (none)\n");

  absl::StrAppend(&out, "\nTop accounts (definite business of the month)\n");
  for (const auto& a : p.top_accounts()) {
    absl::StrAppendFormat(&out, "  %16s %4d  %s\n", Yuan(a.definite().value().total().amount_minor()),
                          a.definite().meetings(), EscapeControl(a.account()));
  }
  if (p.top_accounts().empty()) absl::StrAppend(&out, "  (none)\n");

  absl::StrAppend(&out, "\nReceivables by KAM\n");
  absl::StrAppendFormat(&out, "  %16s %14s %14s %14s %14s %8s  %s\n", "balance", "0-30", "31-60", "61-90", "over 90",
                        "overdue", "kam");
  for (const auto& r : p.receivables()) {
    absl::StrAppendFormat(&out, "  %16s %14s %14s %14s %14s %8d  %s\n", Yuan(r.balance().amount_minor()),
                          Yuan(r.days_0_30().amount_minor()), Yuan(r.days_31_60().amount_minor()),
                          Yuan(r.days_61_90().amount_minor()), Yuan(r.over_90_days().amount_minor()),
                          r.overdue_accounts(), r.owner().empty() ? "(no owner)" : EscapeControl(r.owner()));
  }
  if (p.receivables().empty()) absl::StrAppend(&out, "  (none)\n");

  absl::StrAppend(&out, "\nPayment schedules by KAM (meetings not yet settled)\n");
  absl::StrAppendFormat(&out, "  %16s %16s %8s %8s  %s\n", "to come", "overdue", "late", "meetings", "kam");
  for (const auto& i : p.instalments()) {
    absl::StrAppendFormat(&out, "  %16s %16s %8d %8d  %s\n", Yuan(i.due().amount_minor()),
                          Yuan(i.overdue().amount_minor()), i.overdue_instalments(), i.meetings_overdue(),
                          i.owner().empty() ? "(no owner)" : EscapeControl(i.owner()));
  }
  if (p.instalments().empty()) absl::StrAppend(&out, "  (none)\n");
  return out;
}

}  // namespace atrium::cli
