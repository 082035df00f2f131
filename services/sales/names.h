// The names of the resources kept per KAM: kams/{kam}/dailyReports/{date}
// and kams/{kam}/evaluations/{evaluation}. {kam} is a staff id, which may
// hold a "/", so a name is read from its end.
#pragma once

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace atrium::sales {

// The KAM of "kams/{kam}"; with `wildcard`, "kams/-" gives "" (every KAM).
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> KamOfParent(const std::string& parent, const std::string& field, bool wildcard);

// "kams/{kam}/dailyReports/YYYY-MM-DD" and its parts.
std::string ReportName(const std::string& kam, absl::CivilDay day);
absl::StatusOr<std::pair<std::string, absl::CivilDay>> ParseReportName(const std::string& name,
                                                                       const std::string& field);

// "kams/{kam}/evaluations/{id}" and its parts.
absl::StatusOr<std::pair<std::string, std::string>> ParseEvaluationName(const std::string& name,
                                                                        const std::string& field);

}  // namespace atrium::sales
