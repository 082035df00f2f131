// The inspection calendar, without storage: windows in the hotel's time
// zone, which days an inspection was due at a point, and how a period of
// days splits into whole months (read from the monthly tallies) and the
// days at its edges (read from the result rows).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "atrium/inspections/v1/inspections.pb.h"

namespace atrium::inspections {

// "HH:MM" -> minutes after midnight; INVALID_ARGUMENT naming `field`.
absl::StatusOr<int> ParseClock(const std::string& hhmm, const std::string& field);

struct Window {
  absl::Time start;
  absl::Time end;
};
// The point's window on `day` (its window is valid: checked when stored).
Window WindowOn(const v1::InspectionPoint& point, absl::CivilDay day, absl::TimeZone zone);

// The last day whose inspection is past: today once today's window closed,
// else yesterday.
absl::CivilDay LastPastDay(const v1::InspectionPoint& point, absl::Time now, absl::TimeZone zone);

// Whether an inspection of the point was due on `day` (active that day).
bool DueOn(const v1::InspectionPoint& point, absl::CivilDay day);

// How many days in [from, to] an inspection was due at the point and its
// window has passed (days after `last_past` do not count).
int64_t PastDueDays(const v1::InspectionPoint& point, absl::CivilDay from, absl::CivilDay to, absl::CivilDay last_past);

struct PeriodSplit {
  // Whole months inside the period (yyyymm); none when from > to.
  int64_t month_from = 1;
  int64_t month_to = 0;
  // The days outside those months, as inclusive (yyyymmdd, yyyymmdd) ranges.
  std::vector<std::pair<int64_t, int64_t>> day_ranges;
};
PeriodSplit SplitPeriod(absl::CivilDay from, absl::CivilDay to);

}  // namespace atrium::inspections
