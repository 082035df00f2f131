// The rules of group business (团队业务), without storage: a room block's
// figures from the signed agreement and the group's reservations, the
// release of unpicked rooms at the cut-off, the attrition a bill charges,
// and where each instalment of the payment schedule stands.
//
//   v1::RoomBlock block = BlockOf(agreement, previous);   // on signing
//   RETURN_IF_ERROR(Tally(block, reservations));           // on each pickup
//   const int released = Release(block, now);              // at the cut-off
//   ASSIGN_OR_RETURN(auto attrition, AttritionOf(agreement.block_terms(), block));
//   auto schedule = ScheduleOf(agreement, payments, today, zone);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "atrium/meetings/v1/meetings.pb.h"

namespace atrium::meetings {

// The most reservations a block holds: active ones (the request's bound
// too), and stored ones, cancelled included.
inline constexpr int kMaxActiveReservations = 5000;
inline constexpr int kMaxStoredReservations = 20000;

// The block of the signed agreement `a` (named meetings/{m}/agreements/{v}):
// its nights contracted and held. `previous`, the block of the version
// before (or null), passes on its history (releases, extensions) and, when
// the new version keeps the cut-off date an extension moved, the extended
// date. Reservations are counted by Tally.
v1::RoomBlock BlockOf(const v1::Agreement& a, const v1::RoomBlock* previous);

// INVALID_ARGUMENT naming `field` (e.g. "reservations[3]") unless `r` keeps
// the rules of Reservation.
absl::Status ValidateReservation(const v1::Reservation& r, const std::string& field);

// Counts the active `reservations` into the block: each night's picked-up
// rooms (a night or room type outside the contract is added with nothing
// contracted), what it holds (the contracted rooms or more while HELD, the
// picked-up ones once RELEASED), and the totals.
void Tally(v1::RoomBlock& block, const std::vector<v1::Reservation>& reservations);

// The cut-off: the block holds only what is picked up; the release is
// recorded. Returns the room nights released (0 changes nothing but the
// state).
int Release(v1::RoomBlock& block, absl::Time now);

// The attrition of `block` under `terms`, or nothing when the agreement has
// no attrition clause. Per night (every room type together): the
// contracted rooms times the threshold, rounded up, less those picked up,
// times the rate; checked sums (INVALID_ARGUMENT on `settlement.attrition`
// past 10^15 fen).
absl::StatusOr<std::optional<v1::Attrition>> AttritionOf(const v1::RoomBlockTerms& terms, const v1::RoomBlock& block);

// The instalments of `a`: its payment schedule, or a deposit above zero due
// on the day it was signed (in `zone`).
std::vector<v1::Instalment> InstalmentsOf(const v1::Agreement& a, absl::TimeZone zone);

// The instalments of `a` with `payments` matched to them in the order they
// fall due (then as listed), as of `today`.
std::vector<v1::InstalmentStatus> ScheduleOf(const v1::Agreement& a,
                                             const google::protobuf::RepeatedPtrField<v1::Payment>& payments,
                                             absl::CivilDay today, absl::TimeZone zone);

}  // namespace atrium::meetings
