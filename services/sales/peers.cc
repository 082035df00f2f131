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

namespace {

// One unary call of `stub` as `who`, its refusal passed on (FromPeer).
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                              const Principal& who, const Request& req, absl::Duration deadline, const char* peer) {
  grpc::ClientContext ctx;
  Prepare(ctx, who, deadline);
  Response out;
  if (grpc::Status s = (stub->*method)(&ctx, req, &out); !s.ok()) return FromPeer(s, peer);
  return out;
}

}  // namespace

absl::StatusOr<meetings::v1::SalesSummary> PeerFigures::Sales(const Principal& who,
                                                              const meetings::v1::SummarizeSalesRequest& req) {
  return Call(meetings_.get(), &meetings::v1::MeetingsService::Stub::SummarizeSales, who, req, deadline_, "meetings");
}

absl::StatusOr<clients::v1::BookSummary> PeerFigures::Book(const Principal& who,
                                                           const clients::v1::SummarizeBookRequest& req) {
  return Call(clients_.get(), &clients::v1::ClientsService::Stub::SummarizeBook, who, req, deadline_, "clients");
}

absl::StatusOr<clients::v1::WorkDay> PeerFigures::WorkDay(const Principal& who,
                                                          const clients::v1::SummarizeWorkDayRequest& req) {
  return Call(clients_.get(), &clients::v1::ClientsService::Stub::SummarizeWorkDay, who, req, deadline_, "clients");
}

absl::StatusOr<meetings::v1::ListMeetingChangesResponse> PeerFigures::Changes(
    const Principal& who, const meetings::v1::ListMeetingChangesRequest& req) {
  return Call(meetings_.get(), &meetings::v1::MeetingsService::Stub::ListMeetingChanges, who, req, deadline_,
              "meetings");
}

}  // namespace atrium::sales
