#include "common/errors.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace atrium {
namespace {

constexpr char kTypePrefix[] = "type.googleapis.com/";

std::string& Domain() {
  static std::string domain = "atrium";
  return domain;
}

template <typename Message>
std::string TypeUrl() {
  return absl::StrCat(kTypePrefix, Message::descriptor()->full_name());
}

template <typename Message>
void Attach(absl::Status& status, const Message& message) {
  status.SetPayload(TypeUrl<Message>(), absl::Cord(message.SerializeAsString()));
}

absl::Status Make(absl::StatusCode code, std::string_view message, std::string_view reason,
                  std::map<std::string, std::string> metadata) {
  absl::Status status(code, std::string(message));
  return WithReason(std::move(status), reason, std::move(metadata));
}

}  // namespace

void SetErrorDomain(std::string domain) { Domain() = std::move(domain); }

absl::Status WithReason(absl::Status status, std::string_view reason, std::map<std::string, std::string> metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(Domain());
  for (auto& [k, v] : metadata) (*info.mutable_metadata())[k] = v;
  Attach(status, info);
  return status;
}

absl::Status InvalidArgument(std::string_view field, std::string_view rule) {
  absl::Status status(absl::StatusCode::kInvalidArgument, absl::StrCat(std::string(field), " ", std::string(rule)));
  google::rpc::BadRequest bad;
  auto* violation = bad.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(rule));
  Attach(status, bad);
  return WithReason(std::move(status), "INVALID_ARGUMENT", {{"field", std::string(field)}});
}

absl::Status NotFound(std::string_view resource_type, std::string_view name) {
  absl::Status status(absl::StatusCode::kNotFound,
                      absl::StrCat(std::string(resource_type), " ", std::string(name), " not found"));
  google::rpc::ResourceInfo info;
  info.set_resource_type(std::string(resource_type));
  info.set_resource_name(std::string(name));
  Attach(status, info);
  return WithReason(std::move(status), "RESOURCE_NOT_FOUND", {{"resource", std::string(name)}});
}

absl::Status AlreadyExists(std::string_view reason, std::string_view message,
                           std::map<std::string, std::string> metadata) {
  return Make(absl::StatusCode::kAlreadyExists, message, reason, std::move(metadata));
}

absl::Status FailedPrecondition(std::string_view reason, std::string_view message,
                                std::map<std::string, std::string> metadata) {
  return Make(absl::StatusCode::kFailedPrecondition, message, reason, std::move(metadata));
}

absl::Status StaleEtag(std::string_view name) {
  return Make(absl::StatusCode::kAborted,
              absl::StrCat(std::string(name), " was changed by someone else: read it again and retry"), "STALE_ETAG",
              {{"resource", std::string(name)}});
}

absl::Status PermissionDenied(std::string_view rule) {
  return Make(absl::StatusCode::kPermissionDenied, std::string(rule), "PERMISSION_DENIED", {});
}

absl::Status Unauthenticated(std::string_view why) {
  return Make(absl::StatusCode::kUnauthenticated, why, "UNAUTHENTICATED", {});
}

absl::Status StorageError(std::string_view what) {
  return Make(absl::StatusCode::kUnavailable, absl::StrCat("storage unavailable: ", std::string(what)),
              "STORAGE_UNAVAILABLE", {});
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(status.code()));
  rich.set_message(std::string(status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    auto* any = rich.add_details();
    any->set_type_url(std::string(url));
    any->set_value(std::string(payload));
  });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      rich.SerializeAsString());
}

namespace {
template <typename Message>
bool FindDetail(const grpc::Status& status, Message* out) {
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) return false;
  for (const auto& any : rich.details()) {
    if (any.type_url() == TypeUrl<Message>()) return out->ParseFromString(any.value());
  }
  return false;
}
}  // namespace

bool IsTransientPeerFailure(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return true;
    default: return false;
  }
}

std::string ErrorReason(const grpc::Status& status) {
  google::rpc::ErrorInfo info;
  return FindDetail(status, &info) ? info.reason() : "";
}

std::string ErrorMetadata(const grpc::Status& status, const std::string& key) {
  google::rpc::ErrorInfo info;
  if (!FindDetail(status, &info)) return "";
  auto it = info.metadata().find(key);
  return it == info.metadata().end() ? "" : it->second;
}

std::string ViolatedField(const grpc::Status& status) {
  google::rpc::BadRequest bad;
  if (!FindDetail(status, &bad) || bad.field_violations_size() == 0) return "";
  return bad.field_violations(0).field();
}

}  // namespace atrium
