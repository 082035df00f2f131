#include "services/sales/peers.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/trace.h"

namespace atrium::sales {
namespace {

// A peer's answer as this service passes it on: transient failures are
// UNAVAILABLE, a refusal keeps its code and reason.
absl::Status FromPeer(const grpc::Status& s, const char* peer) {
  if (IsTransientPeerFailure(s)) {
    return absl::UnavailableError(
        absl::StrCat("the ", peer, " service cannot be reached (", s.error_message(), "); nothing was changed, retry"));
  }
  const std::string message = absl::StrCat("the ", peer, " service answered: ", s.error_message());
  switch (s.error_code()) {
    case grpc::StatusCode::PERMISSION_DENIED: return PermissionDenied(message);
    case grpc::StatusCode::UNAUTHENTICATED: return absl::UnauthenticatedError(message);
    case grpc::StatusCode::FAILED_PRECONDITION: return FailedPrecondition(ErrorReason(s), message);
    default: return absl::InternalError(message);
  }
}

void Prepare(grpc::ClientContext& ctx, const Principal& who, absl::Duration deadline) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  ctx.AddMetadata("authorization", "Bearer " + who.token);
  AddTraceMetadata(&ctx);
}

}  // namespace

PeerFigures::PeerFigures(std::shared_ptr<grpc::Channel> meetings, std::shared_ptr<grpc::Channel> clients,
                         absl::Duration deadline)
    : meetings_(meetings::v1::MeetingsService::NewStub(std::move(meetings))),
      clients_(clients::v1::ClientsService::NewStub(std::move(clients))),
      deadline_(deadline) {}

absl::StatusOr<meetings::v1::SalesSummary> PeerFigures::Sales(const Principal& who,
                                                              const meetings::v1::SummarizeSalesRequest& req) {
  grpc::ClientContext ctx;
  Prepare(ctx, who, deadline_);
  meetings::v1::SalesSummary out;
  if (grpc::Status s = meetings_->SummarizeSales(&ctx, req, &out); !s.ok()) return FromPeer(s, "meetings");
  return out;
}

absl::StatusOr<clients::v1::BookSummary> PeerFigures::Book(const Principal& who,
                                                           const clients::v1::SummarizeBookRequest& req) {
  grpc::ClientContext ctx;
  Prepare(ctx, who, deadline_);
  clients::v1::BookSummary out;
  if (grpc::Status s = clients_->SummarizeBook(&ctx, req, &out); !s.ok()) return FromPeer(s, "clients");
  return out;
}

}  // namespace atrium::sales
