#include "services/meetings/facts.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "common/validate.h"
#include "services/meetings/agreement.h"

namespace atrium::meetings {
namespace {

using v1::Meeting;

}  // namespace

Amounts AmountsOf(const v1::Revenue& r) {
  return {r.room_nights(), r.rooms().amount_minor(), r.food_and_beverage().amount_minor(),
          r.conference().amount_minor(), r.total().amount_minor()};
}

v1::Revenue RevenueOf(const Amounts& a) {
  v1::Revenue r;
  r.set_room_nights(a.room_nights);
  *r.mutable_rooms() = Cny(a.rooms);
  *r.mutable_food_and_beverage() = Cny(a.fnb);
  *r.mutable_conference() = Cny(a.conference);
  *r.mutable_total() = Cny(a.total);
  return r;
}

v1::Revenue RevenueOf(const v1::Agreement& a) {
  // The lines and their sum are bounded by 10^15 fen when priced, so no
  // category's sum can pass it; the room block by 1,000 x 5,000.
  Amounts out;
  for (const auto& line : a.prices()) {
    const int64_t amount = line.amount().amount_minor();
    switch (line.category()) {
      case v1::ROOMS: out.rooms += amount; break;
      case v1::FNB: out.fnb += amount; break;
      default: out.conference += amount; break;
    }
    out.total += amount;
  }
  for (const auto& night : a.room_block()) out.room_nights += night.rooms();
  return RevenueOf(out);
}

v1::Revenue RevenueOf(const v1::Settlement& s, const v1::Revenue& agreed) {
  Amounts out;
  out.room_nights = agreed.room_nights();
  for (const auto& line : s.lines()) {
    const int64_t amount = line.charged() ? line.actual().amount_minor() : line.agreed().amount_minor();
    switch (line.category()) {
      case v1::ROOMS: out.rooms += amount; break;
      case v1::FNB: out.fnb += amount; break;
      default: out.conference += amount; break;
    }
  }
  // The attrition charged is rooms revenue.
  if (s.has_attrition() && !s.attrition().waived()) out.rooms += s.attrition().amount().amount_minor();
  out.total = s.actual_total().amount_minor();
  return RevenueOf(out);
}

absl::Status AddTo(Amounts& a, const Amounts& b) {
  RETURN_IF_ERROR(AddToFigure(a.room_nights, b.room_nights));
  RETURN_IF_ERROR(AddToFigure(a.rooms, b.rooms));
  RETURN_IF_ERROR(AddToFigure(a.fnb, b.fnb));
  RETURN_IF_ERROR(AddToFigure(a.conference, b.conference));
  return AddToFigure(a.total, b.total);
}

int64_t MonthOf(absl::Time t, absl::TimeZone zone) {
  const absl::CivilMonth m(absl::ToCivilDay(t, zone));
  return m.year() * 100 + m.month();
}

bool IsDefinite(int state) { return state >= Meeting::CONTRACTED && state <= Meeting::SETTLED; }

SalesFact FactOf(const Meeting& m, absl::TimeZone zone) {
  SalesFact f;
  f.meeting_id = m.name().substr(sizeof("meetings/") - 1);
  f.account = m.account();
  f.owner = m.owner();
  f.segment = m.segment();
  f.state = m.state();
  if (m.has_start_time()) f.event_month = MonthOf(FromProto(m.start_time()), zone);
  f.create_month = MonthOf(FromProto(m.audit().create_time()), zone);
  for (const auto& change : m.history()) {
    if (change.to() == Meeting::CONTRACTED) f.contracted = true;
    if (change.to() == Meeting::LOST || change.to() == Meeting::CANCELLED) {
      f.close_month = MonthOf(FromProto(change.time()), zone);
    }
  }
  f.value = AmountsOf(m.revenue());
  f.actual = AmountsOf(m.actual_revenue());
  f.lost_reason = m.lost_reason();
  f.competitor = m.competitor();
  f.lost_value = m.lost_value().amount_minor();
  f.history_size = m.history_size();
  return f;
}

std::vector<DefiniteChange> DefiniteChanges(const std::optional<SalesFact>& before, const SalesFact& now) {
  const bool was = before && IsDefinite(before->state);
  const bool is = IsDefinite(now.state);
  std::vector<DefiniteChange> out;
  if (!was && is) {
    out.push_back({DefiniteChange::kNew, now.event_month, 1, now.value});
  } else if (was && !is) {
    out.push_back({DefiniteChange::kCancelled, before->event_month, -1, before->value.Negated()});
  } else if (was && is) {
    if (before->event_month != now.event_month) {
      out.push_back({DefiniteChange::kSlippedOut, before->event_month, -1, before->value.Negated()});
      out.push_back({DefiniteChange::kSlippedIn, now.event_month, 1, now.value});
    } else if (!(before->value == now.value)) {
      out.push_back({DefiniteChange::kRevalued, now.event_month, 0, now.value.Minus(before->value)});
    }
  }
  return out;
}

}  // namespace atrium::meetings
