// Clocks (injectable for tests) and conversions between absl time, protobuf
// Timestamps and calendar dates.
#pragma once

#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "atrium/type/v1/date.pb.h"
#include "atrium/type/v1/month.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace atrium {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& ts);
int64_t ToUnixMicros(const google::protobuf::Timestamp& ts);

// A Date that names a real day between 1900-01-01 and 2200-12-31 (see
// CheckDate in common/validate.h for the status naming the field).
bool IsValidDate(const atrium::type::v1::Date& d);
absl::CivilDay ToCivilDay(const atrium::type::v1::Date& d);
atrium::type::v1::Date ToDate(absl::CivilDay day);
// Sortable integer form, yyyymmdd, and back.
int64_t DateKey(const atrium::type::v1::Date& d);
int64_t DayKey(absl::CivilDay day);
absl::CivilDay FromDayKey(int64_t key);
atrium::type::v1::YearMonth ToYearMonth(absl::CivilMonth month);
// Today's date in `zone` at `now`.
atrium::type::v1::Date Today(absl::Time now, absl::TimeZone zone);

}  // namespace atrium
