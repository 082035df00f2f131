// Domain errors as absl::Status values, and their one translation to gRPC.
//
// Domain code builds errors with the helpers below; they attach the AIP-193
// details (google.rpc.ErrorInfo, BadRequest, ResourceInfo) as status payloads
// keyed by their type URL. ToGrpcStatus() turns such a status into a
// grpc::Status whose binary details are a google.rpc.Status, so any gRPC
// client can read the reason and the field at fault.
//
//   if (name.empty()) return atrium::InvalidArgument("account.display_name", "is required");
//   ...
//   return atrium::ToGrpcStatus(status);
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace atrium {

// The ErrorInfo domain for this process's errors, e.g. "clients.atrium".
void SetErrorDomain(std::string domain);

// INVALID_ARGUMENT naming `field` (e.g. "account.credit_code") and the rule.
absl::Status InvalidArgument(std::string_view field, std::string_view rule);

// NOT_FOUND for a resource name.
absl::Status NotFound(std::string_view resource_type, std::string_view name);

// ALREADY_EXISTS; `metadata` names the existing resource.
absl::Status AlreadyExists(std::string_view reason, std::string_view message,
                           std::map<std::string, std::string> metadata = {});

// FAILED_PRECONDITION with a reason such as "ACCOUNT_ARCHIVED".
absl::Status FailedPrecondition(std::string_view reason, std::string_view message,
                                std::map<std::string, std::string> metadata = {});

// ABORTED for a stale etag.
absl::Status StaleEtag(std::string_view name);

// PERMISSION_DENIED naming the rule that refused the call.
absl::Status PermissionDenied(std::string_view rule);

// UNAUTHENTICATED: missing, expired or forged token.
absl::Status Unauthenticated(std::string_view why);

// UNAVAILABLE / INTERNAL for storage faults; the message never leaks internals.
absl::Status StorageError(std::string_view what);

// Adds google.rpc.ErrorInfo with `reason` to any status.
absl::Status WithReason(absl::Status status, std::string_view reason, std::map<std::string, std::string> metadata = {});

// The single translation of domain statuses into gRPC statuses.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Whether a call to another service failed the way a peer that is
// restarting, overloaded or briefly unreachable fails, so that the same call
// may succeed in a moment: UNAVAILABLE (refused connection, GOAWAY, a call
// arriving while the peer shuts down, the peer's storage busy), CANCELLED
// (the peer ending calls still in flight when its shutdown grace runs out;
// our own outbound calls are never cancelled by us), DEADLINE_EXCEEDED (no
// answer in time) and RESOURCE_EXHAUSTED (the peer's or gRPC's limits on
// concurrent work). Every outbound retry decides with this one predicate:
// transient failures are retried with the short backoff, anything else is an
// answer about the request itself.
bool IsTransientPeerFailure(const grpc::Status& status);

// Reads the ErrorInfo reason out of a grpc::Status' details ("" if none).
std::string ErrorReason(const grpc::Status& status);
// Reads one ErrorInfo metadata value ("" if none).
std::string ErrorMetadata(const grpc::Status& status, const std::string& key);
// Reads the first BadRequest field violation's field ("" if none).
std::string ViolatedField(const grpc::Status& status);

}  // namespace atrium
