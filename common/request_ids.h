// Idempotent creates: the one rule for a request's `request_id`.
//
// A request id is scoped to its caller (role, department and subject) and to
// the method. Stored with it is a digest of the whole request message, parent
// included. A retry (same caller, same method, same request) returns the
// resource the first call created; anything else sent under that id by the
// same caller is refused ALREADY_EXISTS with reason REQUEST_ID_REUSED. Another
// caller's id of the same spelling is a different key: it never reaches
// someone else's resource. Look the key up only once the caller is authorised
// for the request, so that a refused caller learns nothing.
//
//   auto key = RequestKeyOf("CreateContact", who, req, req.request_id());
//   if (!key.ok()) return key.status();                  // malformed request_id
//   ... inside the write, after the access checks:
//   auto original = OriginalOf(tx, *key);   // name of the original, nullopt, or REQUEST_ID_REUSED
//   ... create, then RememberOriginal(tx, *key, resource.name(), now);
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "google/protobuf/message.h"

namespace atrium {

// Where a request id is stored: the method, the caller and the id itself,
// with the digest of the request that first used it.
struct RequestKey {
  std::string method;      // e.g. "CreateBooking"
  std::string caller;      // CallerOf(principal)
  std::string request_id;  // as the client sent it
  std::string digest;      // RequestDigest(request)
};

// What the store remembers of a request id: what it created, and from what.
struct RememberedRequest {
  std::string resource_name;
  std::string digest;
};

// The caller a request id belongs to: "role:subject", or
// "department/{d}:subject" for a department token.
std::string CallerOf(const Principal& who);

// SHA-256 (hex) of the request's deterministic serialization.
std::string RequestDigest(const google::protobuf::Message& request);

// The key of `request` from `who`, or nullopt when `request_id` is empty
// (no idempotency asked), or INVALID_ARGUMENT on "request_id" when it is
// malformed (more than 100 characters, or not printable ASCII).
absl::StatusOr<std::optional<RequestKey>> RequestKeyOf(std::string_view method, const Principal& who,
                                                       const google::protobuf::Message& request,
                                                       std::string_view request_id);

// The rule, given what the store holds for `key`: nullopt when nothing
// (create), the name of the original when the digest matches (a retry), else
// ALREADY_EXISTS with reason REQUEST_ID_REUSED.
absl::StatusOr<std::optional<std::string>> Replay(const RequestKey& key,
                                                  const std::optional<RememberedRequest>& remembered);

// Looks `key` up through a store transaction's LookupRequest(const
// RequestKey&) and applies Replay; nullopt when no key was given.
template <typename Tx>
absl::StatusOr<std::optional<std::string>> OriginalOf(Tx& tx, const std::optional<RequestKey>& key) {
  if (!key) return std::optional<std::string>();
  auto remembered = tx.LookupRequest(*key);
  if (!remembered.ok()) return remembered.status();
  return Replay(*key, *remembered);
}

// Stores `key` for `resource_name` through the transaction; nothing without a key.
template <typename Tx>
absl::Status RememberOriginal(Tx& tx, const std::optional<RequestKey>& key, const std::string& resource_name,
                              absl::Time now) {
  if (!key) return absl::OkStatus();
  return tx.RememberRequest(*key, resource_name, absl::ToUnixMicros(now));
}

}  // namespace atrium
