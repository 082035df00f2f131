#include "common/errors.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/text.h"
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

// Every text of a status is valid UTF-8, whatever the request held: the
// details are protobuf strings, which a client could not parse otherwise.
absl::Status Make(absl::StatusCode code, std::string_view message, std::string_view reason,
                  std::map<std::string, std::string> metadata) {
  absl::Status status(code, ToValidUtf8(message));
  return WithReason(std::move(status), reason, std::move(metadata));
}

}  // namespace

void SetErrorDomain(std::string domain) { Domain() = std::move(domain); }

absl::Status WithReason(absl::Status status, std::string_view reason, std::map<std::string, std::string> metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(Domain());
  for (auto& [k, v] : metadata) (*info.mutable_metadata())[ToValidUtf8(k)] = ToValidUtf8(v);
  Attach(status, info);
  return status;
}

absl::Status InvalidArgument(std::string_view field, std::string_view rule) {
  const std::string f = ToValidUtf8(field), r = ToValidUtf8(rule);
  absl::Status status(absl::StatusCode::kInvalidArgument, absl::StrCat(f, " ", r));
  google::rpc::BadRequest bad;
  auto* violation = bad.add_field_violations();
  violation->set_field(f);
  violation->set_description(r);
  Attach(status, bad);
  return WithReason(std::move(status), "INVALID_ARGUMENT", {{"field", f}});
}

absl::Status NotFound(std::string_view resource_type, std::string_view name) {
  const std::string type = ToValidUtf8(resource_type), n = ToValidUtf8(name);
  absl::Status status(absl::StatusCode::kNotFound, absl::StrCat(type, " ", n, " not found"));
  google::rpc::ResourceInfo info;
  info.set_resource_type(type);
  info.set_resource_name(n);
  Attach(status, info);
  return WithReason(std::move(status), "RESOURCE_NOT_FOUND", {{"resource", n}});
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
  const std::string message = ToValidUtf8(std::string(status.message()));
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(status.code()));
  rich.set_message(message);
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    auto* any = rich.add_details();
    any->set_type_url(std::string(url));
    any->set_value(std::string(payload));
  });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message, rich.SerializeAsString());
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
