// The hotel's OpenID Connect provider (Keycloak, Azure AD, …) as the source
// of who works where: the public keys it signs tokens with, fetched from its
// JWKS document and fetched again when a token names a key not seen yet (a
// rotation needs no restart), and how its claims map to Atrium's roles.
// TokenVerifier (auth.h) verifies the provider's tokens with these.
//
//   OidcKeys keys(issuer, "", CurlGet(absl::Seconds(2), false), clock, absl::Seconds(30));
//   RETURN_IF_ERROR(keys.Verify(token, &generation));   // the signature, by cjose
//
// The keys and signatures are cjose's (Debian's JOSE library): libjwt 1.10
// refuses a token whose typ is not "JWT", and RFC 9068 access tokens say
// "at+jwt".
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time_util.h"

// cjose's key (cjose/jwk.h).
typedef struct _cjose_jwk_int cjose_jwk_t;

namespace atrium {

// GETs a URL and returns the body of a 200 answer; UNAVAILABLE otherwise.
using HttpGet = std::function<absl::StatusOr<std::string>(const std::string& url)>;

// HttpGet by libcurl: TLS verified against the system's CAs, https only
// unless `allow_http` (a provider on loopback in a test or a local set-up),
// no redirects, at most 1 MiB, within `timeout`.
HttpGet CurlGet(absl::Duration timeout, bool allow_http);

// How the provider's claims become an Atrium principal (the oidc-* settings).
struct OidcRules {
  // The provider's issuer, exactly as in its tokens' `iss`.
  std::string issuer;
  // What `aud` must hold (the string, or one of the array's).
  std::string audience;
  // The claim holding the person's groups or roles (a string or an array of
  // strings), e.g. "roles", "groups", "realm_access.roles" (a dotted path
  // into objects).
  std::string roles_claim = "roles";
  // Provider value -> Atrium role (a staff role, "service", a department,
  // or "department" with `department_claim`), in order: the first value the
  // token holds decides.
  std::vector<std::pair<std::string, std::string>> role_map;
  // The claim naming a department for role "department" (empty = none).
  std::string department_claim;
  // The display name.
  std::string name_claim = "name";
};

// Parses "value=role,value=role" (the oidc-role-map setting).
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseRoleMap(std::string_view spec);

// The provider's signing keys by kid. Thread-safe.
class OidcKeys final {
 public:
  // `jwks_url` empty: the provider's discovery document
  // ({issuer}/.well-known/openid-configuration) names it. Nothing is fetched
  // before the first token needs a key, so a service starts while the
  // provider is down. The keys are fetched at most once per
  // `refresh_interval`, whatever the tokens name.
  OidcKeys(std::string issuer, std::string jwks_url, HttpGet get, const Clock* clock, absl::Duration refresh_interval);

  // Checks the signature of `token` (a compact JWS) with the key its header
  // names (kid, which may be empty for a provider's only key without one;
  // alg RS256 for an RSA key of 2,048 bits or more, ES256 for P-256). A kid
  // not known is fetched for; UNAUTHENTICATED for a bad signature, another
  // algorithm or a key the provider does not publish, UNAVAILABLE when its
  // keys cannot be fetched. `generation`, when given, gets the generation
  // the key belongs to.
  absl::Status Verify(std::string_view token, uint64_t* generation = nullptr);

  // Changes whenever the published keys change (a verified token is
  // checked again then: a removed key's tokens stop working).
  uint64_t generation() const;

  static constexpr int kMaxKeys = 100;

 private:
  struct PublicKey {
    std::string alg;
    std::string jwk;  // as published, to tell a change
    std::shared_ptr<cjose_jwk_t> key;
    bool operator==(const PublicKey& o) const { return alg == o.alg && jwk == o.jwk; }
  };
  absl::Status FetchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string issuer_;
  const HttpGet get_;
  const Clock* clock_;
  const absl::Duration refresh_interval_;
  mutable absl::Mutex mu_;
  std::string jwks_url_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, PublicKey> keys_ ABSL_GUARDED_BY(mu_);
  absl::Time fetched_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace atrium
