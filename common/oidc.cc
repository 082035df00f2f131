#include "common/oidc.h"

#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <curl/curl.h>
#include <jansson.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "spdlog/spdlog.h"

namespace atrium {
namespace {

constexpr size_t kMaxBody = 1 << 20;

struct JsonDeleter {
  void operator()(json_t* j) const { json_decref(j); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

size_t Append(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * n > kMaxBody) return 0;  // ends the transfer
  body->append(data, size * n);
  return size * n;
}

std::string Text(json_t* object, const char* key) {
  const char* v = json_string_value(json_object_get(object, key));
  return v == nullptr ? "" : v;
}

template <typename T, void (*Release)(T*)>
struct Deleter {
  void operator()(T* p) const { Release(p); }
};

void Free(char* p) { std::free(p); }

}  // namespace

HttpGet CurlGet(absl::Duration timeout, bool allow_http) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return [timeout, allow_http](const std::string& url) -> absl::StatusOr<std::string> {
    std::unique_ptr<CURL, Deleter<CURL, curl_easy_cleanup>> curl(curl_easy_init());
    if (!curl) return absl::UnavailableError("cannot start an HTTP request");
    std::string body;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, allow_http ? "http,https" : "https");
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    const CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK) return absl::UnavailableError(absl::StrCat("GET ", url, ": ", curl_easy_strerror(rc)));
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) return absl::UnavailableError(absl::StrCat("GET ", url, ": HTTP ", status));
    return body;
  };
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseRoleMap(std::string_view spec) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view part : absl::StrSplit(absl::string_view(spec.data(), spec.size()), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    kv.first = std::string(absl::StripAsciiWhitespace(kv.first));
    kv.second = std::string(absl::StripAsciiWhitespace(kv.second));
    if (kv.first.empty() || kv.second.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("configuration oidc-role-map: \"", std::string(part), "\" is not value=role"));
    }
    out.push_back(std::move(kv));
  }
  return out;
}

OidcKeys::OidcKeys(std::string issuer, std::string jwks_url, HttpGet get, const Clock* clock,
                   absl::Duration refresh_interval)
    : issuer_(std::move(issuer)),
      get_(std::move(get)),
      clock_(clock),
      refresh_interval_(refresh_interval),
      jwks_url_(std::move(jwks_url)) {}

uint64_t OidcKeys::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

absl::Status OidcKeys::Verify(std::string_view token, uint64_t* generation) {
  cjose_err err;
  std::unique_ptr<cjose_jws_t, Deleter<cjose_jws_t, cjose_jws_release>> jws(
      cjose_jws_import(token.data(), token.size(), &err));
  if (!jws) return Unauthenticated("token is not a compact JWS");
  cjose_header_t* header = cjose_jws_get_protected(jws.get());
  const char* alg_name = cjose_header_get(header, CJOSE_HDR_ALG, &err);
  const char* kid_name = cjose_header_get(header, CJOSE_HDR_KID, &err);
  const std::string alg = alg_name == nullptr ? "" : alg_name, kid = kid_name == nullptr ? "" : kid_name;
  if (alg != "RS256" && alg != "ES256") return Unauthenticated("token header alg must be RS256 or ES256");
  std::shared_ptr<cjose_jwk_t> key;
  {
    absl::MutexLock lock(&mu_);
    auto it = keys_.find(kid);
    if (it == keys_.end() && clock_->Now() - fetched_ >= refresh_interval_) {
      RETURN_IF_ERROR(FetchLocked());
      it = keys_.find(kid);
    }
    if (it == keys_.end()) {
      return Unauthenticated(
          absl::StrCat("token key \"", kid.substr(0, 64), "\" is not one the identity provider publishes"));
    }
    if (it->second.alg != alg) {
      return Unauthenticated(absl::StrCat("token key \"", kid.substr(0, 64), "\" is for ", it->second.alg));
    }
    key = it->second.key;
    if (generation != nullptr) *generation = generation_;
  }
  if (!cjose_jws_verify(jws.get(), key.get(), &err)) return Unauthenticated("token signature is invalid");
  return absl::OkStatus();
}

absl::Status OidcKeys::FetchLocked() {
  // A failed fetch also waits for the interval: a provider that is down is
  // not asked once per call.
  fetched_ = clock_->Now();
  if (jwks_url_.empty()) {
    const std::string discovery = absl::StrCat(absl::StripSuffix(issuer_, "/"), "/.well-known/openid-configuration");
    auto body = get_(discovery);
    if (!body.ok()) return absl::UnavailableError(absl::StrCat("identity provider: ", body.status().message()));
    JsonPtr doc(json_loadb(body->data(), body->size(), 0, nullptr));
    const std::string url = doc ? Text(doc.get(), "jwks_uri") : "";
    if (url.empty()) return absl::UnavailableError("identity provider: its discovery document names no jwks_uri");
    jwks_url_ = url;
  }
  auto body = get_(jwks_url_);
  if (!body.ok()) return absl::UnavailableError(absl::StrCat("identity provider: ", body.status().message()));
  JsonPtr doc(json_loadb(body->data(), body->size(), 0, nullptr));
  json_t* list = doc ? json_object_get(doc.get(), "keys") : nullptr;
  if (!json_is_array(list)) return absl::UnavailableError("identity provider: its JWKS has no keys array");
  std::map<std::string, PublicKey> keys;
  size_t i = 0;
  json_t* k = nullptr;
  json_array_foreach(list, i, k) {
    if (static_cast<int>(keys.size()) >= kMaxKeys) break;
    const std::string use = Text(k, "use");
    if (!use.empty() && use != "sig") continue;
    std::unique_ptr<char, Deleter<char, Free>> text(json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS));
    if (!text) continue;
    cjose_err err;
    cjose_jwk_t* imported = cjose_jwk_import(text.get(), std::strlen(text.get()), &err);
    if (imported == nullptr) {
      spdlog::warn("identity provider key \"{}\" skipped: {}", Text(k, "kid"), err.message);
      continue;
    }
    std::shared_ptr<cjose_jwk_t> key(imported, cjose_jwk_release);
    std::string alg;
    if (key && cjose_jwk_get_kty(key.get(), &err) == CJOSE_JWK_KTY_RSA &&
        cjose_jwk_get_keysize(key.get(), &err) >= 2048) {
      alg = "RS256";
    } else if (key && cjose_jwk_get_kty(key.get(), &err) == CJOSE_JWK_KTY_EC &&
               cjose_jwk_EC_get_curve(key.get(), &err) == CJOSE_JWK_EC_P_256) {
      alg = "ES256";
    }
    if (alg.empty() || (!Text(k, "alg").empty() && Text(k, "alg") != alg)) {
      // e.g. a symmetric key, RSA under 2,048 bits, P-384, RS512: not accepted
      spdlog::warn("identity provider key \"{}\" skipped: not RS256 (RSA of 2048 bits or more) or ES256 (P-256)",
                   Text(k, "kid"));
      continue;
    }
    keys[Text(k, "kid")] = PublicKey{alg, text.get(), std::move(key)};
  }
  if (keys != keys_) {
    keys_ = std::move(keys);
    ++generation_;
    spdlog::info("identity provider keys: {} loaded from {}", keys_.size(), jwks_url_);
  }
  return absl::OkStatus();
}

}  // namespace atrium
