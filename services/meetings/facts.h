// What the sales figures (SummarizeSales) are computed from, derived from
// each meeting as it is stored, without storage: one fact per meeting (its
// owner, segment, months, stage and worth), the changes of the definite
// business it makes (so that the books can be read as they stood at any
// time, for pace), and what its agreement and bill are worth in the
// measures of the targets.
//
//   SalesFact now = FactOf(meeting, zone);
//   for (const DefiniteChange& c : DefiniteChanges(before, now)) ...  // before: the stored fact, if any
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atrium/meetings/v1/meetings.pb.h"

namespace atrium::meetings {

// A Revenue in plain integers (fen; room nights).
struct Amounts {
  int64_t room_nights = 0;
  int64_t rooms = 0;
  int64_t fnb = 0;
  int64_t conference = 0;
  int64_t total = 0;

  bool operator==(const Amounts&) const = default;
  Amounts Negated() const { return {-room_nights, -rooms, -fnb, -conference, -total}; }
  Amounts Minus(const Amounts& o) const {
    return {room_nights - o.room_nights, rooms - o.rooms, fnb - o.fnb, conference - o.conference, total - o.total};
  }
};

Amounts AmountsOf(const v1::Revenue& r);
v1::Revenue RevenueOf(const Amounts& a);
// What an agreement is worth: its lines by category, and the rooms x
// nights of its room block.
v1::Revenue RevenueOf(const v1::Agreement& a);
// What a bill came to by category (room nights as `agreed`).
v1::Revenue RevenueOf(const v1::Settlement& s, const v1::Revenue& agreed);

// a += b for every measure; FAILED_PRECONDITION SUM_TOO_LARGE when a
// figure would pass 10^15.
absl::Status AddTo(Amounts& a, const Amounts& b);

// yyyymm of `t` in `zone`.
int64_t MonthOf(absl::Time t, absl::TimeZone zone);

// A meeting as the figures see it.
struct SalesFact {
  std::string meeting_id;
  std::string account;
  std::string owner;
  std::string segment;
  int state = 0;
  int64_t event_month = 0;   // of the start; 0 = no dates yet
  int64_t create_month = 0;  // the enquiry was recorded
  bool contracted = false;   // it has been CONTRACTED (even if cancelled since)
  int64_t close_month = 0;   // lost or cancelled; 0 = not
  Amounts value;             // Meeting.revenue
  Amounts actual;            // Meeting.actual_revenue
  std::string lost_reason;
  std::string competitor;
  int64_t lost_value = 0;
  int history_size = 0;  // the moves already recorded as changes

  bool operator==(const SalesFact&) const = default;
};

SalesFact FactOf(const v1::Meeting& m, absl::TimeZone zone);

// Whether a meeting in `state` is definite business (CONTRACTED to
// SETTLED).
bool IsDefinite(int state);

// A change of the definite business one meeting makes.
struct DefiniteChange {
  enum Kind {
    kNew = 1,         // became definite (+ its value at its month)
    kCancelled = 2,   // definite business cancelled (- its value)
    kRevalued = 3,    // the same month, another value (+ the difference)
    kSlippedOut = 4,  // moved out of its month (- its old value there)
    kSlippedIn = 5,   // ... and into the new one (+ its new value)
  };
  Kind kind = kNew;
  int64_t event_month = 0;
  int meetings = 0;  // +1, -1 or 0: how the count of definite meetings changes
  Amounts delta;
};

// What changed from `before` (nullopt: a new meeting) to `now`.
std::vector<DefiniteChange> DefiniteChanges(const std::optional<SalesFact>& before, const SalesFact& now);

}  // namespace atrium::meetings
