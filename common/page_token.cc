#include "common/page_token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace atrium {
namespace {
constexpr size_t kMacBytes = 16;

void PutString(std::string* out, std::string_view s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  out->append(s);
}
}  // namespace

std::string PageTokens::Mac(std::string_view query, std::string_view payload) const {
  std::string message;
  PutString(&message, query);
  message.append(payload);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &len);
  return std::string(reinterpret_cast<char*>(digest), kMacBytes);
}

std::string PageTokens::Encode(std::string_view query, const std::vector<std::string>& position) const {
  std::string payload;
  for (const auto& p : position) PutString(&payload, p);
  std::string raw = Mac(query, payload) + payload;
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::vector<std::string>> PageTokens::Decode(std::string_view token, std::string_view query) const {
  if (token.empty()) return std::vector<std::string>{};
  std::string raw;
  auto bad = [] { return InvalidArgument("page_token", "is not a token returned by this method for the same query"); };
  if (token.size() > 4096 || !absl::WebSafeBase64Unescape(std::string(token), &raw) || raw.size() < kMacBytes)
    return bad();
  std::string_view payload = std::string_view(raw).substr(kMacBytes);
  std::string expected = Mac(query, payload);
  if (CRYPTO_memcmp(expected.data(), raw.data(), kMacBytes) != 0) return bad();
  std::vector<std::string> position;
  size_t i = 0;
  while (i < payload.size()) {
    if (i + 4 > payload.size()) return bad();
    uint32_t n = 0;
    for (int k = 0; k < 4; ++k) n |= static_cast<uint32_t>(static_cast<unsigned char>(payload[i + k])) << (8 * k);
    i += 4;
    if (i + n > payload.size()) return bad();
    position.emplace_back(payload.substr(i, n));
    i += n;
  }
  return position;
}

std::string PageTokens::EncodeAfter(std::string_view query, int64_t number, const std::string& key) const {
  return Encode(query, {absl::StrCat(number), key});
}

absl::StatusOr<PageTokens::After> PageTokens::DecodeAfter(std::string_view token, std::string_view query) const {
  ASSIGN_OR_RETURN(auto pos, Decode(token, query));
  if (pos.empty()) return After();
  int64_t number = 0;
  if (pos.size() != 2 || !absl::SimpleAtoi(pos[0], &number)) return InvalidArgument("page_token", "is malformed");
  return After(std::make_pair(number, std::move(pos[1])));
}

std::string PageTokens::EncodeAfterKey(std::string_view query, const std::string& key) const {
  return Encode(query, {key});
}

absl::StatusOr<std::string> PageTokens::DecodeAfterKey(std::string_view token, std::string_view query) const {
  ASSIGN_OR_RETURN(auto pos, Decode(token, query));
  if (pos.empty()) return std::string();
  if (pos.size() != 1) return InvalidArgument("page_token", "is malformed");
  return std::move(pos[0]);
}

absl::StatusOr<int> ClampPageSize(int requested, int def, int max) {
  if (requested < 0) return InvalidArgument("page_size", "must not be negative");
  if (requested == 0) return def;
  return requested > max ? max : requested;
}

}  // namespace atrium
