#include "services/sales/measures.h"

#include <limits>

#include "common/errors.h"
#include "common/status_macros.h"
#include "common/validate.h"

namespace atrium::sales {

bool FromMeetings(v1::Metric metric) { return metric != v1::NEW_ACCOUNTS && metric != v1::VISITS; }

bool InScope(const v1::Target& t, const std::string& owner, const std::string& segment) {
  switch (t.scope()) {
    case v1::Target::KAM: return owner == t.kam();
    case v1::Target::SEGMENT: return segment == t.segment();
    default: return true;
  }
}

int64_t Measure(const meetings::v1::Revenue& r, v1::Metric metric) {
  switch (metric) {
    case v1::ROOM_NIGHTS: return r.room_nights();
    case v1::ROOM_REVENUE: return r.rooms().amount_minor();
    case v1::FNB_REVENUE: return r.food_and_beverage().amount_minor();
    case v1::CONFERENCE_REVENUE: return r.conference().amount_minor();
    default: return r.total().amount_minor();
  }
}

absl::StatusOr<Months> MonthsOf(const v1::Target& t, int year, const meetings::v1::SalesSummary& sales,
                                const clients::v1::BookSummary& book, bool settled) {
  Months out{};
  auto in_year = [year](const type::v1::YearMonth& m) { return m.year() == year && m.month() >= 1 && m.month() <= 12; };
  if (FromMeetings(t.metric())) {
    for (const auto& c : sales.cells()) {
      if (!c.has_month() || !in_year(c.month()) || !InScope(t, c.owner(), c.segment())) continue;
      const auto& count = settled ? c.actualised() : c.definite();
      RETURN_IF_ERROR(AddToFigure(out[c.month().month() - 1], Measure(count.value(), t.metric())));
    }
    return out;
  }
  for (const auto& c : book.cells()) {
    if (!in_year(c.month()) || !InScope(t, c.owner(), c.segment())) continue;
    RETURN_IF_ERROR(
        AddToFigure(out[c.month().month() - 1], t.metric() == v1::NEW_ACCOUNTS ? c.new_accounts() : c.visits_done()));
  }
  return out;
}

namespace {

template <typename Request>
Request RequestFor(const v1::Target& t, int year, int first, int last) {
  Request req;
  req.mutable_start_month()->set_year(year);
  req.mutable_start_month()->set_month(first);
  req.mutable_end_month()->set_year(year);
  req.mutable_end_month()->set_month(last);
  if (t.scope() == v1::Target::KAM) req.set_owner(t.kam());
  if (t.scope() == v1::Target::SEGMENT) req.set_segment(t.segment());
  return req;
}

}  // namespace

meetings::v1::SummarizeSalesRequest SalesRequest(const v1::Target& t, int year, int first, int last) {
  auto req = RequestFor<meetings::v1::SummarizeSalesRequest>(t, year, first, last);
  // Targets measure definite and settled business only.
  req.mutable_read_mask()->add_paths("cells.definite");
  req.mutable_read_mask()->add_paths("cells.actualised");
  return req;
}

clients::v1::SummarizeBookRequest BookRequest(const v1::Target& t, int year, int first, int last) {
  auto req = RequestFor<clients::v1::SummarizeBookRequest>(t, year, first, last);
  req.set_omit_receivables(true);  // a target measures none of them
  return req;
}

int64_t BasisPoints(int64_t a, int64_t b) {
  if (b <= 0) return 0;
  const __int128 bp = static_cast<__int128>(a) * 10000 / b;
  return bp > std::numeric_limits<int64_t>::max() ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(bp);
}

v1::Measure MeasureOf(int64_t target, int64_t achieved, int64_t last_year) {
  v1::Measure m;
  m.set_target(target);
  m.set_achieved(achieved);
  m.set_last_year(last_year);
  m.set_attainment_basis_points(BasisPoints(achieved, target));
  m.set_growth_basis_points(BasisPoints(achieved, last_year));
  return m;
}

}  // namespace atrium::sales
