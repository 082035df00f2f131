#include "services/meetings/directory.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/trace.h"

namespace atrium::meetings {

ClientsDirectory::ClientsDirectory(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(clients::v1::ClientsService::NewStub(std::move(channel))), deadline_(deadline) {}

absl::StatusOr<AccountInfo> ClientsDirectory::Lookup(const Principal& who, const std::string& account) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  ctx.AddMetadata("authorization", "Bearer " + who.token);
  AddTraceMetadata(&ctx);
  clients::v1::GetAccountRequest req;
  req.set_name(account);
  clients::v1::Account a;
  grpc::Status s = stub_->GetAccount(&ctx, req, &a);
  if (IsTransientPeerFailure(s)) {
    return absl::UnavailableError(
        absl::StrCat("the clients service cannot be reached (", s.error_message(), "); nothing was changed, retry"));
  }
  switch (s.error_code()) {
    case grpc::StatusCode::OK: break;
    case grpc::StatusCode::NOT_FOUND: return NotFound("account", account);
    case grpc::StatusCode::PERMISSION_DENIED:
      return PermissionDenied(absl::StrCat("the clients service refused: ", s.error_message()));
    case grpc::StatusCode::INVALID_ARGUMENT: return InvalidArgument("meeting.account", s.error_message());
    default: return absl::InternalError(absl::StrCat("the clients service answered: ", s.error_message()));
  }
  AccountInfo info;
  info.name = a.name();
  info.owner = a.owner();
  info.display_name = a.display_name();
  info.archived = a.state() == clients::v1::Account::ARCHIVED;
  info.industry_segment = a.industry_segment();
  return info;
}

NotificationsBoard::NotificationsBoard(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(notifications::v1::NotificationsService::NewStub(std::move(channel))), deadline_(deadline) {}

namespace {

// A call to the notifications service on `who`'s behalf.
void OnBehalf(grpc::ClientContext& ctx, const Principal& who, absl::Duration deadline) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  ctx.AddMetadata("authorization", "Bearer " + who.token);
  AddTraceMetadata(&ctx);
}

// What a failed call is here (NOT_FOUND is each caller's own): unreachable
// is UNAVAILABLE (`after`: what that left undone), a refusal keeps its code.
absl::Status FromNotifications(const grpc::Status& s, const char* after) {
  if (IsTransientPeerFailure(s)) {
    return absl::UnavailableError(
        absl::StrCat("the notifications service cannot be reached (", s.error_message(), "); ", after, ", retry"));
  }
  if (s.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return PermissionDenied(absl::StrCat("the notifications service refused: ", s.error_message()));
  }
  return absl::InternalError(absl::StrCat("the notifications service answered: ", s.error_message()));
}

}  // namespace

absl::StatusOr<std::optional<NoticeStatus>> NotificationsBoard::Status(const Principal& who,
                                                                       const std::string& notice_id) {
  grpc::ClientContext ctx;
  OnBehalf(ctx, who, deadline_);
  notifications::v1::GetNoticeRequest req;
  req.set_name(absl::StrCat("notices/", notice_id));
  notifications::v1::Notice n;
  grpc::Status s = stub_->GetNotice(&ctx, req, &n);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return std::optional<NoticeStatus>();
  if (!s.ok()) return FromNotifications(s, "nothing was changed");
  NoticeStatus out;
  out.current_revision = n.current_revision();
  out.departments.assign(n.departments().begin(), n.departments().end());
  return std::optional<NoticeStatus>(std::move(out));
}

absl::StatusOr<notifications::v1::NoticeRevision> NotificationsBoard::Revision(const Principal& who,
                                                                               const std::string& notice_id,
                                                                               int revision) {
  grpc::ClientContext ctx;
  OnBehalf(ctx, who, deadline_);
  notifications::v1::GetNoticeRevisionRequest req;
  req.set_name(absl::StrCat("notices/", notice_id, "/revisions/", revision));
  notifications::v1::NoticeRevision out;
  grpc::Status s = stub_->GetNoticeRevision(&ctx, req, &out);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::UnavailableError(absl::StrCat(req.name(), " has not reached the notifications service yet; retry"));
  }
  if (!s.ok()) return FromNotifications(s, "nothing was printed");
  return out;
}

}  // namespace atrium::meetings
