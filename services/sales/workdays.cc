#include "services/sales/workdays.h"

#include <algorithm>

#include "common/time_util.h"

namespace atrium::sales {

bool IsWeekend(absl::CivilDay d) {
  const absl::Weekday w = absl::GetWeekday(d);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

WorkDays::WorkDays(const v1::WorkCalendar& calendar) {
  for (const auto& d : calendar.holidays()) holidays_.insert(ToCivilDay(d));
  for (const auto& d : calendar.working_weekends()) working_weekends_.insert(ToCivilDay(d));
}

bool WorkDays::IsWorking(absl::CivilDay d) const {
  return IsWeekend(d) ? working_weekends_.count(d) > 0 : holidays_.count(d) == 0;
}

int WorkDays::Count(absl::CivilDay first, absl::CivilDay last) const {
  int n = 0;
  for (absl::CivilDay d = first; d <= last; ++d) n += IsWorking(d) ? 1 : 0;
  return n;
}

google::protobuf::RepeatedPtrField<type::v1::Date> SortedDays(
    const google::protobuf::RepeatedPtrField<type::v1::Date>& days) {
  google::protobuf::RepeatedPtrField<type::v1::Date> out = days;
  std::sort(out.begin(), out.end(),
            [](const type::v1::Date& a, const type::v1::Date& b) { return DateKey(a) < DateKey(b); });
  return out;
}

}  // namespace atrium::sales
