// Opaque, tamper-proof page tokens for List methods (AIP-158).
//
// A token carries the position after the last item returned (the sort key
// values) and is bound to the query that produced it: it is signed with a
// secret (HMAC-SHA256) over the query's canonical form, so a client can
// neither edit the position nor reuse the token with other filters.
//
//   PageTokens tokens(secret);
//   std::string next = tokens.Encode(query, {last.display_name(), last_id});
//   absl::StatusOr<std::vector<std::string>> pos = tokens.Decode(token, query);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace atrium {

class PageTokens final {
 public:
  explicit PageTokens(std::string secret) : secret_(std::move(secret)) {}

  std::string Encode(std::string_view query, const std::vector<std::string>& position) const;

  // INVALID_ARGUMENT (field "page_token") if the token was altered, is
  // malformed, or belongs to another query. An empty token yields an empty
  // position (the first page).
  absl::StatusOr<std::vector<std::string>> Decode(std::string_view token, std::string_view query) const;

  // The usual keyset position: a number (a time, a day, a sequence) and the
  // unique key after it. None for the first page; INVALID_ARGUMENT as above.
  using After = std::optional<std::pair<int64_t, std::string>>;
  std::string EncodeAfter(std::string_view query, int64_t number, const std::string& key) const;
  absl::StatusOr<After> DecodeAfter(std::string_view token, std::string_view query) const;
  // A position that is one unique key (lists in id order): "" for the first
  // page; INVALID_ARGUMENT as above.
  std::string EncodeAfterKey(std::string_view query, const std::string& key) const;
  absl::StatusOr<std::string> DecodeAfterKey(std::string_view token, std::string_view query) const;

 private:
  std::string Mac(std::string_view query, std::string_view payload) const;
  std::string secret_;
};

// Clamps a requested page size: 0 -> `def`, above `max` -> `max`; negative is
// INVALID_ARGUMENT on "page_size".
absl::StatusOr<int> ClampPageSize(int requested, int def = 50, int max = 1000);

}  // namespace atrium
