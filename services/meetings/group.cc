#include "services/meetings/group.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/meetings/agreement.h"

namespace atrium::meetings {
namespace {

using v1::RoomBlock;

constexpr int kLongestStay = 31;

bool IsReferenceChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// The nights a reservation counts for: arrival to the night before departure.
template <typename Fn>
void ForEachNight(const v1::Reservation& r, Fn&& fn) {
  const absl::CivilDay last = ToCivilDay(r.departure_date());
  for (absl::CivilDay d = ToCivilDay(r.arrival_date()); d < last; ++d) fn(d);
}

std::string DayText(absl::CivilDay d) { return absl::FormatCivilTime(d); }

}  // namespace

RoomBlock BlockOf(const v1::Agreement& a, const RoomBlock* previous) {
  RoomBlock b;
  b.set_name(absl::StrCat(a.name().substr(0, a.name().find("/agreements/")), "/block"));
  b.set_agreement(a.name());
  b.set_state(RoomBlock::HELD);
  std::map<std::pair<int64_t, std::string>, const v1::RoomNight*> nights;
  for (const auto& n : a.room_block()) nights[{DateKey(n.night()), n.room_type()}] = &n;
  for (const auto& [key, n] : nights) {
    auto* out = b.add_nights();
    *out->mutable_night() = n->night();
    out->set_room_type(n->room_type());
    out->set_contracted(n->rooms());
    out->set_blocked(n->rooms());
  }
  if (a.block_terms().has_cut_off_date()) *b.mutable_cut_off_date() = a.block_terms().cut_off_date();
  if (previous != nullptr) {
    *b.mutable_releases() = previous->releases();
    *b.mutable_extensions() = previous->extensions();
    // The new version keeps the date the manager extended: the extension
    // stands.
    if (b.has_cut_off_date() && previous->extensions_size() > 0 && previous->has_cut_off_date() &&
        DateKey(previous->extensions(0).from_date()) == DateKey(b.cut_off_date())) {
      *b.mutable_cut_off_date() = previous->cut_off_date();
    }
    if (previous->has_audit()) *b.mutable_audit() = previous->audit();
  }
  return b;
}

absl::Status ValidateReservation(const v1::Reservation& r, const std::string& f) {
  if (r.reference().empty() || r.reference().size() > 64 ||
      !std::all_of(r.reference().begin(), r.reference().end(), IsReferenceChar)) {
    return InvalidArgument(f + ".reference", "must be 1 to 64 of A-Z a-z 0-9 . _ -");
  }
  RETURN_IF_ERROR(CheckText(r.room_type(), f + ".room_type", 100, true));
  if (!r.has_arrival_date()) return InvalidArgument(f + ".arrival_date", "is required");
  RETURN_IF_ERROR(CheckDate(r.arrival_date(), f + ".arrival_date"));
  if (!r.has_departure_date()) return InvalidArgument(f + ".departure_date", "is required");
  RETURN_IF_ERROR(CheckDate(r.departure_date(), f + ".departure_date"));
  const int64_t nights = ToCivilDay(r.departure_date()) - ToCivilDay(r.arrival_date());
  if (nights < 1) return InvalidArgument(f + ".departure_date", "must be after arrival_date");
  if (nights > kLongestStay) return InvalidArgument(f + ".departure_date", "at most 31 nights after arrival_date");
  if (r.rooms() < 1 || r.rooms() > 100) return InvalidArgument(f + ".rooms", "must be between 1 and 100");
  return CheckText(r.guest_name(), f + ".guest_name", 100);
}

void Tally(RoomBlock& block, const std::vector<v1::Reservation>& reservations) {
  std::map<std::pair<int64_t, std::string>, RoomBlock::Night> nights;
  for (const auto& n : block.nights()) {
    if (n.contracted() == 0) continue;  // counted again below, if still reserved
    RoomBlock::Night kept = n;
    kept.set_picked_up(0);
    nights[{DateKey(n.night()), n.room_type()}] = std::move(kept);
  }
  int active = 0;
  for (const auto& r : reservations) {
    if (r.cancelled()) continue;
    ++active;
    ForEachNight(r, [&](absl::CivilDay d) {
      auto& n = nights[{DayKey(d), r.room_type()}];
      if (!n.has_night()) {
        *n.mutable_night() = ToDate(d);
        n.set_room_type(r.room_type());
      }
      // At most 5,000 reservations of 100 rooms: no overflow.
      n.set_picked_up(n.picked_up() + r.rooms());
    });
  }
  block.clear_nights();
  int contracted = 0, blocked = 0, picked = 0;
  const bool released = block.state() == RoomBlock::RELEASED;
  for (auto& [key, n] : nights) {
    // Held: the contracted rooms, or more when more are reserved; after the
    // cut-off (and outside the contract) only what is reserved.
    n.set_blocked(released ? n.picked_up() : std::max(n.contracted(), n.picked_up()));
    contracted += n.contracted();
    blocked += n.blocked();
    picked += n.picked_up();
    *block.add_nights() = std::move(n);
  }
  block.set_contracted_room_nights(contracted);
  block.set_blocked_room_nights(blocked);
  block.set_picked_up_room_nights(picked);
  block.set_reservations(active);
}

int Release(RoomBlock& block, absl::Time now) {
  int released = 0;
  for (auto& n : *block.mutable_nights()) {
    released += n.blocked() - n.picked_up();
    n.set_blocked(n.picked_up());
  }
  block.set_blocked_room_nights(block.picked_up_room_nights());
  block.set_state(RoomBlock::RELEASED);
  auto* r = block.add_releases();
  *r->mutable_time() = ToProto(now);
  *r->mutable_cut_off_date() = block.cut_off_date();
  r->set_room_nights(released);
  return released;
}

absl::StatusOr<std::optional<v1::Attrition>> AttritionOf(const v1::RoomBlockTerms& terms, const RoomBlock& block) {
  const int threshold = terms.attrition_threshold_basis_points();
  if (threshold <= 0) return std::optional<v1::Attrition>();
  v1::Attrition out;
  out.set_threshold_basis_points(threshold);
  *out.mutable_rate() = Cny(terms.attrition_rate().amount_minor());
  const int64_t rate = terms.attrition_rate().amount_minor();
  std::map<int64_t, std::pair<int64_t, int64_t>> nights;  // day -> (contracted, picked up)
  for (const auto& n : block.nights()) {
    auto& [contracted, picked] = nights[DateKey(n.night())];
    contracted += n.contracted();
    picked += n.picked_up();
  }
  const std::string percent = absl::StrFormat("%g%%", threshold / 100.0);
  std::string workings;
  int64_t total = 0, shortfall = 0;
  for (const auto& [key, figures] : nights) {
    const auto [contracted, picked] = figures;
    if (contracted == 0) continue;  // a night outside the contract owes nothing
    const int64_t required = (contracted * threshold + 9999) / 10000;
    const int64_t short_by = std::max<int64_t>(0, required - picked);
    ASSIGN_OR_RETURN(const int64_t amount, MultiplyAmount(rate, short_by, "settlement.attrition"));
    auto* n = out.add_nights();
    *n->mutable_night() = ToDate(FromDayKey(key));
    n->set_contracted(static_cast<int32_t>(contracted));
    n->set_required(static_cast<int32_t>(required));
    n->set_picked_up(static_cast<int32_t>(picked));
    n->set_shortfall(static_cast<int32_t>(short_by));
    *n->mutable_amount() = Cny(amount);
    ASSIGN_OR_RETURN(total, AddAmounts(total, amount, "settlement.attrition"));
    shortfall += short_by;
    absl::StrAppend(&workings, DayText(FromDayKey(key)), ": 合同 ", contracted, " 间 × ", percent, " = ", required,
                    " 间，实际入住 ", picked, " 间，差 ", short_by, " 间 × ", YuanText(rate), " = ", YuanText(amount),
                    " 元\n");
  }
  absl::StrAppend(&workings, "合计 ", shortfall, " 间夜，", YuanText(total), " 元");
  out.set_shortfall_room_nights(static_cast<int32_t>(shortfall));
  *out.mutable_amount() = Cny(total);
  out.set_workings(std::move(workings));
  return std::optional<v1::Attrition>(std::move(out));
}

std::vector<v1::Instalment> InstalmentsOf(const v1::Agreement& a, absl::TimeZone zone) {
  std::vector<v1::Instalment> out(a.payment_schedule().begin(), a.payment_schedule().end());
  if (out.empty() && a.deposit().amount_minor() > 0 && a.has_sign_time()) {
    v1::Instalment deposit;
    deposit.set_label("定金");
    *deposit.mutable_due_date() = Today(FromProto(a.sign_time()), zone);
    *deposit.mutable_amount() = Cny(a.deposit().amount_minor());
    out.push_back(std::move(deposit));
  }
  return out;
}

std::vector<v1::InstalmentStatus> ScheduleOf(const v1::Agreement& a,
                                             const google::protobuf::RepeatedPtrField<v1::Payment>& payments,
                                             absl::CivilDay today, absl::TimeZone zone) {
  const std::vector<v1::Instalment> instalments = InstalmentsOf(a, zone);
  std::vector<size_t> order(instalments.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return DateKey(instalments[x].due_date()) < DateKey(instalments[y].due_date());
  });
  // The payments of a meeting stay within 10^15 fen together.
  int64_t left = 0;
  for (const auto& p : payments) left += p.amount().amount_minor();
  std::vector<v1::InstalmentStatus> out(instalments.size());
  for (size_t i : order) {
    const auto& in = instalments[i];
    auto& s = out[i];
    s.set_label(in.label());
    *s.mutable_due_date() = in.due_date();
    *s.mutable_amount() = Cny(in.amount().amount_minor());
    const int64_t paid = std::min(left, in.amount().amount_minor());
    left -= paid;
    *s.mutable_paid() = Cny(paid);
    if (paid == in.amount().amount_minor()) {
      s.set_state(v1::InstalmentStatus::PAID);
    } else {
      s.set_state(ToCivilDay(in.due_date()) < today ? v1::InstalmentStatus::OVERDUE : v1::InstalmentStatus::DUE);
    }
  }
  return out;
}

}  // namespace atrium::meetings
