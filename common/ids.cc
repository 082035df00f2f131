#include "common/ids.h"

#include <openssl/rand.h>

#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"

namespace atrium {

std::string NewId(absl::Time now) {
  unsigned char rnd[4];
  if (RAND_bytes(rnd, sizeof rnd) != 1) std::abort();  // The CSPRNG failing is not recoverable.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llx%02x%02x%02x%02x",
                static_cast<unsigned long long>(absl::ToUnixMillis(now)) & 0xFFFFFFFFFFFFULL, rnd[0], rnd[1], rnd[2],
                rnd[3]);
  return buf;
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

absl::StatusOr<std::vector<std::string>> ParseName(std::string_view name, const std::vector<std::string>& collections,
                                                   std::string_view field, bool allow_wildcard) {
  std::vector<std::string> parts = absl::StrSplit(std::string(name), '/');
  std::string pattern;
  for (const auto& c : collections) absl::StrAppend(&pattern, pattern.empty() ? "" : "/", c, "/{id}");
  auto bad = [&] { return InvalidArgument(field, absl::StrCat("must look like ", pattern)); };
  if (name.empty()) return InvalidArgument(field, "is required");
  if (parts.size() != collections.size() * 2) return bad();
  std::vector<std::string> ids;
  for (size_t i = 0; i < collections.size(); ++i) {
    if (parts[2 * i] != collections[i]) return bad();
    const std::string& id = parts[2 * i + 1];
    if (!(IsValidId(id) || (allow_wildcard && id == "-"))) return bad();
    ids.push_back(id);
  }
  return ids;
}

absl::Status ValidateRequestId(std::string_view request_id, std::string_view field) {
  if (request_id.size() > 100) return InvalidArgument(field, "must be at most 100 characters");
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7E) return InvalidArgument(field, "must be printable ASCII without spaces");
  }
  return absl::OkStatus();
}

std::string NewEtag() {
  unsigned char b[8];
  if (RAND_bytes(b, sizeof b) != 1) std::abort();
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(b), sizeof b));
}

}  // namespace atrium
