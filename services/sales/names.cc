#include "services/sales/names.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/text.h"

namespace atrium::sales {
namespace {

const std::string kKams = "kams/";

// The KAM and the id of "kams/{kam}/{collection}/{id}".
absl::StatusOr<std::pair<std::string, std::string>> Split(const std::string& name, const std::string& collection,
                                                          const std::string& field, const std::string& pattern) {
  auto bad = [&] { return InvalidArgument(field, absl::StrCat("must be ", pattern)); };
  if (!name.starts_with(kKams)) return bad();
  const std::string rest = name.substr(kKams.size());
  const size_t slash = rest.rfind('/');
  if (slash == std::string::npos || slash == 0) return bad();
  const std::string id = rest.substr(slash + 1);
  const std::string head = rest.substr(0, slash);
  const std::string marker = "/" + collection;
  if (!head.ends_with(marker) || head.size() == marker.size()) return bad();
  const std::string kam = head.substr(0, head.size() - marker.size());
  if (!CheckStaffId(kam, field, true).ok() || kam == "-") return bad();
  return std::make_pair(kam, id);
}

}  // namespace

absl::StatusOr<std::string> KamOfParent(const std::string& parent, const std::string& field, bool wildcard) {
  auto bad = [&] { return InvalidArgument(field, wildcard ? "must be kams/{kam} or kams/-" : "must be kams/{kam}"); };
  if (!parent.starts_with(kKams)) return bad();
  const std::string kam = parent.substr(kKams.size());
  if (kam == "-") {
    if (!wildcard) return bad();
    return std::string();
  }
  if (!CheckStaffId(kam, field, true).ok()) return bad();
  return kam;
}

std::string ReportName(const std::string& kam, absl::CivilDay day) {
  return absl::StrCat(kKams, kam, "/dailyReports/", absl::FormatCivilTime(day));
}

absl::StatusOr<std::pair<std::string, absl::CivilDay>> ParseReportName(const std::string& name,
                                                                       const std::string& field) {
  const std::string pattern = "kams/{kam}/dailyReports/{YYYY-MM-DD}";
  auto parts = Split(name, "dailyReports", field, pattern);
  if (!parts.ok()) return parts.status();
  absl::CivilDay day;
  if (!absl::ParseCivilTime(parts->second, &day) || absl::FormatCivilTime(day) != parts->second || day.year() < 1900 ||
      day.year() > 2200) {
    return InvalidArgument(field, absl::StrCat("must be ", pattern, " with a day of 1900..2200"));
  }
  return std::make_pair(std::move(parts->first), day);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseEvaluationName(const std::string& name,
                                                                        const std::string& field) {
  auto parts = Split(name, "evaluations", field, "kams/{kam}/evaluations/{evaluation}");
  if (!parts.ok()) return parts.status();
  if (!IsValidId(parts->second)) return InvalidArgument(field, "must be kams/{kam}/evaluations/{evaluation}");
  return parts;
}

}  // namespace atrium::sales
