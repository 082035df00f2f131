#include "common/time_util.h"

#include "common/validate.h"

namespace atrium {

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t secs = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  ts.set_seconds(secs);
  ts.set_nanos(static_cast<int32_t>(rem * 1000));
  return ts;
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// absl::Time saturates: a stored timestamp beyond int64 microseconds reads as
// the largest or smallest value, never as a wrapped (real) date.
int64_t ToUnixMicros(const google::protobuf::Timestamp& ts) { return absl::ToUnixMicros(FromProto(ts)); }

bool IsValidDate(const atrium::type::v1::Date& d) { return CheckDate(d, "date").ok(); }

absl::CivilDay ToCivilDay(const atrium::type::v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

atrium::type::v1::Date ToDate(absl::CivilDay day) {
  atrium::type::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

int64_t DateKey(const atrium::type::v1::Date& d) {
  return static_cast<int64_t>(d.year()) * 10000 + d.month() * 100 + d.day();
}

int64_t DayKey(absl::CivilDay day) { return day.year() * 10000 + day.month() * 100 + day.day(); }

absl::CivilDay FromDayKey(int64_t key) { return absl::CivilDay(key / 10000, key / 100 % 100, key % 100); }

atrium::type::v1::YearMonth ToYearMonth(absl::CivilMonth month) {
  atrium::type::v1::YearMonth m;
  m.set_year(static_cast<int32_t>(month.year()));
  m.set_month(month.month());
  return m;
}

atrium::type::v1::Date Today(absl::Time now, absl::TimeZone zone) { return ToDate(absl::ToCivilDay(now, zone)); }

}  // namespace atrium
