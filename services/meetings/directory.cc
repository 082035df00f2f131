#include "services/meetings/directory.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace atrium::meetings {

ClientsDirectory::ClientsDirectory(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(clients::v1::ClientsService::NewStub(std::move(channel))), deadline_(deadline) {}

absl::StatusOr<AccountInfo> ClientsDirectory::Lookup(const Principal& who, const std::string& account) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  ctx.AddMetadata("authorization", "Bearer " + who.token);
  clients::v1::GetAccountRequest req;
  req.set_name(account);
  clients::v1::Account a;
  grpc::Status s = stub_->GetAccount(&ctx, req, &a);
  switch (s.error_code()) {
    case grpc::StatusCode::OK: break;
    case grpc::StatusCode::NOT_FOUND: return NotFound("account", account);
    case grpc::StatusCode::PERMISSION_DENIED:
      return PermissionDenied(absl::StrCat("the clients service refused: ", s.error_message()));
    case grpc::StatusCode::INVALID_ARGUMENT: return InvalidArgument("meeting.account", s.error_message());
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(
          absl::StrCat("the clients service cannot be reached (", s.error_message(), "); nothing was changed, retry"));
    default: return absl::InternalError(absl::StrCat("the clients service answered: ", s.error_message()));
  }
  AccountInfo info;
  info.name = a.name();
  info.owner = a.owner();
  info.display_name = a.display_name();
  info.archived = a.state() == clients::v1::Account::ARCHIVED;
  return info;
}

}  // namespace atrium::meetings
