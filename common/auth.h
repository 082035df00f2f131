// Identity and roles: who is calling, verified from a JWT bearer token.
//
// Every call carries `authorization: Bearer <JWT>`. The token's claims:
//   sub        staff id or "service:<name>"              (required)
//   name       display name                              (optional)
//   role       manager | key_account_manager | clerk | gm_office | inspector |
//              service | department | fnb | rooms | front_office |
//              engineering | finance                     (required)
//   department for role "department": which one          (required then)
//   exp        expiry, seconds since the epoch           (required)
//
//   TokenVerifier verifier(TokenAlgorithm::kHs256, key, &clock);
//   absl::StatusOr<Principal> who = verifier.Verify(token);
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time_util.h"
#include "grpcpp/server_context.h"

namespace atrium {

enum class Role { kManager, kKeyAccountManager, kClerk, kGmOffice, kInspector, kDepartment, kService };

// The well-known departments, which may be a token's role by themselves; a
// token with role "department" may name any other in its department claim.
inline constexpr std::string_view kDepartments[] = {"fnb", "rooms", "front_office", "engineering", "finance"};
// [a-z][a-z0-9_]*, up to 32 characters.
bool IsDepartmentName(std::string_view name);

std::string_view RoleName(Role role);

struct Principal {
  std::string subject;
  std::string display_name;
  Role role = Role::kClerk;
  // Set for Role::kDepartment, e.g. "fnb".
  std::string department;
  // The bearer token the call came with: a call made on this person's behalf
  // to another service carries it (set by TokenVerifier::Authenticate).
  std::string token = {};

  bool Is(Role r) const { return role == r; }
  bool IsDepartment(std::string_view d) const { return role == Role::kDepartment && department == d; }
  // Returns OK when the role is one of `roles`, else PERMISSION_DENIED naming `rule`.
  absl::Status Require(std::initializer_list<Role> roles, std::string_view rule) const;
};

enum class TokenAlgorithm { kHs256, kRs256, kEs256 };

absl::StatusOr<TokenAlgorithm> ParseAlgorithm(std::string_view name);

class TokenVerifier final {
 public:
  // `key`: the HMAC secret for HS256, the PEM public key for RS256/ES256.
  TokenVerifier(TokenAlgorithm alg, std::string key, const Clock* clock);

  // Verified tokens are remembered (up to kCacheSize) until they expire.
  absl::StatusOr<Principal> Verify(std::string_view token) const;
  // Reads and verifies the `authorization` metadata of a call.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContext& context) const;

  static constexpr size_t kCacheSize = 10000;

 private:
  absl::StatusOr<Principal> VerifyUncached(std::string_view token, absl::Time* expires) const;

  struct Verified {
    Principal principal;
    absl::Time expires;
  };
  TokenAlgorithm alg_;
  std::string key_;
  const Clock* clock_;
  mutable absl::Mutex cache_mu_;
  mutable std::unordered_map<std::string, Verified> cache_ ABSL_GUARDED_BY(cache_mu_);
};

// Signs a token (development tokens, a service's own identity). `key` is the
// HMAC secret for HS256 or the PEM private key for RS256/ES256.
absl::StatusOr<std::string> MintToken(TokenAlgorithm alg, std::string_view key, const Principal& who,
                                      absl::Time expires);

// The token of a service acting on its own (`service:<name>`, role
// service), for the work it does after a person's call returned (outboxes,
// schedules). Minted with the service's signing key, valid an hour, renewed
// five minutes before it expires. Thread-safe.
class ServiceTokenSource final {
 public:
  ServiceTokenSource(TokenAlgorithm alg, std::string signing_key, std::string service_name);
  // "" if the key cannot sign (logged).
  std::string Token();

 private:
  TokenAlgorithm alg_;
  std::string key_;
  Principal who_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time expires_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// Parses a role claim ("fnb" becomes kDepartment with department "fnb").
absl::StatusOr<Principal> PrincipalFromClaims(std::string_view sub, std::string_view name, std::string_view role,
                                              std::string_view department);

}  // namespace atrium
