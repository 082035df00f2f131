#include "services/inspections/schedule.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "common/errors.h"
#include "common/time_util.h"

namespace atrium::inspections {

absl::StatusOr<int> ParseClock(const std::string& hhmm, const std::string& field) {
  int h = 0, m = 0;
  if (hhmm.size() != 5 || hhmm[2] != ':' || !absl::SimpleAtoi(hhmm.substr(0, 2), &h) ||
      !absl::SimpleAtoi(hhmm.substr(3, 2), &m) || h < 0 || h > 23 || m < 0 || m > 59) {
    return InvalidArgument(field, "must be a local time HH:MM");
  }
  return h * 60 + m;
}

Window WindowOn(const v1::InspectionPoint& point, absl::CivilDay day, absl::TimeZone zone) {
  const int start = ParseClock(point.window_start(), "").value_or(0);
  const int end = ParseClock(point.window_end(), "").value_or(24 * 60 - 1);
  const absl::CivilMinute midnight(day);
  return Window{absl::FromCivil(midnight + start, zone), absl::FromCivil(midnight + end, zone)};
}

absl::CivilDay LastPastDay(const v1::InspectionPoint& point, absl::Time now, absl::TimeZone zone) {
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  return now >= WindowOn(point, today, zone).end ? today : today - 1;
}

bool DueOn(const v1::InspectionPoint& point, absl::CivilDay day) {
  if (point.has_active_from() && day < ToCivilDay(point.active_from())) return false;
  if (point.has_active_until() && day > ToCivilDay(point.active_until())) return false;
  return true;
}

int64_t PastDueDays(const v1::InspectionPoint& point, absl::CivilDay from, absl::CivilDay to,
                    absl::CivilDay last_past) {
  absl::CivilDay first = from, last = std::min(to, last_past);
  if (point.has_active_from()) first = std::max(first, ToCivilDay(point.active_from()));
  if (point.has_active_until()) last = std::min(last, ToCivilDay(point.active_until()));
  return last < first ? 0 : (last - first) + 1;
}

PeriodSplit SplitPeriod(absl::CivilDay from, absl::CivilDay to) {
  PeriodSplit out;
  if (to < from) return out;
  // The first whole month starts on or after `from`; the last whole month
  // ends on or before `to`.
  absl::CivilMonth first(from);
  if (absl::CivilDay(first) != from) first += 1;
  absl::CivilMonth last(to);
  if (absl::CivilDay(last + 1) - 1 != to) last -= 1;
  if (last < first) {
    out.day_ranges.push_back({DayKey(from), DayKey(to)});
    return out;
  }
  out.month_from = first.year() * 100 + first.month();
  out.month_to = last.year() * 100 + last.month();
  if (from < absl::CivilDay(first)) out.day_ranges.push_back({DayKey(from), DayKey(absl::CivilDay(first) - 1)});
  if (absl::CivilDay(last + 1) - 1 < to) out.day_ranges.push_back({DayKey(absl::CivilDay(last + 1)), DayKey(to)});
  return out;
}

}  // namespace atrium::inspections
