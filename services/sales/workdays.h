// The days a daily report is due (pure): Monday to Friday, less the
// calendar's holidays, plus its weekend days worked in their place (调休).
#pragma once

#include <set>

#include "absl/time/civil_time.h"
#include "atrium/sales/v1/sales.pb.h"

namespace atrium::sales {

bool IsWeekend(absl::CivilDay d);

class WorkDays {
 public:
  explicit WorkDays(const v1::WorkCalendar& calendar);
  bool IsWorking(absl::CivilDay d) const;
  // The working days of [first, last].
  int Count(absl::CivilDay first, absl::CivilDay last) const;

 private:
  std::set<absl::CivilDay> holidays_, working_weekends_;
};

// The days in order.
google::protobuf::RepeatedPtrField<type::v1::Date> SortedDays(
    const google::protobuf::RepeatedPtrField<type::v1::Date>& days);

}  // namespace atrium::sales
