// The ranges of the values the API takes, checked in one place for every
// service: timestamps, calendar dates, amounts of money and quantities, the
// arithmetic on amounts, and updates through a field mask. Each check is
// INVALID_ARGUMENT naming the field (a BadRequest field violation).
//
//   if (auto s = CheckTimestamp(req.visit_time(), "visit_time"); !s.ok()) return s;
//   auto amount = MultiplyAmount(unit, quantity, "agreement.prices[2]");
//   if (!amount.ok()) return amount.status();
//
// Bounds (also in docs/api.md and the proto comments):
//  - a Timestamp has nanos 0..999,999,999 and lies in 1900-01-01T00:00:00Z ..
//    2200-12-31T23:59:59.999999999Z unless its field says narrower; its
//    conversion to microseconds can then never overflow;
//  - a Date is a real calendar day of the years 1900..2200;
//  - an amount of money is at most 10^15 minor units (10^13 CNY) either way,
//    and so is every product and sum the services compute from amounts;
//  - a quantity is 1..10^6.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "atrium/type/v1/date.pb.h"
#include "atrium/type/v1/money.pb.h"
#include "atrium/type/v1/month.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace atrium {

inline constexpr int kFirstYear = 1900;
inline constexpr int kLastYear = 2200;
inline constexpr int64_t kMaxAmountMinor = 1'000'000'000'000'000;  // 10^15 fen
inline constexpr int64_t kMaxQuantity = 1'000'000;

// 1900-01-01T00:00:00Z and the first instant after 2200-12-31 (UTC).
absl::Time EarliestTime();
absl::Time EndOfTime();

// INVALID_ARGUMENT naming `field` unless `ts` has nanos in 0..999,999,999 and
// lies in [earliest, end). Checks the raw seconds before any conversion.
absl::Status CheckTimestamp(const google::protobuf::Timestamp& ts, std::string_view field,
                            absl::Time earliest = EarliestTime(), absl::Time end = EndOfTime());

// INVALID_ARGUMENT naming `field` unless `d` is a real day of the years
// first_year..last_year (within 1900..2200).
absl::Status CheckDate(const atrium::type::v1::Date& d, std::string_view field, int first_year = kFirstYear,
                       int last_year = kLastYear);

// INVALID_ARGUMENT naming `field` unless `m` is a month of the years
// 1900..2200.
absl::Status CheckYearMonth(const atrium::type::v1::YearMonth& m, std::string_view field);
// The months from `start` to `end` a request asks for (start_month and
// end_month, either may be null when not given): both required, real
// months, end not before start, at most `max_months` of them; else
// INVALID_ARGUMENT naming the field (after `prefix`, e.g. "evaluation.").
struct MonthRange {
  absl::CivilMonth first;
  absl::CivilMonth last;
};
absl::StatusOr<MonthRange> CheckMonthRange(const atrium::type::v1::YearMonth* start,
                                           const atrium::type::v1::YearMonth* end, int max_months,
                                           std::string_view prefix = "");
template <typename Request>
absl::StatusOr<MonthRange> CheckMonthRange(const Request& req, int max_months, std::string_view prefix = "") {
  return CheckMonthRange(req.has_start_month() ? &req.start_month() : nullptr,
                         req.has_end_month() ? &req.end_month() : nullptr, max_months, prefix);
}

// INVALID_ARGUMENT naming `field` unless |amount| <= kMaxAmountMinor.
absl::Status CheckAmount(int64_t amount, std::string_view field);

// INVALID_ARGUMENT naming `field` unless 1 <= quantity <= kMaxQuantity.
absl::Status CheckQuantity(int64_t quantity, std::string_view field);

// a + b, a - b and a * b of amounts: INVALID_ARGUMENT naming `field` when the
// result leaves int64 or the bound of an amount, never a wrapped number.
absl::StatusOr<int64_t> AddAmounts(int64_t a, int64_t b, std::string_view field);
absl::StatusOr<int64_t> SubtractAmounts(int64_t a, int64_t b, std::string_view field);
absl::StatusOr<int64_t> MultiplyAmount(int64_t unit, int64_t quantity, std::string_view field);

// sum += value for a figure a service adds up from what it stores (a total
// of a period, a KAM's book): FAILED_PRECONDITION SUM_TOO_LARGE when the sum
// would pass 10^15 either way (SumTooLarge), never a wrapped number. Unlike
// AddAmounts, the fault is not a field of the request.
absl::Status AddToFigure(int64_t& sum, int64_t value);
absl::Status SumTooLarge();

// Applies an update: every field named by `mask` is replaced whole by its
// value in `from` (a sub-message is not merged into the old one, a repeated
// field is not appended to), so what the caller sent is what is validated
// and stored.
void ApplyFieldMask(const google::protobuf::Message& from, const google::protobuf::FieldMask& mask,
                    google::protobuf::Message* to);

}  // namespace atrium
