// Resource ids and resource-name parsing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace atrium {

// A new resource id: 12 hex digits of milliseconds then 8 random hex digits,
// so ids sort by creation time and never collide in practice.
std::string NewId(absl::Time now);

// A new etag: 16 random hex digits.
std::string NewEtag();

// True for ids a client may use in a name: 1..63 of [a-z0-9-], beginning and
// ending with a letter or digit (so the wildcard "-" is never an id).
bool IsValidId(std::string_view id);

// Parses "accounts/{a}/contacts/{c}" against the collections
// {"accounts","contacts"} and returns the ids, or INVALID_ARGUMENT naming
// `field`: ParseResourceName (common/names.h) with the pattern
// "accounts/{accounts}/contacts/{contacts}". The id "-" is accepted where
// `allow_wildcard` says so (as the parent of a List).
absl::StatusOr<std::vector<std::string>> ParseName(std::string_view name, const std::vector<std::string>& collections,
                                                   std::string_view field, bool allow_wildcard = false);

// Idempotency keys (request_id): up to 100 printable ASCII characters.
absl::Status ValidateRequestId(std::string_view request_id, std::string_view field = "request_id");

}  // namespace atrium
