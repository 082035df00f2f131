#include "services/sales/peers.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/trace.h"
#include "common/validate.h"

namespace atrium::sales {
namespace {

using v1::Metric;
using v1::Target;

// A peer's refusal as this service answers it.
absl::Status FromPeer(const grpc::Status& s, const char* peer) {
  if (IsTransientPeerFailure(s)) {
    return absl::UnavailableError(
        absl::StrCat("the ", peer, " service cannot be reached (", s.error_message(), "); nothing was changed, retry"));
  }
  switch (s.error_code()) {
    case grpc::StatusCode::PERMISSION_DENIED:
      return PermissionDenied(absl::StrCat("the ", peer, " service refused: ", s.error_message()));
    default: return absl::InternalError(absl::StrCat("the ", peer, " service answered: ", s.error_message()));
  }
}

void Prepare(grpc::ClientContext& ctx, const Principal& who, absl::Duration deadline) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  ctx.AddMetadata("authorization", "Bearer " + who.token);
  AddTraceMetadata(&ctx);
}

template <typename Request>
void Range(Request& req, const Target& t, int year) {
  req.mutable_start_month()->set_year(year);
  req.mutable_start_month()->set_month(1);
  req.mutable_end_month()->set_year(year);
  req.mutable_end_month()->set_month(12);
  if (t.scope() == Target::KAM) req.set_owner(t.kam());
  if (t.scope() == Target::SEGMENT) req.set_segment(t.segment());
}

int64_t Measure(const meetings::v1::Revenue& r, Metric metric) {
  switch (metric) {
    case v1::ROOM_NIGHTS: return r.room_nights();
    case v1::ROOM_REVENUE: return r.rooms().amount_minor();
    case v1::FNB_REVENUE: return r.food_and_beverage().amount_minor();
    case v1::CONFERENCE_REVENUE: return r.conference().amount_minor();
    default: return r.total().amount_minor();
  }
}

// month += value, refused past 10^15 (SplitByWeights' bound on a weight).
absl::Status AddTo(int64_t& month, int64_t value) {
  int64_t sum = 0;
  if (__builtin_add_overflow(month, value, &sum) || sum > kMaxAmountMinor || sum < 0) {
    return FailedPrecondition("SUM_TOO_LARGE", "last year's figure of a month passes 10^15");
  }
  month = sum;
  return absl::OkStatus();
}

}  // namespace

PeerFigures::PeerFigures(std::shared_ptr<grpc::Channel> meetings, std::shared_ptr<grpc::Channel> clients,
                         absl::Duration deadline)
    : meetings_(meetings::v1::MeetingsService::NewStub(std::move(meetings))),
      clients_(clients::v1::ClientsService::NewStub(std::move(clients))),
      deadline_(deadline) {}

absl::StatusOr<Months> PeerFigures::MonthsOf(const Principal& who, const Target& t, int year) {
  Months out{};
  if (t.metric() == v1::NEW_ACCOUNTS || t.metric() == v1::VISITS) {
    clients::v1::SummarizeBookRequest req;
    Range(req, t, year);
    clients::v1::BookSummary book;
    grpc::ClientContext ctx;
    Prepare(ctx, who, deadline_);
    if (grpc::Status s = clients_->SummarizeBook(&ctx, req, &book); !s.ok()) return FromPeer(s, "clients");
    for (const auto& c : book.cells()) {
      if (c.month().year() != year || c.month().month() < 1 || c.month().month() > 12) continue;
      RETURN_IF_ERROR(
          AddTo(out[c.month().month() - 1], t.metric() == v1::NEW_ACCOUNTS ? c.new_accounts() : c.visits_done()));
    }
    return out;
  }
  meetings::v1::SummarizeSalesRequest req;
  Range(req, t, year);
  meetings::v1::SalesSummary sales;
  grpc::ClientContext ctx;
  Prepare(ctx, who, deadline_);
  if (grpc::Status s = meetings_->SummarizeSales(&ctx, req, &sales); !s.ok()) return FromPeer(s, "meetings");
  for (const auto& c : sales.cells()) {
    if (!c.has_month() || c.month().year() != year || c.month().month() < 1 || c.month().month() > 12) continue;
    RETURN_IF_ERROR(AddTo(out[c.month().month() - 1], Measure(c.actualised().value(), t.metric())));
  }
  return out;
}

}  // namespace atrium::sales
