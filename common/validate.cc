#include "common/validate.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "google/protobuf/util/field_mask_util.h"

namespace atrium {
namespace {

std::string Rfc3339(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()); }

absl::Status TooLarge(std::string_view field) {
  return InvalidArgument(field, "is beyond the largest amount, 10^15 minor units (10^13 CNY)");
}

}  // namespace

absl::Time EarliestTime() { return absl::FromCivil(absl::CivilSecond(kFirstYear, 1, 1), absl::UTCTimeZone()); }

absl::Time EndOfTime() { return absl::FromCivil(absl::CivilSecond(kLastYear + 1, 1, 1), absl::UTCTimeZone()); }

absl::Status CheckTimestamp(const google::protobuf::Timestamp& ts, std::string_view field, absl::Time earliest,
                            absl::Time end) {
  if (ts.nanos() < 0 || ts.nanos() > 999'999'999) {
    return InvalidArgument(std::string(field) + ".nanos", "must be between 0 and 999999999");
  }
  // Compare the raw seconds first: out of int64 range nothing is converted.
  const int64_t first = absl::ToUnixSeconds(earliest), last = absl::ToUnixSeconds(end);
  const bool out = ts.seconds() < first - 1 || ts.seconds() > last + 1 ||
                   absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()) < earliest ||
                   absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()) >= end;
  if (out) {
    return InvalidArgument(field, absl::StrCat("must be from ", Rfc3339(earliest), " and before ", Rfc3339(end)));
  }
  return absl::OkStatus();
}

absl::Status CheckDate(const atrium::type::v1::Date& d, std::string_view field, int first_year, int last_year) {
  if (d.year() < first_year || d.year() > last_year || d.month() < 1 || d.month() > 12 || d.day() < 1 || d.day() > 31) {
    return InvalidArgument(field, absl::StrCat("must be a calendar date of the years ", first_year, "..", last_year));
  }
  const absl::CivilDay day(d.year(), d.month(), d.day());
  if (day.month() != d.month() || day.day() != d.day()) {
    return InvalidArgument(field, absl::StrCat("must be a calendar date of the years ", first_year, "..", last_year));
  }
  return absl::OkStatus();
}

absl::Status CheckYearMonth(const atrium::type::v1::YearMonth& m, std::string_view field) {
  if (m.year() < kFirstYear || m.year() > kLastYear || m.month() < 1 || m.month() > 12) {
    return InvalidArgument(
        field, absl::StrCat("must be a month (year and month 1..12) of the years ", kFirstYear, "..", kLastYear));
  }
  return absl::OkStatus();
}

absl::StatusOr<MonthRange> CheckMonthRange(const atrium::type::v1::YearMonth* start,
                                           const atrium::type::v1::YearMonth* end, int max_months,
                                           std::string_view prefix) {
  const std::string start_field = std::string(prefix) + "start_month";
  const std::string end_field = std::string(prefix) + "end_month";
  if (start == nullptr) return InvalidArgument(start_field, "is required");
  if (absl::Status s = CheckYearMonth(*start, start_field); !s.ok()) return s;
  if (end == nullptr) return InvalidArgument(end_field, "is required");
  if (absl::Status s = CheckYearMonth(*end, end_field); !s.ok()) return s;
  const absl::CivilMonth first(start->year(), start->month()), last(end->year(), end->month());
  if (last < first) return InvalidArgument(end_field, "must not be before start_month");
  if (last - first >= max_months) {
    return InvalidArgument(end_field, absl::StrCat("the range is at most ", max_months, " months"));
  }
  return MonthRange{first, last};
}

absl::Status SumTooLarge() {
  return FailedPrecondition("SUM_TOO_LARGE", "a figure passes 10^15; ask for a narrower range or one person");
}

absl::Status AddToFigure(int64_t& sum, int64_t value) {
  int64_t out = 0;
  if (__builtin_add_overflow(sum, value, &out) || out > kMaxAmountMinor || out < -kMaxAmountMinor) {
    return SumTooLarge();
  }
  sum = out;
  return absl::OkStatus();
}

absl::Status CheckAmount(int64_t amount, std::string_view field) {
  if (amount > kMaxAmountMinor || amount < -kMaxAmountMinor) return TooLarge(field);
  return absl::OkStatus();
}

absl::Status CheckQuantity(int64_t quantity, std::string_view field) {
  if (quantity < 1 || quantity > kMaxQuantity) return InvalidArgument(field, "must be between 1 and 1000000");
  return absl::OkStatus();
}

absl::StatusOr<int64_t> AddAmounts(int64_t a, int64_t b, std::string_view field) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return TooLarge(field);
  RETURN_IF_ERROR(CheckAmount(out, field));
  return out;
}

absl::StatusOr<int64_t> SubtractAmounts(int64_t a, int64_t b, std::string_view field) {
  int64_t out = 0;
  if (__builtin_sub_overflow(a, b, &out)) return TooLarge(field);
  RETURN_IF_ERROR(CheckAmount(out, field));
  return out;
}

absl::StatusOr<int64_t> MultiplyAmount(int64_t unit, int64_t quantity, std::string_view field) {
  int64_t out = 0;
  if (__builtin_mul_overflow(unit, quantity, &out)) return TooLarge(field);
  RETURN_IF_ERROR(CheckAmount(out, field));
  return out;
}

void ApplyFieldMask(const google::protobuf::Message& from, const google::protobuf::FieldMask& mask,
                    google::protobuf::Message* to) {
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(from, mask, options, to);
}

}  // namespace atrium
