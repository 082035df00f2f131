#include "common/ids.h"

#include <openssl/rand.h>

#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
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
  if (id.empty() || id.size() > 63 || id.front() == '-' || id.back() == '-') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
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
